"""The pain-drawing search on the real graph through its three front ends: ``tpgraph pain``, ``GET /api/pain`` and
the ``/pain`` page. Each gives the same ranking (one function); every bad drawing is a 400 or exit 2, never a 500."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tpgraph.build.dist import BuildResult
from tpgraph.catalogue.pain_score import NOTICE
from tpgraph.cli import main
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
DRAWING = ["groin", "upper anterior thigh", "lower back"]
TOP = [  # (rank, label, score, via group, covers); psoas major's second source breaks the tie with iliacus
    (1, "psoas major", 0.8333, "iliopsoas",
     [("groin", "spillover"), ("upper anterior thigh", "essential"), ("lower back", "essential")]),
    (2, "iliacus", 0.8333, "iliopsoas",
     [("groin", "spillover"), ("upper anterior thigh", "essential"), ("lower back", "essential")]),
    (3, "internal oblique", 0.5833, None, [("groin", "essential"), ("lower back", "essential")]),
]


@pytest.fixture(scope="module")
def client(built: BuildResult, store: OxigraphStore) -> FlaskClient:
    settings = ServerSettings(dist=built.out_dir, queries=REPO / "queries", ontology=REPO / "ontology" / "tpgraph.ttl")
    return create_app(settings, store).test_client()


def top(rows: list[dict]) -> list[tuple]:
    return [(r["rank"], r["label"], r["score"], r["viaGroup"]["label"] if r["viaGroup"] else None,
             [(c["label"], c["intensity"]) for c in r["covers"]]) for r in rows[:3]]


def test_api_json_is_a_list_in_rank_order(client: FlaskClient) -> None:
    response = client.get("/api/pain", query_string=[("region", r) for r in DRAWING])
    assert (response.status_code, response.mimetype) == (200, "application/json")
    rows = json.loads(response.data)
    assert top(rows) == TOP
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert len({r["muscle"] for r in rows}) == len(rows), "a muscle appears once"
    first = rows[0]
    assert first["misses"] == [] and first["minority"] is False and first["notice"] == NOTICE
    assert first["patternSource"]["label"] == "NAT, Treating Psoas" and first["support"] == 2
    assert response.headers["Tpgraph-Notice"] == NOTICE
    assert rows[2]["misses"] == [{"iri": "https://w3id.org/tpgraph/id/region/upper-anterior-thigh",
                                  "label": "upper anterior thigh"}]


def test_api_csv(client: FlaskClient) -> None:
    response = client.get("/api/pain", query_string=[("region", r) for r in DRAWING], headers={"Accept": "text/csv"})
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [(r["rank"], r["label"], r["score"], r["viaGroup"]) for r in rows[:3]] == [
        ("1", "psoas major", "0.8333", "iliopsoas"), ("2", "iliacus", "0.8333", "iliopsoas"),
        ("3", "internal oblique", "0.5833", "")]
    assert rows[0]["covers"] == "groin (spillover); upper anterior thigh (essential); lower back (essential)"
    assert client.get("/api/pain?region=knee&format=csv").mimetype == "text/csv"


@pytest.mark.parametrize(("query", "status", "message"), [
    ("", 400, "pain: draw at least one body region (give region=… once per region)"),
    ("region=", 400, "pain: draw at least one body region (give region=… once per region)"),
    ("&".join(["region=knee"] * 13), 400, "pain: a drawing holds at most 12 regions; 13 were given"),
    ("region=grion&region=knee", 400, "pain: no body region called 'grion' in the graph; did you mean 'groin'?"),
    ("region=%3Cscript%3E", 400, ("pain: '<script>' holds characters no region name has ('<>'); give a region's "
                                  "name or id")),
    ("region=groin%22%20%7D%20UNION%20%7B", 400,
     "pain: 'groin\" } UNION {' holds characters no region name has ('\"{}'); give a region's name or id"),
    ("region=knee&muscle=psoas", 400, "pain: no parameter 'muscle' (this search takes: region)"),
    ("region=knee&format=xml", 406, "format 'xml' is not available here; use json or csv"),
])
def test_api_refuses_every_bad_drawing(client: FlaskClient, query: str, status: int, message: str) -> None:
    response = client.get("/api/pain?" + query)
    assert (response.status_code, response.data.decode()) == (status, message + "\n")


def test_api_reads_a_lay_phrase(client: FlaskClient) -> None:
    rows = json.loads(client.get("/api/pain?region=front%20of%20hip").data)
    assert {c["label"] for r in rows for c in r["covers"]} <= {"groin", "anterior superior iliac spine region"}
    assert rows and rows[0]["rank"] == 1


def test_openapi_describes_api_pain(client: FlaskClient) -> None:
    document = json.loads(client.get("/openapi.json").data)
    validate(document)
    operation = document["paths"]["/api/pain"]["get"]
    assert operation["parameters"][0]["schema"]["maxItems"] == 12
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}


def test_the_page_ranks_a_drawing_and_toggles_regions(client: FlaskClient) -> None:
    response = client.get("/pain?region=groin&region=knee", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.data.decode()
    assert NOTICE.split(".")[0] in html and "Muscles to examine, best match first" in html
    assert '<option value="groin" selected>' in html and '<option value="knee" selected>' in html
    # every map region is a link to the drawing with that region toggled
    assert '<a href="/pain?region=knee"><polygon id="region-groin-right"' in html
    assert '<a href="/pain?region=groin&amp;region=knee&amp;region=asis-region">' in html
    assert 'id="region-groin-right" class="region drawn"' in html
    assert "<script" not in html
    # the same first row as the API
    rows = json.loads(client.get("/api/pain?region=groin&region=knee").data)
    assert f'value="1"><a href="/id/muscle/{rows[0]["muscle"].rsplit("/", 1)[1]}">{rows[0]["label"]}</a>' in html


@pytest.mark.parametrize(("query", "shown"), [
    ("region=grion", "no body region called &#39;grion&#39; in the graph; did you mean &#39;groin&#39;?"),
    ("&".join(["region=knee"] * 13), "a drawing holds at most 12 regions; 13 were given"),
    ("region=%3Cb%3E", "&#39;&lt;b&gt;&#39; holds characters no region name has"),
])
def test_the_page_refuses_a_bad_drawing_with_400(client: FlaskClient, query: str, shown: str) -> None:
    response = client.get("/pain?" + query, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert shown in response.data.decode()


def run(capsys: pytest.CaptureFixture[str], built: BuildResult, *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(REPO), "pain", "--dist", str(built.out_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_table_json_and_csv(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, built, *DRAWING)
    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert lines[0].split(" | ")[:3] == ["rank", "score", "muscle".ljust(len(lines[2].split(" | ")[2]))]
    assert [line.split(" | ")[2].strip() for line in lines[2:5]] == [
        "psoas major (via iliopsoas)", "iliacus (via iliopsoas)", "internal oblique"]
    assert lines[-2:] == ["drawn: groin, upper anterior thigh, lower back", NOTICE]
    code, out, err = run(capsys, built, *DRAWING, "--format", "json")
    assert code == 0 and top(json.loads(out)) == TOP
    code, out, err = run(capsys, built, *DRAWING, "--format", "csv")
    assert code == 0 and out.startswith("rank,score,muscle,label,kind,viaGroup,covers,misses,")


def test_cli_errors(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, built) == (2, "", "pain: draw at least one body region (give region=… once per region)\n")
    assert run(capsys, built, "lowr back", "kne") == (2, "", (
        "pain: no body region called 'lowr back' in the graph; did you mean 'lower back'?\n"
        "pain: no body region called 'kne' in the graph; did you mean 'knee'?\n"))
    assert run(capsys, built, *["knee"] * 13) == (2, "", "pain: a drawing holds at most 12 regions; 13 were given\n")
