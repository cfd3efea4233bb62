"""A build over sources that have not changed reuses dist/; a change redoes only the files it touches and gives a
clean build's bytes; any doubt builds in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpgraph.build.dist import OUTPUTS, build
from tpgraph.build.freshness import STAMP
from tpgraph.build.loader import DataError
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


# -- incremental builds: only the changed files are redone, and the result is a clean build's bytes ---------------

SOURCES = """\
sources:
  - id: test-page
    label: A made-up page
    title: A made-up page on a made-up ache
    url: https://example.org/made-up
"""
MORE_SOURCES = """\
sources:
  - id: test-page-2
    label: Another made-up page
    title: Another made-up page
    url: https://example.org/made-up-2
"""
CONDITIONS = """\
conditions:
  - id: made-up-ache
    label: made-up ache
    broader: [visceral-disease]
    facts:
      - source: test-page
        red_flag: false
        note: The page calls the ache harmless.
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_as_a_clean_build(paths: ProjectPaths, tmp_path: Path) -> None:
    """Every file of dist/ (the stamp too) has the bytes of a full build of the same sources."""
    clean = build(paths, tmp_path / "clean", force=True)
    assert clean.redone is None
    built, expected = _files(paths.dist), _files(clean.out_dir)
    assert sorted(built) == sorted(expected)
    for name in expected:
        assert built[name] == expected[name], name


def _problems(paths: ProjectPaths, force: bool = False) -> list[str]:
    with pytest.raises(DataError) as caught:
        build(paths, force=force)
    return [str(p) for p in caught.value.problems]


def _write(paths: ProjectPaths, name: str, text: str) -> None:
    (paths.data / "extra" / name).write_text(text, encoding="utf-8")


def _units(paths: ProjectPaths) -> dict[str, Path]:
    """The build cache's unit files by the data file they hold."""
    found = {}
    for unit in paths.root.glob(".dist-cache/*/units/*.json"):
        payload = json.loads(json.loads(unit.read_text(encoding="utf-8"))["payload"])
        found[payload["path"]] = unit
    return found


@pytest.fixture(scope="module")
def vocabularies(tmp_path_factory: pytest.TempPathFactory, make_project) -> ProjectPaths:
    """The shared vocabularies (a few hundred files, references between them) plus two small files of our own;
    the tests below run in order and each leaves the project valid and built."""
    paths = make_project(tmp_path_factory.mktemp("units"), vocabularies_only=True)
    (paths.data / "extra").mkdir()
    _write(paths, "sources.yaml", SOURCES)
    _write(paths, "conditions.yaml", CONDITIONS)
    assert build(paths).redone is None
    return paths


def test_one_edited_file_is_redone_alone(vocabularies: ProjectPaths, tmp_path: Path) -> None:
    _write(vocabularies, "conditions.yaml", CONDITIONS.replace("calls the ache harmless", "calls it benign"))
    result = build(vocabularies)
    assert (result.reused, result.redone) == (False, 1)
    assert "calls it benign" in (vocabularies.dist / "tpgraph.nq").read_text(encoding="utf-8")
    _same_as_a_clean_build(vocabularies, tmp_path)
    assert build(vocabularies).reused is True


def test_a_new_file_and_the_file_citing_it_are_redone(vocabularies: ProjectPaths, tmp_path: Path) -> None:
    _write(vocabularies, "more-sources.yaml", MORE_SOURCES)
    _write(vocabularies, "conditions.yaml", CONDITIONS + "      - source: test-page-2\n        note: The other page says nothing more.\n")
    assert build(vocabularies).redone == 2
    _same_as_a_clean_build(vocabularies, tmp_path)


