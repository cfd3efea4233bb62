"""Every artefact of a build, written from the build's quads as sorted canonical N-Quads lines.

Reproducible: every output is produced from the canonical lines (blank nodes relabelled canonically, lines
sorted), so the same sources give the same bytes on any machine and hash seed; the build id is the SHA-256 of
those N-Quads. rdflib's serialisers follow hash order, which changes with PYTHONHASHSEED, so pyoxigraph
serialises everything. The OWL files are assembled as N-Triples text (each data triple is its quad's line
without the graph) and sorted as text before pyoxigraph reads them: at whole-body size, term objects and their
string forms cost most of a writer's time.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL

from tpgraph.build.protege_module import MODULE_FILE
from tpgraph.build.sssom import PREDICATES as SSSOM_PREDICATES
from tpgraph.build.sssom import SSSOM_FILE, sssom_tsv
from tpgraph.model.iris import graph_path_of, is_derived_graph, record_iri, record_path_of
from tpgraph.model.namespaces import CONSENSUS_GRAPH, DATASET_IRI, GRAPH_BASE, ID_BASE, PREFIXES, PROTEGE_MODULE_IRI, RELEASE_ONTOLOGY_IRI, TP, VOCAB_IRI
from tpgraph.model.schema import EXTERNAL_IRIS

VOID = Namespace("http://rdfs.org/ns/void#")
CATALOG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri id="tpgraph external terms" name="{iri}" uri="imports/{file}"/>
</catalog>
"""
"""Protégé's XML catalog: where the import module lives, so that opening tpgraph.owl needs no network."""
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

_TYPE = f"<{RDF.type}>"
_LABEL = f"<{RDFS.label}>"
_EXACT_MATCH = "<http://www.w3.org/2004/02/skos/core#exactMatch>"
_UBERON = "<" + EXTERNAL_IRIS["UBERON"][1]
_VOCAB = f"<{VOCAB_IRI}>"
_RELEASE = f"<{RELEASE_ONTOLOGY_IRI}>"
_COPIED = {f"<{p}>" for p in (DCTERMS.description, DCTERMS.creator, OWL.versionInfo, RDFS.comment)}
_DISCLAIMER = f"<{TP.disclaimer}>"
_VERSION = f"<{OWL.versionInfo}>"
_SSSOM_NEEDS = {f"<{p}>" for p in (*SSSOM_PREDICATES, RDFS.label)}


def quad_lines(dataset: Dataset) -> set[str]:
    """The dataset's N-Quads lines (no newline), blank nodes labelled canonically per graph (only the ontology
    has them): the one spelling of a quad, shared by full and incremental builds so that both give the same
    bytes."""
    lines: set[str] = set()
    for graph in dataset.graphs():
        if not isinstance(graph.identifier, URIRef) or len(graph) == 0:
            continue
        if not str(graph.identifier).startswith(GRAPH_BASE):
            continue
        canonical = to_canonical_graph(graph) if any(isinstance(t, BNode) for triple in graph for t in triple) else graph
        name = graph.identifier.n3()
        for line in canonical.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines():
            if line.strip():
                lines.add(f"{line[:-2].rstrip()} {name} .")
    return lines


def canonical_nquads(dataset: Dataset) -> str:
    """The dataset as sorted N-Quads with canonical blank-node labels."""
    return "".join(line + "\n" for line in sorted(quad_lines(dataset)))


def graph_cut(line: str) -> int:
    """Where the graph term of a quad line starts (the space before it): the last `` <`` before the final
    `` .``, so a literal holding `` <`` does not mislead it."""
    return line.rindex(" <", 0, len(line) - 2)


def parse_nquads(nquads: str) -> list[ox.Quad]:
    """Quads in the (sorted) order of the text, so every serialisation of them is deterministic."""
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _nt(triple: ox.Triple) -> str:
    return f"{triple} ."


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


