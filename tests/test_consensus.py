"""Disputed claims (docs/decisions/20261205-disputed-claims.md): the rule on a small fixture and on the real data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from tpgraph.build.consensus import assess, node_word, write_consensus
from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.model.namespaces import CONSENSUS_GRAPH, GRAPH_BASE, ID_BASE, PROVENANCE_GRAPH, TP
from tpgraph.sparql.values import with_values
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]

M = URIRef(ID_BASE + "muscle/m")


def nerve(slug: str) -> URIRef:
    return URIRef(ID_BASE + "nerve/" + slug)


def root(slug: str) -> URIRef:
    return URIRef(ID_BASE + "root/" + slug)


def source(slug: str) -> URIRef:
    return URIRef(ID_BASE + "source/" + slug)


def technique(slug: str) -> URIRef:
    return URIRef(ID_BASE + "technique/" + slug)


def fixture(claims: dict[str, list[tuple[URIRef, URIRef]]], copies: dict[str, str] | None = None,
            verdicts: dict[str, list[tuple[str, bool]]] | None = None) -> Dataset:
    """One claim graph per source about muscle M, each holding (predicate, value) pairs and (technique,
    suitable) verdicts. An assessment node is named after M and its technique, so sources share it, as the
    loader does."""
    dataset = Dataset()
    provenance = dataset.graph(PROVENANCE_GRAPH)
    core = dataset.graph(URIRef(GRAPH_BASE + "nerve/tibial"))
    core.add((nerve("tibial"), TP.divisionOf, nerve("sciatic")))
    verdicts = verdicts or {}
    for slug in {**claims, **verdicts}:
        graph = dataset.graph(URIRef(f"{GRAPH_BASE}muscle/m/{slug}"))
        provenance.add((graph.identifier, DCTERMS.source, source(slug)))
        for predicate, value in claims.get(slug, []):
            graph.add((M, predicate, value))
        for name, suitable in verdicts.get(slug, []):
            assessment = URIRef(f"{M}#technique-{name}")
            graph.add((M, TP.hasTechniqueAssessment, assessment))
            graph.add((assessment, TP.assessesTechnique, technique(name)))
            graph.add((assessment, TP.suitable, Literal(suitable)))
    for copy, post in (copies or {}).items():
        dataset.graph(URIRef(GRAPH_BASE + "source/" + copy)).add((source(copy), TP.copyOf, source(post)))
    return dataset


def table(dataset: Dataset) -> list[tuple[str, str, int, int, list[str]]]:
    return [(a.value.rsplit("/", 1)[-1], a.agreement.rsplit("#", 1)[-1], a.supporting, a.conflicting,
             [m.rsplit("/", 1)[-1] for m in a.majority]) for a in assess(dataset)]


def test_one_source_against_three_is_minority_and_names_the_majority() -> None:
    dataset = fixture({
        "a": [(TP.innervatedBy, nerve("inferior"))],
        "b": [(TP.innervatedBy, nerve("inferior"))],
        "c": [(TP.innervatedBy, nerve("inferior"))],
        "d": [(TP.innervatedBy, nerve("superior"))],
    })
    assert table(dataset) == [
        ("inferior", "Confirmed", 3, 1, []),
        ("superior", "Minority", 1, 3, ["inferior"]),
    ]


def test_a_tie_and_a_single_source_are_unconfirmed() -> None:
    tie = fixture({"a": [(TP.innervatedBy, nerve("femoral"))], "b": [(TP.innervatedBy, nerve("obturator"))]})
    assert table(tie) == [("femoral", "Unconfirmed", 1, 1, []), ("obturator", "Unconfirmed", 1, 1, [])]
    single = fixture({"a": [(TP.innervatedBy, nerve("femoral"))]})
    assert table(single) == [("femoral", "Unconfirmed", 1, 0, [])]


def test_a_branch_agrees_with_its_trunk() -> None:
    dataset = fixture({
        "a": [(TP.innervatedBy, nerve("tibial"))],
        "b": [(TP.innervatedBy, nerve("sciatic"))],
        "c": [(TP.innervatedBy, nerve("femoral"))],
    })
    assert table(dataset) == [
        ("femoral", "Minority", 1, 2, ["sciatic", "tibial"]),
        ("sciatic", "Confirmed", 2, 1, []),
        ("tibial", "Confirmed", 2, 1, []),
    ]


def test_roots_are_weighed_by_each_source_s_whole_range() -> None:
    dataset = fixture({
        "a": [(TP.innervatedByRoot, root("l2")), (TP.innervatedByRoot, root("l3"))],
        "b": [(TP.innervatedByRoot, root("l2")), (TP.innervatedByRoot, root("l3")), (TP.innervatedByRoot, root("l4"))],
        "c": [(TP.innervatedByRoot, root("l3")), (TP.innervatedByRoot, root("l4"))],
    })
    assert table(dataset) == [
        ("l2", "Confirmed", 2, 1, []),
        ("l3", "Confirmed", 3, 0, []),
        ("l4", "Confirmed", 2, 1, []),
    ]


def test_copies_of_one_post_vote_once_and_open_lists_never_conflict() -> None:
    dataset = fixture(
        {
            "post": [(TP.innervatedBy, nerve("superior")), (TP.hasAction, URIRef(ID_BASE + "action/x"))],
            "copy": [(TP.innervatedBy, nerve("superior"))],
            "other": [(TP.innervatedBy, nerve("inferior")), (TP.hasAction, URIRef(ID_BASE + "action/y"))],
        },
        copies={"copy": "post"},
    )
    assert table(dataset) == [("inferior", "Unconfirmed", 1, 1, []), ("superior", "Unconfirmed", 1, 1, [])]


def test_gluteus_maximus_superior_gluteal_nerve_is_the_minority_claim(store: OxigraphStore) -> None:
    """massagetoday names the superior gluteal nerve; webmanmed, GPnotebook and Kenhub the inferior."""
    rows = store.select(f"""
        SELECT ?value ?agreement ?support ?conflict ?majority WHERE {{
          GRAPH <{CONSENSUS_GRAPH}> {{
            ?a tp:assessedRecord muscle:gluteus-maximus ; tp:assessedAspect tp:NerveAspect ; tp:assessedValue ?value ;
               tp:hasAgreement ?agreement ; tp:supportingSources ?support ; tp:conflictingSources ?conflict .
            OPTIONAL {{ ?a tp:majorityValue ?majority }}
          }}
        }} ORDER BY ?value""")
    assert [tuple(None if t is None else t.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for t in row)
            for row in rows] == [
        ("inferior-gluteal-nerve", "Confirmed", "3", "1", None),
        ("superior-gluteal-nerve", "Minority", "1", "3", "inferior-gluteal-nerve"),
    ]
    assert not store.ask(f"ASK {{ GRAPH ?g {{ ?a a tp:ClaimAgreement }} FILTER(?g != <{CONSENSUS_GRAPH}>) }}")


# --- technique verdicts: one closed aspect per (muscle, technique) ------------------------------------------

def verdict_table(dataset: Dataset) -> list[tuple[str, str, str, int, int, list[str]]]:
    """(technique, verdict, agreement, supporting, conflicting, majority verdicts) per technique verdict."""
    return [(node_word(a.about), node_word(a.value), node_word(a.agreement), a.supporting, a.conflicting,
             [node_word(m) for m in a.majority]) for a in assess(dataset) if a.aspect == TP.TechniqueAspect]


def test_one_source_calling_a_technique_unsuitable_against_three_is_minority() -> None:
    dataset = fixture({}, verdicts={
        "a": [("dry-needling", True)], "b": [("dry-needling", True)], "c": [("dry-needling", True)],
        "d": [("dry-needling", False)],
    })
    assert verdict_table(dataset) == [
        ("dry-needling", "suitable", "confirmed", 3, 1, []),
        ("dry-needling", "unsuitable", "minority", 1, 3, ["suitable"]),
    ]


def test_a_technique_verdict_tie_and_a_single_source_are_unconfirmed() -> None:
    dataset = fixture({}, verdicts={
        "a": [("spray-and-stretch", True), ("compression", False)],
        "b": [("spray-and-stretch", False)],
    })
    # The techniques are weighed apart: a's verdict on compression stands alone.
    assert verdict_table(dataset) == [
        ("compression", "unsuitable", "unconfirmed", 1, 0, []),
        ("spray-and-stretch", "suitable", "unconfirmed", 1, 1, []),
        ("spray-and-stretch", "unsuitable", "unconfirmed", 1, 1, []),
    ]


def test_a_copied_verdict_votes_once() -> None:
    """Counted twice, the post and its copy would tie with the two others; counted once, they are outvoted."""
    dataset = fixture({}, copies={"copy": "post"}, verdicts={
        "post": [("dry-needling", False)], "copy": [("dry-needling", False)],
        "other": [("dry-needling", True)], "third": [("dry-needling", True)],
    })
    assert verdict_table(dataset) == [
        ("dry-needling", "suitable", "confirmed", 2, 1, []),
        ("dry-needling", "unsuitable", "minority", 1, 2, ["suitable"]),
    ]


def test_only_sources_giving_a_verdict_vote_on_it() -> None:
    """A source that names the nerve but says nothing about the technique is not counted for or against it."""
    dataset = fixture({"silent": [(TP.innervatedBy, nerve("femoral"))]},
                      verdicts={"a": [("dry-needling", True)], "b": [("dry-needling", True)]})
    assert verdict_table(dataset) == [("dry-needling", "suitable", "confirmed", 2, 0, [])]
    assert table(dataset)[0] == ("femoral", "Unconfirmed", 1, 0, [])


def test_a_technique_agreement_node_names_its_record_technique_and_verdict() -> None:
    dataset = fixture({}, verdicts={"a": [("dry-needling", True)], "b": [("dry-needling", True)],
                                    "c": [("dry-needling", False)]})
    assert write_consensus(dataset) == 2
    node = URIRef(f"{M}#agreement-technique-dry-needling-unsuitable")
    graph = dataset.graph(CONSENSUS_GRAPH)
    assert set(graph.predicate_objects(node)) >= {
        (RDF.type, TP.ClaimAgreement), (TP.assessedRecord, M), (TP.assessedAspect, TP.TechniqueAspect),
        (TP.assessedTechnique, technique("dry-needling")), (TP.assessedValue, TP.Unsuitable),
        (TP.hasAgreement, TP.Minority), (TP.majorityValue, TP.Suitable),
    }
    assert (URIRef(f"{M}#agreement-technique-dry-needling-suitable"), TP.hasAgreement, TP.Confirmed) in graph


def unsuitable(store: OxigraphStore, name: str) -> dict[str, dict[str, str | None]]:
    """muscles-technique-unsuitable for technique ``name``: each row by its muscle's label."""
    (query,) = [q for q in load_catalogue(REPO / "queries") if q.name == "muscles-technique-unsuitable"]
    result = store.select(with_values(query.text, {"technique": ox.NamedNode(str(technique(name)))}))
    rows = [dict(zip(result.variables, (None if t is None else t.value for t in row), strict=True))
            for row in result]
    return {row["label"]: row for row in rows}  # type: ignore[misc]


