"""dist/tpgraph.owl as an ontology engineer opens it: every entity labelled (external terms through the import
module, found offline through the catalog), OWL 2 DL, and consistent under HermiT together with Uberon —
including Uberon's faulty quadriceps axiom — with psoas major then classified as an Uberon psoas muscle."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from tpgraph.build.dist import BuildResult
from tpgraph.model.namespaces import PROTEGE_MODULE_IRI as MODULE_IRI

REPO = Path(__file__).resolve().parents[1]

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
BUILTIN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#", OWL,
           "http://www.w3.org/2001/XMLSchema#")
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


pytestmark = [pytest.mark.java]


def triples(path: Path) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.RDF_XML)]


def test_the_catalog_resolves_the_import_offline(built: BuildResult) -> None:
    owl = triples(built.out_dir / "tpgraph.owl")
    imports = [t.object.value for t in owl if t.predicate.value == OWL + "imports"]
    assert imports == [MODULE_IRI]
    catalog = ET.parse(built.out_dir / "catalog-v001.xml").getroot()
    (entry,) = catalog
    assert entry.get("name") == MODULE_IRI
    assert (built.out_dir / entry.get("uri")).is_file()


def test_every_entity_has_a_label(built: BuildResult) -> None:
    merged = triples(built.out_dir / "tpgraph.owl") + triples(built.out_dir / "imports" / "external.owl")
    declared = {t.subject.value for t in merged if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
                and t.object.value.startswith(OWL) and t.object.value != OWL + "Ontology"}
    used_classes = {t.object.value for t in merged if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)}
    labelled = {t.subject.value for t in merged if t.predicate.value == RDFS_LABEL}
    entities = {iri for iri in declared | used_classes if not iri.startswith(BUILTIN)}
    assert len(entities) > 2500
    assert sorted(entities - labelled) == []
    assert ox.Triple(ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0001298"), ox.NamedNode(RDFS_LABEL),
                     ox.Literal("psoas major muscle")) in merged


@needs_java
def test_consistent_with_uberon_and_psoas_major_is_an_uberon_psoas_muscle(built: BuildResult, tmp_path: Path) -> None:
    from owlready2 import World, onto_path, sync_reasoner_hermit

    fragment = tmp_path / "uberon-fragment.owl"
    ox.serialize(ox.parse(path=str(REPO / "tests" / "fixtures" / "uberon-quadriceps-fragment.ttl"),
                          format=ox.RdfFormat.TURTLE), str(fragment), ox.RdfFormat.RDF_XML)
    world = World()
    onto_path.append(str(built.out_dir / "imports"))  # owlready2 finds an import by its file name, offline
    try:
        ontology = world.get_ontology((built.out_dir / "tpgraph.owl").as_uri()).load()
        assert [o.base_iri.rstrip("#/") for o in ontology.imported_ontologies] == [MODULE_IRI]
        world.get_ontology(fragment.as_uri()).load(format="rdfxml")
        sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises if inconsistent
        psoas = world["https://w3id.org/tpgraph/id/muscle/psoas-major"]
        quadriceps = world["https://w3id.org/tpgraph/id/group/quadriceps-femoris"]
        psoas_muscle = world["http://purl.obolibrary.org/obo/UBERON_0008450"]
        assert psoas_muscle in psoas.INDIRECT_is_a
        assert world["http://purl.obolibrary.org/obo/UBERON_0001377"] in quadriceps.is_a
    finally:
        onto_path.remove(str(built.out_dir / "imports"))
        world.close()