class QuadScan:
    """One pass over the sorted quad lines: what the OWL files and SSSOM need, as text."""

    def __init__(self, lines: list[str]):
        self.asserted: list[str] = []  # N-Triples lines from graphs that are not derived
        self.derived: list[str] = []  # N-Triples lines from derived graphs
        self.header: list[str] = []  # the vocabulary header, moved onto the release ontology
        self.typed_asserted: set[str] = set()
        self.typed_derived: set[str] = set()
        self.labels: list[str] = []
        self.wanted_by_sssom: list[str] = []
        self.version: list[str] = []  # the vocabulary's owl:versionInfo quad
        for line in lines:
            cut = graph_cut(line)
            graph = line[cut + 1:-2]
            subject, predicate, rest = line.split(" ", 2)
            if predicate in _SSSOM_NEEDS:
                self.wanted_by_sssom.append(line)
            if subject == _VOCAB:
                if predicate == _VERSION:
                    self.version.append(line)
                if predicate in _COPIED:
                    self.header.append(f"{_RELEASE} {predicate} {line[len(subject) + len(predicate) + 2:cut]} .")
                continue
            triple = line[:cut] + " ."
            derived = graph.endswith("/derived>")
            (self.derived if derived else self.asserted).append(triple)
            if predicate == _TYPE and subject.startswith("<"):
                (self.typed_derived if derived else self.typed_asserted).add(subject[1:-1])
                continue
            if predicate == _LABEL:
                self.labels.append(triple)
            elif predicate == _EXACT_MATCH and rest.startswith(_UBERON) and subject.startswith(f"<{ID_BASE}"):
                obj = rest[:rest.index(">") + 1]
                (self.derived if derived else self.asserted).append(f"{subject} {_TYPE} {obj} .")

    def owl_lines(self, include_derived: bool, module: list[ox.Triple] | None = None,
                  embed_module: bool = False) -> list[str]:
        """One graph for Protégé/owlready2: ontology + records (+ derived), under a release ontology header.

        A record that exactly matches an Uberon class is also asserted to be an instance of it, so that a
        reasoner given Uberon (or the import ``module`` of external terms) classifies the record in Uberon's
        hierarchy; the module is imported (``owl:imports``, resolved offline by ``catalog-v001.xml``) or, with
        ``embed_module``, merged in (for checks that must not resolve imports).
        """
        extra = set(self.header)
        named = self.label_values()
        extra |= {_nt(t) for t in display_labels(named, self.typed_asserted)}
        triples = self.asserted
        if include_derived:
            triples = triples + self.derived
            extra |= {_nt(t) for t in display_labels(named, self.typed_derived - self.typed_asserted)}
        release = ox.NamedNode(RELEASE_ONTOLOGY_IRI)
        if module and embed_module:
            extra |= {_nt(t) for t in module if t.subject != ox.NamedNode(PROTEGE_MODULE_IRI)}
        elif module:
            extra.add(_nt(ox.Triple(release, ox.NamedNode(str(OWL.imports)), ox.NamedNode(PROTEGE_MODULE_IRI))))
        title = "tpgraph: myofascial trigger points" + (" (with build-time inferences)" if include_derived else "")
        extra |= {_nt(t) for t in (
            ox.Triple(release, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology))),
            ox.Triple(release, ox.NamedNode(str(DCTERMS.title)), _lit(title, "en")),
            ox.Triple(release, ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(DATA_LICENSE)),
        )}
        # The scanned lines are already in order (the quads were), so sorting merges a few runs; a triple
        # stated in several graphs comes out once.
        return list(dict.fromkeys(sorted([*triples, *extra])))

    def label_values(self) -> dict[str, str]:
        """Each labelled IRI's label text."""
        text = "\n".join(self.labels).encode("utf-8")
        return {t.subject.value: t.object.value for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
                if isinstance(t.subject, ox.NamedNode)}


def display_labels(named: dict[str, str], typed: set[str]) -> set[ox.Triple]:
    """Labels for the nodes the data leave unlabelled, so that Protégé shows words, not IRIs.

    A claim graph reads "psoas major, according to NAT, Treating Psoas"; a nested node (a trigger point, a
    zone, an antagonism) reads "psoas major: zone anterior essential". They exist only in the OWL files.
    """
    label = ox.NamedNode(str(RDFS.label))
    added = set()
    for iri in sorted(typed - set(named)):
        text = None
        graph_path = graph_path_of(iri)
        if iri.startswith(ID_BASE) and "#" in iri:
            record, fragment = iri.split("#", 1)
            words = fragment.split("--", 1)[0].replace("-", " ")
            text = f"{named.get(record, record_path_of(record))}: {words}"
        elif graph_path is not None:
            parts = graph_path.split("/")
            if len(parts) >= 2:
                record = record_iri(parts[0], parts[1])
                about = named.get(record, f"{parts[0]}/{parts[1]}")
                if len(parts) == 2:
                    text = f"{about}, tpgraph's own statements"
                else:
                    source = named.get(record_iri("source", parts[2]), parts[2])
                    text = f"{about}, according to {source}" + (" (derived)" if parts[-1] == "derived" else "")
        if text:
            added.add(ox.Triple(ox.NamedNode(iri), label, _lit(text, "en")))
    return added


def write_owl(lines: list[str], path: Path) -> None:
    """Serialise sorted N-Triples lines as RDF/XML."""
    document = ("\n".join(lines) + "\n").encode("utf-8")
    ox.serialize(ox.parse(document, format=ox.RdfFormat.N_TRIPLES), str(path), ox.RdfFormat.RDF_XML,
                 prefixes=PREFIXES)


