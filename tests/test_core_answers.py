"""The answers the core graph exists for, pinned as exact rows."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.model.namespaces import ID_BASE
from tpgraph.sparql.values import with_values
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]


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
             ?g dcterms:source ?source } ORDER BY ?source ?antagonist"""
    )
    # NAT's psoas page names gluteus maximus; Brookbush names the hamstrings and the posterior head of adductor
    # magnus (recorded on the whole muscle, data/muscles/psoas-major.yaml).
    brookbush = iri("source/brookbush-kinesiology-hip")
    assert list(rows) == [
        (iri("muscle/adductor-magnus"), iri("action/hip-flexion"), brookbush),
        (iri("muscle/biceps-femoris-long-head"), iri("action/hip-flexion"), brookbush),
        (iri("muscle/semimembranosus"), iri("action/hip-flexion"), brookbush),
        (iri("muscle/semitendinosus"), iri("action/hip-flexion"), brookbush),
        (iri("muscle/gluteus-maximus"), iri("action/hip-flexion"), iri("source/nat-treating-psoas")),
    ]


def test_derived_antagonist_link_is_symmetric(store: OxigraphStore) -> None:
    rows = store.select("SELECT ?a ?b WHERE { ?a tp:hasAntagonist ?b } ORDER BY ?a ?b")
    pairs = {(a.value, b.value) for a, b in rows}
    assert pairs == {(b, a) for a, b in pairs}
    assert (iri("muscle/gluteus-maximus").value, iri("muscle/psoas-major").value) in pairs


def test_derived_triples_keep_their_source(store: OxigraphStore) -> None:
    """The reverse antagonist link derived from psoas major's NAT claim sits in a graph citing NAT."""
    graph = "https://w3id.org/tpgraph/graph/muscle/psoas-major/nat-treating-psoas"
    rows = store.select(
        f"""SELECT ?source ?evidence WHERE {{
             GRAPH <{graph}/derived> {{ muscle:gluteus-maximus tp:hasAntagonist muscle:psoas-major }}
             <{graph}/derived> dcterms:source ?source ; tp:derivedFrom <{graph}> ; tp:hasEvidence ?evidence }}"""
    )
    assert list(rows) == [(iri("source/nat-treating-psoas"), ox.NamedNode("https://w3id.org/tpgraph/vocab#SourceStated"))]


def test_refers_to_groin_includes_sub_regions_and_groups(store: OxigraphStore) -> None:
    """'Refers to R' means a zone covers a region that is part of R; the groin is a leaf, the thigh is not."""
    groin = store.select("SELECT DISTINCT ?who WHERE { ?who tp:refersPainTo region:groin }")
    assert (iri("group/iliopsoas"),) in list(groin)
    thigh_zones = store.select(
        "SELECT ?zone WHERE { group:iliopsoas tp:hasTriggerPoint/tp:hasReferralPattern/tp:hasZone ?zone . "
        "?zone tp:refersToRegion region:thigh } ORDER BY ?zone"
    )
    assert [z[0].value.rsplit("#", 1)[1] for z in thigh_zones] == ["zone-anterior-essential", "zone-anterior-spillover"]
    lumbar = store.select(
        "SELECT ?zone WHERE { group:iliopsoas tp:hasTriggerPoint/tp:hasReferralPattern/tp:hasZone ?zone . "
        "?zone tp:refersToRegion region:lower-back } ORDER BY ?zone"
    )
    assert [z[0].value.rsplit("#", 1)[1] for z in lumbar] == ["zone-posterior-essential", "zone-posterior-spillover"]


def test_l2_and_groin_through_group_members(store: OxigraphStore) -> None:
    """Both iliopsoas members are innervated by L2 and reach the groin through the group the page charts."""
    rows = store.select(
        """SELECT DISTINCT ?muscle WHERE {
             ?muscle tp:innervatedByRoot root:l2 ; tp:memberOf group:iliopsoas .
             group:iliopsoas tp:refersPainTo region:groin .
           } ORDER BY ?muscle"""
    )
    assert list(rows) == [(iri("muscle/iliacus"),), (iri("muscle/psoas-major"),)]


