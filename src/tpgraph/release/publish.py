"""``tpgraph release VERSION``: freeze the current build as ``releases/VERSION/`` and record what changed.

``dist/`` is rebuilt at every edit, so nothing can cite it. A release is a folder that is written once and never
overwritten: the asserted and inferred OWL (with Protégé's catalog and import module when the build makes
them), the TriG, the VoID description, the SSSOM mappings when the build makes them, and ``build.json``.
``CHANGES.md`` gets an entry saying, record by record, how many triples were added and removed since the
previous release.

Version IRI scheme: the ontology header of each released RDF file names that very file as its version,
``https://w3id.org/tpgraph/releases/VERSION/<file name>`` (``tpgraph.owl``, ``tpgraph-full.owl``,
``tpgraph.trig``), with ``owl:versionInfo "VERSION"``; the SSSOM file's ``mapping_set_id`` follows the same
pattern. One IRI per file, because ``tpgraph.owl`` and ``tpgraph-full.owl`` share an ontology IRI and OWL tools
take two documents with one version IRI for the same document.

Like ``tpgraph build``, the release is written into a staging folder beside its target and renamed into place
only when complete, and every RDF file is serialised by pyoxigraph from sorted quads, so the same sources and
version give the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.namespace import OWL

from tpgraph.build.dist import build
from tpgraph.build.outputs import parse_nquads, quad_lines
from tpgraph.build.sssom import SSSOM_FILE
from tpgraph.model.namespaces import (
    CONSENSUS_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    RELEASE_ONTOLOGY_IRI,
    VOCAB_IRI,
)
from tpgraph.model.iris import record_key_of_graph, record_key_of_node, version_iri
from tpgraph.model.versions import existing_releases, version_key
from tpgraph.paths import ProjectPaths

TRIG = "tpgraph.trig"
OWL_FILES = ("tpgraph.owl", "tpgraph-full.owl")
"""The asserted and the inferred OWL; both share the ontology IRI ``RELEASE_ONTOLOGY_IRI``."""
SSSOM = SSSOM_FILE
COPIED_FILES = ("void.ttl", "build.json")
OPTIONAL_COPIED = ("catalog-v001.xml", "imports")
"""Copied when the build made them: Protégé's catalog and the import module it names, so that the released
OWL opens offline as the build's does."""

CHANGES_HEADER = (
    "# Changes\n\n"
    "One entry per release of tpgraph (`tpgraph release VERSION`, published in `releases/VERSION/`): the\n"
    "records added, removed and changed since the previous release, counted in triples.\n"
)
VOCABULARY_KEY = "ontology"
"""Changes to the vocabulary (the ontology graph) are reported under this name; it is not a record."""
OTHER_KEY = "other"
"""Quads that belong to no record and not to the vocabulary; none exist today, but they are still counted."""

_VERSION_IRI = ox.NamedNode(str(OWL.versionIRI))
_VERSION_INFO = ox.NamedNode(str(OWL.versionInfo))
_MINUS = "\u2212"


class ReleaseError(Exception):
    """A release was refused before anything was written; the message says why and what to do."""


@dataclass(frozen=True)
class RecordChange:
    """How many triples one record (its nodes, named graphs and their provenance) gained and lost."""

    record: str
    added: int
    removed: int


@dataclass(frozen=True)
class ReleaseDiff:
    """The triple-level difference to the previous release, summarised per record."""

    previous: str | None
    added: tuple[RecordChange, ...]
    removed: tuple[RecordChange, ...]
    changed: tuple[RecordChange, ...]
    triples_added: int
    triples_removed: int


@dataclass(frozen=True)
class ReleaseResult:
    """What a release wrote, for the CLI to report and the tests to check."""

    version: str
    folder: Path
    files: tuple[str, ...]
    records: int
    triples: int
    diff: ReleaseDiff
    changes: str
    changes_file: Path


# --- versions ---------------------------------------------------------------------------------------------


