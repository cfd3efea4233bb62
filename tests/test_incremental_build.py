"""A build over sources that have not changed reuses dist/; any change, and any doubt, builds in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpgraph.build.dist import OUTPUTS, build
from tpgraph.build.freshness import STAMP
from tpgraph.paths import ProjectPaths


def _snapshot(dist: Path) -> dict[str, tuple[bytes, int]]:
    return {name: ((dist / name).read_bytes(), (dist / name).stat().st_mtime_ns) for name in OUTPUTS}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, make_small_project) -> ProjectPaths:
    """A one-record project: the stamp's rules do not depend on the size of the data (bench/ measures that)."""
    paths = make_small_project(tmp_path_factory.mktemp("incremental"))
    first = build(paths)
    assert first.reused is False
    return paths


def test_unchanged_sources_reuse_the_build_untouched(project: ProjectPaths) -> None:
    before = _snapshot(project.dist)
    stamp = json.loads((project.dist / STAMP).read_text(encoding="utf-8"))
    again = build(project)
    assert again.reused is True
    assert _snapshot(project.dist) == before, "nothing rewritten"
    info = json.loads((project.dist / "build.json").read_text(encoding="utf-8"))
    assert (again.build_id, again.quads, again.graphs) == (info["build_id"], info["quads"], info["graphs"])
    assert again.derived == stamp["derived"] and list(again.records.items()) == [tuple(p) for p in stamp["records"]]


def test_a_changed_output_file_is_not_trusted(project: ProjectPaths) -> None:
    void = project.dist / "void.ttl"
    original = void.read_bytes()
    void.write_bytes(original + b"# edited by hand\n")
    rebuilt = build(project)
    assert rebuilt.reused is False
    assert void.read_bytes() == original


def test_a_stamp_from_other_inputs_or_unreadable_is_ignored(project: ProjectPaths) -> None:
    stamp = project.dist / STAMP
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    stamp.write_text(json.dumps({**recorded, "inputs": "0" * 64}), encoding="utf-8")
    assert build(project).reused is False
    stamp.write_text("{not json", encoding="utf-8")
    assert build(project).reused is False
    assert build(project).reused is True


def test_an_edited_data_file_rebuilds_to_the_bytes_of_a_clean_build(project: ProjectPaths, tmp_path: Path) -> None:
    source = project.data / "sources" / "core.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("tpgraph's own definitions.", "tpgraph's own."),
                      encoding="utf-8")
    incremental = build(project)
    assert incremental.reused is False
    clean = build(project, tmp_path / "clean", force=True)
    assert clean.reused is False and clean.build_id == incremental.build_id
    assert "tpgraph's own." in (project.dist / "tpgraph.nq").read_text(encoding="utf-8"), "the edit is in the build"
    for name in OUTPUTS:
        if name != STAMP:
            assert (project.dist / name).read_bytes() == (clean.out_dir / name).read_bytes(), name
    assert build(project).reused is True
