"""tpgraph on production triple stores: push with the Graph Store Protocol, query through the SPARQL Protocol.

Real servers are started here (tests/triple_stores.py): an Oxigraph server (the ``oxigraph`` binary of the
``test`` extra) and a private Virtuoso open source instance (Debian's ``virtuoso-opensource``, installed by
.ci/run). Nothing is skipped: a server that cannot start fails its tests with its log. Answers are compared
with the embedded store as RDF terms (N-Triples syntax), in order for queries with ORDER BY and as multisets
otherwise.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_server import free_port, live_server, post
from test_named_queries import CASES, CATALOGUE, is_ordered
from triple_stores import (VIRTUOSO_PASSWORD, VIRTUOSO_USER, TripleStore, oxigraph_server, part_of_build,
                           virtuoso_server)

from tpgraph.build.dist import BuildResult
from tpgraph.cli import main
from tpgraph.model.namespaces import GRAPH_BASE
from tpgraph.catalogue.parameters import bind
from tpgraph.store.push import push, query_url_for
from tpgraph.store.remote import (
    EMPTY_GRAPH,
    UNION_SETTINGS,
    RemoteStore,
    credentials_from_environment,
    with_prefixes,
)
from tpgraph.store.embedded import OxigraphStore
from tpgraph.store.interface import QueryJob

SERVERS = ("oxigraph", "virtuoso")
CORE_GRAPH = "https://w3id.org/tpgraph/graph/muscle/psoas-major"
PUSHED_AGAIN = (CORE_GRAPH, f"{GRAPH_BASE}ontology", f"{GRAPH_BASE}muscle/iliacus/nat-treating-psoas")
"""The graphs the tests of a second push send again (a whole push is the session fixtures' job)."""


pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]


def union_refusal(query_url: str) -> str:
    return (f"the triple store at {query_url} does not use the union of its named graphs as the default graph, "
            f"so tpgraph's queries would miss facts. Change the setting: {UNION_SETTINGS}.")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, built: BuildResult) -> Iterator[TripleStore]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        push(RemoteStore(server.query_url, server.gsp_url), built.out_dir)
        yield server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, built: BuildResult) -> Iterator[TripleStore]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        push(RemoteStore(server.query_url, server.gsp_url, credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD)),
             built.out_dir)
        yield server


@pytest.fixture
def server(request: pytest.FixtureRequest) -> TripleStore:
    return request.getfixturevalue(request.param)


def remote(server: TripleStore) -> RemoteStore:
    return RemoteStore(server.query_url, server.gsp_url, timeout=30)


def terms(rows) -> list[list[str | None]]:
    return [[None if t is None else str(t) for t in row] for row in rows]


# --- the same answers as the embedded store --------------------------------------------------------------------

XSD_BOOLEAN = "<http://www.w3.org/2001/XMLSchema#boolean>"

VIRTUOSO_CRASHES = {"associated-structures"}
"""Named queries that kill Virtuoso 7.2.5 (Debian 12) with a segmentation fault; see
test_virtuoso_crashes_on_associated_structures."""

VIRTUOSO_UNSTABLE = {"muscles-referring-to-region-claims"}
"""Named queries whose answers from Virtuoso 7.2.5 change from one run to the next while the embedded store and
the Oxigraph server always agree: on 2026-12-04 about half the runs of each case of muscles-referring-to-region
(a property path ``tp:partOfRegion*``, a UNION and GRAPH patterns, DISTINCT) had a row missing and another
repeated, in the rows via a group and in the muscles' own. Not compared on Virtuoso: a test cannot pin a
nondeterministic answer, and the same query is compared on the Oxigraph server."""

VIRTUOSO_NESTED_AGGREGATES = {"muscles-attaching-to-site", "muscles-by-action", "muscles-by-nerve", "muscles-by-root",
                               "muscles-by-root-and-region", "muscles-by-root-range", "muscles-by-symptom",
                               "muscles-referring-to-region", "muscles-referring-to-region-essential",
                               "muscles-referring-to-region-in-source", "muscles-sharing-differentials",
                               "muscles-technique-unsuitable", "muscles-with-differential", "synergists",
                               "pain-drawing-zones"}
