"""``release``: a versioned folder written once, version IRIs in its headers, and a per-record CHANGES entry.

One copy of the project is released twice (0.1.0, then 0.2.0 after one changed fact); the expected counts are
computed here from the released files by a plain set difference of quads, not by the module's own code. The
copy holds the shared vocabularies without the muscles (a third of the data): the release machinery does not
depend on which records there are, and three builds of the whole data made this the slowest file of the suite.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL

import tpgraph.release.publish as release_module
from tpgraph.model.namespaces import RELEASE_ONTOLOGY_IRI
from tpgraph.model.namespaces import CONSENSUS_GRAPH
from tpgraph.build.loader import DataError
from tpgraph.model.namespaces import GRAPH_BASE, ID_BASE, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, VOCAB_IRI
from tpgraph.paths import ProjectPaths
from tpgraph.release.publish import (
    CHANGES_HEADER,
    ReleaseError,
    ReleaseResult,
    changes_entry,
    copy_build_files,
    diff_releases,
    release,
    versioned_sssom,
)

REPO = Path(__file__).resolve().parents[1]

DAY = date(2026, 11, 25)
SSSOM = "tpgraph.sssom.tsv"
RELEASED = {"tpgraph.owl", "tpgraph-full.owl", "tpgraph.trig", "void.ttl", "build.json"}
FEMORAL_ROOTS = "source: anatomyapp-femoral-nerve\n        roots: [l1, l2, l3, l4]"
CHANGED = "nerve/femoral-nerve"
CHANGED_GRAPH = f"{GRAPH_BASE}{CHANGED}/"
PSOAS_GRAPH = GRAPH_BASE + "muscle/psoas-major/"
VOCAB = ox.NamedNode(VOCAB_IRI)


@dataclass(frozen=True)
class Released:
    """A project copy released as 0.1.0 and, after one changed fact, as 0.2.0."""

    project: ProjectPaths
    releases_dir: Path
    first: ReleaseResult
    second: ReleaseResult
    changes_after_first: str
    builds: list[dict[str, bytes]]
    """Per release, every file its build wrote (relative path: bytes), to compare the released files with."""


def copy_vocabulary_project(target: Path, make_project) -> ProjectPaths:
    """ontology/ and data/ without the muscles (conftest) plus queries/, whose quality checks the build runs."""
    paths = make_project(target, vocabularies_only=True)
    shutil.copytree(REPO / "queries", target / "queries")
    return paths


def change_one_fact(paths: ProjectPaths) -> None:
    """Anatomy.app's roots of the femoral nerve: L4 becomes L5 (one triple out, one in)."""
    yaml_file = paths.data / "nerves" / "core.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert text.count(FEMORAL_ROOTS) == 1, "the test expects Anatomy.app's femoral nerve roots as l1-l4"
    yaml_file.write_text(text.replace(FEMORAL_ROOTS, FEMORAL_ROOTS.replace("l4]", "l5]")), encoding="utf-8")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, make_project) -> Released:
    base = tmp_path_factory.mktemp("release")
    paths = copy_vocabulary_project(base / "project", make_project)
    releases_dir = base / "releases"
    builds: list[dict[str, bytes]] = []
    real_build = release_module.build

    def watching_build(project: ProjectPaths, out: Path):
        result = real_build(project, out)
        builds.append(files_under(out))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release_module, "build", watching_build)
        first = release(paths, "0.1.0", releases_dir, today=DAY)
        changes_after_first = (paths.root / "CHANGES.md").read_text(encoding="utf-8")
        change_one_fact(paths)
        second = release(paths, "0.2.0", releases_dir, today=DAY)
    return Released(paths, releases_dir, first, second, changes_after_first, builds)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def optional_outputs(build: dict[str, bytes]) -> set[str]:
    """The build outputs a release carries when the build made them (mappings, Protégé catalog, imports)."""
    return {name for name in build if name in (SSSOM, "catalog-v001.xml") or name.startswith("imports/")}


