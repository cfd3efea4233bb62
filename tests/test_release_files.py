"""Published releases at /releases/: the version IRIs a release declares dereference to its frozen files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tpgraph.build.dist import BuildResult
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]

W3ID = "https://w3id.org/tpgraph"


@pytest.fixture()
def releases(tmp_path: Path) -> Path:
    """Two releases, a staging folder an interrupted release left behind, and a secret beside the folder."""
    root = tmp_path / "releases"
    (root / "0.1.0" / "imports").mkdir(parents=True)
    (root / "0.1.0" / "tpgraph.owl").write_bytes(b"<rdf:RDF>one</rdf:RDF>\n")
    (root / "0.1.0" / "imports" / "external.owl").write_bytes(b"<rdf:RDF>module</rdf:RDF>\n")
    (root / "0.10.0").mkdir()
    (root / "0.10.0" / "tpgraph.trig").write_bytes(b"<a:s> <a:p> <a:o> <a:g> .\n")
    (root / ".staging-0.2.0").mkdir()
    (root / ".staging-0.2.0" / "tpgraph.owl").write_bytes(b"half written\n")
    (tmp_path / "secret.txt").write_text("never served\n")
    return root


def client_for(built: BuildResult, store: OxigraphStore, releases: Path) -> FlaskClient:
    settings = ServerSettings(dist=built.out_dir, queries=REPO / "queries", releases=releases)
    return create_app(settings, store).test_client()


def test_released_files_are_served_unchanged_and_immutable(built: BuildResult, store: OxigraphStore,
                                                           releases: Path) -> None:
    client = client_for(built, store, releases)
    owl = client.get("/releases/0.1.0/tpgraph.owl")
    assert (owl.status_code, owl.mimetype, owl.data) == (200, "application/rdf+xml", b"<rdf:RDF>one</rdf:RDF>\n")
    assert owl.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert owl.headers["Access-Control-Allow-Origin"] == "*"
    module = client.get("/releases/0.1.0/imports/external.owl")
    assert (module.status_code, module.data) == (200, b"<rdf:RDF>module</rdf:RDF>\n")
    trig = client.get("/releases/0.10.0/tpgraph.trig")
    assert (trig.status_code, trig.mimetype) == (200, "application/trig")
    again = client.get("/releases/0.1.0/tpgraph.owl", headers={"If-None-Match": owl.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")


def test_only_published_releases_and_their_own_files(built: BuildResult, store: OxigraphStore,
                                                     releases: Path) -> None:
    client = client_for(built, store, releases)
    staging = client.get("/releases/.staging-0.2.0/tpgraph.owl")
    assert (staging.status_code, staging.data) == (
        404, b"no release .staging-0.2.0 on this server (published: 0.10.0, 0.1.0)\n")
    assert client.get("/releases/0.2.0/tpgraph.owl").status_code == 404
    assert client.get("/releases/0.1.0/missing.owl").status_code == 404
    for escape in ("/releases/0.1.0/../../secret.txt", "/releases/0.1.0/%2e%2e/%2e%2e/secret.txt",
                   "/releases/0.1.0/..%2f..%2fsecret.txt"):
        response = client.get(escape)
        assert response.status_code == 404, escape
        assert b"never served" not in response.data


def test_the_list_of_releases(built: BuildResult, store: OxigraphStore, releases: Path) -> None:
    client = client_for(built, store, releases)
    listing = client.get("/releases/")
    assert (listing.status_code, listing.mimetype) == (200, "text/html")
    html = listing.data.decode()
    assert re.findall(r'<section id="v([0-9.]+)">', html) == ["0.10.0", "0.1.0"]  # newest first
    assert re.findall(r'href="(/releases/[^"]+)"', html) == [
        "/releases/0.10.0/tpgraph.trig", "/releases/0.1.0/imports/external.owl", "/releases/0.1.0/tpgraph.owl"]
    assert "staging" not in html
    folder = client.get("/releases/0.1.0/")
    assert (folder.status_code, folder.headers["Location"]) == (303, "/releases/#v0.1.0")
    none = client_for(built, store, releases / "absent").get("/releases/")
    assert "No release is published on this server." in none.data.decode()


def test_every_version_iri_of_the_published_releases_resolves(built: BuildResult, store: OxigraphStore) -> None:
    """The real releases/ of this repository: each version IRI a file declares names that very file."""
    client = client_for(built, store, REPO / "releases")
    declared = {}
    for path in sorted((REPO / "releases").glob("*/*")):
        if path.is_file():
            for iri in re.findall(rb'(?:versionIRI rdf:resource="|mapping_set_id: |versionIRI>? <)'
                                  rb'(https://w3id\.org/tpgraph/releases/[^">\s]+)', path.read_bytes()):
                declared[iri.decode()] = path
    assert {Path(p).name for p in declared.values()} >= {"tpgraph.owl", "tpgraph-full.owl", "tpgraph.trig",
                                                              "tpgraph.sssom.tsv"}
    for iri, path in declared.items():
        response = client.get(iri.removeprefix(W3ID))
        assert response.status_code == 200, iri
        assert response.data == (REPO / "releases" / iri.removeprefix(f"{W3ID}/releases/")).read_bytes(), iri
