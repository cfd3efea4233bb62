"""Linked-data pages: every tpgraph IRI resolves, as HTML to people and as RDF to programs.

``/id/<type>/<slug>`` describes a record: to a browser a page (for a muscle, the sections of a trigger-point
page, each claim with its source), to a client asking for Turtle, JSON-LD, N-Triples, RDF/XML, TriG or N-Quads
the record's own triples (with those of its nested nodes and the provenance of its claim graphs). ``/graph/…``
does the same for a claim graph, ``/vocab`` for the ontology (``/pain``, "where does it hurt?", is ``pain.py``).

The pages read the graph through the same named queries as the CLI and the REST API (one place per query),
with record IRIs bound as terms in VALUES blocks; everything shown is escaped by Jinja. Every query goes
through the query service like ``/api`` (cache, in-flight caps, a worker with a deadline, the row cap); only
the resolution of a slug or name to a record uses the in-process lookup store, as the API's parameters do.
``RecordPages`` builds each page's data; the views (``page_routes.py``, the ``pages`` blueprint) only negotiate
and render.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from flask import abort, request, url_for

from tpgraph.catalogue.named_queries import NamedQuery, find
from tpgraph.catalogue.parameters import resolve
from tpgraph.endpoint.query_service import QueryService, Reply, text_reply
from tpgraph.model.iris import graph_path_of, local_path, slug_of, type_of_record
from tpgraph.model.namespaces import ID_BASE, PREFIXES
from tpgraph.model.schema import RECORD_TYPES
from tpgraph.sparql.values import with_values
from tpgraph.store.interface import QueryJob, SelectResult, Store, Term
from tpgraph.web.bodymap import region_labels, render_map, zones_for

DESCRIBE = """
SELECT DISTINCT ?s ?p ?o ?g WHERE {
  { ?g tp:claimsAbout ?record . GRAPH ?g { ?s ?p ?o } }
  UNION
  { GRAPH ?g { ?s tp:assessedRecord ?record . ?s ?p ?o } }
  UNION
  { ?s tp:claimsAbout ?record . GRAPH ?g { ?s ?p ?o } }
}"""
"""Everything in the record's own graphs (its nodes, nested ``record#…`` nodes, and its derived graphs, which
are about it too), the consensus's agreement nodes about it, and the provenance of those graphs. The consensus
graph is derived from every weighed claim graph, so reaching it through ``derivedFrom`` brought every other
muscle's agreements along (6,000 quads on each muscle's page). Each UNION branch binds ``?record`` itself: a
branch is evaluated on its own, so a FILTER on a variable bound outside it would see it unbound."""

GRAPH_QUADS = """SELECT ?s ?p ?o ?g WHERE {
  { GRAPH ?graph { ?s ?p ?o } BIND(?graph AS ?g) }
  UNION
  { GRAPH ?g { ?graph ?p ?o } BIND(?graph AS ?s) }
}"""
"""A named graph's quads and the provenance quads about it."""

INCOMING = """
SELECT DISTINCT ?s ?p ?label WHERE {
  ?s ?p ?record .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?recordBase) && !CONTAINS(STR(?s), "#"))
  ?s rdfs:label ?label .
}"""
"""The records (not their nested nodes) that point at ``?record``; ``?recordBase`` is bound to the record
IRI base (``namespaces.ID_BASE``) in the VALUES block, so the IRI scheme is spelled in ``model/`` only."""

MUSCLE_SECTIONS = (
    ("Etymology", ("has etymon",)),
    ("Origin", ("has origin",)),
    ("Insertion", ("has insertion",)),
    ("Action", ("has action", "has reverse action")),
    ("Antagonists", ("has antagonism",)),
    ("Nerve supply", ("innervated by",)),
    ("Spinal roots", ("innervated by root",)),
    ("Functional movements", ("has functional movement",)),
    ("Trigger points", ("has trigger point",)),
    ("Indications", ("has indication", "bilateral contracture sign")),
    ("Causes and perpetuating factors", ("has perpetuating factor",)),
    ("Associated structures", ("has associated structure",)),
    ("Self-care", ("has self-care advice",)),
    ("Techniques", ("has technique assessment",)),
    ("Groups", ("member of", "has member")),
    ("External identifiers", ("has exact match", "has close match", "database cross reference")),
)
"""The muscle page follows the order of a trigger-point page (NAT's template); aspects are the property labels
the ``muscle-card`` query returns."""


