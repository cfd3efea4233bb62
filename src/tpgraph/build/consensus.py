"""Where the sources agree: mark each stated nerve and spinal root of a muscle confirmed, unconfirmed or minority.

A clinician asking "muscles supplied by the superior gluteal nerve" must not get gluteus maximus as a plain
fact when one page says so against four that name the inferior gluteal nerve. The rule (decision record
docs/decisions/20261205-disputed-claims.md): among the independent sources that state an aspect for a muscle,
a value is *minority* when more than half of them state something that conflicts with it, *confirmed* when
more than half agree and there are at least two, and *unconfirmed* otherwise (one source, or a tie).

Only closed aspects can conflict: a source that names a muscle's nerve names all of it, and one that gives its
roots gives the whole range. For nerves, values within one another (a branch and its trunk) agree. Open lists
(actions, attachments, antagonists, referral) are never minority: leaving a value out is not a conflict.
Copies of one post (``copy_of``) count as one source. The result lives in a graph of its own, never in a
source's claim graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from tpgraph.build.infer import nerve_ancestors
from tpgraph.model.iris import is_derived_graph
from tpgraph.model.namespaces import CONSENSUS_GRAPH, PROVENANCE_GRAPH, TP

"""The one graph holding every assessment; named ``…/derived`` so the asserted OWL file leaves it out."""

ASPECTS: tuple[tuple[URIRef, URIRef, str], ...] = (
    (TP.innervatedBy, TP.NerveAspect, "nerve"),
    (TP.innervatedByRoot, TP.RootAspect, "root"),
)


@dataclass(frozen=True)
class Assessment:
    """How the independent sources stating one aspect of a muscle stand on one value."""

    subject: URIRef
    aspect: URIRef
    value: URIRef
    supporting: int
    conflicting: int
    majority: tuple[URIRef, ...]

    @property
    def agreement(self) -> URIRef:
        stating = self.supporting + self.conflicting
        if 2 * self.conflicting > stating:
            return TP.Minority
        if 2 * self.supporting > stating and stating >= 2:
            return TP.Confirmed
        return TP.Unconfirmed


def independent_sources(dataset: Dataset) -> dict[URIRef, URIRef]:
    """Each claim graph's source, a copy replaced by the post it copies."""
    provenance = dataset.graph(PROVENANCE_GRAPH)
    copies = {s: o for s, _, o, _ in dataset.quads((None, TP.copyOf, None, None))}
    sources = {}
    for graph, source in provenance.subject_objects(DCTERMS.source):
        if not is_derived_graph(str(graph)):
            sources[graph] = copies.get(source, source)  # type: ignore[index]
    return sources  # type: ignore[return-value]


def weighed_graphs(dataset: Dataset) -> set[URIRef]:
    """The claim graphs whose statements the consensus weighs (its provenance)."""
    sources = independent_sources(dataset)
    return {g for predicate, _, _ in ASPECTS for _, _, _, g in dataset.quads((None, predicate, None, None))
            if g in sources}  # type: ignore[misc]


def assess(dataset: Dataset) -> list[Assessment]:
    """Every (muscle, closed aspect, stated value) with its supporting and conflicting source counts."""
    sources = independent_sources(dataset)
    within = nerve_ancestors(dataset)

    def agree(a: URIRef, b: URIRef) -> bool:
        return a == b or b in within.get(a, ()) or a in within.get(b, ())

    out: list[Assessment] = []
    for predicate, aspect, _ in ASPECTS:
        stated: dict[URIRef, dict[URIRef, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
        for subject, _, value, graph in dataset.quads((None, predicate, None, None)):
            source = sources.get(graph)  # type: ignore[arg-type]
            if source is not None:
                stated[subject][source].add(value)  # type: ignore[index]
        for subject, by_source in stated.items():
            values = sorted({v for vs in by_source.values() for v in vs})
            support = {v: {s for s, vs in by_source.items() if any(agree(v, w) for w in vs)} for v in values}
            for value in values:
                supporting = len(support[value])
                conflicting = len(by_source) - supporting
                majority: tuple[URIRef, ...] = ()
                if 2 * conflicting > len(by_source):
                    majority = tuple(v for v in values if 2 * len(support[v]) > len(by_source) and not agree(v, value))
                out.append(Assessment(subject, aspect, value, supporting, conflicting, majority))
    return sorted(out, key=lambda a: (str(a.subject), str(a.aspect), str(a.value)))


def write_consensus(dataset: Dataset) -> int:
    """Add the consensus graph to ``dataset``; return the number of assessments written."""
    assessments = assess(dataset)
    graph = dataset.graph(CONSENSUS_GRAPH)
    provenance = dataset.graph(PROVENANCE_GRAPH)
    for weighed in sorted(weighed_graphs(dataset)):
        provenance.add((CONSENSUS_GRAPH, TP.derivedFrom, weighed))
    names = {aspect: name for _, aspect, name in ASPECTS}
    for a in assessments:
        node = URIRef(f"{a.subject}#agreement-{names[a.aspect]}-{str(a.value).rsplit('/', 1)[-1]}")
        graph.add((node, RDF.type, TP.ClaimAgreement))
        graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((node, TP.assessedRecord, a.subject))
        graph.add((node, TP.assessedAspect, a.aspect))
        graph.add((node, TP.assessedValue, a.value))
        graph.add((node, TP.hasAgreement, a.agreement))
        graph.add((node, TP.supportingSources, Literal(a.supporting, datatype=XSD.integer)))
        graph.add((node, TP.conflictingSources, Literal(a.conflicting, datatype=XSD.integer)))
        for value in a.majority:
            graph.add((node, TP.majorityValue, value))
    return len(assessments)
