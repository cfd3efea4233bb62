"""The import module of external terms: the Uberon and MONDO classes tpgraph links to, with labels and parents.

Protégé shows an IRI without a label as a bare number, and HermiT cannot use a class it has never seen
declared. So the OWL release imports a small module that declares each external term the data link to, with
the label and the parents recorded in ``reference/external-ids.tsv`` (each row checked against the named
public source). The module is generated from that table and the data, and committed as
``ontology/imports/external.ttl``; ``tpgraph imports`` regenerates it and a test keeps it up to date.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from tpgraph.model.namespaces import PROTEGE_MODULE_IRI
from tpgraph.model.schema import EXTERNAL_IRIS

MODULE_FILE = "external.owl"
"""The module's file name next to ``tpgraph.owl`` (under ``imports/``); its IRI is ``PROTEGE_MODULE_IRI``."""

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
SKOS_MATCHES = (ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch"))
CURIE = re.compile(r"\b(UBERON|MONDO):(\d{7})\b")


@dataclass
class ExternalTerm:
    """What the checked table says about one external class."""

    curie: str
    label: str = ""
    parents: list[str] = field(default_factory=list)


def curie_to_iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return EXTERNAL_IRIS[prefix][1] + local


def iri_to_curie(iri: str) -> str | None:
    for prefix, (_, base) in EXTERNAL_IRIS.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return None


def _clean(label: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)|=.*$", " ", label).split())


def read_table(path: Path) -> dict[str, ExternalTerm]:
    """Every Uberon and MONDO class of the verified rows: labels from the row, parents from ``is_a`` notes."""
    terms: dict[str, ExternalTerm] = {}
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["verified"] == "yes"]
    for row in rows:
        for column in ("uberon", "mondo"):
            found = CURIE.findall(row[column])
            if len(found) == 1:  # a cell naming several terms is a note, not this row's term
                curie = ":".join(found[0])
                term = terms.setdefault(curie, ExternalTerm(curie))
                term.label = term.label or _clean(row["label"])
                for clause in re.findall(r"is_a ([^;]+)", row["other"]):
                    for prefix, local, label in re.findall(r"\b(UBERON):(\d{7})(?: ([a-z][a-z ]*[a-z]))?", clause):
                        parent = terms.setdefault(f"{prefix}:{local}", ExternalTerm(f"{prefix}:{local}"))
                        parent.label = parent.label or label
                        term.parents.append(parent.curie)
    for row in rows:  # terms named in notes ("has_muscle_insertion UBERON:0002504 lesser trochanter")
        for prefix, local, label in re.findall(r"\b(UBERON):(\d{7}) ([a-z][a-z ]*[a-z])", row["other"]):
            term = terms.setdefault(f"{prefix}:{local}", ExternalTerm(f"{prefix}:{local}"))
            term.label = term.label or label
    return terms


def linked_terms(quads: list[ox.Quad]) -> set[str]:
    """The external classes the data link to (exact or close matches)."""
    found = set()
    for quad in quads:
        if quad.predicate in SKOS_MATCHES and isinstance(quad.object, ox.NamedNode):
            curie = iri_to_curie(quad.object.value)
            if curie:
                found.add(curie)
    return found


def module_triples(linked: set[str], table: dict[str, ExternalTerm]) -> list[ox.Triple]:
    """Declarations, labels and parents of the linked terms and of their parents, as one small ontology."""
    wanted = set(linked)
    for curie in linked:
        wanted.update(table.get(curie, ExternalTerm(curie)).parents)
    triples = {ox.Triple(ox.NamedNode(PROTEGE_MODULE_IRI), RDF_TYPE, OWL_ONTOLOGY)}
    for curie in wanted:
        term = table.get(curie, ExternalTerm(curie))
        node = ox.NamedNode(curie_to_iri(curie))
        triples.add(ox.Triple(node, RDF_TYPE, OWL_CLASS))
        if term.label:
            triples.add(ox.Triple(node, RDFS_LABEL, ox.Literal(term.label)))
        if curie in linked:
            triples.update(ox.Triple(node, SUBCLASS_OF, ox.NamedNode(curie_to_iri(p))) for p in term.parents)
    return sorted(triples, key=str)


def write_module(quads: list[ox.Quad], table_path: Path, out: Path) -> int:
    """Regenerate ``ontology/imports/external.ttl``; the number of classes it declares."""
    triples = module_triples(linked_terms(quads), read_table(table_path))
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (b"# Generated by `tpgraph imports` from reference/external-ids.tsv and the data: do not edit.\n")
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={
        "obo": "http://purl.obolibrary.org/obo/", "owl": "http://www.w3.org/2002/07/owl#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}) or b""
    out.write_bytes(header + body)
    return sum(1 for t in triples if t.object == OWL_CLASS)