"""The one-row-per-muscle queries (a GROUP BY over an ordered sub-select, with the parameter bound outside it and
MIN over booleans) and the pain-drawing zones (nested sub-selects that bind a boolean): Virtuoso 7.2.5 returns
those booleans as xsd:integer 0/1 and, on 2026-12-05, an empty answer for muscles-by-root-and-region where the
embedded store and the Oxigraph server agree on eight rows. Compared on the Oxigraph server only; their
claim-by-claim versions (…-claims) are compared on both."""

VIRTUOSO_COMPUTED_BOOLEANS = {"unsuitable-techniques"}
"""Claim-by-claim queries that compute a boolean (?minority, from BOUND over the consensus graph): Virtuoso 7.2.5
returns a computed boolean as xsd:integer 0/1 (test_virtuoso_computes_false_as_the_integer_0), not a boolean in
another lexical form. Compared on the Oxigraph server only."""

VIRTUOSO_QUIRKS = {
    "differential-diagnoses": "booleans",
    "muscles-technique-unsuitable-claims": "booleans",
    "muscles-with-differential-claims": "booleans",
    "muscle-card": "order",
    "muscles-referring-to-region-claims": "order",
    "referral-pattern": "order",
    "roots-of-muscles-referring-to-region": "group-concat",
    "shared-perpetuating-factors": "group-concat",
}
"""Where Virtuoso's answer differs from the embedded store's, and how (each shown on its own by a test below):

- booleans: Virtuoso writes xsd:boolean values as "0"/"1" (valid lexical forms of the same values) where
  Oxigraph writes "false"/"true"; compared after mapping 0/1 to false/true.
- order: ORDER BY over terms SPARQL does not order against each other (a plain literal against a language-tagged
  one) puts them elsewhere; and Virtuoso 7.2.5 orders the rows of muscles-referring-to-region (ORDER BY a
  boolean expression, then labels) differently from one run to the next (2 runs of 4 on 2026-12-04 put a
  "quadratus lumborum" row before a "psoas major" row); compared as multisets.
- group-concat: GROUP_CONCAT gives a plain literal (as SPARQL 1.1 says) where Oxigraph keeps the common
  language tag, and joins the values in another order; the aggregates are compared as sets of their parts,
  language tags dropped. A real difference in terms: "T12"-style rows are not equal strings.
"""

NAMED_CASES = [(name, i) for name in sorted(CATALOGUE) for i in range(len(CASES[name]["cases"]))]
REMOTE_CASES = [(server, name, i) for server in SERVERS for name, i in NAMED_CASES
                if not (server == "virtuoso" and name in VIRTUOSO_CRASHES | VIRTUOSO_UNSTABLE | VIRTUOSO_NESTED_AGGREGATES
                                         | VIRTUOSO_COMPUTED_BOOLEANS)]


def canonical_booleans(rows: list[list[str | None]]) -> list[list[str | None]]:
    forms = {f'"0"^^{XSD_BOOLEAN}': f'"false"^^{XSD_BOOLEAN}', f'"1"^^{XSD_BOOLEAN}': f'"true"^^{XSD_BOOLEAN}'}
    return [[forms.get(t, t) if t else t for t in row] for row in rows]


