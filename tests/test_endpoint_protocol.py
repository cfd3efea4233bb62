"""The SPARQL 1.1 Protocol at /sparql, through the Flask test client on the in-process store.

These pin the protocol rules (and the W3C protocol test suite's malformed requests) fast; the sandbox, the
deadline and hostile inputs are tested over real HTTP in test_endpoint_live.py.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import threading
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.test import Client

from tpgraph.build.dist import BuildResult
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.store.interface import QueryAnswer, QueryJob
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]

ROOTS = "SELECT ?root WHERE { muscle:psoas-major tp:innervatedByRoot ?r . ?r rdfs:label ?root } ORDER BY ?root"
NAT = "https://w3id.org/tpgraph/graph/muscle/psoas-major/nat-treating-psoas"
WIKIMSK = "https://w3id.org/tpgraph/graph/muscle/psoas-major/wikimsk-psoas-major"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def settings(built: BuildResult) -> ServerSettings:
    return ServerSettings(dist=built.out_dir, queries=REPO / "queries")


@pytest.fixture(scope="module")
def client(settings: ServerSettings, store: OxigraphStore) -> FlaskClient:
    return create_app(settings, store).test_client()


def bindings(response) -> list[str]:
    answer = json.loads(response.data)
    var = answer["head"]["vars"][0]
    return [b[var]["value"] for b in answer["results"]["bindings"]]


# -- the three ways to send a query --------------------------------------------------------------------------

def test_get(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROOTS})
    assert response.status_code == 200
    assert response.mimetype == JSON
    assert bindings(response) == ["L1", "L1", "L2", "L2", "L3", "L3", "L4"]
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["ETag"]


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": ROOTS})
    assert (response.status_code, bindings(response)) == (200, ["L1", "L1", "L2", "L2", "L3", "L3", "L4"])


def test_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ROOTS.encode(), content_type="application/sparql-query; charset=utf-8")
    assert (response.status_code, bindings(response)) == (200, ["L1", "L1", "L2", "L2", "L3", "L3", "L4"])


# -- dataset ---------------------------------------------------------------------------------------------------

ROOT_IRIS = "SELECT ?r WHERE { muscle:psoas-major tp:innervatedByRoot ?r } ORDER BY ?r"


def test_default_graph_uri_selects_the_default_graph(client: FlaskClient) -> None:
    """Only the named graphs listed form the default graph (labels, in the roots' own graphs, are not there)."""
    response = client.get("/sparql", query_string={"query": ROOT_IRIS, "default-graph-uri": WIKIMSK})
    assert [v.rsplit("/", 1)[1] for v in bindings(response)] == ["l1", "l2", "l3"]
    response = client.get("/sparql", query_string=[("query", ROOT_IRIS), ("default-graph-uri", WIKIMSK),
                                                   ("default-graph-uri", NAT)])
    assert [v.rsplit("/", 1)[1] for v in bindings(response)] == ["l1", "l1", "l2", "l2", "l3", "l3", "l4"]
    response = client.get("/sparql", query_string={"query": ROOTS, "default-graph-uri": WIKIMSK})
    assert bindings(response) == []


def test_from_clause_is_honoured(client: FlaskClient) -> None:
    query = f"SELECT ?r FROM <{WIKIMSK}> WHERE {{ muscle:psoas-major tp:innervatedByRoot ?r }} ORDER BY ?r"
    assert [v.rsplit("/", 1)[1] for v in bindings(client.get("/sparql", query_string={"query": query}))] == [
        "l1", "l2", "l3"]
    named = f"SELECT DISTINCT ?g FROM NAMED <{NAT}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert bindings(client.get("/sparql", query_string={"query": named})) == [NAT]


def test_named_graph_uri_limits_graph_patterns(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { muscle:psoas-major tp:innervatedByRoot ?r } }"
    response = client.post("/sparql?named-graph-uri=" + WIKIMSK, data=query, content_type="application/sparql-query")
    assert bindings(response) == [WIKIMSK]


def test_from_names_only_our_graphs_and_reads_no_file(client: FlaskClient, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:a> <urn:b> 'TOPSECRET-4711' .", encoding="utf-8")
    query = f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query})
    assert (response.status_code, bindings(response)) == (200, [])
    response = client.get("/sparql", query_string={"query": "SELECT ?o WHERE { ?s ?p ?o }",
                                                   "default-graph-uri": secret.as_uri()})
    assert (response.status_code, bindings(response)) == (200, [])


