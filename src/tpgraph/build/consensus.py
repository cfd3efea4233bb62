"""Where the sources agree: mark each stated nerve, spinal root and technique verdict of a muscle confirmed,
unconfirmed or minority.

A clinician asking "muscles supplied by the superior gluteal nerve" must not get gluteus maximus as a plain
fact when one page says so against four that name the inferior gluteal nerve. The rule (decision record
docs/decisions/20261205-disputed-claims.md): among the independent sources that state an aspect for a muscle,
a value is *minority* when more than half of them state something that conflicts with it, *confirmed* when
more than half agree and there are at least two, and *unconfirmed* otherwise (one source, or a tie).

Only closed aspects can conflict: a source that names a muscle's nerve names all of it, one that gives its
roots gives the whole range, and one that says whether a technique suits a muscle gives its whole verdict
on that technique. For nerves, values within one another (a branch and its trunk) agree. Open lists (actions,
attachments, antagonists, referral) are never minority: leaving a value out is not a conflict. Copies of
one post (``copy_of``) count as one source. The result lives in a graph of its own, never in a source's
claim graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import RDF, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from tpgraph.build.infer import nerve_ancestors
from tpgraph.model.iris import is_derived_graph
from tpgraph.model.namespaces import CONSENSUS_GRAPH, PROVENANCE_GRAPH, TP

Statement = tuple[URIRef, URIRef | None, URIRef, URIRef]
"""One stated value of an aspect: (record, what in the record the aspect is about or None, value,
claim graph)."""


def stated_objects(predicate: URIRef) -> Callable[[Dataset], Iterator[Statement]]:
    """The statements of an aspect whose value is the object of ``predicate`` on the record itself."""

    def statements(dataset: Dataset) -> Iterator[Statement]:
        for subject, _, value, graph in dataset.quads((None, predicate, None, None)):
            yield subject, None, value, graph  # type: ignore[misc]

    return statements


def technique_verdicts(dataset: Dataset) -> Iterator[Statement]:
    """Each source's verdict on a technique for a record, as ``tp:Suitable`` or ``tp:Unsuitable``.

    An assessment node is named after its record and technique, so two sources share it: its technique and
    verdict are read from the claim graph that links it, never from another source's.
    """
    for subject, _, assessment, graph_id in dataset.quads((None, TP.hasTechniqueAssessment, None, None)):
        graph = dataset.graph(graph_id)  # type: ignore[arg-type]
        for technique in graph.objects(assessment, TP.assessesTechnique):
            for suitable in graph.objects(assessment, TP.suitable):
                said_yes = isinstance(suitable, Literal) and suitable.value is True
                verdict = TP.Suitable if said_yes else TP.Unsuitable
                yield subject, technique, verdict, graph_id  # type: ignore[misc]


@dataclass(frozen=True)
class Aspect:
    """A closed aspect: the node that names it, its word in agreement IRIs, where its statements come from,
    and the property naming what in the record it is about (the technique of a verdict), if anything."""

    iri: URIRef
    name: str
    statements: Callable[[Dataset], Iterator[Statement]]
    about: URIRef | None = None


ASPECTS: tuple[Aspect, ...] = (
    Aspect(TP.NerveAspect, "nerve", stated_objects(TP.innervatedBy)),
    Aspect(TP.RootAspect, "root", stated_objects(TP.innervatedByRoot)),
    Aspect(TP.TechniqueAspect, "technique", technique_verdicts, about=TP.assessedTechnique),
)
"""Every closed aspect the consensus weighs; a new one is a row here (and its node in the ontology)."""


@dataclass(frozen=True)
class Assessment:
    """How the independent sources stating one aspect of a muscle stand on one value."""

    subject: URIRef
    aspect: URIRef
    value: URIRef
    supporting: int
    conflicting: int
    majority: tuple[URIRef, ...]
    about: URIRef | None = None

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
    return {graph for aspect in ASPECTS for *_, graph in aspect.statements(dataset) if graph in sources}


def assess(dataset: Dataset) -> list[Assessment]:
    """Every (muscle, closed aspect, stated value) with its supporting and conflicting source counts."""
    sources = independent_sources(dataset)
    within = nerve_ancestors(dataset)

    def agree(a: URIRef, b: URIRef) -> bool:
        return a == b or b in within.get(a, ()) or a in within.get(b, ())

    out: list[Assessment] = []
    for aspect in ASPECTS:
        stated: dict[tuple[URIRef, URIRef | None], dict[URIRef, set[URIRef]]]
        stated = defaultdict(lambda: defaultdict(set))
        for subject, about, value, graph in aspect.statements(dataset):
            source = sources.get(graph)
            if source is not None:
                stated[subject, about][source].add(value)
        for (subject, about), by_source in stated.items():
            values = sorted({v for vs in by_source.values() for v in vs})
            support = {v: {s for s, vs in by_source.items() if any(agree(v, w) for w in vs)} for v in values}
            for value in values:
                supporting = len(support[value])
                conflicting = len(by_source) - supporting
                majority: tuple[URIRef, ...] = ()
                if 2 * conflicting > len(by_source):
                    majority = tuple(v for v in values
                                     if 2 * len(support[v]) > len(by_source) and not agree(v, value))
                out.append(Assessment(subject, aspect.iri, value, supporting, conflicting, majority, about))
    return sorted(out, key=lambda a: (str(a.subject), str(a.aspect), str(a.about or ""), str(a.value)))


def node_word(term: URIRef) -> str:
    """A term as it reads in an agreement IRI: a record's slug (``inferior-gluteal-nerve``), a vocabulary
    term lower-cased (``tp:Unsuitable`` → ``unsuitable``)."""
    return re.split(r"[/#]", str(term))[-1].lower()


def agreement_iri(assessment: Assessment, aspect: Aspect) -> URIRef:
    """``<record>#agreement-<aspect>[-<about>]-<value>``: unique per (record, aspect, about, value) and
    readable (``…/muscle/popliteus#agreement-technique-self-pressure-release-unsuitable``)."""
    about = [node_word(assessment.about)] if assessment.about is not None else []
    words = [aspect.name, *about, node_word(assessment.value)]
    return URIRef(f"{assessment.subject}#agreement-{'-'.join(words)}")


def write_consensus(dataset: Dataset) -> int:
    """Add the consensus graph to ``dataset``; return the number of assessments written."""
    assessments = assess(dataset)
    graph = dataset.graph(CONSENSUS_GRAPH)
    provenance = dataset.graph(PROVENANCE_GRAPH)
    for weighed in sorted(weighed_graphs(dataset)):
        provenance.add((CONSENSUS_GRAPH, TP.derivedFrom, weighed))
    aspects = {aspect.iri: aspect for aspect in ASPECTS}
    for a in assessments:
        aspect = aspects[a.aspect]
        node = agreement_iri(a, aspect)
        graph.add((node, RDF.type, TP.ClaimAgreement))
        graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((node, TP.assessedRecord, a.subject))
        graph.add((node, TP.assessedAspect, a.aspect))
        if aspect.about is not None and a.about is not None:
            graph.add((node, aspect.about, a.about))
        graph.add((node, TP.assessedValue, a.value))
        graph.add((node, TP.hasAgreement, a.agreement))
        graph.add((node, TP.supportingSources, Literal(a.supporting, datatype=XSD.integer)))
        graph.add((node, TP.conflictingSources, Literal(a.conflicting, datatype=XSD.integer)))
        for value in a.majority:
            graph.add((node, TP.majorityValue, value))
    return len(assessments)