def snapshot(*places: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``places``, to prove that a refused release wrote nothing."""
    found: dict[str, bytes | None] = {}
    for place in places:
        if place.is_file():
            found[str(place)] = place.read_bytes()
        for path in sorted(place.rglob("*")) if place.is_dir() else ():
            found[str(path)] = path.read_bytes() if path.is_file() else None
    return found


def trig_quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def has_blank_node(quad: ox.Quad) -> bool:
    return any(isinstance(term, ox.BlankNode) for term in (quad.subject, quad.object))


def is_version_header(quad: ox.Quad, subject: ox.NamedNode = VOCAB) -> bool:
    return quad.subject == subject and quad.predicate.value in (str(OWL.versionIRI), str(OWL.versionInfo))


def comparable(quads: list[ox.Quad]) -> set[str]:
    """Quads as strings, minus blank-node quads (checked equal separately) and the version header."""
    return {str(q) for q in quads if not has_blank_node(q) and not is_version_header(q)}


# --- the first release ------------------------------------------------------------------------------------


def test_first_release_writes_exactly_the_release_files(released: Released) -> None:
    folder = released.releases_dir / "0.1.0"
    expected = RELEASED | optional_outputs(released.builds[0])
    assert released.first.folder == folder
    assert set(files_under(folder)) == expected
    assert released.first.files == tuple(sorted(expected))
    assert sorted(p.name for p in released.releases_dir.iterdir()) == ["0.1.0", "0.2.0"]


def test_copied_files_are_the_builds_to_the_byte(released: Released) -> None:
    build, folder = released.builds[0], released.releases_dir / "0.1.0"
    for name in ("void.ttl", "build.json", *(optional_outputs(build) - {SSSOM})):
        assert (folder / name).read_bytes() == build[name], name


def test_released_owl_files_carry_the_release_version(released: Released) -> None:
    folder = released.releases_dir / "0.1.0"
    ontology = URIRef(RELEASE_ONTOLOGY_IRI)
    for name in ("tpgraph.owl", "tpgraph-full.owl"):
        graph = Graph().parse(folder / name, format="xml")
        assert set(graph.objects(ontology, OWL.versionIRI)) == {
            URIRef(f"https://w3id.org/tpgraph/releases/0.1.0/{name}")}, name
        assert set(graph.objects(ontology, OWL.versionInfo)) == {Literal("0.1.0")}, name


def test_released_owl_is_the_builds_but_for_the_version_header(released: Released) -> None:
    ontology = ox.NamedNode(RELEASE_ONTOLOGY_IRI)
    for name in ("tpgraph.owl", "tpgraph-full.owl"):
        built = ox.parse(released.builds[0][name], format=ox.RdfFormat.RDF_XML)
        published = ox.parse(path=str(released.releases_dir / "0.1.0" / name), format=ox.RdfFormat.RDF_XML)
        headless = [{str(q) for q in quads if not is_version_header(q, ontology)} for quads in (built, published)]
        assert headless[0] == headless[1], name


def test_released_sssom_names_the_release_when_the_build_made_one(released: Released) -> None:
    path = released.releases_dir / "0.2.0" / SSSOM
    if SSSOM not in released.builds[1]:
        assert not path.exists()
        return
    built = released.builds[1][SSSOM].decode("utf-8").splitlines()
    published = path.read_text(encoding="utf-8").splitlines()
    header = {"# mapping_set_id: https://w3id.org/tpgraph/releases/0.2.0/tpgraph.sssom.tsv",
              "# mapping_set_version: 0.2.0"}
    assert header <= set(published)
    assert [line for line in published if line not in header] == [
        line for line in built if not line.startswith(("# mapping_set_id:", "# mapping_set_version:"))]


def test_released_trig_carries_the_release_version(released: Released) -> None:
    dataset = Dataset()
    dataset.parse(released.releases_dir / "0.2.0" / "tpgraph.trig", format="trig")
    header = dataset.graph(ONTOLOGY_GRAPH)
    vocab = URIRef(VOCAB_IRI)
    assert set(header.objects(vocab, OWL.versionIRI)) == {
        URIRef("https://w3id.org/tpgraph/releases/0.2.0/tpgraph.trig")}
    assert set(header.objects(vocab, OWL.versionInfo)) == {Literal("0.2.0")}


def test_released_trig_is_the_builds_but_for_the_version_header(released: Released) -> None:
    folder = released.releases_dir / "0.1.0"
    built = ox.parse(released.builds[0]["tpgraph.nq"], format=ox.RdfFormat.N_QUADS)
    assert {str(q) for q in built if not is_version_header(q)} == {
        str(q) for q in trig_quads(folder / "tpgraph.trig") if not is_version_header(q)}


def test_first_release_changes_entry_counts_records_and_triples(released: Released) -> None:
    folder = released.releases_dir / "0.1.0"
    records = sum(json.loads((folder / "build.json").read_text(encoding="utf-8"))["records"].values())
    triples = len(trig_quads(folder / "tpgraph.trig"))
    entry = f"## 0.1.0 \u2014 2026-11-25\n\nFirst release: {records} records, {triples} triples.\n"
    assert released.first.changes == entry
    assert (released.first.records, released.first.triples) == (records, triples)
    assert released.changes_after_first == CHANGES_HEADER + "\n" + entry


# --- the second release -----------------------------------------------------------------------------------


def test_second_release_lists_exactly_the_changed_record(released: Released) -> None:
    old = trig_quads(released.releases_dir / "0.1.0" / "tpgraph.trig")
    new = trig_quads(released.releases_dir / "0.2.0" / "tpgraph.trig")
    assert sum(map(has_blank_node, old)) == sum(map(has_blank_node, new))  # the ontology did not change
    added, removed = comparable(new) - comparable(old), comparable(old) - comparable(new)
    roots = f"<{ID_BASE}{CHANGED}> <{VOCAB_IRI}#arisesFromRoot> <{ID_BASE}root/{{}}> " \
        f"<{CHANGED_GRAPH}anatomyapp-femoral-nerve>"
    assert roots.format("l5") in added and roots.format("l4") in removed
    for quad in ox.parse("\n".join(q + " ." for q in added | removed), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name.value == str(CONSENSUS_GRAPH):  # how the sources now stand on the nerve's roots
            assert quad.subject.value.startswith(f"{ID_BASE}{CHANGED}#agreement-root-"), quad
            continue
        about = quad.subject.value if quad.graph_name.value == str(PROVENANCE_GRAPH) else quad.graph_name.value
        assert about.startswith(CHANGED_GRAPH), quad

    records = sum(json.loads((released.releases_dir / "0.2.0" / "build.json").read_text())["records"].values())
    assert released.second.changes == (
        "## 0.2.0 \u2014 2026-11-25\n\n"
        f"Since 0.1.0: records added 0, removed 0, changed 1; triples +{len(added)} \u2212{len(removed)} "
        f"({records} records, {len(new)} triples in all).\n\n"
        "### Changed\n\n"
        f"- changed {CHANGED}: +{len(added)} \u2212{len(removed)} triples\n"
    )


def test_changes_file_holds_both_entries_in_release_order(released: Released) -> None:
    text = (released.project.root / "CHANGES.md").read_text(encoding="utf-8")
    assert text == released.changes_after_first + "\n" + released.second.changes


def test_the_same_sources_and_version_give_the_same_bytes(released: Released, tmp_path: Path) -> None:
    shutil.copytree(released.project.root, tmp_path / "project", ignore=shutil.ignore_patterns("CHANGES.md"))
    again = release(ProjectPaths(tmp_path / "project"), "0.2.0", tmp_path / "releases", today=DAY)
    assert files_under(again.folder) == files_under(released.releases_dir / "0.2.0")


# --- refusals ---------------------------------------------------------------------------------------------


def _no_build(*_args: object) -> None:
    raise AssertionError("a refused release must not build")


def test_releasing_a_version_again_is_refused_and_changes_nothing(
        released: Released, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release_module, "build", _no_build)
    before = snapshot(released.releases_dir, released.project.root / "CHANGES.md")
    with pytest.raises(ReleaseError, match=r"^release 0\.2\.0 already exists in .*never overwritten"):
        release(released.project, "0.2.0", released.releases_dir, today=DAY)
    assert snapshot(released.releases_dir, released.project.root / "CHANGES.md") == before


@pytest.mark.parametrize("version", ["0.1.9", "0.0.1"])
def test_a_version_not_greater_than_the_latest_is_refused(
        released: Released, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    monkeypatch.setattr(release_module, "build", _no_build)
    before = snapshot(released.releases_dir)
    with pytest.raises(ReleaseError) as refused:
        release(released.project, version, released.releases_dir, today=DAY)
    assert str(refused.value) == f"version {version} is not greater than the latest release 0.2.0"
    assert snapshot(released.releases_dir) == before


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-rc.1", "01.0.0", "1.0.0 ", "../1.0.0", ""])
def test_an_invalid_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    monkeypatch.setattr(release_module, "build", _no_build)
    with pytest.raises(ReleaseError) as refused:
        release(ProjectPaths(tmp_path), version, tmp_path / "releases", today=DAY)
    assert str(refused.value) == f"'{version}' is not a release version: write MAJOR.MINOR.PATCH, e.g. 0.1.0"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_leaves_releases_untouched(released: Released, tmp_path: Path, make_project) -> None:
    paths = copy_vocabulary_project(tmp_path / "project", make_project)
    shutil.copy(released.project.root / "CHANGES.md", paths.root / "CHANGES.md")
    releases_dir = tmp_path / "releases"
    shutil.copytree(released.releases_dir, releases_dir)
    (paths.data / "extra").mkdir()
    shutil.copy(REPO / "tests" / "invalid" / "broken-yaml.yaml", paths.data / "extra" / "broken-yaml.yaml")
    before = snapshot(releases_dir, paths.root / "CHANGES.md")
    with pytest.raises(DataError) as failed:
        release(paths, "0.3.0", releases_dir, today=DAY)
    assert any("data/extra/broken-yaml.yaml" in str(problem) for problem in failed.value.problems)
    assert snapshot(releases_dir, paths.root / "CHANGES.md") == before


# --- pieces -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_catalog", [True, False])
def test_protege_catalog_and_imports_are_copied_when_the_build_made_them(
        tmp_path: Path, with_catalog: bool) -> None:
    build_dir, out = tmp_path / "dist", tmp_path / "out"
    (build_dir / "imports").mkdir(parents=True)
    out.mkdir()
    outputs = {"void.ttl": b"void\n", "build.json": b"{}\n"}
    if with_catalog:
        outputs |= {"catalog-v001.xml": b"<catalog/>\n", "imports/external.owl": b"<rdf:RDF/>\n"}
    for name, content in outputs.items():
        (build_dir / name).write_bytes(content)
    assert sorted(copy_build_files(build_dir, out)) == sorted(outputs)
    assert files_under(out) == outputs


def test_sssom_metadata_names_the_release_and_rows_stay() -> None:
    built = ("# mapping_set_id: https://w3id.org/tpgraph/releases/0.1.0/tpgraph.sssom.tsv\n"
             "# mapping_set_version: 0.1.0\n"
             "# curie_map:\n"
             "#   mapping_set_version: not a top-level key\n"
             "subject_id\tpredicate_id\n"
             "tpgraph:muscle/psoas-major\tskos:exactMatch\n")
    assert versioned_sssom(built, "0.2.0") == (
        "# mapping_set_id: https://w3id.org/tpgraph/releases/0.2.0/tpgraph.sssom.tsv\n"
        "# mapping_set_version: 0.2.0\n"
        "# curie_map:\n"
        "#   mapping_set_version: not a top-level key\n"
        "subject_id\tpredicate_id\n"
        "tpgraph:muscle/psoas-major\tskos:exactMatch\n")


def _line(subject: str, graph: str, value: str = "x") -> str:
    return f'<{subject}> <{VOCAB_IRI}#note> "{value}" <{graph}> .'


def test_diff_groups_fragments_graphs_and_provenance_under_their_record() -> None:
    psoas, gone, new = ID_BASE + "muscle/psoas-major", ID_BASE + "region/gone", ID_BASE + "region/new"
    kept_line = _line(psoas, PSOAS_GRAPH + "nat")
    old = {kept_line, _line(psoas + "#tp-1", PSOAS_GRAPH + "nat", "old"), _line(gone, GRAPH_BASE + "region/gone")}
    new_lines = {
        kept_line,
        _line(psoas + "#tp-1", PSOAS_GRAPH + "nat", "new"),
        _line(PSOAS_GRAPH + "nat", str(PROVENANCE_GRAPH)),
        _line(psoas, PSOAS_GRAPH + "nat/derived"),
        _line(new, GRAPH_BASE + "region/new"),
        _line(new + "#part", GRAPH_BASE + "region/new"),
        _line(VOCAB_IRI + "#Muscle", str(ONTOLOGY_GRAPH)),
    }
    diff = diff_releases("0.1.0", old, new_lines)
    assert [(c.record, c.added, c.removed) for c in diff.added] == [("region/new", 2, 0)]
    assert [(c.record, c.added, c.removed) for c in diff.removed] == [("region/gone", 0, 1)]
    assert [(c.record, c.added, c.removed) for c in diff.changed] == [
        ("muscle/psoas-major", 3, 1), ("ontology", 1, 0)]
    assert (diff.triples_added, diff.triples_removed) == (6, 2)
    assert changes_entry("0.2.0", DAY, diff, 2, 7) == (
        "## 0.2.0 \u2014 2026-11-25\n\n"
        "Since 0.1.0: records added 1, removed 1, changed 2; triples +6 \u22122 (2 records, 7 triples in all).\n\n"
        "### Added\n\n- added region/new: +2 triples\n\n"
        "### Removed\n\n- removed region/gone: \u22121 triples\n\n"
        "### Changed\n\n- changed muscle/psoas-major: +3 \u22121 triples\n- changed ontology: +1 \u22120 triples\n"
    )


def test_a_release_without_changes_says_so() -> None:
    diff = diff_releases("0.1.0", {_line(ID_BASE + "root/l1", GRAPH_BASE + "root/l1")},
                         {_line(ID_BASE + "root/l1", GRAPH_BASE + "root/l1")})
    assert changes_entry("0.1.1", DAY, diff, 1, 3) == (
        "## 0.1.1 \u2014 2026-11-25\n\nNo triple changed since 0.1.0: 1 records, 3 triples.\n")
