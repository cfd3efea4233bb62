"""The ontology is the one vocabulary source: the namespace module and the YAML schema must match it."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS

from tpgraph.model.namespaces import OBO, RECORD_TYPE_NAMES, TP, VOCAB_IRI
from tpgraph.paths import ProjectPaths
from tpgraph.model.schema import RECORD_TYPES, Kind, NodeSchema

TP_NS = VOCAB_IRI + "#"


@pytest.fixture(scope="module")
def ontology(repo_paths: ProjectPaths) -> Graph:
    return Graph().parse(repo_paths.ontology)


def declared_terms(ontology: Graph) -> set[str]:
    return {str(s)[len(TP_NS):] for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(TP_NS)}


def test_namespace_module_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    module_terms = set(TP.__annotations__)
    assert module_terms == declared_terms(ontology)


def test_misspelt_term_raises() -> None:
    with pytest.raises(AttributeError):
        TP.hasOrign  # noqa: B018


def test_every_class_and_property_has_label_and_definition(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    missing = []
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            if not str(term).startswith(TP_NS):
                continue
            if len(list(ontology.objects(term, RDFS.label))) != 1 or ontology.value(term, SKOS.definition) is None:
                missing.append(str(term))
    assert missing == []


def test_top_level_classes_are_pairwise_disjoint(ontology: Graph) -> None:
    top = {c for c in ontology.subjects(RDF.type, OWL.Class) if (c, RDFS.subClassOf, None) not in ontology}
    disjoint_sets = []
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(axiom, OWL.members)
        disjoint_sets.append(set(ontology.items(members)))
    assert any(top <= s for s in disjoint_sets), top - max(disjoint_sets, key=len)


def test_properties_specialise_the_standard_relations(ontology: Graph) -> None:
    expected = {
        TP.hasOrigin: OBO.RO_0002372,
        TP.hasInsertion: OBO.RO_0002373,
        TP.innervatedBy: OBO.RO_0002005,
        TP.innervates: OBO.RO_0002134,
        TP.hasAntagonist: OBO.RO_0002568,
        TP.memberOf: OBO.BFO_0000050,
        TP.triggerPointIn: OBO.RO_0001025,
    }
    for prop, parent in expected.items():
        assert (prop, RDFS.subPropertyOf, parent) in ontology, prop
    # No axiom other than a declaration and a label on any RO/BFO term.
    for term in set(expected.values()):
        assert set(ontology.predicate_objects(term)) <= {(RDF.type, OWL.ObjectProperty), *((RDFS.label, o) for o in ontology.objects(term, RDFS.label))}


def test_antagonism_is_symmetric_and_irreflexive(ontology: Graph) -> None:
    types = set(ontology.objects(TP.hasAntagonist, RDF.type))
    assert {OWL.SymmetricProperty, OWL.IrreflexiveProperty} <= types


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(VOCAB_IRI)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, OWL.versionIRI):
        assert ontology.value(header, prop) is not None, prop
    assert ontology.value(header, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def _schema_terms() -> list[tuple[str, URIRef]]:
    found: list[tuple[str, URIRef]] = []

    def walk_fields(where: str, fields) -> None:
        for field in fields:
            if field.predicate is not None:
                found.append((f"{where}.{field.key}", field.predicate))
            for _, iri in field.choices:
                found.append((f"{where}.{field.key}", iri))
            if field.kind is Kind.NESTED and isinstance(field.nested, NodeSchema):
                found.append((f"{where}.{field.key}", field.nested.rdf_class))
                walk_fields(f"{where}.{field.key}", field.nested.fields)

    for rtype in RECORD_TYPES.values():
        found.append((rtype.name, rtype.rdf_class))
        walk_fields(rtype.name, rtype.core)
        walk_fields(rtype.name, rtype.facts)
    return found


def test_every_schema_term_is_declared_in_the_ontology(ontology: Graph) -> None:
    undeclared = [
        (where, str(term)) for where, term in _schema_terms()
        if str(term).startswith(TP_NS) and (term, RDF.type, None) not in ontology
        or not str(term).startswith(TP_NS) and (term, RDF.type, OWL.AnnotationProperty) not in ontology
    ]
    assert undeclared == []


def test_record_type_names_match_the_schema() -> None:
    assert tuple(RECORD_TYPES) == RECORD_TYPE_NAMES
