"""The endpoint over real HTTP: a third-party client, and one test per class of hostile request.

Every request goes to a `tpgraph serve` process on 127.0.0.1 with all protections on (sandboxed workers, a
2 s deadline, a small per-worker memory allowance).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, N3, XML, SPARQLWrapper

from tpgraph.build.dist import BuildResult

from live_server import LiveServer, live_server

DEADLINE = 2.0


pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("live") / "server.log"
    with live_server(built.out_dir, log, "--timeout", str(DEADLINE), "--workers", "3",
                     "--worker-memory-mb", "256") as running:
        yield running


def request(server: LiveServer, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def query(server: LiveServer, text: str, accept: str = "application/sparql-results+json", **params: str):
    qs = urllib.parse.urlencode({"query": text, **params})
    return request(server, "GET", f"/sparql?{qs}", headers={"Accept": accept})


class Listener:
    """A loopback TCP listener that records every connection; the endpoint must never contact it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


# -- a third-party client -------------------------------------------------------------------------------------

def test_sparqlwrapper_select_ask_construct(server: LiveServer) -> None:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("""PREFIX tp: <https://w3id.org/tpgraph/vocab#>
        SELECT DISTINCT ?m WHERE { <https://w3id.org/tpgraph/id/muscle/psoas-minor> tp:innervatedByRoot ?m } ORDER BY ?m""")
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["m"]["value"] for r in rows] == ["https://w3id.org/tpgraph/id/root/l1",
                                               "https://w3id.org/tpgraph/id/root/l2"]
    client.setQuery("ASK { <https://w3id.org/tpgraph/id/root/l1> ?p ?o }")
    assert client.queryAndConvert()["boolean"] is True
    client.setMethod("POST")
    client.setReturnFormat(N3)
    client.setQuery("CONSTRUCT { ?r <urn:next> ?n } WHERE { <https://w3id.org/tpgraph/id/root/l4> "
                    "<https://w3id.org/tpgraph/vocab#nextRoot> ?n BIND(<https://w3id.org/tpgraph/id/root/l4> AS ?r) }")
    expected = {("https://w3id.org/tpgraph/id/root/l4", "urn:next", "https://w3id.org/tpgraph/id/root/l5")}
    turtle = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert {(str(s), str(p), str(o)) for s, p, o in turtle} == expected
    client.setReturnFormat(XML)  # SPARQLWrapper sends format=xml; for a graph that means RDF/XML
    rdfxml = client.queryAndConvert()
    assert {(str(s), str(p), str(o)) for s, p, o in rdfxml} == expected


# -- hostile requests -------------------------------------------------------------------------------------------

def test_no_query_contacts_the_network(server: LiveServer) -> None:
    listener = Listener()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    try:
        attempts = [
            (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}", {}, 403),
            (f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}", {}, 403),
            (f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}", {}, 403),
            (f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ sErViCe <{target}> {{ ?s ?p ?o }} }} }}", {}, 403),
            (f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}", {}, 200),
            (f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}, 200),
            ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": target}, 200),
            ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": target}, 200),
            (f"LOAD <{target}>", {}, 403),
        ]
        for text, params, status in attempts:
            got, _, body = query(server, text, **params)
            assert got == status, (text, body)
            if status == 200:
                assert json.loads(body)["results"]["bindings"] == []
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


def test_no_file_is_read_and_no_secret_leaks(server: LiveServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text('<urn:s> <urn:p> "SECRET-9f1c2" .\n', encoding="utf-8")
    texts = [
        f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ GRAPH <{secret.as_uri()}> {{ ?s ?p ?o }} }}",
        f"LOAD <{secret.as_uri()}>",
        f"SELECT * WHERE {{ SERVICE <{secret.as_uri()}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o = <{secret.as_uri()}>) }} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p <{secret.as_uri()}",
    ]
    for text in texts:
        status, _, body = query(server, text)
        assert b"SECRET-9f1c2" not in body
        assert b"Traceback" not in body and str(tmp_path).encode() not in body or status == 400
    status, _, body = query(server, f"SELECT * WHERE {{ ?s ?p <{secret.as_uri()}")
    assert status == 400 and body.startswith(b"query syntax error:") and b"Traceback" not in body


