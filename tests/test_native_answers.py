"""The row cap on answers pyoxigraph writes natively, enforced without parsing them (issue 15: parsing a
large answer again to count its rows cost as much as writing it). The cheap bound may only over-count."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from tpgraph.store.embedded import OxigraphStore, native_row_bound, native_row_count
from tpgraph.store.interface import QueryJob

JSON = "application/sparql-results+json"
TSV = "text/tab-separated-values"
EX = "http://example.org/"


@pytest.fixture(scope="module")
def tricky() -> OxigraphStore:
    """Rows whose literals hold the row separator, empty rows, triple terms, and long answers."""
    store = ox.Store()
    for n in range(40):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal("a},{b},{" * n + "\n\t\"")))
    return OxigraphStore(store)


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_the_bound_never_undercounts(tricky: OxigraphStore, fmt: str) -> None:
    for query in ("SELECT ?s ?o WHERE { ?s ?p ?o }", "SELECT ?x WHERE { ?s ?p ?o }",  # 40 empty rows
                  "SELECT ?t WHERE { ?s ?p ?o BIND(<<( ?s ?p ?o )>> AS ?t) }", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 0"):
        media = JSON if fmt == "json" else TSV
        body = tricky.execute(QueryJob(query, media, row_cap=100_000)).body
        rows = native_row_count(body, fmt)
        assert native_row_bound(body, fmt) >= rows, query
        if fmt == "json":
            assert rows == len(json.loads(body)["results"]["bindings"])


@pytest.mark.parametrize("media", [JSON, TSV])
def test_answers_over_the_cap_are_cut_and_say_so_and_others_are_whole(tricky: OxigraphStore, media: str) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    # A cap small enough that the body is counted: the separators inside literals push the bound past it.
    for cap, truncated, rows in ((5, True, 5), (40, False, 40), (39, True, 39)):
        answer = tricky.execute(QueryJob(query, media, row_cap=cap))
        assert (answer.status, answer.truncated) == (200, truncated)
        fmt = "json" if media == JSON else "tsv"
        assert native_row_count(answer.body, fmt) == rows
