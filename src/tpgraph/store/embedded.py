"""The embedded store: one built dataset in memory in pyoxigraph, behind the ``Store`` interface.

pyoxigraph evaluates our queries about 40 times faster than rdflib's engine. The default graph of every query
is the union of the named graphs, so a query without GRAPH sees every claim, and ``GRAPH ?g`` recovers which
source a row rests on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pyoxigraph as ox

from tpgraph.model.namespaces import QUERY_PREFIXES
from tpgraph.sparql.prescan import QueryRefused, prescan
from tpgraph.store.answers import Solutions, capped_answer
from tpgraph.store.interface import RESULT_FORMATS, QueryAnswer, QueryError, QueryJob, SelectResult, Term

if TYPE_CHECKING:
    from tpgraph.store.external import ExternalGraph

NATIVE_FORMATS = {"json": ox.QueryResultsFormat.JSON, "tsv": ox.QueryResultsFormat.TSV}
NATIVE_MIN_ROW_BYTES = {"json": 3, "tsv": 1}
"""Fewest bytes a row takes in each format pyoxigraph writes natively: ``{},`` in JSON, a newline in TSV."""

NATIVE_MAX_BYTES = 32 * 1024 * 1024
"""Largest answer written natively; a bigger one goes through the capped writers (it has too many rows anyway)."""


class NativeBudget:
    """A write-only buffer that refuses to grow past ``limit`` bytes (OverflowError)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        if len(self.data) + len(chunk) > self.limit:
            raise OverflowError("the answer is larger than the native-writer budget")
        self.data += chunk
        return len(chunk)

    def flush(self) -> None:
        """pyoxigraph flushes the output at the end."""


def native_row_count(body: bytes, fmt: str) -> int:
    """Rows in an answer pyoxigraph wrote: TSV escapes line breaks inside terms, so lines are rows."""
    if fmt == "tsv":
        return body.count(b"\n") - 1
    return len(json.loads(body)["results"]["bindings"])


def native_row_bound(body: bytes, fmt: str) -> int:
    """At least as many rows as an answer pyoxigraph wrote holds, counted without parsing it.

    In SPARQL JSON as pyoxigraph writes it (no whitespace), ``},{`` outside a string occurs only between two
    rows: inside a row a binding follows a binding as ``},"name"``, and the parts of a triple term as
    ``},"predicate"``. Inside a string it may occur (a literal holding it), which can only raise the count. So
    when this bound is within the row cap the answer is, and the answer is sent as written: the common case
    never parses what the worker wrote (it cost as much as writing it, measured in bench/).
    """
    if fmt == "tsv":
        return body.count(b"\n") - 1
    return body.count(b"},{") + 1