@pytest.mark.parametrize(("name", "text", "message"), [
    ("nested braces", "SELECT * WHERE " + "{" * 3000 + "}" * 3000, b"query nesting is deeper than 64 levels"),
    ("negations", "ASK { FILTER(" + "!" * 8000 + "true) }", b"query has more than 500 operators"),
    ("additions", "SELECT (" + "1 + " * 3000 + "1 AS ?x) {}", b"query has more than 500 operators"),
    ("unions", "SELECT * WHERE { " + " UNION ".join(["{}"] * 1000) + " }", b"query has more than 64 UNION keywords"),
    ("nested blank nodes", "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 1000 + "1" + " ]" * 1000 + " }",
     b"query nesting is deeper than 64 levels"),
    ("many patterns", "SELECT * WHERE { " + " . ".join(f"?s{i} <urn:p> ?o{i}" for i in range(400)) + " }",
     b"query has more than 128 triple patterns and groups"),
    ("too long", "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 1500) + " }", None),
], ids=lambda value: value if isinstance(value, str) and len(value) < 30 else "")
def test_crash_families_are_refused(server: LiveServer, name: str, text: str, message: bytes | None) -> None:
    status, _, body = request(server, "POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"})
    if message is None:
        assert (status, body) == (413, b"the request is larger than the 16384 byte limit\n")
    else:
        assert (status, body.rstrip(b"\n")) == (400, message)
    assert query(server, "ASK {}")[0] == 200


def test_deadline_stops_a_cartesian_product_while_others_are_answered(server: LiveServer) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        slow["answer"] = query(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        slow["finished"] = time.monotonic()

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    cheap_status, _, cheap_body = query(server, "ASK { <https://w3id.org/tpgraph/id/root/l1> ?p ?o }")
    cheap_finished = time.monotonic()
    thread.join(DEADLINE + 20)
    assert (cheap_status, cheap_body) == (200, b'{"head":{},"boolean":true}')
    status, headers, body = slow["answer"]  # type: ignore[misc]
    assert status == 503
    assert body == (b"the query did not finish within the 2 s time limit and was stopped; narrow it (add LIMIT, "
                    b"more specific patterns) and try again\n")
    assert cheap_finished < slow["finished"], "the cheap query must not wait for the slow one"
    assert query(server, "ASK {}")[0] == 200


def test_memory_blow_up_costs_one_query(server: LiveServer) -> None:
    text = ("SELECT (STRLEN(GROUP_CONCAT(CONCAT(STR(?s), STR(?p), STR(?o), STR(?s), STR(?p), STR(?o)))) AS ?n) "
            "WHERE { ?s ?p ?o . ?x ?y ?z }")
    status, _, body = query(server, text)
    assert status == 503
    assert body in (
        b"the query engine stopped while running this query, most likely because it needed more memory than a "
        b"query may use; the query was not completed\n",
        b"the query did not finish within the 2 s time limit and was stopped; narrow it (add LIMIT, more specific "
        b"patterns) and try again\n",
    )
    _, _, metrics = request(server, "GET", "/metrics")
    assert query(server, "ASK { <https://w3id.org/tpgraph/id/root/l1> ?p ?o }")[:1] == (200,)
    assert b"tpgraph_workers_crashed 1.0" in metrics or b"tpgraph_workers_killed" in metrics


def test_health_and_request_log(server: LiveServer) -> None:
    status, _, body = request(server, "GET", "/health")
    assert status == 200 and json.loads(body)["workers_idle"] == 3
    lines = [line for line in server.log.read_text().splitlines() if '"log": "tpgraph.access"' in line]
    event = json.loads(lines[-1])["event"]
    assert set(event) == {"client", "method", "ms", "outcome", "path", "query_ms", "status"}


def test_named_query_over_the_sandboxed_server(server: LiveServer) -> None:
    """/api resolves the parameters in the server process and evaluates in a worker, like /sparql."""
    status, headers, body = request(server, "GET", "/api/muscles-by-root-and-region?root=L2&region=inguinal%20region",
                                    headers={"Accept": "text/csv"})
    assert (status, headers["content-type"].split(";")[0]) == (200, "text/csv")
    rows = body.decode("utf-8").splitlines()
    assert rows[0] == "muscle,label,intensity,support,rootSupport,referralSupport,sources,sourceIris,viaGroup,minority"
    assert sorted({row.split(",")[0].rsplit("/", 1)[1] for row in rows[1:]}) == [
        "adductor-brevis", "adductor-longus", "adductor-magnus", "gracilis", "iliacus", "pectineus",
        "psoas-major", "quadratus-lumborum", "sartorius", "vastus-intermedius"]
    status, _, body = request(server, "GET", "/api/muscles-by-root?root=%22%20%7D%20UNION%20%7B")
    assert (status, body) == (400, b"muscles-by-root: no spinal nerve root called '\" } UNION {' in the graph\n")
