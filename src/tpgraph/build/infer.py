"""Materialise the inferences queries rely on, at build time, into derived graphs.

Each claim graph ``G`` gets a sibling ``G/derived`` holding only what follows from ``G`` itself plus tpgraph's
own vocabularies (the region, nerve and site hierarchies): no derived triple joins two sources, so every
derived row still has exactly one source. Derived: inverse links, the plain symmetric antagonist link, the
regions a referral zone reaches (its leaf regions and every region containing them) and the muscle-to-region
shortcut, and the transitive closures of the region, nerve and attachment-site hierarchies.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from tpgraph.model import iris
from tpgraph.model.namespaces import GRAPH_BASE, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, TP

INVERSES: tuple[tuple[URIRef, URIRef], ...] = (
    (TP.innervatedBy, TP.innervates),
    (TP.memberOf, TP.hasMember),
    (TP.partOfMuscle, TP.hasMusclePart),
    (TP.hasAssociatedStructure, TP.associatedStructureOf),
    (TP.hasTriggerPoint, TP.triggerPointIn),
)

HIERARCHIES: dict[URIRef, tuple[URIRef, ...]] = {
    TP.withinRegion: (TP.partOfRegion,),
    TP.withinNerve: (TP.branchOf, TP.divisionOf),
    TP.withinSite: (TP.partOfSite,),
}
"""Each materialised transitive property and the direct links it closes over. All three hierarchies are
tpgraph's own anatomy (core record keys), so a closure never mixes sources."""

Closures = dict[URIRef, dict[URIRef, set[URIRef]]]
"""Per transitive property of ``HIERARCHIES``: every member's strict ancestors."""


def nerve_ancestors(dataset: Dataset) -> dict[URIRef, set[URIRef]]:
    """Every nerve's strict ancestors through ``branchOf`` and ``divisionOf`` (tpgraph vocabulary too)."""
    return ancestors_through(dataset, HIERARCHIES[TP.withinNerve])


def hierarchy_closures(dataset: Dataset) -> Closures:
    """The closure of every hierarchy in ``HIERARCHIES``, computed once per build."""
    return {within: ancestors_through(dataset, predicates) for within, predicates in HIERARCHIES.items()}


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


class GraphTriples:
    """One claim graph's triples, indexed by predicate.

    rdflib's context-aware memory store answers ``graph.subject_objects(p)`` by scanning every triple with that
    predicate in the whole dataset and filtering by graph: with 4,600 claim graphs that is quadratic. Reading the
    dataset once and indexing each graph here keeps inference linear in the data.
    """

    def __init__(self) -> None:
        self.by_predicate: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        self.triples: set[tuple[URIRef, URIRef, URIRef]] = set()

    def add(self, s: URIRef, p: URIRef, o: URIRef) -> None:
        self.by_predicate[p].append((s, o))
        self.triples.add((s, p, o))

    def subject_objects(self, predicate: URIRef) -> list[tuple[URIRef, URIRef]]:
        return self.by_predicate.get(predicate, [])


def derive_for_graph(graph: GraphTriples, closures: Closures) -> list[tuple[URIRef, URIRef, URIRef]]:
    """The triples that follow from one graph (plus the region, nerve and site hierarchies)."""
    ancestors = closures[TP.withinRegion]
    out: list[tuple[URIRef, URIRef, URIRef]] = []
    for prop, inverse in INVERSES:
        for s, o in graph.subject_objects(prop):
            out.append((o, inverse, s))
    antagonists = _objects_by_subject(graph, TP.antagonisticMuscle)
    for muscle, antagonism in graph.subject_objects(TP.hasAntagonism):
        for other in antagonists.get(antagonism, ()):
            out.append((muscle, TP.hasAntagonist, other))
            out.append((other, TP.hasAntagonist, muscle))
    patterns = _objects_by_subject(graph, TP.hasReferralPattern)
    zones = _objects_by_subject(graph, TP.hasZone)
    covered = _objects_by_subject(graph, TP.coversRegion)
    for holder, point in graph.subject_objects(TP.hasTriggerPoint):
        for pattern in patterns.get(point, ()):
            for zone in zones.get(pattern, ()):
                for leaf in covered.get(zone, ()):
                    for region in {leaf, *ancestors.get(leaf, set())}:
                        out.append((zone, TP.refersToRegion, region))
                        out.append((holder, TP.refersPainTo, region))
    for within, predicates in HIERARCHIES.items():
        parts = {s for predicate in predicates for s, _ in graph.subject_objects(predicate)}
        for part in parts:
            for ancestor in closures[within].get(part, set()):
                out.append((part, within, ancestor))
    return out


def _objects_by_subject(graph: GraphTriples, predicate: URIRef) -> dict[URIRef, list[URIRef]]:
    found: dict[URIRef, list[URIRef]] = defaultdict(list)
    for s, o in graph.subject_objects(predicate):
        found[s].append(o)
    return found


def claim_graphs(dataset: Dataset) -> dict[URIRef, GraphTriples]:
    """Every claim graph that may imply something (not the ontology, provenance or derived graphs), read once."""
    graphs: dict[URIRef, GraphTriples] = defaultdict(GraphTriples)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if (
            isinstance(name, URIRef)
            and str(name).startswith(GRAPH_BASE)
            and name not in (ONTOLOGY_GRAPH, PROVENANCE_GRAPH)
            and not iris.is_derived_graph(str(name))
        ):
            graphs[name].add(s, p, o)  # type: ignore[arg-type]
    return graphs


def infer(dataset: Dataset) -> int:
    """Add a derived graph beside every claim graph that implies something; return the triples added."""
    closures = hierarchy_closures(dataset)
    provenance = dataset.graph(PROVENANCE_GRAPH)
    added = 0
    graphs = claim_graphs(dataset)
    for source_iri in sorted(graphs, key=str):
        graph = graphs[source_iri]
        new = [t for t in derive_for_graph(graph, closures) if t not in graph.triples]
        if not new:
            continue
        derived = dataset.graph(URIRef(iris.derived_graph_iri(str(source_iri))))
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
