"""Experiment behind one suggested optimisation: a cheaper SPARQL JSON writer for tpgraph's worker.

tpgraph writes SELECT results with its own writer (``tpgraph.sparql.result_writers.write_select``: a Python string
per term) so it can cap rows. This times, per template, the query with pyoxigraph's native serialisation, the
query with rows materialised as tuples (what ``OxigraphStore._answer`` does), ``write_select`` on those rows,
and a sketch of a faster writer (one dict per distinct term, cached, and a single C ``json.dumps``), and
checks that the sketch writes the same bytes. The sketch covers IRIs, blank nodes and plain, language-tagged
and typed literals only (no base directions, no triple terms). It changes nothing in tpgraph.

    taskset -c 1 python bench/writer_experiment.py DIST_DIR
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import BY_NAME

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def median_ms(call: Callable[[], object], repeat: int = 30) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> int:
    import pyoxigraph as ox

    from tpgraph.sparql.result_writers import write_select
    from tpgraph.store.embedded import OxigraphStore

    raw: ox.Store = OxigraphStore.from_dist(Path(sys.argv[1]))._store

    def term_dict(term) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out

    def sketch(variables: list[str], rows: list[tuple]) -> bytes:
        cache: dict[object, dict[str, str]] = {}
        bindings = []
        for row in rows:
            binding = {}
            for name, term in zip(variables, row, strict=True):
                if term is None:
                    continue
                value = cache.get(term)
                if value is None:
                    value = cache[term] = term_dict(term)
                binding[name] = value
            bindings.append(binding)
        document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    for name in ("muscle_optional", "factors_union", "claims_per_source", "label_regex", "muscle_roots"):
        text = BY_NAME[name].text()

        def native(text: str = text) -> bytes:
            return raw.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)

        def tuples(text: str = text) -> tuple[list[str], list[tuple]]:
            result = raw.query(text, use_default_graph_as_union=True)
            variables = [v.value for v in result.variables]
            return variables, [tuple(s[v] for v in variables) for s in result]

        variables, rows = tuples()
        same = sketch(variables, rows) == write_select(variables, rows, "json")
        shipped = median_ms(lambda v=variables, r=rows: write_select(v, r, "json"))
        faster = median_ms(lambda v=variables, r=rows: sketch(v, r))
        print(f"{name:<18} rows={len(rows):<4} query+native JSON {median_ms(native):7.2f} ms | query+tuples "
              f"{median_ms(tuples):7.2f} ms | write_select {shipped:6.2f} ms | sketch {faster:6.2f} ms | "
              f"same bytes: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