class OxigraphStore:
    """An in-memory pyoxigraph store holding one built dataset."""

    def __init__(self, store: ox.Store):
        self._store = store

    @classmethod
    def from_nquads(cls, path: Path) -> OxigraphStore:
        """Load a built ``tpgraph.nq`` (bulk loading: the dataset is immutable once built)."""
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    @classmethod
    def from_dist(cls, dist: Path) -> OxigraphStore:
        nquads = dist / "tpgraph.nq"
        if not nquads.is_file():
            raise FileNotFoundError(f"no built dataset at {nquads}; run 'tpgraph build' first")
        return cls.from_nquads(nquads)

    def add_external(self, paths: Sequence[Path], progress: TextIO | None = None) -> list[ExternalGraph]:
        """Load extra RDF files (an Uberon or FMA release) beside the build, each into its own named graph.

        The loading itself lives in ``tpgraph.store.external``; this only hands it the store. Raises ExternalDataError.
        """
        from tpgraph.store.external import load_external

        return load_external(self._store, paths, progress)

    def _run(self, query: str, bindings: Mapping[str, Term] | None):
        substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
        try:
            # pyoxigraph's union default graph would override a FROM clause; honour the query's own dataset.
            union = not prescan(query).dataset_clause
        except QueryRefused:
            union = True  # the parser reports the real problem below
        try:
            return self._store.query(
                query,
                use_default_graph_as_union=union,
                prefixes=QUERY_PREFIXES,
                substitutions=substitutions or None,
            )
        except SyntaxError as err:
            raise QueryError(str(err)) from err

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        return SelectResult.from_solutions(result)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def serialized(self, query: str, media_type: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """The answer in a W3C format named by media type (SPARQL JSON/XML/CSV/TSV, or an RDF syntax)."""
        result = self._run(query, bindings)
        if isinstance(result, ox.QueryTriples):
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            if rdf_format is None:
                raise QueryError(f"cannot write a graph as {media_type}")
            return result.serialize(format=rdf_format) or b""
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is None:
            raise QueryError(f"cannot write query results as {media_type}")
        return result.serialize(format=results_format) or b""

    def execute(self, job: QueryJob) -> QueryAnswer:
        """Evaluate a protocol request, writing at most ``row_cap`` rows or triples in the wanted format.

        A SELECT answer in JSON or TSV is written by pyoxigraph's own serialiser: those are the formats where
        tpgraph's writers and pyoxigraph's agree byte for byte, and the native writer is several times faster.
        Only an answer with more than ``row_cap`` rows is evaluated a second time, through tpgraph's capped
        writers, which announce the truncation.
        """
        try:
            result = self._evaluate(job)
            fmt = RESULT_FORMATS.get(job.media_type)
            if isinstance(result, ox.QuerySolutions) and fmt in NATIVE_FORMATS:
                native = self._native_select(result, job, fmt)
                if native is not None:
                    return native
                result = self._evaluate(job)  # the native writer used the solutions up
        except SyntaxError as err:
            return QueryAnswer.failure(400, f"query syntax error: {err}")
        except (ValueError, RuntimeError) as err:  # e.g. a function the engine does not implement
            return QueryAnswer.failure(400, f"the query cannot be evaluated: {err}")
        try:
            return self._answer(result, job)
        except ValueError as err:  # a term the wanted syntax cannot hold (control characters in XML)
            return QueryAnswer.failure(406, f"the results cannot be written as {job.media_type}: {err}")
        except RuntimeError as err:  # raised lazily while rows are produced
            return QueryAnswer.failure(400, f"the query cannot be evaluated: {err}")

    def _evaluate(self, job: QueryJob):
        return self._store.query(
            job.query,
            use_default_graph_as_union=job.default_graphs is None and not job.query_dataset,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs] if job.default_graphs is not None else None,
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None,
            prefixes=QUERY_PREFIXES,
        )

    @staticmethod
    def _native_select(result: ox.QuerySolutions, job: QueryJob, fmt: str) -> QueryAnswer | None:
        """The answer written by pyoxigraph when it has at most ``row_cap`` rows; None otherwise.

        Rows are only counted when the body is big enough to hold more than ``row_cap`` of them, and then first
        bounded without parsing (``native_row_bound``); only a body whose bound passes the cap is parsed to
        count exactly. An error raised while rows are produced also gives None: the capped path reports it.
        """
        buffer = NativeBudget(NATIVE_MAX_BYTES)
        try:
            result.serialize(buffer, NATIVE_FORMATS[fmt])
        except (OverflowError, ValueError, RuntimeError):
            return None
        body = bytes(buffer.data)
        if (len(body) >= NATIVE_MIN_ROW_BYTES[fmt] * job.row_cap and native_row_bound(body, fmt) > job.row_cap
                and native_row_count(body, fmt) > job.row_cap):
            return None
        return QueryAnswer(200, body, job.media_type)

    def _answer(self, result, job: QueryJob) -> QueryAnswer:
        if isinstance(result, ox.QueryBoolean):
            return capped_answer(bool(result), job)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            return capped_answer(Solutions(variables, (tuple(s[v] for v in variables) for s in result)), job)
        return capped_answer(result, job)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def counts(self) -> dict[str, int]:
        """Quads per named graph."""
        result = self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in result}  # type: ignore[index, union-attr]

    def run(self, query: str, bindings: Mapping[str, Term] | None = None):
        """Any query form: a SelectResult, a bool or a list of triples."""
        result = self._run(query, bindings)
        if isinstance(result, ox.QuerySolutions):
            return SelectResult.from_solutions(result)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        return list(result)
