"""The REST API over the named queries (/api, /api/<name>, /openapi.json), through the Flask test client.

The store is wrapped so that each test can see the exact query text that reached it: a parameter value only
ever selects which record IRI is bound; it never changes the query.
"""

from __future__ import annotations

from pathlib import Path

import csv
import io
import json

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tpgraph.build.dist import BuildResult
from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.store.interface import QueryAnswer, QueryJob
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]

CATALOGUE = {q.name: q for q in load_catalogue(REPO / "queries")}
L2_GROIN = ["adductor-brevis", "adductor-longus", "adductor-magnus", "gracilis", "iliacus", "pectineus",
            "psoas-major", "quadratus-lumborum", "sartorius", "vastus-intermedius"]


class RecordingStore:
    """The in-process store, remembering every query it is asked to evaluate."""

    def __init__(self, store: OxigraphStore):
        self.store = store
        self.queries: list[str] = []

    def execute(self, job: QueryJob) -> QueryAnswer:
        self.queries.append(job.query)
        return self.store.execute(job)


@pytest.fixture()
def recording(store: OxigraphStore) -> RecordingStore:
    return RecordingStore(store)


@pytest.fixture()
def client(built: BuildResult, store: OxigraphStore, recording: RecordingStore) -> FlaskClient:
    settings = ServerSettings(dist=built.out_dir, queries=REPO / "queries", cache_entries=0)
    return create_app(settings, recording, lookup=store).test_client()


def muscles(response) -> list[str]:
    answer = json.loads(response.data)
    return sorted({b["muscle"]["value"].rsplit("/", 1)[1] for b in answer["results"]["bindings"]})


def test_a_named_query_with_parameters_by_label_and_synonym(client: FlaskClient) -> None:
    response = client.get("/api/muscles-by-root-and-region?root=L2&region=inguinal%20region")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert muscles(response) == L2_GROIN
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_defaults_apply_and_csv_tsv_come_by_accept(client: FlaskClient) -> None:
    response = client.get("/api/muscles-by-root-and-region", headers={"Accept": "text/csv"})
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["muscle", "label", "intensity", "support", "rootSupport", "referralSupport", "sources",
                       "sourceIris", "viaGroup", "minority"]
    adductor_longus = next(r for r in rows[1:] if r[1] == "adductor longus")
    assert adductor_longus[2] == "essential" and "NAT, Treating the Hip Adductors" in adductor_longus[6].split("; ")
    assert sorted({r[0].rsplit("/", 1)[1] for r in rows[1:]}) == L2_GROIN
    response = client.get("/api/muscles-by-root?root=S1", headers={"Accept": "text/tab-separated-values"})
    assert (response.status_code, response.mimetype) == (200, "text/tab-separated-values")
    assert response.data.decode().splitlines()[0] == "?muscle\t?label\t?support\t?sources\t?sourceIris\t?minority"
    assert client.get("/api/muscles-by-root?format=csv").mimetype == "text/csv"
    assert client.get("/api/muscles-by-root", headers={"Accept": "image/png"}).status_code == 406


def test_the_query_that_runs_is_the_catalogue_text_plus_one_values_block(client: FlaskClient,
                                                                        recording: RecordingStore) -> None:
    assert client.get("/api/muscles-by-root?root=second%20lumbar%20spinal%20nerve").status_code == 200
    (ran,) = recording.queries
    original = CATALOGUE["muscles-by-root"].text
    block = "\n  VALUES ?root { <https://w3id.org/tpgraph/id/root/l2> }\n"
    at = original.index("WHERE {") + len("WHERE {")
    assert ran == original[:at] + block + original[at:]


