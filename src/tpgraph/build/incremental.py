"""An incremental build: redo the data files that changed, and those an edit affects; reuse the rest.

The last build that validated left its units (``units``) in the build cache (``build_cache``). A build whose
environment is the same finds there each unchanged file's records, quads and derived quads. It reads and
loads only the files whose bytes changed, and the unchanged files whose references name a slug whose
meaning the edit changed (a record added, removed or given another type). It checks them with SHACL's node
shapes over their own quads plus what those shapes look at elsewhere: the context and the type and label of
each record they name. Then it runs everything that looks across records over the whole graph: the index's
unique ids and names, the SPARQL-based constraints and the quality checks. It infers their derived quads from
their own claims plus the context. The result is the set of quads a full build gives, so the outputs are the
same bytes (a test flips files and compares).

It gives way to a full build (returns None) whenever it cannot be sure or would not be quicker: no usable
cache or manifest, many files changed, the context changed (a hierarchy, a copy, a root), a root's file
changed, a quad without an owner, or any SHACL or quality-check violation (so that a refused edit is reported
with the full build's words and places). A file that does not load gives its problems at once: the loader
words them, file by file, exactly as a full build would.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import OWL
from ruamel.yaml.comments import CommentedMap

from tpgraph.build.build_cache import BuildCache, Manifest, unit_key
from tpgraph.build.consensus import write_consensus
from tpgraph.build.infer import infer
from tpgraph.build.loader import DataError, Loader, Location, RecordEntry, data_files, load_ontology
from tpgraph.build.outputs import quad_lines
from tpgraph.build.quality import violations as quality_rows
from tpgraph.build.shacl_sparql import split_sparql_constraints, violations as constraint_rows
from tpgraph.build.units import (
    ONTOLOGY,
    Row,
    Unit,
    context_digest,
    file_of_record,
    is_derived,
    rows_by_file,
    split_by_file,
)
from tpgraph.build.validate import load_shapes
from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.model.iris import record_key_of_graph, record_key_of_node
from tpgraph.model.namespaces import ID_BASE, ONTOLOGY_GRAPH
from tpgraph.model.schema import LABEL, RECORD_TYPES
from tpgraph.paths import ProjectPaths

MAX_REDONE = 24
"""Beyond this many files to redo, a full build (which uses both cores throughout) is as quick."""


class Incremental:
    """One incremental attempt: ``prepare``, then ``conforms``, then (once the build is in place) ``commit``."""

    def __init__(self, paths: ProjectPaths, cache: BuildCache):
        self.paths = paths
        self.cache = cache
        self.loader: Loader | None = None
        self.units: dict[str, Unit] = {}
        self.redone: set[str] = set()
        self.manifest: Manifest | None = None
        self.ontology_lines: list[str] = []

    # -- what changed ------------------------------------------------------------------------------
    def prepare(self) -> list[str] | None:
        """Load the redone files and return every quad of the build as sorted lines, or None to build in full.

        Raises DataError when a redone file does not load.
        """
        manifest, ontology_lines = self.cache.manifest(), self.cache.ontology_quads()
        if manifest is None or ontology_lines is None:
            return None
        self.manifest, self.ontology_lines = manifest, ontology_lines
        root = self.paths.data.parent
        shas = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in data_files(self.paths.data)}
        cached: dict[str, Unit] = {}
        edited = set(manifest.files) - set(shas)  # removed files, and below, files whose bytes changed
        for path, sha in shas.items():
            key = manifest.files.get(path)
            if key is None or key != unit_key(manifest.context, path, sha):
                edited.add(path)
                continue
            unit = self.cache.unit(key)
            if unit is not None and unit.path == path and unit.sha == sha:
                cached[path] = unit
        redo = set(shas) - set(cached)  # edited files, and unchanged files whose unit is damaged
        if len(redo | edited) > MAX_REDONE:
            return None
        before: set[tuple[str, str]] = set()  # the records of the last good build (for a damaged unit: below)
        for path in edited & set(manifest.files):
            old = self.cache.unit(manifest.files[path])
            if old is None:
                return None
            before |= old.keys
        for unit in cached.values():
            before |= unit.keys
        ontology = load_ontology(self.paths.ontology)
        for _ in range(3):  # a second round re-reads the files naming an affected slug; a third finds nothing new
            loader = Loader(self.paths.data, ontology)
            known = {path: [_entry(row, path) for row in unit.entries] for path, unit in cached.items()
                     if path not in redo}
            entries = loader.index(known)
            unchanged = {key for key, e in loader.records.items() if e.location.file in redo - edited}
            changed_keys = (before | unchanged) ^ set(loader.records)  # records added, removed or retyped
            affected = {slug for _, slug in changed_keys}
            naming = {path for path, unit in cached.items() if path not in redo and unit.references & affected}
            if not naming:
                break
            redo |= naming
        else:
            return None
        if len(redo) > MAX_REDONE:
            return None
        if any(rtype == "root" for rtype, _ in changed_keys) or any(
                entry.type.name == "root" for entry in loader.records.values() if entry.location.file in redo):
            return None  # the root series is ordered across every root: a full build redoes it
        loader.require_project_source()
        loader.build([(e, d) for e, d in entries if d in redo], link_roots=False)
        if loader.problems:
            raise DataError(loader.problems)
        self.loader, self.redone = loader, redo

        file_of = file_of_record(loader.records)
        asserted = split_by_file(quad_lines(loader.dataset), file_of)
        if asserted is None:
            return None
        units = {path: unit for path, unit in cached.items() if path not in redo}
        rows = rows_by_file(loader.records)
        for path in sorted(redo):
            units[path] = Unit(path, loader.file_shas[path], rows.get(path, []),
                               frozenset(loader.references.get(path, ())), sorted(asserted.get(path, [])))
        if context_digest(units.values()) != manifest.context:
            return None
        self.units = units

        context = [line for unit in units.values() for line in unit.context]
        dataset = loader.dataset
        dataset.parse(data="\n".join(context), format="nquads")
        infer(dataset)
        write_consensus(dataset)
        derived = split_by_file((line for line in quad_lines(dataset) if is_derived(line)), file_of)
        if derived is None:
            return None
        for path in redo:
            units[path].derived = sorted(derived.get(path, []))
        # Every quad has one owner, so the units' sorted lists are disjoint runs: sorting their concatenation
        # merges runs (timsort) rather than sorting from scratch.
        return sorted([*ontology_lines, *(line for u in units.values() for part in (u.asserted, u.derived)
                                          for line in part)])

    # -- checks ------------------------------------------------------------------------------------
    def conforms(self) -> bool:
        """SHACL's node shapes on the redone files, then the SPARQL-based constraints and the quality checks
        on the whole graph: True when nothing is wrong (anything wrong is left to a full build to report)."""
        assert self.loader is not None
        node_shapes, sparql_constraints = split_sparql_constraints(load_shapes(self.paths.shapes))
        if not self._node_shapes_hold(node_shapes):
            return False
        store = ox.Store()
        text = "\n".join([*self.ontology_lines, *(line for u in self.units.values() for line in u.asserted)])
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        if any(constraint_rows(store, constraint) for constraint in sparql_constraints):
            return False
        return not any(quality_rows(store, check) for check in load_catalogue(self.paths.quality_checks))

    def _node_shapes_hold(self, node_shapes: object) -> bool:
        """pyshacl over the redone files' quads, the context, the ontology and the type and label of every
        record they name; only results whose focus belongs to a redone file count."""
        assert self.loader is not None
        redone = [self.units[path] for path in sorted(self.redone)]
        context = [line for unit in self.units.values() for line in unit.context]
        data = Dataset(default_union=True)
        data.parse(data="\n".join([*context, *(line for unit in redone for line in unit.asserted)]),
                   format="nquads")
        ontology = data.graph(ONTOLOGY_GRAPH)
        for triple in self.loader.ontology.triples((None, RDFS.subClassOf, None)):
            ontology.add(triple)  # what class targets and sh:class need of the ontology
        named = data.graph(URIRef(ONTOLOGY_GRAPH + "/named-records"))
        records = {entry.iri: entry for entry in self.loader.records.values()}
        for unit in redone:
            for line in unit.asserted:
                obj = line.split(" ", 3)[2]
                if obj.startswith(f"<{ID_BASE}") and "#" not in obj:
                    entry = records.get(URIRef(obj[1:-1]))
                    if entry is not None:
                        named.add((entry.iri, RDF.type, entry.type.rdf_class))
                        named.add((entry.iri, RDF.type, OWL.NamedIndividual))
                        named.add((entry.iri, LABEL, Literal(entry.label, lang="en")))
        conforms, report, _ = shacl_validate(data, shacl_graph=node_shapes, inference="none", advanced=False,
                                             inplace=True, allow_warnings=False)
        if conforms:
            return True
        sh_focus = URIRef("http://www.w3.org/ns/shacl#focusNode")
        files = file_of_record(self.loader.records)
        for focus in report.objects(None, sh_focus):
            owner = record_key_of_node(str(focus)) or record_key_of_graph(str(focus))
            if owner is None or files.get(owner) in self.redone:
                return False
        return True

    # -- after a build that validated ---------------------------------------------------------------
    def commit(self) -> None:
        """Store the redone files' units and name this build's units in the manifest."""
        assert self.manifest is not None
        self.cache.write_units([self.units[path] for path in self.redone], self.manifest.context)
        self.cache.commit(Manifest.of(self.units.values(), self.manifest.context))


_NO_BODY = CommentedMap()
"""The body of a cached record: never read (a redone file's records are read from the file), never written."""


def _entry(row: Row, path: str) -> RecordEntry:
    """A cached record as the index needs it (its body is read only when its file is redone)."""
    rtype, slug, label, synonyms, line = row
    return RecordEntry(RECORD_TYPES[rtype], slug, label, synonyms, Location(path, line), _NO_BODY)


def full_build_units(lines: set[str], records: dict[tuple[str, str], RecordEntry], references: dict[str, set[str]],
                     file_shas: dict[str, str]) -> tuple[dict[str, Unit], list[str]] | None:
    """A full build's quads as units (every data file read), and the ontology's quads; None if one has no owner."""
    by_file = split_by_file(lines, file_of_record(records))
    if by_file is None:
        return None
    rows = rows_by_file(records)
    units = {}
    for path, sha in file_shas.items():
        asserted, derived = [], []
        for line in sorted(by_file.get(path, [])):
            (derived if is_derived(line) else asserted).append(line)
        units[path] = Unit(path, sha, rows.get(path, []), frozenset(references.get(path, ())), asserted, derived)
    return units, sorted(by_file.get(ONTOLOGY, []))


def store_full_build(cache: BuildCache, units: dict[str, Unit], ontology_lines: list[str]) -> Manifest:
    """Write a full build's units and the ontology's quads; the manifest to commit once the build validates."""
    context = context_digest(units.values())
    cache.write_units(units.values(), context)
    cache.write_ontology_quads(ontology_lines)
    return Manifest.of(units.values(), context)


