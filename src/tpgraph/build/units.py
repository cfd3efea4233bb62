"""A build's quads by the data file that causes them: the unit an incremental build reuses or redoes.

Every quad of a build has one owner: the record whose graph holds it (its core, claim and derived graphs), the
record a provenance statement is about (a claim graph's description belongs to the claim graph's record; the
consensus graph's ``derivedFrom`` link to the graph it weighed), or the record an agreement node is named after;
the ontology graph belongs to no file. A record belongs to the file that defines it. What a file's quads
depend on beyond the file itself is small and named here: the *context* — the region, nerve and site
hierarchies, which copies of a post count as one source, and the order of the spinal roots. The derived quads
of a file follow from its own claims and that context alone (``infer`` and ``consensus`` never join two
records' claims), so while the context is unchanged an unchanged file's quads stay right.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from tpgraph.build.loader import RecordEntry
from tpgraph.build.outputs import graph_cut
from tpgraph.model.iris import is_derived_graph, record_key_of_graph, record_key_of_node
from tpgraph.model.namespaces import CONSENSUS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, TP

CONTEXT_PREDICATES = frozenset(
    f"<{p}>" for p in (TP.partOfRegion, TP.branchOf, TP.divisionOf, TP.partOfSite, TP.copyOf, TP.nextRoot)
)
"""The predicates whose quads other files' derivations read (``infer``'s hierarchies, ``consensus``'s copies,
the root series): a change to any of them makes an incremental build give way to a full one."""

ONTOLOGY = "ontology"
"""The owner of the ontology graph's quads (no data file)."""

_PROVENANCE = f"<{PROVENANCE_GRAPH}>"
_CONSENSUS = f"<{CONSENSUS_GRAPH}>"
_ONTOLOGY = f"<{ONTOLOGY_GRAPH}>"


Row = tuple[str, str, str, tuple[str, ...], int]
"""A record as a unit keeps it: type, slug, label, synonyms, line."""


@dataclass
class Unit:
    """What one data file contributes to a build, and what it depends on.

    ``entries``: its records as the index needs them (type, slug, label, synonyms, line); ``references``: the
    slugs it names; ``asserted``: the quads loading it gives; ``derived``: the quads the build infers from them.
    """

    path: str
    sha: str
    entries: list[Row] = field(default_factory=list)
    references: frozenset[str] = frozenset()
    asserted: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {(rtype, slug) for rtype, slug, *_ in self.entries}

    @cached_property
    def context(self) -> list[str]:
        """Its quads that other files' derivations read."""
        return context_lines(self.asserted)


def file_of_record(records: Mapping[tuple[str, str], RecordEntry]) -> dict[str, str]:
    """Each record (``type/slug``) and the data file that defines it."""
    return {f"{t}/{s}": entry.location.file for (t, s), entry in records.items()}


def rows_by_file(records: Mapping[tuple[str, str], RecordEntry]) -> dict[str, list[Row]]:
    """Each data file's records as units keep them, in index order."""
    rows: dict[str, list[Row]] = defaultdict(list)
    for entry in records.values():
        rows[entry.location.file].append((entry.type.name, entry.slug, entry.label, entry.synonyms,
                                          entry.location.line))
    return rows


def terms(line: str) -> tuple[str, str, str]:
    """Subject, predicate and graph of an N-Quads line of tpgraph's data (IRIs only in subject and graph)."""
    subject, predicate, _ = line.split(" ", 2)
    graph = line[graph_cut(line) + 1: -2]
    return subject, predicate, graph


def owner_of(line: str) -> str | None:
    """The record (``type/slug``) that owns a quad, ``ONTOLOGY``, or None when the rules above do not say."""
    subject, _, graph = terms(line)
    if graph == _ONTOLOGY:
        return ONTOLOGY
    if graph == _PROVENANCE:
        if subject == _CONSENSUS:
            return record_key_of_graph(line.split(" ", 3)[2][1:-1])
        return record_key_of_graph(subject[1:-1])
    if graph == _CONSENSUS:
        return record_key_of_node(subject[1:-1])
    return record_key_of_graph(graph[1:-1])


def is_derived(line: str) -> bool:
    """Whether the build infers the quad (a derived graph, or provenance about one) rather than loads it."""
    subject, _, graph = terms(line)
    if graph == _PROVENANCE:
        return subject == _CONSENSUS or is_derived_graph(subject[1:-1])
    return is_derived_graph(graph[1:-1])


def split_by_file(lines: Iterable[str], file_of: Mapping[str, str]) -> dict[str, list[str]] | None:
    """Each file's quads (``ONTOLOGY`` for the ontology's); None when a quad has no owner among the records."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        owner = owner_of(line)
        path = ONTOLOGY if owner == ONTOLOGY else file_of.get(owner) if owner is not None else None
        if path is None:
            return None
        by_file[path].append(line)
    return by_file


def context_lines(lines: Iterable[str]) -> list[str]:
    """The quads other files' derivations read (``CONTEXT_PREDICATES``)."""
    return [line for line in lines if line.split(" ", 2)[1] in CONTEXT_PREDICATES]


def context_digest(units: Iterable[Unit]) -> str:
    """One digest of the whole context: equal digests, equal hierarchies, copies and root series."""
    digest = hashlib.sha256()
    for line in sorted(line for unit in units for line in unit.context):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()
