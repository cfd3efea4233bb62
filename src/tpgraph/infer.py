"""Materialise the inferences queries rely on, at build time, into derived graphs.

Each claim graph ``G`` gets a sibling ``G/derived`` holding only what follows from ``G`` itself plus tpgraph's
own vocabularies (the region hierarchy): no derived triple joins two sources, so every derived row still has
exactly one source. Derived: inverse links, the plain symmetric antagonist link, the regions a referral zone
reaches (its leaf regions and every region containing them) and the muscle-to-region shortcut, and the
transitive closures of the region and nerve hierarchies.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from tpgraph.namespaces import GRAPH_BASE, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, TP

INVERSES: tuple[tuple[URIRef, URIRef], ...] = (
    (TP.innervatedBy, TP.innervates),
    (TP.memberOf, TP.hasMember),
    (TP.partOfMuscle, TP.hasMusclePart),
    (TP.hasAssociatedStructure, TP.associatedStructureOf),
    (TP.hasTriggerPoint, TP.triggerPointIn),
)

DERIVED_SUFFIX = "/derived"


def derived_graph_iri(graph: URIRef) -> URIRef:
    return URIRef(str(graph) + DERIVED_SUFFIX)


def region_ancestors(dataset: Dataset) -> dict[URIRef, set[URIRef]]:
    """Every region's strict ancestors through ``partOfRegion`` (the hierarchy is tpgraph vocabulary)."""
    return ancestors_through(dataset, (TP.partOfRegion,))


def nerve_ancestors(dataset: Dataset) -> dict[URIRef, set[URIRef]]:
    """Every nerve's strict ancestors through ``branchOf`` and ``divisionOf`` (tpgraph vocabulary too)."""
    return ancestors_through(dataset, (TP.branchOf, TP.divisionOf))


def ancestors_through(dataset: Dataset, predicates: tuple[URIRef, ...]) -> dict[URIRef, set[URIRef]]:
    """The transitive closure of a part-of hierarchy spelled by ``predicates``, cycles cut (SHACL reports them)."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for predicate in predicates:
        for s, _, o, _ in dataset.quads((None, predicate, None, None)):
            parents[s].add(o)  # type: ignore[index]
    closure: dict[URIRef, set[URIRef]] = {}

    def walk(region: URIRef, trail: frozenset[URIRef]) -> set[URIRef]:
        if region in closure:
            return closure[region]
        found: set[URIRef] = set()
        for parent in parents.get(region, ()):
            if parent in trail:  # a cycle: the closure just stops
                continue
            found.add(parent)
            found |= walk(parent, trail | {parent})
        closure[region] = found
        return found

    for region in list(parents):
        walk(region, frozenset({region}))
    return closure


def derive_for_graph(
    graph: Graph, ancestors: dict[URIRef, set[URIRef]], nerves: dict[URIRef, set[URIRef]]
) -> list[tuple[URIRef, URIRef, URIRef]]:
    """The triples that follow from one graph (plus the region and nerve hierarchies)."""
    out: list[tuple[URIRef, URIRef, URIRef]] = []
    for prop, inverse in INVERSES:
        for s, o in graph.subject_objects(prop):
            out.append((o, inverse, s))  # type: ignore[arg-type]
    for muscle, antagonism in graph.subject_objects(TP.hasAntagonism):
        for other in graph.objects(antagonism, TP.antagonisticMuscle):
            out.append((muscle, TP.hasAntagonist, other))  # type: ignore[arg-type]
            out.append((other, TP.hasAntagonist, muscle))  # type: ignore[arg-type]
    for holder, point in graph.subject_objects(TP.hasTriggerPoint):
        for pattern in graph.objects(point, TP.hasReferralPattern):
            for zone in graph.objects(pattern, TP.hasZone):
                for leaf in graph.objects(zone, TP.coversRegion):
                    for region in {leaf, *ancestors.get(leaf, set())}:  # type: ignore[arg-type]
                        out.append((zone, TP.refersToRegion, region))  # type: ignore[arg-type]
                        out.append((holder, TP.refersPainTo, region))  # type: ignore[arg-type]
    for region, _ in graph.subject_objects(TP.partOfRegion):
        for ancestor in ancestors.get(region, set()):  # type: ignore[arg-type]
            out.append((region, TP.withinRegion, ancestor))  # type: ignore[arg-type]
    for nerve in {*graph.subjects(TP.branchOf), *graph.subjects(TP.divisionOf)}:
        for ancestor in nerves.get(nerve, set()):  # type: ignore[call-overload]
            out.append((nerve, TP.withinNerve, ancestor))  # type: ignore[arg-type]
    return out


def infer(dataset: Dataset) -> int:
    """Add a derived graph beside every claim graph that implies something; return the triples added."""
    ancestors = region_ancestors(dataset)
    nerves = nerve_ancestors(dataset)
    provenance = dataset.graph(PROVENANCE_GRAPH)
    added = 0
    sources = [
        g for g in dataset.graphs()
        if isinstance(g.identifier, URIRef)
        and str(g.identifier).startswith(GRAPH_BASE)
        and g.identifier not in (ONTOLOGY_GRAPH, PROVENANCE_GRAPH)
        and not str(g.identifier).endswith(DERIVED_SUFFIX)
    ]
    for graph in sorted(sources, key=lambda g: str(g.identifier)):
        triples = derive_for_graph(graph, ancestors, nerves)
        new = [t for t in triples if t not in graph]
        if not new:
            continue
        source_iri = graph.identifier
        derived = dataset.graph(derived_graph_iri(source_iri))  # type: ignore[arg-type]
        for triple in new:
            derived.add(triple)
        added += len(derived)
        provenance.add((derived.identifier, RDF.type, TP.ClaimGraph))
        provenance.add((derived.identifier, RDF.type, OWL.NamedIndividual))
        provenance.add((derived.identifier, TP.derivedFrom, source_iri))
        for p in (TP.claimsAbout, DCTERMS.source, TP.hasEvidence):
            for o in provenance.objects(source_iri, p):
                provenance.add((derived.identifier, p, o))
    return added
