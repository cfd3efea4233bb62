"""``tpgraph build``: load, validate, infer and write ``dist/`` atomically and reproducibly.

Reproducible: every output is produced from the canonical N-Quads (blank nodes relabelled canonically, lines
sorted), so the same sources give the same bytes on any machine and hash seed; the build id is the SHA-256 of
those N-Quads. Atomic: everything is written into a temporary sibling folder that replaces ``dist/`` only once
it is complete, so a failed build leaves the previous ``dist/`` as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL

from tpgraph.build.protege_module import MODULE_FILE
from tpgraph.build.consensus import write_consensus
from tpgraph.build.infer import infer
from tpgraph.build.loader import LoadedData, load
from tpgraph.model.iris import graph_path_of, is_derived_graph, record_iri, record_path_of
from tpgraph.model.namespaces import (
    DATASET_IRI,
    GRAPH_BASE,
    ID_BASE,
    PREFIXES,
    PROTEGE_MODULE_IRI,
    RELEASE_ONTOLOGY_IRI,
    TP,
    VOCAB_IRI,
)
from tpgraph.paths import ProjectPaths
from tpgraph.model.schema import EXTERNAL_IRIS, RECORD_TYPES
from tpgraph.build.freshness import STAMP, BuildResult, current_build, inputs_digest, write_stamp
from tpgraph.build.side_by_side import SideJob
from tpgraph.build.sssom import SSSOM_FILE, sssom_tsv
from tpgraph.build.validate import validate_loaded

VOID = Namespace("http://rdfs.org/ns/void#")
EXACT_MATCH = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
UBERON_BASE = EXTERNAL_IRIS["UBERON"][1]
CATALOG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri id="tpgraph external terms" name="{iri}" uri="imports/{file}"/>
</catalog>
"""
"""Protégé's XML catalog: where the import module lives, so that opening tpgraph.owl needs no network."""
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

OUTPUTS = (
    "tpgraph.nq",
    "tpgraph.trig",
    "tpgraph.jsonld",
    "tpgraph.owl",
    "tpgraph-full.owl",
    "void.ttl",
    "build.json",
    "tpgraph.sssom.tsv",
    "catalog-v001.xml",
    f"imports/{MODULE_FILE}",
    STAMP,
)


def canonical_nquads(dataset: Dataset) -> str:
    """The dataset as sorted N-Quads with canonical blank-node labels (only the ontology has blank nodes)."""
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
    return "".join(line + "\n" for line in sorted(lines))


def parse_nquads(nquads: str) -> list[ox.Quad]:
    """Quads in the (sorted) order of the text, so every serialisation of them is deterministic."""
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def owl_triples(quads: list[ox.Quad], include_derived: bool, module: list[ox.Triple] | None = None,
                embed_module: bool = False) -> list[ox.Triple]:
    """One graph for Protégé/owlready2: ontology + records (+ derived), under a release ontology header.

    A record that exactly matches an Uberon class is also asserted to be an instance of it, so that a reasoner
    given Uberon (or the import ``module`` of external terms) classifies the record in Uberon's hierarchy; the
    module is imported (``owl:imports``, resolved offline by ``catalog-v001.xml``) or, with ``embed_module``,
    merged in (for checks that must not resolve imports).
    """
    vocab = ox.NamedNode(VOCAB_IRI)
    release = ox.NamedNode(RELEASE_ONTOLOGY_IRI)
    triples: set[ox.Triple] = set()
    copied = (str(DCTERMS.description), str(DCTERMS.creator), str(OWL.versionInfo), str(RDFS.comment))
    for quad in quads:
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(GRAPH_BASE):
            continue
        if is_derived_graph(graph.value) and not include_derived:
            continue
        if quad.subject == vocab:
            if quad.predicate.value in copied:
                triples.add(ox.Triple(release, quad.predicate, quad.object))
            continue  # the vocabulary header is replaced by the release header
        triples.add(quad.triple)
        if quad.predicate == EXACT_MATCH and quad.object.value.startswith(UBERON_BASE) and quad.subject.value.startswith(ID_BASE):
            triples.add(ox.Triple(quad.subject, ox.NamedNode(str(RDF.type)), quad.object))
    triples |= display_labels(triples)
    if module and embed_module:
        triples |= {t for t in module if t.subject != ox.NamedNode(PROTEGE_MODULE_IRI)}
    elif module:
        triples.add(ox.Triple(release, ox.NamedNode(str(OWL.imports)), ox.NamedNode(PROTEGE_MODULE_IRI)))
    title = "tpgraph: myofascial trigger points" + (" (with build-time inferences)" if include_derived else "")
    triples |= {
        ox.Triple(release, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Ontology))),
        ox.Triple(release, ox.NamedNode(str(DCTERMS.title)), _lit(title, "en")),
        ox.Triple(release, ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(DATA_LICENSE)),
    }
    return sorted(triples, key=str)


def void_triples(quads: list[ox.Quad], build_id: str) -> list[ox.Triple]:
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
        ox.Triple(dataset, n(VOID.triples), ox.Literal(str(len(quads)), datatype=integer)),
        ox.Triple(dataset, n(OWL.versionInfo), _lit(build_id)),
        ox.Triple(dataset, n(VOID.uriSpace), _lit(ID_BASE)),
    }
    for vocabulary in (VOCAB_IRI + "#", str(RDFS), "http://www.w3.org/2004/02/skos/core#", str(DCTERMS)):
        triples.add(ox.Triple(dataset, n(VOID.vocabulary), n(vocabulary)))
    sizes = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    for graph, size in sizes.items():
        triples.add(ox.Triple(dataset, n(VOID.subset), n(graph)))
        triples.add(ox.Triple(n(graph), n(RDF.type), n(VOID.Dataset)))
        triples.add(ox.Triple(n(graph), n(VOID.triples), ox.Literal(str(size), datatype=integer)))
    for quad in quads:
        if quad.predicate.value == str(TP.disclaimer):
            triples.add(ox.Triple(dataset, n(DCTERMS.source), quad.subject))
            triples.add(quad.triple)
    return sorted(triples, key=str)


