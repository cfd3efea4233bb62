"""The `tpgraph` command, run in-process through the same entry point as the console script."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tpgraph.build.dist import BuildResult
from tpgraph.cli import main
from tpgraph.build.loader import load
from tpgraph.model.schema import RECORD_TYPES

REPO = Path(__file__).resolve().parents[1]

INVALID = Path(__file__).parent / "invalid"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_accepts_the_real_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(REPO), "validate")
    loaded = load(REPO / "data", REPO / "ontology" / "tpgraph.ttl")
    assert (code, err) == (0, "")
    assert out == f"valid: {len(loaded.records)} records, {sum(1 for _ in loaded.dataset.quads())} quads\n"


def test_validate_refuses_bad_data_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_project) -> None:
    paths = make_project(tmp_path, {"root-is-a-nerve.yaml": INVALID / "root-is-a-nerve.yaml"})
    code, out, err = run(capsys, "--root", str(paths.root), "validate")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "data/extra/root-is-a-nerve.yaml:7: 'femoral-nerve' is a nerve, but 'roots' takes a spinal nerve root",
        "1 problem found; the data are invalid.",
    ]


def test_build_reports_what_it_built(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_small_project) -> None:
    """Full, reused and incremental builds each say which they were (a one-record project: the words do not
    depend on the size of the data)."""
    paths = make_small_project(tmp_path)
    code, out, _ = run(capsys, "--root", str(paths.root), "build")
    assert code == 0
    first, second = out.splitlines()
    info = json.loads((paths.dist / "build.json").read_text())
    records = ", ".join(f"{info['records'][t]} {t}" for t in RECORD_TYPES if info["records"][t])
    assert first == (f"built {paths.dist}: {info['quads']} quads in {info['graphs']} named graphs "
                     f"({first.split('(')[1].split(' derived')[0]} derived), records: {records}")
    assert second == "build id " + json.loads((paths.dist / "build.json").read_text())["build_id"]
    code, again, _ = run(capsys, "--root", str(paths.root), "build")
    assert code == 0
    assert again.splitlines() == [first.replace("built ", "up to date ", 1), second], "unchanged sources: reused"
    source = paths.data / "sources" / "core.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("tpgraph's own definitions.", "tpgraph's own."),
                      encoding="utf-8")
    code, edited, _ = run(capsys, "--root", str(paths.root), "build")
    assert code == 0
    info = json.loads((paths.dist / "build.json").read_text())
    assert edited.splitlines() == [
        first.replace(f"{paths.dist}:", f"{paths.dist} (incremental: 1 file redone, the rest reused):"),
        f"build id {info['build_id']}"]


def test_the_build_holds_every_muscle_file_s_records(built: BuildResult) -> None:
    files = (REPO / "data" / "muscles").glob("*.yaml")
    assert built.records["muscle"] == sum(len(YAML(typ="safe").load(f.read_text(encoding="utf-8"))["muscles"])
                                          for f in files)


def test_failed_build_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_project) -> None:
    paths = make_project(tmp_path, {"misspelt-key.yaml": INVALID / "misspelt-key.yaml"})
    code, out, err = run(capsys, "--root", str(paths.root), "build")
    assert code == 1 and out == ""
    assert err.splitlines()[-1] == "1 problem found; nothing was built."
    assert not paths.dist.exists()


def test_query_formats(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    dist = str(built.out_dir)
    code, out, _ = run(capsys, "--root", str(REPO), "query", "muscle-roots", "--dist", dist)
    assert code == 0
    assert [cell.strip() for cell in out.splitlines()[0].split(" | ")] == ["root", "label", "source", "evidence"]
    assert out.splitlines()[-1] == "(7 rows)"

    code, out, _ = run(capsys, "--root", str(REPO), "query", "muscle-roots", "--dist", dist, "--format", "json")
    answer = json.loads(out)
    assert answer["head"]["vars"] == ["root", "label", "source", "evidence"]
    assert [b["label"]["value"] for b in answer["results"]["bindings"]] == ["L1", "L1", "L2", "L2", "L3", "L3", "L4"]

    code, out, _ = run(capsys, "--root", str(REPO), "query", "muscle-roots", "--dist", dist, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["root", "label", "source", "evidence"]
    assert rows[-1] == ["https://w3id.org/tpgraph/id/root/l4", "L4", "https://w3id.org/tpgraph/id/source/nat-treating-psoas",
                        "https://w3id.org/tpgraph/vocab#SourceStated"]

    code, out, _ = run(capsys, "--root", str(REPO), "query", "muscle-roots", "--dist", dist, "--format", "tsv")
    assert out.splitlines()[0] == "?root\t?label\t?source\t?evidence"
    assert len(out.splitlines()) == 8


def test_query_file_with_a_syntax_error(tmp_path: Path, built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }", encoding="utf-8")
    code, out, err = run(capsys, "query", str(bad), "--dist", str(built.out_dir))
    assert code == 1 and out == ""
    assert err.startswith("bad: error at 1:26: expected one of")


def test_query_ask_and_construct(tmp_path: Path, built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { muscle:gluteus-maximus tp:hasAntagonist muscle:psoas-major }", encoding="utf-8")
    assert run(capsys, "query", str(ask), "--dist", str(built.out_dir))[:2] == (0, "true\n")
    construct = tmp_path / "construct.rq"
    construct.write_text("CONSTRUCT { muscle:psoas-minor tp:absentInPercent ?p } WHERE { muscle:psoas-minor tp:absentInPercent ?p }")
    code, out, _ = run(capsys, "query", str(construct), "--dist", str(built.out_dir))
    assert out == ('<https://w3id.org/tpgraph/id/muscle/psoas-minor> <https://w3id.org/tpgraph/vocab#absentInPercent> '
                   '"40"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')


def test_unknown_query_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--root", str(REPO), "query", "no-such-query")
    assert (code, err) == (2, "no named query 'no-such-query' (tpgraph queries lists them)\n")
    code, _, err = run(capsys, "--root", str(REPO), "query", "muscles-by-rot")
    assert (code, err) == (2, "no named query 'muscles-by-rot'; did you mean 'muscles-by-root' or 'muscles-by-root-range' "
                              "or 'muscles-by-nerve'? (tpgraph queries lists them)\n")


def test_query_parameters_by_label_synonym_and_slug(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    """"inguinal region" is a synonym of the groin; the answer is the L2-groin answer, one muscle per line."""
    args = ["--root", str(REPO), "query", "muscles-by-root-and-region", "--dist", str(built.out_dir), "--format", "csv"]
    code, out, _ = run(capsys, *args, "--param", "root=l2", "--param", "region=inguinal region")
    assert code == 0
    muscles = sorted({row[0].rsplit("/", 1)[1] for row in list(csv.reader(io.StringIO(out)))[1:]})
    assert muscles == ["adductor-brevis", "adductor-longus", "adductor-magnus", "gracilis", "iliacus", "pectineus",
                       "psoas-major", "quadratus-lumborum", "sartorius", "vastus-intermedius"]


def test_query_parameter_errors(built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--root", str(REPO), "query", "muscles-by-root", "--dist", str(built.out_dir)]
    code, out, err = run(capsys, *args, "--param", "root=L9")
    assert (code, out, err) == (2, "", "muscles-by-root: no spinal nerve root called 'L9' in the graph\n")
    code, out, err = run(capsys, *args, "--param", "region=groin")
    assert (code, err) == (2, "muscles-by-root: no parameter 'region' (this query takes: root)\n")
    code, out, err = run(capsys, *args, "--param", "root")
    assert (code, err) == (2, "muscles-by-root: --param takes name=value, got 'root'\n")


def test_queries_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(REPO), "queries")
    lines = out.splitlines()
    assert code == 0
    assert lines[-1].startswith(f"{len(list((REPO / 'queries').glob('*.rq')))} queries; run one with: tpgraph query NAME")
    at = lines.index("muscles-by-root-and-region")
    assert lines[at:at + 4] == [
        "muscles-by-root-and-region",
        "  Muscles innervated by a spinal root that refer pain to a region, one row per muscle with its evidence",
        "  --param root=…  a spinal nerve root (default L2); e.g. L4",
        "  --param region=…  a body region (default groin); e.g. knee",
    ]


def test_query_without_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--root", str(REPO), "query", "muscle-roots", "--dist", str(tmp_path / "nowhere"))
    assert code == 1 and "run 'tpgraph build' first" in err


def test_release_and_imports_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_project,
                                      make_small_project) -> None:
    """The thin CLI layer over release() and write_module(): exit codes and what they say. The module is written
    from the full data; the release is made of a one-record project (release() itself is tested on the full data
    in test_release.py)."""
    paths = make_project(tmp_path / "project")
    shutil.copytree(REPO / "reference", paths.root / "reference")
    code, out, _ = run(capsys, "--root", str(paths.root), "imports")
    assert (code, out) == (0, f"wrote {paths.import_module}: 120 external classes with their labels and parents\n")
    assert paths.import_module.read_bytes() == (REPO / "ontology" / "imports" / "external.ttl").read_bytes()
    small = make_small_project(tmp_path / "small")
    shutil.copytree(REPO / "queries", small.root / "queries")
    releases = tmp_path / "releases"
    code, out, _ = run(capsys, "--root", str(small.root), "release", "0.1.0", "--out", str(releases))
    assert code == 0 and out.startswith(f"released 0.1.0 in {releases / '0.1.0'}: ")
    assert "## 0.1.0" in (small.root / "CHANGES.md").read_text(encoding="utf-8")
    code, _, err = run(capsys, "--root", str(small.root), "release", "0.1.0", "--out", str(releases))
    assert code == 2 and err.startswith("release refused: ")


def test_build_shows_its_progress_on_a_terminal_only(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, make_small_project) -> None:
    root = make_small_project(tmp_path / "project").root
    monkeypatch.delenv("CI", raising=False)
    code, _, err = run(capsys, "--root", str(root), "build")
    assert (code, err) == (0, ""), "no terminal: no progress"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "--root", str(root), "build", "--force")
    assert code == 0 and out.startswith(f"built {root / 'dist'}: ")
    stages = [re.sub(r"^\s*\d+\.\d s  ", "", part) for part in err.split("\r\033[K") if part]
    assert stages == [f"reading {root / 'data'}…", "validating 1 record and writing dist/ side by side…"]
    monkeypatch.setenv("CI", "true")
    code, _, err = run(capsys, "--root", str(root), "build", "--force")
    assert (code, err) == (0, ""), "CI logs get no progress line"


def test_a_root_without_a_project_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--root", str(tmp_path / "nothere"), "validate")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"tpgraph.ttl:1: no ontology at {tmp_path / 'nothere' / 'ontology' / 'tpgraph.ttl'}: is the project folder "
        "(--root) the one holding ontology/ and data/?",
        "1 problem found; the data are invalid.",
    ]