def test_roots_form_an_ordered_series(store: OxigraphStore) -> None:
    rows = store.select("SELECT ?label WHERE { root:c1 tp:nextRoot* ?r . ?r rdfs:label ?label ; tp:rootOrdinal ?n } ORDER BY ?n")
    labels = [r[0].value for r in rows]
    assert labels[:2] == ["C1", "C2"] and labels[-2:] == ["S4", "S5"] and len(labels) == 30
    assert labels[19:22] == ["T12", "L1", "L2"]


def test_red_flags_carry_their_evidence(store: OxigraphStore) -> None:
    rows = store.select(
        """SELECT ?condition ?evidence WHERE { GRAPH ?g { ?condition tp:redFlag true } ?g tp:hasEvidence ?evidence }
           ORDER BY ?condition"""
    )
    flags = {r[0].value.rsplit("/", 1)[1]: r[1].value.rsplit("#", 1)[1] for r in rows}
    assert flags["appendicitis"] == "Unverified" and flags["space-occupying-lesion"] == "Unverified"
    assert flags["gynaecological-disease"] == "SourceStated"
    assert "scoliosis" not in flags and "hip-osteoarthritis" not in flags


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


def listing(store: OxigraphStore, name: str, **values: str) -> list[dict[str, str | None]]:
    """A named query's rows for parameters given as record paths (``condition="condition/appendicitis"``)."""
    (query,) = [q for q in load_catalogue(REPO / "queries") if q.name == name]
    result = store.select(with_values(query.text, {key: iri(path) for key, path in values.items()}))
    return [dict(zip(result.variables, (None if t is None else t.value for t in row), strict=True))
            for row in result]


def test_a_condition_several_sources_flag_lists_each_muscle_once(store: OxigraphStore) -> None:
    """Three PainWiki trees flag temporal arteritis; the flag must not repeat temporalis, masseter..."""
    rows = listing(store, "muscles-with-differential", condition="condition/temporal-arteritis")
    muscles = [row["muscle"] for row in rows]
    assert len(muscles) == len(set(muscles)) and {row["redFlag"] for row in rows} == {"true"}
    assert ID_BASE + "muscle/temporalis" in muscles


def test_a_differential_stated_on_a_group_answers_its_members(store: OxigraphStore) -> None:
    """NAT's psoas page lists hip osteoarthritis for the iliopsoas and places psoas major and iliacus in it."""
    rows = listing(store, "muscles-with-differential", condition="condition/hip-osteoarthritis")
    assert [(row["label"], row["support"], row["viaGroup"]) for row in rows] == [
        ("iliacus", "1", "iliopsoas"),
        ("iliopsoas", "1", None),
        ("psoas major", "1", "iliopsoas"),
    ]


def test_a_muscle_stated_directly_and_through_its_group_appears_once(store: OxigraphStore) -> None:
    """External oblique: NAT's obliques page names appendicitis for it, Morningside for the abdominal obliques."""
    rows = listing(store, "muscles-with-differential", condition="condition/appendicitis")
    (oblique,) = [row for row in rows if row["label"] == "external oblique"]
    assert (oblique["support"], oblique["viaGroup"]) == ("2", "abdominal obliques")
    assert oblique["sourceIris"] is not None and sorted(oblique["sourceIris"].split()) == [
        ID_BASE + "source/morningside-abdominal-obliques", ID_BASE + "source/nat-treating-the-obliques"]


def test_no_muscle_appears_twice_for_any_differential_stated_on_a_group(store: OxigraphStore) -> None:
    conditions = store.select("SELECT DISTINCT ?c WHERE { ?group a tp:MuscleGroup ; tp:hasDifferentialDiagnosis ?c }")
    paths = sorted(row[0].value.removeprefix(ID_BASE) for row in conditions)
    assert len(paths) > 40
    for path in paths:
        muscles = [row["muscle"] for row in listing(store, "muscles-with-differential", condition=path)]
        assert len(muscles) == len(set(muscles)), path
