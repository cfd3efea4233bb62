"""The answers the core graph exists for, pinned as exact rows."""

from __future__ import annotations

import pyoxigraph as ox

from tpgraph.namespaces import ID_BASE
from tpgraph.store import OxigraphStore


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID_BASE + path)


def test_psoas_major_roots_are_exactly_l1_to_l4(store: OxigraphStore) -> None:
    rows = store.select(
        "SELECT DISTINCT ?root WHERE { muscle:psoas-major tp:innervatedByRoot ?root . ?root tp:rootOrdinal ?n } ORDER BY ?n"
    )
    assert [r[0] for r in rows] == [iri("root/l1"), iri("root/l2"), iri("root/l3"), iri("root/l4")]


def test_roots_are_kept_per_source(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?source (GROUP_CONCAT(?label; separator=",") AS ?roots) WHERE {
             { SELECT ?source ?label WHERE {
                 GRAPH ?g { muscle:iliacus tp:innervatedByRoot ?root }
                 ?g dcterms:source ?source . ?root rdfs:label ?label ; tp:rootOrdinal ?n } ORDER BY ?n }
           } GROUP BY ?source ORDER BY ?source"""
    )
    assert [(r[0], r[1].value) for r in rows] == [
        (iri("source/nat-treating-psoas"), "L1,L2,L3,L4"),
        (iri("source/teachmeanatomy-iliacus"), "L2,L3,L4"),
    ]


def test_gluteus_maximus_opposes_psoas_major_in_hip_flexion(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?antagonist ?action ?source WHERE {
             GRAPH ?g { muscle:psoas-major tp:hasAntagonism ?a .
                        ?a tp:antagonisticMuscle ?antagonist ; tp:opposedAction ?action }
             ?g dcterms:source ?source }"""
    )
    assert list(rows) == [(iri("muscle/gluteus-maximus"), iri("action/hip-flexion"), iri("source/nat-treating-psoas"))]


def test_derived_antagonist_link_is_symmetric(store: OxigraphStore) -> None:
    rows = store.select("SELECT ?a ?b WHERE { ?a tp:hasAntagonist ?b } ORDER BY ?a ?b")
    pairs = {(a.value, b.value) for a, b in rows}
    assert pairs == {(b, a) for a, b in pairs}
    assert (iri("muscle/gluteus-maximus").value, iri("muscle/psoas-major").value) in pairs


def test_derived_triples_keep_their_source(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?g ?source ?from WHERE {
             GRAPH ?g { muscle:gluteus-maximus tp:hasAntagonist muscle:psoas-major }
             ?g dcterms:source ?source ; tp:derivedFrom ?from }"""
    )
    graph = "https://w3id.org/tpgraph/graph/muscle/psoas-major/nat-treating-psoas"
    assert list(rows) == [(ox.NamedNode(graph + "/derived"), iri("source/nat-treating-psoas"), ox.NamedNode(graph))]


def test_refers_to_groin_includes_sub_regions_and_groups(store: OxigraphStore) -> None:
    """'Refers to R' means a zone covers a region that is part of R; the groin is a leaf, the thigh is not."""
    groin = store.select("SELECT DISTINCT ?who WHERE { ?who tp:refersPainTo region:groin }")
    assert list(groin) == [(iri("group/iliopsoas"),)]
    thigh_zones = store.select(
        "SELECT ?zone WHERE { ?zone tp:refersToRegion region:thigh } ORDER BY ?zone"
    )
    assert [z[0].value.rsplit("#", 1)[1] for z in thigh_zones] == ["zone-anterior-essential", "zone-anterior-spillover"]


def test_l2_and_groin_through_group_members(store: OxigraphStore) -> None:
    """Muscles innervated by L2 whose group refers to the groin: both iliopsoas members, marked as via the group."""
    rows = store.select(
        """SELECT DISTINCT ?muscle ?viaGroup WHERE {
             ?muscle tp:innervatedByRoot root:l2 .
             { ?muscle tp:refersPainTo region:groin . BIND(false AS ?viaGroup) }
             UNION
             { ?muscle tp:memberOf ?group . ?group tp:refersPainTo region:groin . BIND(true AS ?viaGroup) }
           } ORDER BY ?muscle"""
    )
    assert list(rows) == [
        (iri("muscle/iliacus"), ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        (iri("muscle/psoas-major"), ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
    ]


def test_roots_form_an_ordered_series(store: OxigraphStore) -> None:
    rows = store.select("SELECT ?label WHERE { root:c1 tp:nextRoot* ?r . ?r rdfs:label ?label ; tp:rootOrdinal ?n } ORDER BY ?n")
    labels = [r[0].value for r in rows]
    assert labels[:2] == ["C1", "C2"] and labels[-2:] == ["S4", "S5"] and len(labels) == 30
    assert labels[19:22] == ["T12", "L1", "L2"]


def test_red_flags_are_marked_and_unverified(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?condition ?evidence WHERE { GRAPH ?g { ?condition tp:redFlag true } ?g tp:hasEvidence ?evidence }
           ORDER BY ?condition"""
    )
    unverified = ox.NamedNode("https://w3id.org/tpgraph/vocab#Unverified")
    assert list(rows) == [(iri("condition/appendicitis"), unverified), (iri("condition/space-occupying-lesion"), unverified)]


def test_sources_disagree_on_femoral_nerve_roots(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?source (COUNT(?root) AS ?n) (MIN(?o) AS ?first) WHERE {
             GRAPH ?g { nerve:femoral-nerve tp:arisesFromRoot ?root } ?g dcterms:source ?source .
             ?root tp:rootOrdinal ?o } GROUP BY ?source ORDER BY ?source"""
    )
    assert [(r[0].value.rsplit("/", 1)[1], int(r[1].value), int(r[2].value)) for r in rows] == [
        ("anatomyapp-femoral-nerve", 4, 21),
        ("downstate-lumbar-plexus", 3, 22),
        ("podiapaedia-lumbar-plexus", 3, 22),
    ]