def concat_parts(query_text: str, variables: tuple[str, ...], rows, keep_language: bool = True) -> list[list]:
    """Rows with each GROUP_CONCAT column as the sorted parts of its lexical form (and its language tag): SPARQL
    leaves the order in which GROUP_CONCAT joins values to the engine, and the Oxigraph server's differs from
    the embedded store's."""
    separators = {name: sep for sep, name in re.findall(
        r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', query_text, flags=re.DOTALL)}
    out = []
    for row in rows:
        out.append([[sorted(t.value.split(separators[v])), t.language if keep_language else None]
                    if v in separators and t is not None else
                    (None if t is None else str(t)) for v, t in zip(variables, row, strict=True)])
    return out


@pytest.mark.parametrize(("server", "name", "case"), REMOTE_CASES, indirect=["server"])
def test_named_queries_answer_as_on_the_embedded_store(server: TripleStore, store: OxigraphStore, name: str,
                                                       case: int) -> None:
    """Parameter lookups run on the remote too: its own bind, then its own evaluation."""
    query = CATALOGUE[name]
    values = CASES[name]["cases"][case]
    there = remote(server)
    want = store.select(bind(store, query, values))
    got = there.select(bind(there, query, values))
    assert got.variables == want.variables
    quirk = VIRTUOSO_QUIRKS.get(name) if server.name == "virtuoso" else None
    ordered = is_ordered(query) and quirk != "order"
    if "GROUP_CONCAT" in query.text:
        keep_language = quirk != "group-concat"
        got_rows, want_rows = (concat_parts(query.text, want.variables, got, keep_language),
                               concat_parts(query.text, want.variables, want, keep_language))
    elif quirk == "booleans":
        got_rows, want_rows = canonical_booleans(terms(got)), terms(want)
    else:
        got_rows, want_rows = terms(got), terms(want)
    if ordered:
        assert got_rows == want_rows
    else:
        assert sorted(map(repr, got_rows)) == sorted(map(repr, want_rows))


def test_virtuoso_writes_booleans_as_0_and_1(virtuoso: TripleStore, store: OxigraphStore) -> None:
    query = ("SELECT DISTINCT ?v WHERE { ?s ?p ?v FILTER(isLiteral(?v) && datatype(?v) = xsd:boolean) } "
             "ORDER BY ?v")
    assert terms(remote(virtuoso).select(query)) == [[f'"0"^^{XSD_BOOLEAN}'], [f'"1"^^{XSD_BOOLEAN}']]
    assert terms(store.select(query)) == [[f'"false"^^{XSD_BOOLEAN}'], [f'"true"^^{XSD_BOOLEAN}']]


def test_virtuoso_computes_false_as_the_integer_0(virtuoso: TripleStore, store: OxigraphStore) -> None:
    """A real difference, not only a lexical form: the constant false comes back as an xsd:integer."""
    query = "SELECT ?b WHERE { VALUES ?x { 1 } BIND(COALESCE(?unbound, false) AS ?b) }"
    assert terms(remote(virtuoso).select(query)) == [['"0"^^<http://www.w3.org/2001/XMLSchema#integer>']]
    assert terms(store.select(query)) == [[f'"false"^^{XSD_BOOLEAN}']]


def test_virtuoso_group_concat_drops_the_language_tag(virtuoso: TripleStore, store: OxigraphStore) -> None:
    query = ('SELECT (GROUP_CONCAT(?l; separator="|") AS ?all) WHERE { VALUES ?m { muscle:psoas-major } '
             "?m rdfs:label ?l }")
    assert terms(remote(virtuoso).select(query)) == [['"psoas major"']]
    assert terms(store.select(query)) == [['"psoas major"@en']]


def test_virtuoso_orders_plain_literals_before_language_tagged_ones(virtuoso: TripleStore,
                                                                    store: OxigraphStore) -> None:
    query = 'SELECT ?x WHERE { VALUES ?x { "a"@en "b" } } ORDER BY ?x'
    assert terms(remote(virtuoso).select(query)) == [['"b"'], ['"a"@en']]
    assert terms(store.select(query)) == [['"a"@en'], ['"b"']]


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_every_graph_holds_the_build(server: TripleStore, store: OxigraphStore, built: BuildResult) -> None:
    counts = remote(server).counts()
    assert counts == store.counts()
    assert len(counts) == built.graphs and sum(counts.values()) == built.quads


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_pushing_again_replaces_rather_than_duplicates(server: TripleStore, store: OxigraphStore,
                                                       built: BuildResult, tmp_path: Path) -> None:
    there = RemoteStore(server.query_url, server.gsp_url,
                        credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD) if server.name == "virtuoso" else None)
    again, graphs, quads = part_of_build(built.out_dir, tmp_path, PUSHED_AGAIN)
    report = push(there, again)
    assert (report.graphs, report.triples) == (graphs, quads)
    assert (graphs, quads) == (3, sum(store.counts()[graph] for graph in PUSHED_AGAIN))
    assert there.counts() == store.counts()


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_the_default_graph_is_the_union(server: TripleStore) -> None:
    remote(server).check_union_default_graph()  # raises otherwise


@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "text/csv",
                                        "text/tab-separated-values", "application/sparql-results+xml"])