def test_removing_a_record_rereads_the_unchanged_files_naming_it(vocabularies: ProjectPaths) -> None:
    before = _files(vocabularies.dist)
    (vocabularies.data / "extra" / "more-sources.yaml").unlink()
    expected = ["data/extra/conditions.yaml:9: no source with id 'test-page-2' — did you mean 'test-page'?"]
    assert _problems(vocabularies) == expected, "conditions.yaml is unchanged, yet re-read"
    assert _problems(vocabularies, force=True) == expected
    assert _files(vocabularies.dist) == before, "a refused build leaves dist/ as it was"
    _write(vocabularies, "more-sources.yaml", MORE_SOURCES)
    assert build(vocabularies).reused is True


def test_a_duplicate_id_is_refused_in_the_full_build_s_words(vocabularies: ProjectPaths) -> None:
    _write(vocabularies, "more-sources.yaml", MORE_SOURCES + SOURCES.replace("sources:\n", ""))
    expected = ["data/extra/sources.yaml:2: source id 'test-page' is already used at data/extra/more-sources.yaml:6"]
    assert _problems(vocabularies) == expected
    assert _problems(vocabularies, force=True) == expected
    _write(vocabularies, "more-sources.yaml", MORE_SOURCES)
    assert build(vocabularies).reused is True


def test_an_edit_only_the_whole_graph_checks_refuse_is_reported_by_a_full_build(vocabularies: ProjectPaths) -> None:
    _write(vocabularies, "no-address.yaml", (Path(__file__).parent / "invalid" / "source-without-address.yaml").read_text())
    expected = ["data/extra/no-address.yaml:3: 'Some blog post' (source/some-blog): A source needs the address it "
                "was read at ('url') or, for a book, its 'edition'."]
    assert _problems(vocabularies) == expected, "the words and place the invalid-data test asserts for a full build"
    (vocabularies.data / "extra" / "no-address.yaml").unlink()
    assert build(vocabularies).reused is True


def test_a_changed_hierarchy_builds_in_full(vocabularies: ProjectPaths, tmp_path: Path) -> None:
    """Another file's derived quads may read a nerve's place in the tree: the context changed, nothing is reused."""
    nerve = "nerves:\n  - id: made-up-branch\n    label: made-up branch\n    branch_of: [femoral-nerve]\n"
    _write(vocabularies, "nerves.yaml", nerve)
    result = build(vocabularies)
    assert (result.reused, result.redone) == (False, None)
    _same_as_a_clean_build(vocabularies, tmp_path)


def test_a_damaged_unit_or_manifest_is_not_trusted(vocabularies: ProjectPaths, tmp_path: Path) -> None:
    units = _units(vocabularies)
    cut_short = units["data/extra/sources.yaml"]
    cut_short.write_text(cut_short.read_text(encoding="utf-8")[:200], encoding="utf-8")
    forged = units["data/extra/more-sources.yaml"]  # a quad changed, its checksum left as it was
    forged.write_text(forged.read_text(encoding="utf-8").replace("Another made-up page", "A forged page"),
                      encoding="utf-8")
    _write(vocabularies, "conditions.yaml", CONDITIONS)
    assert build(vocabularies).redone == 3, "the edited file and the two whose units are damaged"
    _same_as_a_clean_build(vocabularies, tmp_path)

    (manifest,) = vocabularies.root.glob(".dist-cache/*/manifest.json")
    manifest.write_text("{", encoding="utf-8")
    _write(vocabularies, "conditions.yaml", CONDITIONS.replace("harmless", "mild"))
    assert build(vocabularies).redone is None


def test_a_cache_from_other_code_or_shapes_is_not_used(vocabularies: ProjectPaths) -> None:
    (old,) = vocabularies.root.glob(".dist-cache/*")
    with vocabularies.shapes.open("a", encoding="utf-8") as shapes:
        shapes.write("\n# an edit to the shapes: every file's checks may differ\n")
    _write(vocabularies, "conditions.yaml", CONDITIONS)
    assert build(vocabularies).redone is None
    (new,) = vocabularies.root.glob(".dist-cache/*")
    assert new != old, "the other environment's units are gone"
    _write(vocabularies, "conditions.yaml", CONDITIONS.replace("harmless", "mild"))
    assert build(vocabularies).redone == 1