def void_triples(lines: list[str], sizes: Counter[str], build_id: str) -> list[ox.Triple]:
    """A VoID description: size per named graph, vocabularies, licence and the sources' disclaimers."""
    dataset = ox.NamedNode(DATASET_IRI)
    integer = ox.NamedNode(str(XSD.integer))

    def n(iri: object) -> ox.NamedNode:
        return ox.NamedNode(str(iri))

    triples = {
        ox.Triple(dataset, n(RDF.type), n(VOID.Dataset)),
        ox.Triple(dataset, n(DCTERMS.title), _lit("tpgraph", "en")),
        ox.Triple(dataset, n(DCTERMS.description), _lit(
            "An open knowledge graph of myofascial trigger points, each claim kept with its source.", "en")),
        ox.Triple(dataset, n(DCTERMS.license), n(DATA_LICENSE)),
        ox.Triple(dataset, n(VOID.triples), ox.Literal(str(len(lines)), datatype=integer)),
        ox.Triple(dataset, n(OWL.versionInfo), _lit(build_id)),
        ox.Triple(dataset, n(VOID.uriSpace), _lit(ID_BASE)),
    }
    for vocabulary in (VOCAB_IRI + "#", str(RDFS), "http://www.w3.org/2004/02/skos/core#", str(DCTERMS)):
        triples.add(ox.Triple(dataset, n(VOID.vocabulary), n(vocabulary)))
    for graph, size in sizes.items():
        triples.add(ox.Triple(dataset, n(VOID.subset), n(graph)))
        triples.add(ox.Triple(n(graph), n(RDF.type), n(VOID.Dataset)))
        triples.add(ox.Triple(n(graph), n(VOID.triples), ox.Literal(str(size), datatype=integer)))
    disclaimers = [line + "\n" for line in lines if line.split(" ", 2)[1] == _DISCLAIMER]
    for quad in parse_nquads("".join(disclaimers)):
        triples.add(ox.Triple(dataset, n(DCTERMS.source), quad.subject))
        triples.add(quad.triple)
    return sorted(triples, key=str)


def write_graph_files(ordered: list[str], out: Path, build_json: dict) -> dict[str, Any]:
    """The dataset files (N-Quads, TriG, JSON-LD), VoID and build.json, from the sorted quad lines; build.json's
    content (the build id is the SHA-256 of the N-Quads; ``graphs``, the named graphs filled) and ``derived``
    (the quads in claim graphs' derived graphs)."""
    nquads = "".join(line + "\n" for line in ordered)
    build_id = hashlib.sha256(nquads.encode("utf-8")).hexdigest()
    (out / "tpgraph.nq").write_text(nquads, encoding="utf-8")
    quads = parse_nquads(nquads)
    ox.serialize(quads, str(out / "tpgraph.trig"), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    ox.serialize(quads, str(out / "tpgraph.jsonld"), ox.RdfFormat.JSON_LD, prefixes=PREFIXES)
    sizes = Counter(line[graph_cut(line) + 2:-3] for line in ordered)
    void_prefixes = {**PREFIXES, "void": str(VOID)}
    ox.serialize(void_triples(ordered, sizes, build_id), str(out / "void.ttl"), ox.RdfFormat.TURTLE,
                 prefixes=void_prefixes)
    build_json = {"build_id": build_id, "quads": len(ordered), "graphs": len(sizes), **build_json}
    (out / "build.json").write_text(json.dumps(build_json, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    derived = sum(size for graph, size in sizes.items() if graph != str(CONSENSUS_GRAPH) and is_derived_graph(graph))
    hashes = _hashes(out, ("tpgraph.nq", "tpgraph.trig", "tpgraph.jsonld", "void.ttl", "build.json"))
    return {**build_json, "derived": derived, "hashes": hashes}


def write_ontology_files(ordered: list[str], out: Path, module: list[ox.Triple] | None = None) -> dict[str, Any]:
    """The OWL files (asserted, and with the build's inferences), the import module and its catalog, and the
    SSSOM mappings, from the sorted quad lines."""
    scan = QuadScan(ordered)
    write_owl(scan.owl_lines(False, module), out / "tpgraph.owl")
    write_owl(scan.owl_lines(True, module), out / "tpgraph-full.owl")
    if module:
        (out / "imports").mkdir()
        ox.serialize(module, str(out / "imports" / MODULE_FILE), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        (out / "catalog-v001.xml").write_text(CATALOG.format(iri=PROTEGE_MODULE_IRI, file=MODULE_FILE), encoding="utf-8")
    version = next((q.object.value for q in parse_nquads("".join(l + "\n" for l in scan.version))), "unversioned")
    sssom_quads = parse_nquads("".join(line + "\n" for line in scan.wanted_by_sssom))
    (out / SSSOM_FILE).write_text(sssom_tsv(sssom_quads, version), encoding="utf-8")
    written = ["tpgraph.owl", "tpgraph-full.owl", SSSOM_FILE]
    if module:
        written += [f"imports/{MODULE_FILE}", "catalog-v001.xml"]
    return {"hashes": _hashes(out, written)}


def _hashes(out: Path, names: Iterable[str]) -> dict[str, str]:
    """The SHA-256 of files just written, taken by the writer (beside the other work) for the build's stamp."""
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}


def read_module(path: Path) -> list[ox.Triple]:
    """The committed import module of external terms (empty when the tree has none)."""
    if not path.is_file():
        return []
    return sorted((quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)), key=str)