def test_a_protocol_request_is_written_by_tpgraphs_writers(server: TripleStore, store: OxigraphStore,
                                                           media_type: str) -> None:
    query = "SELECT ?root ?label WHERE { muscle:psoas-major tp:innervatedByRoot ?root . ?root rdfs:label ?label } ORDER BY ?root"
    job = QueryJob(query, media_type)
    got, want = remote(server).execute(job), store.execute(job)
    assert (got.status, got.truncated, got.body) == (200, False, want.body)


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_rows_over_the_cap_are_cut_and_announced(server: TripleStore) -> None:
    query = "SELECT ?s WHERE { ?s a tp:Muscle } ORDER BY ?s"
    answer = remote(server).execute(QueryJob(query, "text/csv", row_cap=3))
    assert (answer.status, answer.truncated, answer.rows) == (200, True, 3)
    assert answer.body.decode().splitlines() == [
        "s", "https://w3id.org/tpgraph/id/muscle/abductor-digiti-minimi-of-foot",
        "https://w3id.org/tpgraph/id/muscle/abductor-digiti-minimi-of-hand", "https://w3id.org/tpgraph/id/muscle/abductor-hallucis"]


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_a_syntax_error_is_the_stores_first_line(server: TripleStore) -> None:
    answer = remote(server).execute(QueryJob("SELECT * WHERE { ?s ?p }", "text/csv"))
    assert answer.status == 400
    assert answer.error is not None and answer.error.startswith("the triple store refused the query: ")
    assert "\n" not in answer.error and "PREFIX" not in answer.error
    assert ("line 1" if server.name == "virtuoso" else "error at 1:") in answer.error  # the user's line numbers


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_blank_nodes_come_back_as_blank_nodes(server: TripleStore, store: OxigraphStore) -> None:
    """Virtuoso labels them nodeID://…, which pyoxigraph refuses; they are renamed within the answer."""
    query = f"SELECT ?s ?b WHERE {{ GRAPH ?g {{ ?s ?p ?b }} FILTER(isBlank(?b) && STRSTARTS(STR(?g), '{GRAPH_BASE}')) }}"
    got, want = remote(server).select(query), store.select(query)
    assert len(got) == len(want) > 0
    assert all(isinstance(b, ox.BlankNode) for _, b in got)
    assert len({b for _, b in got}) == len({b for _, b in want})
    answer = remote(server).execute(QueryJob(query, "application/sparql-results+json"))
    assert (answer.status, answer.rows) == (200, len(want))


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_the_default_row_cap_is_announced(server: TripleStore) -> None:
    """Virtuoso's own ResultSetMaxRows (10,000 as packaged) would hide this; the test instance raises it."""
    answer = remote(server).execute(QueryJob("SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values"))
    assert (answer.status, answer.error, answer.truncated, answer.rows) == (200, None, True, 10_000)


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_a_construct_is_capped_in_triples(server: TripleStore, store: OxigraphStore) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CORE_GRAPH}> {{ ?s ?p ?o }} }}"
    full = remote(server).execute(QueryJob(query, "application/n-triples"))
    want = store.execute(QueryJob(query, "application/n-triples"))
    assert sorted(full.body.splitlines()) == sorted(want.body.splitlines())
    capped = remote(server).execute(QueryJob(query, "application/n-triples", row_cap=2))
    assert (capped.status, capped.truncated, capped.rows, len(capped.body.splitlines())) == (200, True, 2, 2)