def parse_version(text: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as numbers; anything else (prefixes, pre-releases, leading zeros) is refused.

    Pre-release tags are refused rather than half-supported: their ordering rules would decide which
    release the next one is compared with.
    """
    key = version_key(text)
    if key is None:
        raise ReleaseError(f"'{text}' is not a release version: write MAJOR.MINOR.PATCH, e.g. 0.1.0")
    return key


def previous_release(version: str, releases_dir: Path) -> str | None:
    """The latest release before ``version``; refuse a version that exists or is not newer than it."""
    parse_version(version)
    if (releases_dir / version).exists():
        raise ReleaseError(f"release {version} already exists in {releases_dir / version}; "
                           "a release is never overwritten: choose a new version")
    released = existing_releases(releases_dir)
    if not released:
        return None
    latest = released[-1]
    if parse_version(version) <= parse_version(latest):
        raise ReleaseError(f"version {version} is not greater than the latest release {latest}")
    if not (releases_dir / latest / TRIG).is_file():
        raise ReleaseError(f"{releases_dir / latest / TRIG} is missing: the changes since {latest} "
                           "cannot be computed")
    return latest


# --- versioned RDF ----------------------------------------------------------------------------------------


def _is_version_statement(subject: ox.NamedNode, triple: ox.Triple | ox.Quad) -> bool:
    return triple.subject == subject and triple.predicate in (_VERSION_IRI, _VERSION_INFO)


def version_header(subject: ox.NamedNode, version: str, file_name: str) -> list[ox.Triple]:
    """The two header triples a released file carries in place of the build's."""
    return [
        ox.Triple(subject, _VERSION_IRI, ox.NamedNode(version_iri(version, file_name))),
        ox.Triple(subject, _VERSION_INFO, ox.Literal(version)),
    ]


def versioned_quads(quads: Iterable[ox.Quad], version: str, file_name: str) -> list[ox.Quad]:
    """The dataset with the vocabulary's version IRI and version info replaced, in sorted order."""
    vocab = ox.NamedNode(VOCAB_IRI)
    graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
    kept = [q for q in quads if not _is_version_statement(vocab, q)]
    header = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in version_header(vocab, version, file_name)]
    return sorted(kept + header, key=str)


def versioned_owl(build_owl: Path, version: str, file_name: str) -> list[ox.Triple]:
    """The build's OWL file, triple for triple, under a header naming this release and file.

    Read back from the build's output rather than recomputed with ``owl_triples``, so a release holds exactly
    what the build wrote (imports, display labels, whatever the build adds next) with only the header changed.
    """
    ontology = ox.NamedNode(RELEASE_ONTOLOGY_IRI)
    triples = (quad.triple for quad in ox.parse(path=str(build_owl), format=ox.RdfFormat.RDF_XML))
    kept = [t for t in triples if not _is_version_statement(ontology, t)]
    return sorted(kept + version_header(ontology, version, file_name), key=str)


def versioned_sssom(text: str, version: str) -> str:
    """The build's SSSOM mappings with the mapping set's id and version naming this release; rows unchanged.

    The build names the vocabulary's version there; a released file must name its own release, as the RDF
    files do. Only the two top-level keys of the ``#`` metadata block are rewritten.
    """
    values = {"mapping_set_id": version_iri(version, SSSOM), "mapping_set_version": version}
    lines = []
    for line in text.splitlines(keepends=True):
        key = line[2:].split(":", 1)[0] if line.startswith("# ") else None
        lines.append(f"# {key}: {values[key]}\n" if key in values else line)
    return "".join(lines)