@dataclass(frozen=True)
class Cell:
    """One term, as a page shows it: text, and a link when the term is an IRI."""

    text: str
    href: str | None = None


def cell(term: ox.Term | None, label: str | None = None) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        href = local_path(term.value)
        return Cell(label or _short(term.value), href or term.value)
    return Cell(label or term.value)


def _short(iri: str) -> str:
    for prefix, base in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label ?l }"
DISCLAIMERS = "SELECT ?s ?l ?d WHERE { ?s rdfs:label ?l ; tp:disclaimer ?d } ORDER BY ?l"

RESULTS_JSON = "application/sparql-results+json"

PAGE_ROW_CAP = 100_000
"""Most rows one of the pages' own queries may give: far above any record, and independent of the row cap
the server sets for strangers' queries (a page is never shown cut)."""


class PageQueryFailed(Exception):
    """A page's query was refused or failed in the query service (busy, throttled, timed out)."""

    def __init__(self, reply: Reply):
        super().__init__(reply.status)
        self.reply = reply


class ServiceReader:
    """A ``Store``'s ``select`` for the pages, evaluated by the query service with the request's client."""

    def __init__(self, service: QueryService, row_cap: int = PAGE_ROW_CAP):
        self.service = service
        self.row_cap = row_cap

    def select(self, query: str, bindings: Mapping[str, Term | Iterable[Term]] | None = None) -> SelectResult:
        text = with_values(query, bindings) if bindings else query  # type: ignore[arg-type]
        reply = self.service.evaluate(QueryJob(text, RESULTS_JSON, row_cap=self.row_cap), "GET", (),
                                      request.remote_addr or "unknown")
        if reply.status != 200:
            raise PageQueryFailed(reply)
        if ("Tpgraph-Truncated", "true") in reply.headers:
            raise PageQueryFailed(text_reply(500, "this page has more rows than a page may show"))
        return SelectResult.from_json(reply.body)