@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize(("query", "default", "named"), [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", (CORE_GRAPH,), None),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", ("http://www.openlinksw.com/schemas/virtrdf#",), None),
    (f"SELECT (COUNT(*) AS ?n) FROM <{CORE_GRAPH}> WHERE {{ ?s ?p ?o }}", None, None),
    (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{CORE_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
     None, None),
])
def test_a_stranger_sees_tpgraphs_graphs_only(server: TripleStore, store: OxigraphStore, query: str, default,
                                              named) -> None:
    """FROM, FROM NAMED, default-graph-uri: a graph that is not tpgraph's (Virtuoso's own) is an empty graph."""
    job = QueryJob(query, "text/csv", default, named, query_dataset="FROM" in query)
    got, want = remote(server).execute(job), store.execute(job)
    assert (got.status, got.body) == (200, want.body)


@pytest.mark.parametrize("server", SERVERS, indirect=True)
@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) FROM <http://www.openlinksw.com/schemas/virtrdf#> WHERE { ?s ?p ?o }",
    (f"SELECT (COUNT(*) AS ?n) FROM <{CORE_GRAPH}> FROM NAMED <http://www.openlinksw.com/schemas/virtrdf#> "
     "WHERE { GRAPH ?g { ?s ?p ?o } }"),
])
def test_a_from_naming_another_graph_is_refused(server: TripleStore, query: str) -> None:
    """Virtuoso would answer the query's FROM over the protocol's lists, so the remote path refuses it."""
    answer = remote(server).execute(QueryJob(query, "text/csv", query_dataset=True))
    reason = ("FROM and FROM NAMED may name only tpgraph's graphs; "
              "<http://www.openlinksw.com/schemas/virtrdf#> is not one of them")
    assert (answer.status, answer.error) == (403, reason)


def test_virtuoso_lets_the_querys_from_win_over_the_protocol(virtuoso: TripleStore) -> None:
    """Why the refusal above: SPARQL 1.1 Protocol §2.1.4 says the protocol's dataset wins; on Virtuoso it does not."""
    response = remote(virtuoso)._post_query(
        "SELECT (COUNT(*) AS ?n) FROM <http://www.openlinksw.com/schemas/virtrdf#> WHERE { ?s ?p ?o }",
        "application/sparql-results+json", [EMPTY_GRAPH], [EMPTY_GRAPH])
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_the_dataset_sent_is_limited_to_tpgraphs_graphs(oxigraph: TripleStore) -> None:
    there = remote(oxigraph)
    job = QueryJob(f"SELECT * FROM NAMED <{CORE_GRAPH}> WHERE {{ ?s ?p ?o }}", "text/csv", query_dataset=True)
    assert there.dataset(job) == ([EMPTY_GRAPH], [CORE_GRAPH])
    job = QueryJob("SELECT * WHERE { ?s ?p ?o }", "text/csv", ("http://example.org/g", CORE_GRAPH), None)
    assert there.dataset(job) == ([EMPTY_GRAPH, CORE_GRAPH], None)
    assert there.dataset(QueryJob("SELECT * WHERE { ?s ?p ?o }", "text/csv")) == (None, None)


# --- push, query and serve from the command line ---------------------------------------------------------------