def on_fixture(verdicts: dict[str, list[tuple[str, bool]]]) -> OxigraphStore:
    """The fixture with labels and its consensus graph, in a store the named queries can run on."""
    dataset = fixture({}, verdicts=verdicts)
    dataset.graph(URIRef(GRAPH_BASE + "muscle/m")).add((M, RDFS.label, Literal("em")))
    dataset.graph(URIRef(GRAPH_BASE + "muscle/m")).add((M, RDF.type, TP.Muscle))
    for name in {name for claims in verdicts.values() for name, _ in claims}:
        dataset.graph(URIRef(GRAPH_BASE + "technique/" + name)).add((technique(name), RDFS.label, Literal(name)))
    for slug in verdicts:
        dataset.graph(URIRef(GRAPH_BASE + "source/" + slug)).add((source(slug), RDFS.label, Literal(slug)))
    write_consensus(dataset)
    store = ox.Store()
    store.load(dataset.serialize(format="nquads").encode(), format=ox.RdfFormat.N_QUADS)
    return OxigraphStore(store)


def columns(row: dict[str, str | None]) -> tuple[str | None, ...]:
    return tuple(row[name] for name in ("suitable", "support", "suitableIn", "minority"))


def test_an_outvoted_unsuitable_verdict_is_marked_minority_with_the_majority_beside_it() -> None:
    store = on_fixture({"a": [("dry-needling", True)], "b": [("dry-needling", True)],
                        "c": [("dry-needling", False)]})
    assert {label: columns(row) for label, row in unsuitable(store, "dry-needling").items()} == {
        "em": ("false", "1", "a; b", "true"),
    }


