"""``tpgraph serve --watch``: an edit is rebuilt and swapped in (new build id, new ETag, new answer); a bad edit
keeps the last good build served while /health, the pages and the log say what to fix (file:line); fixing it
recovers. Over real HTTP on loopback, on a project of two records so that a rebuild takes about a second."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from live_server import LiveServer, live_server
from tpgraph.cli import main
from tpgraph.web.swap import AppSwitch
from tpgraph.watch import snapshot

REPO = Path(__file__).resolve().parents[1]
LABEL_QUERY = "SELECT ?label WHERE { muscle:pronator-quadratus rdfs:label ?label }"
MUSCLE = """muscles:
  - id: pronator-quadratus
    label: {label}
    definition: The square muscle across the front of the lower ends of the radius and ulna.
"""
BROKEN = "muscles:\n  - id: gracilis\n    label: gracilis\n   synonyms: [x]\n"


def small_project(make_small_project, root: Path) -> Path:
    """The real ontology and queries, and data of two records: the build under test, not the whole body."""
    make_small_project(root)
    shutil.copytree(REPO / "queries", root / "queries")
    (root / "data" / "muscles").mkdir()
    write_label(root, "pronator quadratus")
    return root


def write_label(root: Path, label: str) -> None:
    (root / "data" / "muscles" / "pronator-quadratus.yaml").write_text(MUSCLE.format(label=label), encoding="utf-8")


def health(server: LiveServer) -> dict[str, Any]:
    with server.get("/health", timeout=5) as response:
        return json.load(response)


def labels(server: LiveServer) -> tuple[list[str], str]:
    """The muscle's labels as served now, and the answer's ETag."""
    query = urllib.parse.urlencode({"query": LABEL_QUERY})
    with server.get(f"/sparql?{query}", {"Accept": "application/sparql-results+json"}, timeout=10) as response:
        rows = json.load(response)["results"]["bindings"]
        return [row["label"]["value"] for row in rows], response.headers["ETag"]


def wait_for(what: str, check: Callable[[], Any], server: LiveServer, timeout: float = 60.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail with the server log after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; server log:\n{server.log.read_text()}")


@pytest.fixture
def watched(tmp_path: Path, make_small_project) -> Iterator[tuple[LiveServer, Path]]:
    root = small_project(make_small_project, tmp_path / "project")
    with live_server(root / "dist", tmp_path / "serve.log", "--watch", "--workers", "2", root=root) as server:
        yield server, root


def test_an_edit_is_rebuilt_and_swapped_in_and_a_bad_edit_keeps_the_last_good_build(
        watched: tuple[LiveServer, Path]) -> None:
    server, root = watched
    first = health(server)
    assert first["watch"] == {"rebuilds": 0, "problem": None}
    assert labels(server)[0] == ["pronator quadratus"]
    old_etag = labels(server)[1]

    # An edit: a new build id, a new ETag, the new answer.
    write_label(root, "pronator quadratus renamed")
    swapped = wait_for("the rebuilt build", lambda: (h := health(server))["build_id"] != first["build_id"] and h,
                       server)
    assert swapped["watch"] == {"rebuilds": 1, "problem": None}
    answer, etag = labels(server)
    assert answer == ["pronator quadratus renamed"] and etag != old_etag

    # A bad edit: still serving the last good build; /health, the pages and the log say what to fix, file:line.
    (root / "data" / "muscles" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    failed = wait_for("the reported problem", lambda: (h := health(server))["watch"]["problem"] and h, server)
    where = "data/muscles/broken.yaml:4: not valid YAML"
    assert where in failed["watch"]["problem"]
    assert failed["build_id"] == swapped["build_id"] == failed["watch"]["serving"]
    assert labels(server)[0] == ["pronator quadratus renamed"]
    for page in ("/", "/id/muscle/pronator-quadratus"):
        with server.get(page, {"Accept": "text/html"}) as response:
            html = response.read().decode("utf-8")
        assert "The last edit did not build" in html and where in html, page
    assert where in server.log.read_text()

    # Fixed: the problem is gone and the fixed sources are served.
    (root / "data" / "muscles" / "broken.yaml").unlink()
    write_label(root, "pronator quadratus fixed")
    recovered = wait_for("the recovery", lambda: (h := health(server))["watch"]["problem"] is None
                         and labels(server)[0] == ["pronator quadratus fixed"] and h, server)
    assert recovered["build_id"] not in (first["build_id"], swapped["build_id"])
    assert labels(server)[0] == ["pronator quadratus fixed"]
    with server.get("/") as response:
        assert "The last edit did not build" not in response.read().decode("utf-8")


def test_a_request_in_flight_finishes_on_the_old_app_and_the_swap_waits_for_it() -> None:
    release = threading.Event()

    def app(name: str, blocking: bool = False) -> Callable:
        def wsgi(environ: dict, start_response: Callable) -> list[bytes]:
            if blocking:
                release.wait(10)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [name.encode()]
        return wsgi

    switch = AppSwitch(app("old", blocking=True))
    answers: list[bytes] = []

    def slow_request() -> None:
        body = switch({}, lambda status, headers: None)
        answers.append(b"".join(body))
        body.close()  # type: ignore[attr-defined]  # what the HTTP server does after sending it

    thread = threading.Thread(target=slow_request)
    thread.start()
    deadline = time.monotonic() + 5
    while switch.in_flight == 0 and time.monotonic() < deadline:  # the request has entered the old app
        time.sleep(0.01)
    drained = switch.swap(app("new"))
    new_body = switch({}, lambda status, headers: None)
    assert b"".join(new_body) == b"new" and len(new_body) == 1  # type: ignore[arg-type]
    new_body.close()  # type: ignore[attr-defined]
    assert drained(0.05) is False  # the old app is still answering
    release.set()
    assert drained(5) is True
    thread.join(5)
    assert answers == [b"old"]


def test_the_poller_ignores_editor_scratch_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / ".a.yaml.swp").write_text("x", encoding="utf-8")
    (tmp_path / "a.yaml~").write_text("x", encoding="utf-8")
    assert list(snapshot([tmp_path, tmp_path / "missing"])) == [str(tmp_path / "a.yaml")]


def test_watch_is_refused_with_a_remote_store_or_without_sources(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--watch", "--store", "http://127.0.0.1:9/query"]) == 2
    assert "--watch" in capsys.readouterr().err
    (tmp_path / "dist").mkdir()
    assert main(["--root", str(tmp_path), "serve", "--watch"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_watch_with_no_build_and_broken_sources_serves_nothing_and_says_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make_small_project) -> None:
    root = small_project(make_small_project, tmp_path / "project")
    (root / "data" / "muscles" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    assert main(["--root", str(root), "serve", "--watch", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "data/muscles/broken.yaml:4: not valid YAML" in err and "nothing was served" in err
    assert not (root / "dist").exists()


NAMED_QUERY = """#+ summary: Every muscle's label
#+ tags: [test]

PREFIX tp: <https://w3id.org/tpgraph/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?label WHERE { ?muscle a tp:Muscle ; rdfs:label ?label }
"""


def api_status(server: LiveServer, path: str) -> int:
    try:
        with server.get(path, {"Accept": "application/sparql-results+json"}) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_a_new_named_query_is_served_and_a_malformed_header_keeps_the_catalogue(
        watched: tuple[LiveServer, Path]) -> None:
    server, root = watched
    assert api_status(server, "/api/muscle-labels") == 404
    (root / "queries" / "muscle-labels.rq").write_text(NAMED_QUERY, encoding="utf-8")
    wait_for("the new named query", lambda: api_status(server, "/api/muscle-labels") == 200, server)

    (root / "queries" / "muscle-labels.rq").write_text("#+ summary: [unclosed\n" + NAMED_QUERY, encoding="utf-8")
    failed = wait_for("the reported problem", lambda: (h := health(server))["watch"]["problem"] and h, server)
    assert failed["watch"]["problem"].startswith("queries/muscle-labels.rq: ")
    assert api_status(server, "/api/muscle-labels") == 200  # the last good catalogue still answers