def record_counts(loaded: LoadedData) -> dict[str, int]:
    counts = Counter(entry.type.name for entry in loaded.records.values())
    return {name: counts.get(name, 0) for name in RECORD_TYPES}


def write_outputs(dataset: Dataset, out: Path, build_json: dict, module: list[ox.Triple] | None = None) -> str:
    """Write every artefact into ``out`` (an empty folder); return the build id.

    Everything is serialised by pyoxigraph from the sorted canonical quads: rdflib's serialisers follow hash
    order, which changes with PYTHONHASHSEED.
    """
    nquads = canonical_nquads(dataset)
    build_id = hashlib.sha256(nquads.encode("utf-8")).hexdigest()
    (out / "tpgraph.nq").write_text(nquads, encoding="utf-8")
    quads = parse_nquads(nquads)
    ox.serialize(quads, str(out / "tpgraph.trig"), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    ox.serialize(quads, str(out / "tpgraph.jsonld"), ox.RdfFormat.JSON_LD, prefixes=PREFIXES)
    ox.serialize(owl_triples(quads, False, module), str(out / "tpgraph.owl"), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
    ox.serialize(owl_triples(quads, True, module), str(out / "tpgraph-full.owl"), ox.RdfFormat.RDF_XML,
                 prefixes=PREFIXES)
    if module:
        (out / "imports").mkdir()
        ox.serialize(module, str(out / "imports" / MODULE_FILE), ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        (out / "catalog-v001.xml").write_text(CATALOG.format(iri=PROTEGE_MODULE_IRI, file=MODULE_FILE), encoding="utf-8")
    version = next((q.object.value for q in quads if q.subject.value == VOCAB_IRI and q.predicate.value == str(OWL.versionInfo)),
                   "unversioned")
    (out / SSSOM_FILE).write_text(sssom_tsv(quads, version), encoding="utf-8")
    void_prefixes = {**PREFIXES, "void": str(VOID)}
    ox.serialize(void_triples(quads, build_id), str(out / "void.ttl"), ox.RdfFormat.TURTLE, prefixes=void_prefixes)
    build_json = {"build_id": build_id, "quads": len(quads), **build_json}
    (out / "build.json").write_text(json.dumps(build_json, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return build_id


def display_labels(triples: set[ox.Triple]) -> set[ox.Triple]:
    """Labels for the nodes the data leave unlabelled, so that Protégé shows words, not IRIs.

    A claim graph reads "psoas major, according to NAT, Treating Psoas"; a nested node (a trigger point, a
    zone, an antagonism) reads "psoas major: zone anterior essential". They exist only in the OWL files.
    """
    label, rdf_type = ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(RDF.type))
    named = {t.subject.value: t.object.value for t in triples if t.predicate == label}
    nodes = {t.subject.value for t in triples if t.predicate == rdf_type and isinstance(t.subject, ox.NamedNode)}
    added = set()
    for iri in sorted(nodes - set(named)):
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


def read_module(path: Path) -> list[ox.Triple]:
    """The committed import module of external terms (empty when the tree has none)."""
    if not path.is_file():
        return []
    return sorted((quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)), key=str)


def replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` into place of ``target``; the old folder is removed only after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{new.name}")
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(paths: ProjectPaths, out_dir: Path | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Load and validate the sources, infer, and replace ``out_dir`` (default ``dist/``) with the result.

    Raises ``DataError`` (with every problem, file:line) when the data do not load or validate; nothing is
    written then. Validation and writing run side by side once the data are loaded (``side_by_side``): the
    writer fills a staging folder that replaces ``out_dir`` only if the data validate. When ``out_dir`` already
    holds the intact build of the same inputs (``freshness``), it is returned as it is, unless ``force``.
    ``progress`` hears each stage as it starts (the CLI shows it on a terminal).
    """
    say = progress or (lambda stage: None)
    out_dir = out_dir or paths.dist
    digest = inputs_digest(paths)
    if not force and (current := current_build(out_dir, digest)) is not None:
        return current
    say(f"reading {paths.data}")
    loaded = load(paths.data, paths.ontology)
    counts = record_counts(loaded)
    count = len(loaded.records)
    say(f"validating {count} record{'s' if count != 1 else ''} and writing {out_dir.name}/ side by side")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    writer = SideJob(lambda: derive_and_write(loaded, counts, staging, paths.import_module))
    try:
        validate_loaded(loaded, paths.shapes, paths.quality_checks)
        written = writer.result()
        write_stamp(staging, digest, written["derived"], counts)
        replace_dir(staging, out_dir)
    except BaseException:
        writer.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out_dir, written["build_id"], written["quads"], written["graphs"], counts, written["derived"])


def derive_and_write(loaded: LoadedData, counts: dict[str, int], staging: Path, import_module: Path) -> dict[str, Any]:
    """Infer, assess consensus and write every output into ``staging``; what the build result needs."""
    derived = infer(loaded.dataset)
    write_consensus(loaded.dataset)
    graphs = sum(1 for g in loaded.dataset.graphs() if len(g) and str(g.identifier).startswith(GRAPH_BASE))
    build_id = write_outputs(loaded.dataset, staging, {"graphs": graphs, "records": counts},
                             read_module(import_module))
    quads = json.loads((staging / "build.json").read_text())["quads"]
    return {"build_id": build_id, "quads": quads, "graphs": graphs, "derived": derived}