def test_the_muscle_card_marks_an_outvoted_unsuitable_verdict_minority() -> None:
    """unsuitable-techniques (the card's precautions) carries the same mark, claim by claim."""
    store = on_fixture({"a": [("dry-needling", True)], "b": [("dry-needling", True)],
                        "c": [("dry-needling", False)]})
    (query,) = [q for q in load_catalogue(REPO / "queries") if q.name == "unsuitable-techniques"]
    result = store.select(with_values(query.text, {"muscle": ox.NamedNode(str(M))}))
    rows = [tuple(None if t is None else t.value for t in row) for row in result]
    assert result.variables == ("technique", "label", "suitable", "precaution", "viaGroup", "source", "minority")
    assert [(row[0], row[2], row[5], row[6]) for row in rows] == [
        (str(technique("dry-needling")), "false", str(source("c")), "true"),
    ]


def test_a_tied_unsuitable_verdict_is_not_minority() -> None:
    store = on_fixture({"a": [("dry-needling", True)], "c": [("dry-needling", False)]})
    assert {label: columns(row) for label, row in unsuitable(store, "dry-needling").items()} == {
        "em": ("false", "1", "a", "false"),
    }


def test_popliteus_self_pressure_release_is_a_tie_on_the_real_data(store: OxigraphStore) -> None:
    """NAT's popliteus page advises against self-treatment; Painalog recommends it: one against one, so the
    row shows the disagreement (?suitableIn) without calling either view the minority. The only technique
    the sources disagree on in today's data."""
    row = unsuitable(store, "self-pressure-release")["popliteus"]
    assert row == {
        "muscle": ID_BASE + "muscle/popliteus", "label": "popliteus", "suitable": "false",
        "precautions": "Blood vessels and nerves run down the middle of the back of the knee over the muscle;"
                       " the page advises against self-treatment with pressure tools here and leaves"
                       " treatment to a competent therapist.",
        "support": "1", "sources": "NAT, Trigger Point Therapy - Popliteus and Knee Pain",
        "sourceIris": ID_BASE + "source/nat-popliteus-and-knee-pain",
        "suitableIn": "Painalog, Popliteus Trigger Point One", "minority": "false",
    }
    rows = store.select(f"""
        SELECT ?value ?agreement ?support ?conflict WHERE {{
          GRAPH <{CONSENSUS_GRAPH}> {{
            ?a tp:assessedRecord muscle:popliteus ; tp:assessedAspect tp:TechniqueAspect ;
               tp:assessedTechnique technique:self-pressure-release ; tp:assessedValue ?value ;
               tp:hasAgreement ?agreement ; tp:supportingSources ?support ; tp:conflictingSources ?conflict .
          }}
        }} ORDER BY ?value""")
    assert [tuple(node_word(URIRef(t.value)) if isinstance(t, ox.NamedNode) else t.value for t in row)
            for row in rows] == [("suitable", "unconfirmed", "1", "1"),
                                 ("unsuitable", "unconfirmed", "1", "1")]