def test_push_prints_what_it_did(oxigraph: TripleStore, built: BuildResult, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    again, graphs, quads = part_of_build(built.out_dir, tmp_path, PUSHED_AGAIN)
    assert main(["push", "--to", oxigraph.gsp_url, "--dist", str(again)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"pushed {again / 'tpgraph.nq'} to {oxigraph.gsp_url}: {graphs} graphs, "
                          f"{quads} triples in ")
    assert out.endswith(f" s; every graph's count checked through {oxigraph.query_url}\n")


def test_push_to_virtuoso_uses_digest_credentials_from_the_environment(
        virtuoso: TripleStore, built: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TPGRAPH_STORE_USER", VIRTUOSO_USER)
    monkeypatch.setenv("TPGRAPH_STORE_PASSWORD", VIRTUOSO_PASSWORD)
    again, graphs, quads = part_of_build(built.out_dir, tmp_path, PUSHED_AGAIN)
    assert main(["push", "--to", virtuoso.gsp_url, "--dist", str(again)]) == 0
    assert f"{graphs} graphs, {quads} triples" in capsys.readouterr().out


def test_push_without_credentials_fails_with_the_http_status(virtuoso: TripleStore, built: BuildResult,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TPGRAPH_STORE_USER", raising=False)
    assert main(["push", "--to", virtuoso.gsp_url, "--dist", str(built.out_dir)]) == 1
    assert capsys.readouterr().err == (
        f"push failed: PUT of graph <{CORE_GRAPH}> to {virtuoso.gsp_url} failed: HTTP 401 Unauthorized\n")


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_query_with_store(server: TripleStore, built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["query", "muscles-by-root-and-region-claims", "--param", "root=L2", "--param", "region=groin", "--format", "csv",
            "--dist", str(built.out_dir)]
    assert main([*args, "--store", server.query_url]) == 0
    there = capsys.readouterr().out
    assert main(args) == 0
    here = capsys.readouterr().out
    assert there.splitlines()[0] == here.splitlines()[0]
    assert sorted(there.splitlines()) == sorted(here.splitlines()) and len(here.splitlines()) > 2


@pytest.mark.parametrize("server", SERVERS, indirect=True)
def test_query_with_store_names_an_unknown_value(server: TripleStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "muscle-roots", "--param", "muscle=psoaz major", "--store", server.query_url]) == 2
    assert capsys.readouterr().err == (
        "muscle-roots: no muscle called 'psoaz major' in the graph; did you mean 'psoas major'?\n")


@pytest.fixture(scope="module")
def oxigraph_without_union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TripleStore]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-plain"), union_default_graph=False) as server:
        yield server


def test_push_refuses_a_store_without_union_default_graph(oxigraph_without_union: TripleStore,
                                                           built: BuildResult, store: OxigraphStore,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    server = oxigraph_without_union
    assert main(["push", "--to", server.gsp_url, "--dist", str(built.out_dir)]) == 1
    assert capsys.readouterr().err == f"push failed: {union_refusal(server.query_url)}\n"
    only_probe = {CORE_GRAPH: store.counts()[CORE_GRAPH]}
    assert RemoteStore(server.query_url).counts() == only_probe  # nothing but the probe graph was sent


def test_query_and_serve_refuse_a_store_without_union_default_graph(oxigraph_without_union: TripleStore,
                                                                     built: BuildResult,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    server = oxigraph_without_union
    push_graph = RemoteStore(server.query_url, server.gsp_url)
    from tpgraph.store.push import graphs_of, put_graph
    put_graph(push_graph, CORE_GRAPH, graphs_of(built.out_dir / "tpgraph.nq")[CORE_GRAPH])
    assert main(["query", "muscle-roots", "--store", server.query_url]) == 1
    assert capsys.readouterr().err == union_refusal(server.query_url) + "\n"
    assert main(["serve", "--store", server.query_url, "--port", str(free_port())]) == 1
    assert capsys.readouterr().err == union_refusal(server.query_url) + "\n"


def test_a_store_without_tpgraphs_data_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with oxigraph_server(tmp_path) as server:
        assert main(["query", "muscle-roots", "--store", server.query_url]) == 1
    assert capsys.readouterr().err == (
        f"the triple store at {server.query_url} does not hold tpgraph's graphs "
        f"(no <{CORE_GRAPH}>); load them with: tpgraph push --to GSP_URL --query {server.query_url}\n")


# --- a store that is down or silent ----------------------------------------------------------------------------

def test_a_store_that_is_down_gives_a_clear_answer(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    answer = RemoteStore(url).execute(QueryJob("SELECT * WHERE { ?s ?p ?o }", "text/csv"))
    assert (answer.status, answer.error) == (502, "the triple store did not answer: no connection to it")
    assert main(["query", "muscle-roots", "--store", url]) == 1
    assert capsys.readouterr().err == f"the triple store did not answer: no connection to {url}\n"
    assert main(["push", "--to", url, "--dist", str(built.out_dir)]) == 1
    assert capsys.readouterr().err == f"push failed: the triple store did not answer: no connection to {url}\n"


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_a_silent_store_is_a_gateway_timeout() -> None:
    with silent_server() as url:
        answer = RemoteStore(url, timeout=0.5).execute(QueryJob("ASK {}", "application/sparql-results+json"))
    assert (answer.status, answer.error) == (504, "the triple store did not answer within 0.5 s")


# --- the endpoint over real HTTP -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(oxigraph: TripleStore, built: BuildResult, tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("serve-store") / "serve.log"
    with live_server(built.out_dir, log, "--store", oxigraph.query_url, "--row-cap", "5") as server:
        yield server


def test_serve_with_store_answers_a_query(served) -> None:
    with post(served.url + "/sparql", "SELECT ?label WHERE { muscle:psoas-major rdfs:label ?label }") as response:
        assert (response.status, response.headers["Content-Type"], response.read()) == (
            200, "text/csv", b"label\r\npsoas major\r\n")
        assert response.headers["Tpgraph-Truncated"] is None


def test_serve_with_store_keeps_the_pre_scan(served) -> None:
    response = post(served.url + "/sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert response.status == 403
    assert b"SERVICE" in response.read()


def test_serve_with_store_caps_rows(served) -> None:
    with post(served.url + "/sparql", "SELECT ?s WHERE { ?s a tp:Muscle }") as response:
        assert response.status == 200
        assert (response.headers["Tpgraph-Truncated"], response.headers["Tpgraph-Row-Cap"]) == ("true", "5")
        assert len(response.read().splitlines()) == 6


def test_serve_with_store_answers_the_api(served) -> None:
    with served.get("/api/muscle-roots?muscle=psoas", {"Accept": "text/csv"}) as response:
        rows = response.read().decode().splitlines()
    assert rows[0] == "root,label,source,evidence"
    assert "https://w3id.org/tpgraph/id/root/l2,L2,https://w3id.org/tpgraph/id/source/nat-treating-psoas," \
           "https://w3id.org/tpgraph/vocab#SourceStated" in rows


def test_serve_with_store_serves_the_record_pages(served) -> None:
    """The pages read the remote store too: a muscle page with its roots, a record as Turtle."""
    with served.get("/id/muscle/psoas-major", {"Accept": "text/html"}) as response:
        html = response.read().decode()
    assert '<a href="/id/root/l4">L4</a>' in html and "<svg" in html
    with served.get("/id/muscle/psoas-major", {"Accept": "text/turtle"}) as response:
        triples = {q.triple for q in ox.parse(response.read(), format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode("https://w3id.org/tpgraph/id/muscle/psoas-major"),
                     ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("psoas major", language="en")) in triples


def test_serve_with_store_starts_no_worker(served) -> None:
    with served.get("/health") as response:
        assert json.load(response)["workers_idle"] is None


# --- small parts -------------------------------------------------------------------------------------------------

def test_credentials_come_from_the_environment_only() -> None:
    assert credentials_from_environment({}) is None
    assert credentials_from_environment({"TPGRAPH_STORE_USER": "dba", "TPGRAPH_STORE_PASSWORD": "s3"}) == ("dba", "s3")


def test_undeclared_prefixes_are_declared_for_the_remote() -> None:
    text = with_prefixes("PREFIX rdfs: <http://example.org/mine#>\nSELECT * WHERE { ?s rdfs:label ?o }")
    assert "PREFIX rdfs: <http://example.org/mine#>" in text
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" not in text
    assert "PREFIX muscle: <https://w3id.org/tpgraph/id/muscle/>" in text


@pytest.mark.parametrize(("gsp", "query"), [
    ("http://h:7878/store", "http://h:7878/query"),
    ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql"),
    ("http://h:3030/ds/data", "http://h:3030/ds/sparql"),
    ("http://h:7200/repositories/tp/rdf-graphs/service", "http://h:7200/repositories/tp"),
    ("http://h/other", "http://h/other"),
])
def test_the_query_endpoint_next_to_a_graph_store(gsp: str, query: str) -> None:
    assert query_url_for(gsp) == query