def write_release_files(build_dir: Path, out: Path, version: str) -> tuple[str, ...]:
    """Write the released files of ``version`` into ``out`` from a finished build; return their paths."""
    quads = parse_nquads((build_dir / "tpgraph.nq").read_text(encoding="utf-8"))
    ox.serialize(versioned_quads(quads, version, TRIG), str(out / TRIG), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    for name in OWL_FILES:
        triples = versioned_owl(build_dir / name, version, name)
        ox.serialize(triples, str(out / name), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
    written = [TRIG, *OWL_FILES]
    if (build_dir / SSSOM).is_file():
        sssom = versioned_sssom((build_dir / SSSOM).read_text(encoding="utf-8"), version)
        (out / SSSOM).write_text(sssom, encoding="utf-8")
        written.append(SSSOM)
    written += copy_build_files(build_dir, out)
    return tuple(sorted(written))


def copy_build_files(build_dir: Path, out: Path) -> list[str]:
    """Copy the outputs released unchanged, and the optional ones the build made; return their paths."""
    names = [*COPIED_FILES, *(name for name in OPTIONAL_COPIED if (build_dir / name).exists())]
    copied = []
    for name in names:
        if (build_dir / name).is_dir():
            shutil.copytree(build_dir / name, out / name)
            copied += [p.relative_to(out).as_posix() for p in sorted((out / name).rglob("*")) if p.is_file()]
        else:
            shutil.copyfile(build_dir / name, out / name)
            copied.append(name)
    return copied


# --- differences between releases -------------------------------------------------------------------------


def comparable_lines(trig_path: Path) -> set[str]:
    """A released TriG as canonical N-Quads lines, without its version header (it changes every release).

    Canonical (``quad_lines``) so that blank nodes get the same labels in both releases whatever the
    parser calls them.
    """
    dataset = Dataset()
    dataset.parse(trig_path, format="trig")
    for predicate in (OWL.versionIRI, OWL.versionInfo):
        dataset.remove((URIRef(VOCAB_IRI), predicate, None, dataset.graph(ONTOLOGY_GRAPH)))
    return quad_lines(dataset)


def quad_count(trig_path: Path) -> int:
    """How many quads a released TriG holds, version header included."""
    return sum(1 for _ in ox.parse(path=str(trig_path), format=ox.RdfFormat.TRIG))


def _record_from_graph(iri: str) -> str | None:
    """``type/slug`` for a record's graph IRI (core, per source, or derived), else None."""
    return record_key_of_graph(iri)


def _record_from_node(iri: str) -> str | None:
    """``type/slug`` for a record IRI or one of its nested ``#fragment`` nodes, else None."""
    return record_key_of_node(iri)


def record_of(quad: ox.Quad) -> str:
    """The record a quad belongs to: the record of its named graph; for provenance, of the graph described.

    Grouping by graph (not by subject) keeps a record's derived inverse links, whose subject is the other
    record, with the claim they were derived from.
    """
    graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
    subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
    if graph == str(ONTOLOGY_GRAPH):
        return VOCABULARY_KEY
    if graph == str(CONSENSUS_GRAPH):  # the agreement nodes are fragments of the record they weigh
        return _record_from_node(subject) or OTHER_KEY
    if graph == str(PROVENANCE_GRAPH):
        if subject == str(CONSENSUS_GRAPH):
            return OTHER_KEY
        return _record_from_graph(subject) or _record_from_node(subject) or OTHER_KEY
    return _record_from_graph(graph) or _record_from_node(subject) or OTHER_KEY


def is_record(key: str) -> bool:
    """Record keys are ``type/slug``; the vocabulary and ``other`` buckets are not records."""
    return "/" in key


def triples_per_record(lines: Iterable[str]) -> Counter[str]:
    """How many of the N-Quads ``lines`` belong to each record (or bucket)."""
    text = "".join(line + "\n" for line in sorted(lines))
    return Counter(record_of(quad) for quad in parse_nquads(text))


def diff_releases(previous: str | None, old: set[str], new: set[str]) -> ReleaseDiff:
    """Compare two releases as sets of quads and say, per record, what was added, removed or changed.

    The vocabulary and ``other`` buckets are never added or removed records: any change to them is a change.
    """
    old_records, new_records = triples_per_record(old), triples_per_record(new)
    plus, minus = triples_per_record(new - old), triples_per_record(old - new)
    changes = [RecordChange(key, plus[key], minus[key]) for key in sorted(set(plus) | set(minus))]
    added = tuple(c for c in changes if is_record(c.record) and c.record not in old_records)
    removed = tuple(c for c in changes if is_record(c.record) and c.record not in new_records)
    return ReleaseDiff(
        previous=previous,
        added=added,
        removed=removed,
        changed=tuple(c for c in changes if c not in added and c not in removed),
        triples_added=len(new - old),
        triples_removed=len(old - new),
    )


# --- CHANGES.md -------------------------------------------------------------------------------------------


def changes_entry(version: str, day: date, diff: ReleaseDiff, records: int, triples: int) -> str:
    """The Markdown entry for ``CHANGES.md``: a header line, a summary, then one line per record (sorted)."""
    lines = [f"## {version} \u2014 {day.isoformat()}", ""]
    totals = f"{records} records, {triples} triples"
    if diff.previous is None:
        return "\n".join([*lines, f"First release: {totals}.", ""])
    if not (diff.added or diff.removed or diff.changed):
        return "\n".join([*lines, f"No triple changed since {diff.previous}: {totals}.", ""])
    lines.append(
        f"Since {diff.previous}: records added {len(diff.added)}, removed {len(diff.removed)}, changed "
        f"{len(diff.changed)}; triples +{diff.triples_added} {_MINUS}{diff.triples_removed} ({totals} in all)."
    )
    sections = (
        ("Added", [f"- added {c.record}: +{c.added} triples" for c in diff.added]),
        ("Removed", [f"- removed {c.record}: {_MINUS}{c.removed} triples" for c in diff.removed]),
        ("Changed", [f"- changed {c.record}: +{c.added} {_MINUS}{c.removed} triples" for c in diff.changed]),
    )
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *items]
    return "\n".join([*lines, ""])


def append_changes(changes_file: Path, entry: str) -> None:
    """Append ``entry`` to ``CHANGES.md`` (created with a header if missing), replacing the file atomically."""
    text = changes_file.read_text(encoding="utf-8") if changes_file.is_file() else CHANGES_HEADER
    text = text.rstrip("\n") + "\n\n" + entry
    staging = changes_file.with_name(f".{changes_file.name}.release")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, changes_file)


