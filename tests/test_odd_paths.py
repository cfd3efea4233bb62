"""Record and graph paths parsed by the one IRI rule (``model/iris.py``): a label or synonym in the path is a
303 to the record, anything else that names no record is 404, and a byte the IRI syntax forbids is a 404 or
400 too, never a 500 (issue 15: these were 500s)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tpgraph.build.dist import BuildResult
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.model.iris import graph_iri_of_path, record_iri_of_path, record_iri_of_text
from tpgraph.store.embedded import OxigraphStore
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client(built: BuildResult, store: OxigraphStore) -> FlaskClient:
    settings = ServerSettings(dist=built.out_dir, queries=REPO / "queries", ontology=REPO / "ontology" / "tpgraph.ttl")
    return create_app(settings, store).test_client()


def test_the_iri_rule_parses_paths() -> None:
    assert record_iri_of_path("muscle", "psoas-major") == "https://w3id.org/tpgraph/id/muscle/psoas-major"
    assert [record_iri_of_path("muscle", s) for s in ("psoas major", "Psoas", "a>b", "\x00", "", "a--b", "a\n")] == [
        None] * 7
    assert graph_iri_of_path("muscle/psoas-major/nat") == "https://w3id.org/tpgraph/graph/muscle/psoas-major/nat"
    assert [graph_iri_of_path(p) for p in ("a>b", "a b", "muscle//x", "\x00", "é")] == [None] * 5
    assert record_iri_of_text("root", "https://w3id.org/tpgraph/id/root/l2") == "https://w3id.org/tpgraph/id/root/l2"
    assert record_iri_of_text("root", "https://w3id.org/tpgraph/id/root/l 2") is None


@pytest.mark.parametrize(("path", "location"), [
    ("/id/muscle/psoas%20major", "/id/muscle/psoas-major"),
    ("/id/muscle/Psoas%20Major?format=turtle", "/id/muscle/psoas-major?format=turtle"),
    ("/id/muscle/psoas", "/id/muscle/psoas-major"),  # a synonym
    ("/id/region/Groin", "/id/region/groin"),
    ("/id/muscle/psoas%20major/map.svg", "/id/muscle/psoas-major/map.svg"),
    ("/graph/muscle/psoas%20major", "/graph/muscle/psoas-major"),
    ("/graph/muscle/psoas%20major/nat-treating-psoas", "/graph/muscle/psoas-major/nat-treating-psoas"),
    ("/id/muscle/psoas?x=%ff&y=%C3%A9", "/id/muscle/psoas-major?x=%ff&y=%C3%A9"),
    ("/vocab/0.1.0?_scheme=https", "/vocab?_scheme=https"),
])
def test_a_label_in_the_path_redirects_to_the_record(client: FlaskClient, path: str, location: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.headers["Location"]) == (303, location)


@pytest.mark.parametrize("path", [
    "/id/muscle/%00", "/id/muscle/a%22b", "/id/muscle/a%3Cb", "/id/muscle/a%3Eb", "/id/muscle/%ff",
    "/id/muscle/a%5Cb", "/id/muscle/a%7Bb", "/id/muscle/a%60b", "/id/muscle/a%7Cb", "/id/muscle/a%5Eb",
    "/id/muscle/no-such-muscle", "/id/muscle/a%20b?format=turtle", "/id/%00/x", "/id/muscle/a%3Cb/map.svg",
    "/id/muscle/%00/map.svg", "/id/region/groin/map.svg", "/graph/a%3Eb", "/graph/muscle/%22x", "/graph/%00?format=trig",
    "/graph/%ff", "/graph/a%20b", "/graph/a%7Bb", "/graph/muscle/psoas%20major/a%20b", "/graph/muscle/no-such",
    "/releases/%00/x", "/releases/0.1.0/%00", "/releases/0.1.0/..%2F..%2Fetc",
])
def test_a_path_that_names_nothing_is_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404, response.data[:200]
    assert b"Traceback" not in response.data


@pytest.mark.parametrize(("path", "status"), [
    ("/api/muscle-card?muscle=%00", 400), ("/api/muscle-card?muscle=a%3Eb", 400),
    ("/api/muscle-card?muscle=https://w3id.org/tpgraph/id/muscle/a%20b", 400),
    ("/pain?region=%00", 400), ("/pain?region=a%3Eb", 400), ("/vocab?format=%00", 406),
    ("/id/muscle/psoas-major?format=%00", 406),
])
def test_odd_values_in_query_strings_are_4xx(client: FlaskClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status
