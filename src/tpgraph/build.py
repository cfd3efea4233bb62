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
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL

from tpgraph.infer import infer
from tpgraph.loader import LoadedData, load
from tpgraph.namespaces import ONTOLOGY_GRAPH, PREFIXES, TP, VOCAB_IRI
from tpgraph.paths import ProjectPaths
from tpgraph.schema import RECORD_TYPES
from tpgraph.validate import validate_loaded

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET_IRI = URIRef("https://w3id.org/tpgraph/dataset")
RELEASE_ONTOLOGY_IRI = URIRef("https://w3id.org/tpgraph/tpgraph.owl")
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

OUTPUTS = (
    "tpgraph.nq",
    "tpgraph.trig",
    "tpgraph.jsonld",
    "tpgraph.owl",
    "tpgraph-full.owl",
    "void.ttl",
    "build.json",
)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the CLI to report."""

    out_dir: Path
    build_id: str
    quads: int
    graphs: int
    records: dict[str, int]
    derived: int


def canonical_nquads(dataset: Dataset) -> str:
    """The dataset as sorted N-Quads with canonical blank-node labels (only the ontology has blank nodes)."""
    lines: set[str] = set()
    for graph in dataset.graphs():
        if not isinstance(graph.identifier, URIRef) or len(graph) == 0:
            continue
        if graph.identifier == URIRef("urn:x-rdflib:default"):
            continue
        canonical = to_canonical_graph(graph) if any(_has_bnode(t) for t in graph) else graph
        name = graph.identifier.n3()
        for line in canonical.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines():
            if line.strip():
                lines.add(f"{line[:-2].rstrip()} {name} .")
    return "".join(line + "\n" for line in sorted(lines))


def _has_bnode(triple: tuple) -> bool:
    return any(type(term).__name__ == "BNode" for term in triple)


def dataset_from_nquads(text: str) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=text, format="nquads")
    return dataset


def bind_prefixes(graph: Graph | Dataset) -> None:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    graph.bind("void", str(VOID))


def owl_graph(dataset: Dataset, include_derived: bool) -> Graph:
    """One graph for Protégé/owlready2: ontology + records (+ derived), under a release ontology header."""
    merged = Graph()
    bind_prefixes(merged)
    vocab = URIRef(VOCAB_IRI)
    for graph in dataset.graphs():
        ident = str(graph.identifier)
        if not ident.startswith("https://w3id.org/tpgraph/graph/"):
            continue
        if ident.endswith("/derived") and not include_derived:
            continue
        for s, p, o in graph:
            if s == vocab:
                continue  # the vocabulary header is replaced by the release header below
            merged.add((s, p, o))
    merged.add((RELEASE_ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    merged.add((RELEASE_ONTOLOGY_IRI, DCTERMS.title, Literal(
        "tpgraph: myofascial trigger points" + (" (with build-time inferences)" if include_derived else ""), lang="en")))
    merged.add((RELEASE_ONTOLOGY_IRI, DCTERMS.license, DATA_LICENSE))
    for p in (DCTERMS.description, DCTERMS.creator, OWL.versionInfo, RDFS.comment):
        for o in dataset.graph(ONTOLOGY_GRAPH).objects(vocab, p):
            merged.add((RELEASE_ONTOLOGY_IRI, p, o))
    return merged


def void_graph(dataset: Dataset, build_id: str, total: int) -> Graph:
    """A VoID description: size per named graph, vocabularies, licence and the sources' disclaimers."""
    void = Graph()
    bind_prefixes(void)
    void.add((DATASET_IRI, RDF.type, VOID.Dataset))
    void.add((DATASET_IRI, DCTERMS.title, Literal("tpgraph", lang="en")))
    void.add((DATASET_IRI, DCTERMS.description, Literal(
        "An open knowledge graph of myofascial trigger points, each claim kept with its source.", lang="en")))
    void.add((DATASET_IRI, DCTERMS.license, DATA_LICENSE))
    void.add((DATASET_IRI, VOID.triples, Literal(total, datatype=XSD.integer)))
    void.add((DATASET_IRI, OWL.versionInfo, Literal(build_id)))
    void.add((DATASET_IRI, VOID.uriSpace, Literal("https://w3id.org/tpgraph/id/")))
    for vocabulary in (VOCAB_IRI + "#", str(RDFS), "http://www.w3.org/2004/02/skos/core#", str(DCTERMS)):
        void.add((DATASET_IRI, VOID.vocabulary, URIRef(vocabulary)))
    for source, disclaimer in sorted(dataset.subject_objects(TP.disclaimer)):  # type: ignore[type-var]
        void.add((DATASET_IRI, DCTERMS.source, source))
        void.add((source, TP.disclaimer, disclaimer))
    for graph in dataset.graphs():
        if not str(graph.identifier).startswith("https://w3id.org/tpgraph/graph/") or len(graph) == 0:
            continue
        void.add((DATASET_IRI, VOID.subset, graph.identifier))
        void.add((graph.identifier, RDF.type, VOID.Dataset))
        void.add((graph.identifier, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    return void


def record_counts(loaded: LoadedData) -> dict[str, int]:
    counts = Counter(entry.type.name for entry in loaded.records.values())
    return {name: counts.get(name, 0) for name in RECORD_TYPES}


def write_outputs(dataset: Dataset, out: Path, build_json: dict) -> str:
    """Write every artefact into ``out`` (an empty folder); return the build id."""
    nquads = canonical_nquads(dataset)
    build_id = hashlib.sha256(nquads.encode("utf-8")).hexdigest()
    (out / "tpgraph.nq").write_text(nquads, encoding="utf-8")
    canonical = dataset_from_nquads(nquads)
    bind_prefixes(canonical)
    (out / "tpgraph.trig").write_bytes(canonical.serialize(format="trig", encoding="utf-8"))
    (out / "tpgraph.jsonld").write_bytes(canonical.serialize(format="json-ld", encoding="utf-8", auto_compact=True))
    for name, derived in (("tpgraph.owl", False), ("tpgraph-full.owl", True)):
        (out / name).write_bytes(owl_graph(canonical, derived).serialize(format="xml", encoding="utf-8"))
    total = nquads.count("\n")
    (out / "void.ttl").write_bytes(void_graph(canonical, build_id, total).serialize(format="turtle", encoding="utf-8"))
    build_json = {"build_id": build_id, "quads": total, **build_json}
    (out / "build.json").write_text(json.dumps(build_json, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return build_id


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


def build(paths: ProjectPaths, out_dir: Path | None = None) -> BuildResult:
    """Load and validate the sources, infer, and replace ``out_dir`` (default ``dist/``) with the result.

    Raises ``DataError`` (with every problem, file:line) when the data do not load or validate; nothing is
    written then.
    """
    out_dir = out_dir or paths.dist
    loaded = load(paths.data, paths.ontology)
    validate_loaded(loaded, paths.shapes)
    derived = infer(loaded.dataset)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        graphs = sum(1 for g in loaded.dataset.graphs() if len(g) and str(g.identifier).startswith("https://"))
        counts = record_counts(loaded)
        build_id = write_outputs(loaded.dataset, staging, {"graphs": graphs, "records": counts})
        quads = json.loads((staging / "build.json").read_text())["quads"]
        replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out_dir, build_id, quads, graphs, counts, derived)