# --- the release ------------------------------------------------------------------------------------------


def publish(staging: Path, target: Path) -> None:
    """Rename the complete staging folder to ``target``; never replace an existing release."""
    if target.exists():
        raise ReleaseError(f"release {target.name} appeared in {target} while this one was being made; "
                           "nothing was overwritten")
    staging.rename(target)


def release(paths: ProjectPaths, version: str, releases_dir: Path | None = None,
            today: date | None = None) -> ReleaseResult:
    """Build the sources and publish them as ``releases_dir/VERSION`` (default ``releases/``), then log it.

    Raises ``ReleaseError`` for a malformed, existing or not newer version, and ``DataError`` when the
    sources do not build; in both cases nothing in ``releases_dir`` or ``CHANGES.md`` changes.
    """
    releases_dir = releases_dir or paths.root / "releases"
    previous = previous_release(version, releases_dir)
    with tempfile.TemporaryDirectory(prefix="tpgraph-release-") as tmp:
        build_dir = Path(tmp) / "dist"
        build(paths, build_dir)
        releases_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.release-", dir=releases_dir))
        try:
            files = write_release_files(build_dir, staging, version)
            new = comparable_lines(staging / TRIG)
            old = comparable_lines(releases_dir / previous / TRIG) if previous else set()
            diff = diff_releases(previous, old, new)
            records = sum(1 for key in triples_per_record(new) if is_record(key))
            triples = quad_count(staging / TRIG)
            entry = changes_entry(version, today or datetime.now(UTC).date(), diff, records, triples)
            publish(staging, releases_dir / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    changes_file = paths.root / "CHANGES.md"
    append_changes(changes_file, entry)
    return ReleaseResult(version, releases_dir / version, files, records, triples, diff, entry, changes_file)