@pytest.mark.parametrize("value", [
    'groin" } UNION { ?s ?p ?o } #',
    "groin> } ?s ?p ?o . {",
    "groin}\nSELECT * WHERE { ?s ?p ?o }",
    "<https://w3id.org/tpgraph/id/region/groin>",
    "?s ?p ?o",
    "groin' ; DROP ALL",
])
def test_hostile_values_are_refused_and_never_reach_the_store(client: FlaskClient, recording: RecordingStore,
                                                              value: str) -> None:
    response = client.get("/api/muscles-referring-to-region", query_string={"region": value})
    assert response.status_code == 400
    assert response.data.decode().startswith(f"muscles-referring-to-region: no body region called '{value}'")
    assert recording.queries == []


def test_errors_name_what_would_work(client: FlaskClient, recording: RecordingStore) -> None:
    response = client.get("/api/muscles-by-rot")
    assert response.status_code == 404
    assert response.data.decode() == ("no named query 'muscles-by-rot'; did you mean 'muscles-by-root' or "
                                      "'muscles-by-root-range' or 'muscles-by-nerve'? (tpgraph queries lists them)\n")
    response = client.get("/api/muscles-by-root?root=L9")
    assert (response.status_code, response.data.decode()) == (
        400, "muscles-by-root: no spinal nerve root called 'L9' in the graph\n")
    response = client.get("/api/muscles-by-root?nerve=femoral")
    assert (response.status_code, response.data.decode()) == (
        400, "muscles-by-root: no parameter 'nerve' (this query takes: root)\n")
    response = client.get("/api/muscles-by-root?root=L2&root=L3")
    assert (response.status_code, response.data.decode()) == (400, "parameter 'root' is given more than once\n")
    response = client.get("/api/muscles-by-root", query_string={"root": "L" * 201})
    assert (response.status_code, response.data.decode()) == (400, "parameter 'root' is longer than 200 characters\n")
    assert client.get("/api/muscles-by-root?root=").status_code == 400
    assert recording.queries == []


def test_a_muscle_parameter_accepts_a_group(client: FlaskClient) -> None:
    response = client.get("/api/differential-diagnoses?muscle=iliopsoas")
    answer = json.loads(response.data)
    conditions = [b["condition"]["value"].rsplit("/", 1)[1] for b in answer["results"]["bindings"]]
    assert conditions[:2] == ["appendicitis", "space-occupying-lesion"], "red flags first"
    assert len(conditions) == 13


def test_api_lists_the_catalogue(client: FlaskClient) -> None:
    listing = json.loads(client.get("/api").data)
    assert [q["name"] for q in listing["queries"]] == sorted(CATALOGUE)
    entry = next(q for q in listing["queries"] if q["name"] == "muscles-by-root-and-region")
    assert entry["url"] == "http://localhost/api/muscles-by-root-and-region"
    assert entry["parameters"] == [
        {"name": "root", "types": ["root"], "description": "a spinal nerve root, e.g. L2", "default": "L2",
         "example": "L4"},
        {"name": "region", "types": ["region"],
         "description": "a body region (label, synonym or id), e.g. groin or inguinal region", "default": "groin",
         "example": "knee"},
    ]
    assert listing["openapi"] == "http://localhost/openapi.json"


def test_openapi_document_is_valid_and_generated_from_the_headers(client: FlaskClient) -> None:
    document = json.loads(client.get("/openapi.json").data)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == sorted(["/api", "/api/pain"] + [f"/api/{name}" for name in CATALOGUE])
    operation = document["paths"]["/api/muscles-by-root-and-region"]["get"]
    assert operation["summary"] == CATALOGUE["muscles-by-root-and-region"].summary
    assert [(p["name"], p["schema"].get("default"), p.get("example")) for p in operation["parameters"]] == [
        ("root", "L2", "L4"), ("region", "groin", "knee"), ("format", None, None)]
    assert sorted(operation["responses"]["200"]["content"]) == [
        "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]


def test_query_page_links_the_api_and_offers_examples_with_defaults_bound(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).data.decode()
    assert 'href="/openapi.json"' in page and 'href="/api"' in page
    assert "VALUES ?root { &lt;https://w3id.org/tpgraph/id/root/l2&gt; }" in page