# -- content negotiation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "media_type", "start"), [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
    ("text/csv", "text/csv", b"root\r\nL1\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", b'?root\n"L1"@en\n'),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", b"<?xml"),
    ("application/json", JSON, b'{"head":{"vars":["root"]}'),
    ("*/*", JSON, b'{"head"'),
    ("text/html;q=0.9, */*;q=0.1", JSON, b'{"head"'),
])
def test_select_negotiation(client: FlaskClient, accept: str, media_type: str, start: bytes) -> None:
    response = client.get("/sparql", query_string={"query": ROOTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.data.startswith(start)


def test_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROOTS, "format": "csv"}, headers={"Accept": JSON})
    assert response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.data.decode()))) == [["root"], ["L1"], ["L1"], ["L2"], ["L2"], ["L3"], ["L3"], ["L4"]]


def test_nothing_acceptable_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROOTS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.data.decode().startswith("none of the accepted media types can be produced")
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "csv"})
    assert response.status_code == 406


def test_ask(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { muscle:gluteus-maximus tp:hasAntagonist muscle:psoas-major }"})
    assert (response.status_code, response.data) == (200, b'{"head":{},"boolean":true}')
    xml = client.get("/sparql", query_string={"query": "ASK { ?s tp:nope ?o }"},
                     headers={"Accept": "application/sparql-results+xml"})
    assert b"<boolean>false</boolean>" in xml.data


CONSTRUCT = "CONSTRUCT { muscle:psoas-minor tp:absentInPercent ?p } WHERE { muscle:psoas-minor tp:absentInPercent ?p }"


@pytest.mark.parametrize(("accept", "media_type", "parse_format"), [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_formats(client: FlaskClient, accept, media_type: str, parse_format) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers=headers)
    assert (response.status_code, response.mimetype) == (200, media_type)
    triples = list(ox.parse(response.data, format=parse_format))
    assert [str(t) for t in triples] == [
        '<https://w3id.org/tpgraph/id/muscle/psoas-minor> <https://w3id.org/tpgraph/vocab#absentInPercent> '
        '"40"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    ]


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("xml", "application/rdf+xml"), ("json", "application/ld+json"), ("n3", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
])
def test_format_names_mean_the_graph_syntax_for_graph_queries(client: FlaskClient, fmt: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": fmt})
    assert (response.status_code, response.mimetype) == (200, media_type)


def test_unknown_format_name_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROOTS, "format": "yaml"})
    assert (response.status_code, response.data) == (
        406, b"format 'yaml' is not available for this query; use one of csv, json, tsv, xml\n")


def test_describe(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "DESCRIBE root:l2"}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert b'<https://w3id.org/tpgraph/id/root/l2> <http://www.w3.org/2000/01/rdf-schema#label> "L2"@en .' in response.data


# -- bare GET, HEAD, caching -------------------------------------------------------------------------------------

def test_bare_get_is_the_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = {str(t) for t in ox.parse(response.data, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert f"<http://localhost/sparql> <{sd}endpoint> <http://localhost/sparql>" in graph
    assert f"<http://localhost/sparql> <{sd}supportedLanguage> <{sd}SPARQL11Query>" in graph
    assert f"<http://localhost/sparql> <{sd}feature> <{sd}UnionDefaultGraph>" in graph


def test_bare_get_with_any_type_is_the_service_description(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get("/sparql").mimetype == "text/turtle"


def test_bare_get_from_a_browser_is_the_query_page(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_head(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": ROOTS})
    head = client.head("/sparql", query_string={"query": ROOTS})
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers["ETag"] == get.headers["ETag"] and head.mimetype == JSON


def test_etag_gives_304(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": ROOTS})
    again = client.get("/sparql", query_string={"query": ROOTS}, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    other_type = client.get("/sparql", query_string={"query": ROOTS},
                            headers={"If-None-Match": first.headers["ETag"], "Accept": "text/csv"})
    assert other_type.status_code == 200


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options("/sparql", headers={"Origin": "https://example.org",
                                                  "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


# -- malformed requests (W3C protocol test suite) and refusals ----------------------------------------------------

@pytest.mark.parametrize(("send", "status", "message"), [
    (lambda c: c.put("/sparql", data="x"), 405, "PUT is not a SPARQL protocol operation; use GET or POST"),
    (lambda c: c.delete("/sparql"), 405, "DELETE is not a SPARQL protocol operation; use GET or POST"),
    (lambda c: c.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")]), 400,
     "the request has 2 'query' parameters; send exactly one"),
    (lambda c: c.post("/sparql", data="ASK {}", content_type="text/plain"), 415,
     "cannot read a query sent as text/plain; use application/sparql-query or application/x-www-form-urlencoded"),
    (lambda c: c.post("/sparql", data=b"ASK {}"), 415,
     "a POST needs a Content-Type: application/sparql-query or application/x-www-form-urlencoded"),
    (lambda c: c.post("/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query; charset=UTF-16"),
     400, "the request body must be UTF-8, not utf-16"),
    (lambda c: c.post("/sparql", data=b"ASK { \xff }", content_type="application/sparql-query"), 400,
     "the request body is not valid UTF-8 (byte 6)"),
    (lambda c: c.get("/sparql", query_string={"query": "  "}), 400, "the query is empty"),
    (lambda c: c.post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"}), 400,
     "the query is given both in the URL and in the form body; send it once"),
    (lambda c: c.post("/sparql", data={"default-graph-uri": NAT}), 400, "the form has no 'query' field"),
    (lambda c: c.get("/sparql", query_string={"default-graph-uri": NAT}), 400,
     "the request names a dataset but has no 'query' parameter"),
])
def test_malformed_requests(client: FlaskClient, send, status: int, message: str) -> None:
    response = send(client)
    assert (response.status_code, response.data.decode()) == (status, message + "\n")


def test_unsupported_function_is_a_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"})
    assert (response.status_code, response.data) == (
        400, b"the query cannot be evaluated: The custom function <http://example.org/f> is not supported\n")


def test_syntax_error_gives_the_parser_message_and_position(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert response.data.decode().startswith("query syntax error: error at 1:26: expected one of")


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql", query_string={"update": "DROP ALL"}),
    lambda c: c.post("/sparql", data="DROP ALL", content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
])
def test_updates_are_forbidden(client: FlaskClient, send) -> None:
    response = send(client)
    assert (response.status_code, response.data) == (403, b"this endpoint is read-only: SPARQL Update is not accepted\n")


def test_update_smuggled_as_a_query_is_forbidden(client: FlaskClient, store: OxigraphStore) -> None:
    response = client.post("/sparql", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert response.status_code == 403
    assert not store.ask("ASK { <urn:a> <urn:b> <urn:c> }")


def test_service_is_refused_before_evaluation(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert (response.status_code, response.data) == (403, b"SERVICE is not allowed: this endpoint does not query other endpoints\n")


def test_body_limit(client: FlaskClient) -> None:
    big = "ASK {}" + " " * (16 * 1024)
    response = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert (response.status_code, response.data) == (413, b"the request is larger than the 16384 byte limit\n")
    response = client.get("/sparql", query_string={"query": big})
    assert (response.status_code, response.data) == (413, b"the query is larger than the 16384 byte limit\n")


# -- row cap, errors, caches, caps ---------------------------------------------------------------------------------

def test_row_cap_is_announced(settings: ServerSettings, store: OxigraphStore) -> None:
    client = create_app(replace(settings, row_cap=3), store).test_client()
    response = client.get("/sparql", query_string={"query": ROOTS})
    assert bindings(response) == ["L1", "L1", "L2"]
    assert response.headers["Tpgraph-Truncated"] == "true"
    assert response.headers["Tpgraph-Row-Cap"] == "3"
    assert response.headers["Warning"] == '199 tpgraph "results truncated to the first 3 rows; page with LIMIT and OFFSET"'
    whole = client.get("/sparql", query_string={"query": ROOTS + " LIMIT 3"})
    assert "Tpgraph-Truncated" not in whole.headers


class ExplodingStore:
    def execute(self, job: QueryJob) -> QueryAnswer:
        raise RuntimeError("/secret/path/to/engine.so crashed")


def test_internal_errors_reveal_nothing(settings: ServerSettings) -> None:
    client = create_app(settings, ExplodingStore()).test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert (response.status_code, response.data) == (500, b"internal server error; the incident has been logged\n")


class CountingStore:
    def __init__(self, inner: OxigraphStore):
        self.inner, self.calls = inner, 0

    def execute(self, job: QueryJob) -> QueryAnswer:
        self.calls += 1
        return self.inner.execute(job)


def test_repeated_queries_come_from_the_cache(settings: ServerSettings, store: OxigraphStore) -> None:
    counting = CountingStore(store)
    client = create_app(settings, counting).test_client()
    first = client.get("/sparql", query_string={"query": ROOTS})
    second = client.post("/sparql", data={"query": ROOTS})
    assert first.data == second.data and counting.calls == 1
    assert b"tpgraph_cache_hits_total 1.0" in client.get("/metrics").data


def test_an_identical_get_is_replayed_byte_for_byte(settings: ServerSettings, store: OxigraphStore,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """The second identical GET skips Flask (fastpath.py) and gets the same status, headers and body."""
    counting = CountingStore(store)
    client = create_app(settings, counting).test_client()
    query = {"query": ROOTS}
    first = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    with caplog.at_level("INFO", logger="tpgraph.access"):
        second = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
    assert (second.status_code, second.data) == (first.status_code, first.data)
    assert sorted(second.headers.items()) == sorted(first.headers.items())
    assert counting.calls == 1
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "tpgraph.access"]
    assert (line["path"], line["status"], line["outcome"]) == ("/sparql", 200, "cached")
    # Another Accept is another answer; a conditional request still gets its 304.
    assert client.get("/sparql", query_string=query).mimetype == JSON
    conditional = {"Accept": "text/csv", "If-None-Match": first.headers["ETag"]}
    assert client.get("/sparql", query_string=query, headers=conditional).status_code == 304
    assert b"tpgraph_cache_hits_total 1.0" in client.get("/metrics").data


def test_failures_are_never_replayed(settings: ServerSettings, store: OxigraphStore) -> None:
    counting = CountingStore(store)
    client = create_app(settings, counting).test_client()
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x <p> ?y "}).status_code == 400
    assert client.get("/sparql", query_string={"query": "SELECT (<x:f>(1) AS ?v) {}"}).status_code == 400
    assert client.get("/sparql", query_string={"query": "SELECT (<x:f>(1) AS ?v) {}"}).status_code == 400
    assert counting.calls == 4, "each failing request is evaluated again"


def test_without_a_cache_nothing_is_replayed(settings: ServerSettings, store: OxigraphStore) -> None:
    counting = CountingStore(store)
    client = create_app(replace(settings, cache_entries=0), counting).test_client()
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": ROOTS}).status_code == 200
    assert counting.calls == 3


FAST_PATH_CASES = [
    ({"query": ROOTS}, {}),
    ({"query": ROOTS}, {"Accept": "text/csv"}),
    ({"query": ROOTS, "format": "xml"}, {}),
    ({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"}, {"Accept": "text/turtle"}),
    ({"query": ROOTS}, {"Accept": "image/png"}),  # 406
    ({"query": "SELECT ?x WHERE { ?x <p> ?y "}, {}),  # syntax error
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, {}),  # refused by the pre-scan
    ({"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}, {}),  # an update
    ({"query": ["ASK {}", "ASK {}"]}, {}),  # two queries
    ({"query": ROOTS, "default-graph-uri": NAT}, {}),
]


@pytest.mark.parametrize("args, headers", FAST_PATH_CASES)
def test_gets_past_flask_answer_exactly_as_flask_does(settings: ServerSettings, store: OxigraphStore, args, headers) -> None:
    """fastpath.AnswerSparqlGets and the Flask view both call QueryService.handle; the bytes must agree."""
    app = create_app(replace(settings, row_cap=3, cache_entries=0), store)
    through_flask = Client(functools.partial(Flask.wsgi_app, app))  # Flask's own WSGI entry, no middleware
    fast = app.test_client().get("/sparql", query_string=args, headers=headers)
    full = through_flask.get("/sparql", query_string=args, headers=headers)
    assert (fast.status, fast.data) == (full.status, full.data)
    assert list(fast.headers.items()) == list(full.headers.items())


def test_a_get_with_a_query_skips_flask(settings: ServerSettings, store: OxigraphStore,
                                         caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(replace(settings, cache_entries=0), store)
    entered: list[str] = []
    app.before_request(lambda: entered.append(request.method))
    client = app.test_client()
    with caplog.at_level("INFO", logger="tpgraph.access"):
        answers = [client.get("/sparql", query_string={"query": q}) for q in (ROOTS, "SELECT ?x WHERE {")]
        assert [a.status_code for a in answers] == [200, 400]
        assert not caplog.records, "logged when the server closes the answer, after sending it"
        for answer in answers:
            answer.close()
    assert entered == []
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "tpgraph.access"]
    assert [(line["status"], line["outcome"], line["query_ms"] is not None) for line in lines] == [
        (200, "ok", True), (400, "failed", True)]
    assert client.post("/sparql", data={"query": ROOTS}).status_code == 200
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200  # service description
    with client.get("/sparql", query_string={"query": ROOTS}) as answer:
        etag = answer.headers["ETag"]
    assert client.get("/sparql", query_string={"query": ROOTS}, headers={"If-None-Match": etag}).status_code == 304
    assert entered == ["POST", "GET", "GET"]
    metrics = client.get("/metrics").data.decode()
    assert 'tpgraph_requests_total{outcome="ok",route="sparql",status="200"} 4.0' in metrics
    assert 'tpgraph_requests_total{outcome="failed",route="sparql",status="400"} 1.0' in metrics


def test_an_engine_failure_past_flask_reveals_nothing(settings: ServerSettings,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    client = create_app(settings, ExplodingStore()).test_client()
    with caplog.at_level("ERROR", logger="tpgraph.web"):
        response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert (response.status_code, response.data) == (500, b"internal server error; the incident has been logged\n")
    assert "/secret/path/to/engine.so crashed" in caplog.text  # logged for the operator, never sent


class BlockingStore:
    def __init__(self) -> None:
        self.entered, self.release = threading.Event(), threading.Event()

    def execute(self, job: QueryJob) -> QueryAnswer:
        self.entered.set()
        self.release.wait(10)
        return QueryAnswer(200, b'{"head":{},"boolean":true}', job.media_type)


def test_caps_beyond_the_queue_answer_429(settings: ServerSettings) -> None:
    """Over its own cap of queries running or waiting, or with the queue full, a client gets 429 at once."""
    blocking = BlockingStore()
    app = create_app(replace(settings, per_client_in_flight=1, per_client_queries=1, max_in_flight=1,
                             queue_length=0, cache_entries=0), blocking)
    results = []
    thread = threading.Thread(target=lambda: results.append(app.test_client().get("/sparql?query=ASK%7B%7D").status_code))
    thread.start()
    assert blocking.entered.wait(5)
    second = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert (second.status_code, second.headers["Retry-After"]) == (429, "1")
    assert second.data == b"you already have 1 queries running or waiting; wait for one to finish\n"
    other_client = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                         environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert (other_client.status_code, other_client.data) == (
        429, b"the server is answering as many queries as it can and its queue is full; try again shortly\n")
    blocking.release.set()
    thread.join(5)
    assert results == [200]


# -- operations -------------------------------------------------------------------------------------------------------

def test_health_void_metrics(client: FlaskClient, built: BuildResult) -> None:
    health = client.get("/health").get_json()
    assert health == {"status": "ok", "build_id": built.build_id, "triples": built.quads, "workers_idle": None}
    void = client.get("/void")
    assert void.mimetype == "text/turtle" and void.data == (built.out_dir / "void.ttl").read_bytes()
    metrics = client.get("/metrics").data.decode()
    assert 'tpgraph_requests_total{outcome="ok",route="health",status="200"} 1.0' in metrics


def test_trusted_proxy_gives_the_public_url(settings: ServerSettings, store: OxigraphStore) -> None:
    client = create_app(replace(settings, trusted_proxies=1), store).test_client()
    headers = {"Accept": "text/turtle", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "tpgraph.example.org"}
    response = client.get("/sparql", headers=headers)
    assert b"<https://tpgraph.example.org/sparql> a sd:Service" in response.data
    untrusted = create_app(settings, store).test_client().get("/sparql", headers=headers)
    assert b"<http://localhost/sparql> a sd:Service" in untrusted.data
