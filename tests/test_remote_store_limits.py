"""tpgraph beside triple stores that stop: each test starts a store of its own (a time limit, a crash, a shutdown).

Apart from tests/test_remote_store.py, whose tests share one Oxigraph server and one Virtuoso for the session:
these need a server configured or killed for themselves, and being a file of their own lets the test run put
them beside the shared-server tests rather than after them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import live_server, post
from test_named_queries import CATALOGUE
from triple_stores import VIRTUOSO_PASSWORD, VIRTUOSO_USER, oxigraph_server, part_of_build, virtuoso_server

from tpgraph.build.dist import BuildResult
from tpgraph.catalogue.parameters import bind
from tpgraph.model.namespaces import PROVENANCE_GRAPH, TP
from tpgraph.store.interface import QueryJob
from tpgraph.store.push import push
from tpgraph.store.remote import PROBE_GRAPH, RemoteStore

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow]


def enough_to_take_long(built: BuildResult, tmp_path: Path) -> Path:
    """Psoas major's core graph (which the push's union probe needs) and the provenance graph, about 34,000
    triples in two PUTs: the cross join below then outlasts a 1 s limit many times over, and the push takes a
    second rather than the half minute of all 6,087 graphs."""
    return part_of_build(built.out_dir, tmp_path / "part", (PROBE_GRAPH, str(PROVENANCE_GRAPH)))[0]


def test_virtuoso_own_time_limit_is_passed_on(built: BuildResult, tmp_path: Path) -> None:
    """[SPARQL] MaxQueryExecutionTime stops the query with HTTP 500; tpgraph answers 502 with the store's reason."""
    with virtuoso_server(tmp_path, max_execution_s=1) as server:
        there = RemoteStore(server.query_url, server.gsp_url, credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD))
        push(there, enough_to_take_long(built, tmp_path))
        query = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = STR(?f)) }"
        answer = there.execute(QueryJob(query, "text/csv"))
    assert (answer.status, answer.error) == (
        502, "the triple store failed: HTTP 500: Virtuoso S1T00 Error SR171: Transaction timed out")


def test_oxigraph_own_time_limit_cuts_the_answer(built: BuildResult, tmp_path: Path) -> None:
    """--timeout-s ends a streamed 200 answer midway; tpgraph answers 502 rather than a partial answer."""
    with oxigraph_server(tmp_path, timeout_s=1) as server:
        there = RemoteStore(server.query_url, server.gsp_url)
        push(there, enough_to_take_long(built, tmp_path))
        query = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = STR(?f)) }"
        answer = there.execute(QueryJob(query, "text/csv"))
    reason = ("the triple store's answer cannot be read: it is incomplete or malformed (was it stopped by the "
              "store's own time limit?)")
    assert (answer.status, answer.error) == (502, reason)


def test_virtuoso_crashes_on_associated_structures(built: BuildResult, tmp_path: Path) -> None:
    """Virtuoso 7.2.5 dies (SIGSEGV) on this named query; tpgraph answers 502 with a reason, not a traceback.

    The store gets the graphs the query walks (associated structures and memberships: about 300 graphs, 41,000
    quads), which crash it as the whole build does, in a second and a half instead of half a minute."""
    walked = {f"<{TP.hasAssociatedStructure}>", f"<{TP.memberOf}>"}
    graphs = {line.rsplit(" ", 2)[-2][1:-1] for line in (built.out_dir / "tpgraph.nq").read_text().splitlines()
              if line.split(" ", 2)[1] in walked}
    part = part_of_build(built.out_dir, tmp_path / "part", (*sorted(graphs), str(PROVENANCE_GRAPH), PROBE_GRAPH))[0]
    with virtuoso_server(tmp_path / "store") as server:
        there = RemoteStore(server.query_url, server.gsp_url, credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD))
        push(there, part)
        text = bind(there, CATALOGUE["associated-structures"], {"muscle": "psoas major"})
        answer = there.execute(QueryJob(text, "text/csv"))
        assert (answer.status, answer.error) == (502, "the triple store did not answer: no connection to it")
        assert server.process.wait(timeout=15) == -11


def test_serve_with_a_store_that_went_down(built: BuildResult, tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "ox") as server:
        # serve needs only psoas major's core graph in the store to accept it (the union-default-graph probe)
        core = part_of_build(built.out_dir, tmp_path / "core", (PROBE_GRAPH,))[0]
        push(RemoteStore(server.query_url, server.gsp_url), core)
        with live_server(built.out_dir, tmp_path / "serve.log", "--store", server.query_url) as tpgraph:
            server.process.terminate()
            server.process.wait(timeout=15)
            response = post(tpgraph.url + "/sparql", "ASK { ?s ?p ?o }", "application/sparql-results+json")
            assert (response.status, response.read()) == (
                502, b"the triple store did not answer: no connection to it\n")
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