class RecordPages:
    """The data of every page: records, claim graphs and the body map.

    ``reader`` evaluates the pages' queries (the query service in the app); ``lookup`` resolves a slug, label
    or synonym to a record (None: this server cannot, and pages answer 503).
    """

    def __init__(self, catalogue: list[NamedQuery], reader: Any, lookup: Store | None):
        self.catalogue = catalogue
        self.reader = reader
        self.lookup = lookup

    def resolve(self, kind: str, value: str) -> ox.NamedNode:
        """Raises ParameterError when nothing of ``kind`` is called ``value``."""
        if self.lookup is None:
            abort(503, "this server has no store to describe records from")
        return resolve(self.lookup, kind, value)

    def rows(self, name: str, record: ox.NamedNode) -> list[dict[str, Any]]:
        """The rows of a named query about one record (its one parameter), as dicts of terms."""
        query = find(self.catalogue, name)
        result = self.reader.select(query.text, {query.parameters[0].name: record})
        return [dict(zip(result.variables, row, strict=True)) for row in result]

    def labels_of(self, iris: set[str]) -> dict[str, str]:
        if not iris:
            return {}
        result = self.reader.select(LABELS, {"s": [ox.NamedNode(iri) for iri in sorted(iris)]})
        return {row[0].value: row[1].value for row in result}

    def describe(self, record: ox.NamedNode) -> list[ox.Quad]:
        return [ox.Quad(s, p, o, g) for s, p, o, g in self.reader.select(DESCRIBE, {"record": record})]

    def graph_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        return [ox.Quad(s, p, o, g) for s, p, o, g in self.reader.select(GRAPH_QUADS, {"graph": graph})]

    def body_map(self, iri: str, label: str) -> str:
        return render_map(zones_for(self.reader, iri), region_labels(self.reader), f"Referred pain: {label}")

    def graph_table(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[tuple[Cell, Cell, Cell, str]]:
        names = self.labels_of({t.value for q in quads for t in (q.subject, q.predicate, q.object)
                                if isinstance(t, ox.NamedNode)})
        return [(cell(q.subject, names.get(q.subject.value)), cell(q.predicate, names.get(q.predicate.value)),
                 cell(q.object, names.get(q.object.value) if isinstance(q.object, ox.NamedNode) else None),
                 "provenance" if q.graph_name != graph else "claim")
                for q in sorted(quads, key=str)]

    def record(self, kind: str, iri: ox.NamedNode) -> dict[str, Any]:
        label = self.labels_of({iri.value}).get(iri.value, iri.value.rsplit("/", 1)[1])
        context: dict[str, Any] = {"kind": kind, "noun": RECORD_TYPES[kind].noun, "iri": iri.value, "label": label}
        description = self.reader.select(DESCRIBE, {"record": iri})
        own = [(p, o) for s, p, o, _ in description if s == iri]
        context["definition"] = next((o.value for p, o in own if p.value.endswith("core#definition")), "")
        context["synonyms"] = sorted(o.value for p, o in own if p.value.endswith("core#altLabel"))
        if kind in ("muscle", "group"):
            context.update(self.muscle(iri, label))
        elif kind == "region":
            context["refers"] = self.rows("muscles-referring-to-region-claims", iri)
            context["roots"] = self.rows("roots-of-muscles-referring-to-region", iri)
        elif kind == "condition":
            context["listed_by"] = self.rows("muscles-with-differential-claims", iri)
        elif kind == "landmark":
            context["attaching"] = self.rows("muscles-attaching-to-site", iri)
        incoming = list(self.reader.select(INCOMING, {"record": iri, "recordBase": ox.Literal(ID_BASE)}))
        relations = self.labels_of({p.value for _, p, _ in incoming})
        context["incoming"] = sorted({(cell(s, lab.value), relations.get(p.value, _short(p.value)))
                                      for s, p, lab in incoming}, key=lambda item: (item[1], item[0].text))
        context["claims"] = self.claims_by_source(description, iri)
        return context

    def muscle(self, iri: ox.NamedNode, label: str) -> dict[str, Any]:
        card = self.rows("muscle-card", iri)
        sources = self.labels_of({r["source"].value for r in card})
        sections: dict[str, list] = defaultdict(list)
        known = {aspect: title for title, aspects in MUSCLE_SECTIONS for aspect in aspects}
        for r in card:
            title = known.get(r["aspect"].value)
            if title is None:
                continue
            sections[title].append({
                "value": cell(r["value"], r["valueLabel"].value), "aspect": r["aspect"].value,
                "group": cell(r["viaGroup"]) if r["viaGroup"] is not None else None,
                "source": cell(r["source"], sources.get(r["source"].value)),
            })
        pattern = self.rows("referral-pattern", iri)
        cited = {r["source"].value for r in card} | {r["source"].value for r in pattern}
        disclaimers = self.reader.select(DISCLAIMERS, {"s": [ox.NamedNode(s) for s in sorted(cited)]}) \
            if cited else []
        return {
            "sections": [(title, sections[title]) for title, _ in MUSCLE_SECTIONS if sections.get(title)],
            "differentials": self.rows("differential-diagnoses", iri),
            "disagreements": self.rows("source-disagreements", iri),
            "precautions": self.rows("unsuitable-techniques", iri),
            "pattern": pattern, "disclaimers": [(cell(s, lab.value), d.value) for s, lab, d in disclaimers],
            "sources": sources,
            "map_href": url_for("pages.record_map", kind=type_of_record(iri.value), slug=slug_of(iri.value)),
            "body_map": self.body_map(iri.value, label),
        }

    def claims_by_source(self, description: Any, iri: ox.NamedNode) -> list[tuple[Cell, list[tuple[Cell, Cell]]]]:
        """Every triple about the record, grouped by the claim graph (so by source) that holds it."""
        by_graph: dict[str, list[tuple[ox.Term, ox.Term]]] = defaultdict(list)
        for s, p, o, g in description:
            if s == iri:
                by_graph[g.value].append((p, o))
        names = self.labels_of({t.value for pairs in by_graph.values() for pair in pairs for t in pair
                                if isinstance(t, ox.NamedNode)})
        return [(Cell(graph_path_of(graph) or graph, local_path(graph)),
                 [(cell(p, names.get(p.value)), cell(o, names.get(o.value) if isinstance(o, ox.NamedNode) else None))
                  for p, o in sorted(pairs, key=str)])
                for graph, pairs in sorted(by_graph.items())]
