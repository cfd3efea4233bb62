"""Every named query's answers, pinned row by row in tests/snapshots/ so a data change that changes a clinical
answer shows up as a reviewed diff.

Rows are compared as RDF terms (N-Triples syntax, which is one string per term), in order when the query has
ORDER BY and as a multiset otherwise. ``--update-snapshots`` rewrites the snapshot files from the current data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tpgraph.catalogue.named_queries import NamedQuery, load_catalogue
from tpgraph.catalogue.parameters import bind, resolve
from tpgraph.sparql.values import with_values
from tpgraph.model.schema import RECORD_TYPES
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]
SNAPSHOTS = REPO / "tests" / "snapshots"
CATALOGUE = {q.name: q for q in load_catalogue(REPO / "queries")}
CASES = YAML(typ="safe").load((SNAPSHOTS / "cases.yaml").read_text(encoding="utf-8"))

Row = list[str | None]


def answer(store: OxigraphStore, query: NamedQuery, values: dict[str, str]) -> tuple[list[str], list[Row]]:
    result = store.select(bind(store, query, values))
    return list(result.variables), [[None if t is None else str(t) for t in row] for row in result]


def is_ordered(query: NamedQuery) -> bool:
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"\bORDER\s+BY\b", body, flags=re.IGNORECASE) is not None


def snapshot_path(name: str) -> Path:
    return SNAPSHOTS / f"{name}.yaml"


def test_every_query_has_cases_and_every_case_a_query() -> None:
    assert sorted(CASES) == sorted(CATALOGUE)


def test_parameterised_queries_have_discriminating_cases(store: OxigraphStore) -> None:
    for name, spec in CASES.items():
        query = CATALOGUE[name]
        cases = spec["cases"]
        if not query.parameters:
            assert cases == [{}], name
            continue
        answers = [answer(store, query, values)[1] for values in cases]
        assert answers[0] and answers[1] and answers[0] != answers[1], f"{name}: two different non-empty answers"
        if "empty" in spec:
            assert len(cases) == 2, name
        else:
            assert len(cases) == 3 and answers[2] == [], f"{name}: the third case gives no rows"


@pytest.mark.parametrize("name", sorted(n for n, spec in CASES.items() if "empty" in spec))
def test_queries_without_an_empty_case_answer_for_every_record(store: OxigraphStore, name: str) -> None:
    """Where the cases file says no value gives an empty answer, that is checked over every record of the type."""
    query = CATALOGUE[name]
    (parameter,) = query.parameters
    for type_name in parameter.types:
        klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
        records = [row[0] for row in store.select("SELECT ?r ?class WHERE { ?r a ?class }", {"class": klass})]
        assert records
        for record in records:
            assert len(store.select(with_values(query.text, {parameter.name: record}))), f"{name}: {record}"


def write_snapshot(name: str, query: NamedQuery, found: list[dict]) -> None:
    """One row per line (a flow sequence), so a changed answer is a one-line diff."""
    for case in found:
        case["parameters"] = flow(case["parameters"])
        case["variables"] = flow(case["variables"])
        case["rows"] = [flow(row) for row in case["rows"]]
    yaml = YAML()
    yaml.width = 100_000
    with snapshot_path(name).open("w", encoding="utf-8") as out:
        out.write(f"# Answers of queries/{name}.rq; regenerate with pytest --update-snapshots after review.\n")
        yaml.dump({"query": name, "ordered": is_ordered(query), "cases": found}, out)


def flow(value: list | dict) -> CommentedSeq | CommentedMap:
    node = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
    node.fa.set_flow_style()
    return node


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_answers_match_the_snapshot(store: OxigraphStore, name: str, request: pytest.FixtureRequest) -> None:
    query = CATALOGUE[name]
    found = []
    for values in CASES[name]["cases"]:
        variables, rows = answer(store, query, values)
        found.append({"parameters": values, "variables": variables, "rows": rows})
    if request.config.getoption("--update-snapshots"):
        write_snapshot(name, query, found)
        return
    path = snapshot_path(name)
    assert path.is_file(), f"no snapshot for {name}: run pytest tests/test_named_queries.py --update-snapshots"
    expected = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert expected["ordered"] == is_ordered(query)
    assert [case["parameters"] for case in expected["cases"]] == [case["parameters"] for case in found]
    for want, got in zip(expected["cases"], found, strict=True):
        assert got["variables"] == want["variables"], f"{name} {got['parameters']}"
        if expected["ordered"]:
            assert got["rows"] == want["rows"], f"{name} {got['parameters']}"
        else:
            assert sorted(map(repr, got["rows"])) == sorted(map(repr, want["rows"])), f"{name} {got['parameters']}"


def test_snapshots_are_not_stale() -> None:
    """A snapshot whose query was deleted or renamed goes too."""
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.yaml") if p.stem != "cases") == sorted(CATALOGUE)


def test_a_value_resolves_before_it_reaches_the_query(store: OxigraphStore) -> None:
    """The snapshot cases name records as a person would; each resolves to exactly one record."""
    for name, spec in CASES.items():
        for values in spec["cases"]:
            for key, value in values.items():
                (parameter,) = [p for p in CATALOGUE[name].parameters if p.name == key]
                assert resolve(store, parameter.types, value).value.startswith("https://w3id.org/tpgraph/id/")
