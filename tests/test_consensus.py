"""Disputed claims (docs/decisions/20261205-disputed-claims.md): the rule on a small fixture and on the real data."""

from __future__ import annotations

from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS

from tpgraph.build.consensus import assess
from tpgraph.model.namespaces import CONSENSUS_GRAPH
from tpgraph.model.namespaces import GRAPH_BASE, ID_BASE, PROVENANCE_GRAPH, TP
from tpgraph.store.embedded import OxigraphStore

M = URIRef(ID_BASE + "muscle/m")


def nerve(slug: str) -> URIRef:
    return URIRef(ID_BASE + "nerve/" + slug)


def root(slug: str) -> URIRef:
    return URIRef(ID_BASE + "root/" + slug)


def source(slug: str) -> URIRef:
    return URIRef(ID_BASE + "source/" + slug)


def fixture(claims: dict[str, list[tuple[URIRef, URIRef]]], copies: dict[str, str] | None = None) -> Dataset:
    """One claim graph per source about muscle M, each holding (predicate, value) pairs."""
    dataset = Dataset()
    provenance = dataset.graph(PROVENANCE_GRAPH)
    core = dataset.graph(URIRef(GRAPH_BASE + "nerve/tibial"))
    core.add((nerve("tibial"), TP.divisionOf, nerve("sciatic")))
    for slug, pairs in claims.items():
        graph = dataset.graph(URIRef(f"{GRAPH_BASE}muscle/m/{slug}"))
        provenance.add((graph.identifier, DCTERMS.source, source(slug)))
        for predicate, value in pairs:
            graph.add((M, predicate, value))
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
