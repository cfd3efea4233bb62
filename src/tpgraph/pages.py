"""Linked-data pages: every tpgraph IRI resolves, as HTML to people and as RDF to programs.

``/id/<type>/<slug>`` describes a record: to a browser a page (for a muscle, the sections of a trigger-point
page, each claim with its source), to a client asking for Turtle, JSON-LD, N-Triples, RDF/XML, TriG or N-Quads
the record's own triples (with those of its nested nodes and the provenance of its claim graphs). ``/graph/…``
does the same for a claim graph, ``/vocab`` for the ontology, ``/pain`` answers "where does it hurt?".

The pages read the graph through the same named queries as the CLI and the REST API (one place per query),
with record IRIs bound as terms; everything shown is escaped by Jinja. Nothing here evaluates a stranger's
query: the only input is a record's type and slug (or region names, resolved to records first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, Response, abort, redirect, render_template, request, send_from_directory, url_for

from tpgraph.bodymap import region_labels, render_map, zones_for
from tpgraph.catalogue import NamedQuery, find
from tpgraph.namespaces import GRAPH_BASE, ID_BASE, PREFIXES, VOCAB_IRI
from tpgraph.parameters import ParameterError, bind, resolve, with_values
from tpgraph.protocol import ProtocolError, negotiate
from tpgraph.schema import RECORD_TYPES
from tpgraph.store import Store

RDF_OFFERS = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
              "application/trig", "application/n-quads")
PAGE_OFFERS = ("text/html", *RDF_OFFERS)
"""A browser gets HTML (it asks for it first); ``*/*`` too. RDF clients name their syntax."""

DESCRIBE = """
SELECT ?s ?p ?o ?g WHERE {
  { ?g tp:claimsAbout ?record . GRAPH ?g { ?s ?p ?o } }
  UNION
  { ?claims tp:claimsAbout ?record . ?g tp:derivedFrom ?claims . GRAPH ?g { ?s ?p ?o } }
  UNION
  { ?s tp:claimsAbout ?record . GRAPH ?g { ?s ?p ?o } }
}"""
"""Everything in the record's own graphs (its nodes, nested ``record#…`` nodes, derived statements) and the
provenance of those graphs. Each UNION branch binds ``?record`` itself: a branch is evaluated on its own, so a
FILTER on a variable bound outside it would see it unbound."""

GRAPH_QUADS = """SELECT ?s ?p ?o ?g WHERE {
  { GRAPH ?graph { ?s ?p ?o } BIND(?graph AS ?g) }
  UNION
  { GRAPH ?g { ?graph ?p ?o } BIND(?graph AS ?s) }
}"""
"""A named graph's quads and the provenance quads about it."""

INCOMING = """
SELECT DISTINCT ?s ?p ?label WHERE {
  ?s ?p ?record .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/tpgraph/id/") && !CONTAINS(STR(?s), "#"))
  ?s rdfs:label ?label .
}"""

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


def local_href(iri: str) -> str | None:
    """The path on this server of one of tpgraph's IRIs (``/id/…``, ``/graph/…``, ``/vocab#…``)."""
    for base, prefix in ((ID_BASE, "/id/"), (GRAPH_BASE, "/graph/")):
        if iri.startswith(base):
            return prefix + iri[len(base):]
    if iri.startswith(VOCAB_IRI.rstrip("#")):
        return "/vocab" + iri[len(VOCAB_IRI.rstrip("#")):]
    return None


def cell(term: ox.Term | None, label: str | None = None) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        href = local_href(term.value)
        return Cell(label or _short(term.value), href or term.value)
    return Cell(label or term.value)


def _short(iri: str) -> str:
    for prefix, base in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def rows(store: Store, query: NamedQuery, values: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of a named query as dicts of terms."""
    result = store.select(bind(store, query, values))
    return [dict(zip(result.variables, row, strict=True)) for row in result]


def rdf_response(quads: list[ox.Quad], media_type: str) -> Response:
    """Quads in a graph-aware syntax, or their triples (deduplicated, sorted) in a triple syntax."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    items = sorted(set(quads), key=str) if fmt.supports_datasets else sorted({q.triple for q in quads}, key=str)
    # pyoxigraph uses the prefixes where the syntax has them and ignores them in N-Triples and N-Quads.
    response = Response(ox.serialize(items, format=fmt, prefixes=PREFIXES) or b"", content_type=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register_pages(app: Flask, catalogue: list[NamedQuery], lookup: Store | None, ontology: Path | None,
                   dist: Path | None, vocab_html: Callable[[], str], fail: Callable[[int, str], Response]) -> None:
    """Add ``/id/…``, ``/graph/…``, ``/vocab``, ``/pain`` and the release files to ``app``."""
    def query(name: str) -> NamedQuery:
        return find(catalogue, name)

    def store() -> Store:
        if lookup is None:
            abort(503, "this server has no store to describe records from")
        return lookup

    def wanted(offers: tuple[str, ...]) -> str:
        try:
            return negotiate(request.accept_mimetypes, offers, request.args.get("format"))
        except ProtocolError as err:
            abort(err.status, err.message)

    def labels_of(iris: set[str]) -> dict[str, str]:
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(iris))
        result = store().select(f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?l }}")
        return {row[0].value: row[1].value for row in result}

    @app.get("/id/<kind>/<slug>")
    def record_page(kind: str, slug: str) -> Response:
        if kind not in RECORD_TYPES:
            return fail(404, f"no record type '{kind}' (types: {', '.join(RECORD_TYPES)})")
        iri = ox.NamedNode(f"{ID_BASE}{kind}/{slug}")
        try:
            found = resolve(store(), kind, slug)
        except ParameterError as err:
            return fail(404, str(err))
        if found != iri:  # a label or synonym in the path: send the reader to the record's own IRI
            return redirect(local_href(found.value) + (f"?{request.query_string.decode()}" if request.query_string else ""), 303)
        media_type = wanted(PAGE_OFFERS)
        if media_type != "text/html":
            result = store().select(with_values(DESCRIBE, {"record": iri}))
            return rdf_response([ox.Quad(s, p, o, g) for s, p, o, g in result], media_type)
        return html(render_record(kind, iri))

    @app.get("/id/<kind>/<slug>/map.svg")
    def record_map(kind: str, slug: str) -> Response:
        if kind not in ("muscle", "group"):
            return fail(404, "only muscles and muscle groups have a body map")
        iri = f"{ID_BASE}{kind}/{slug}"
        try:
            resolve(store(), kind, iri)
        except ParameterError as err:
            return fail(404, str(err))
        label = labels_of({iri}).get(iri, slug)
        svg = render_map(zones_for(store(), iri), region_labels(store()), f"Referred pain: {label}")
        return Response(svg, content_type="image/svg+xml; charset=utf-8")

    @app.get("/graph/<path:rest>")
    def graph_page(rest: str) -> Response:
        graph = ox.NamedNode(GRAPH_BASE + rest)
        result = store().select(with_values(GRAPH_QUADS, {"graph": graph}))
        quads = [ox.Quad(s, p, o, g) for s, p, o, g in result]
        if not quads:
            return fail(404, f"no named graph {graph.value}")
        media_type = wanted(("text/html", "application/trig", "application/n-quads", "text/turtle",
                             "application/ld+json", "application/n-triples", "application/rdf+xml"))
        if media_type != "text/html":
            return rdf_response(quads, media_type)
        names = labels_of({t.value for q in quads for t in (q.subject, q.predicate, q.object)
                           if isinstance(t, ox.NamedNode)})
        table = [(cell(q.subject, names.get(q.subject.value)), cell(q.predicate, names.get(q.predicate.value)),
                  cell(q.object, names.get(q.object.value) if isinstance(q.object, ox.NamedNode) else None),
                  "provenance" if q.graph_name != graph else "claim")
                 for q in sorted(quads, key=str)]
        return html(render_template("graph.html", iri=graph.value, table=table))

    @app.get("/vocab")
    def vocab() -> Response:
        media_type = wanted(("text/html", "text/turtle", "application/rdf+xml", "application/n-triples"))
        if media_type == "text/html":
            return html(vocab_html())
        if ontology is None or not ontology.is_file():
            return fail(404, "this server has no ontology file")
        return rdf_response(list(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)), media_type)

    @app.get("/vocab/<version>")
    def vocab_version(version: str) -> Response:
        """The ontology's version IRI (``…/vocab/0.1.0``) names the vocabulary this server documents."""
        return redirect(url_for("vocab", **request.args), 303)

    @app.get("/dataset")
    def dataset() -> Response:
        return redirect(url_for("void"), 303)

    @app.get("/<any('tpgraph.owl', 'tpgraph-full.owl', 'catalog-v001.xml'):name>")
    @app.get("/imports/<name>")
    def release_file(name: str) -> Response:
        """The OWL files as built (with the import module and its catalog), for Protégé and owl:imports."""
        folder = dist / "imports" if dist and request.path.startswith("/imports/") else dist
        if folder is None:
            return fail(404, "this server has no built files")
        return send_from_directory(folder, name, mimetype="application/rdf+xml" if name.endswith(".owl") else None)

    @app.get("/pain")
    def pain() -> Response:
        chosen, problems, answers = [], [], []
        for value in request.args.getlist("region"):
            if not value.strip():
                continue
            try:
                chosen.append(resolve(store(), "region", value))
            except ParameterError as err:
                problems.append(str(err))
        labels = region_labels(store())
        for region in chosen:
            found = rows(store(), query("muscles-referring-to-region-claims"), {"region": region.value})
            names = labels_of({r[key].value for r in found for key in ("viaGroup", "source") if r[key] is not None})
            answers.append({"region": cell(region, labels.get(region.value.rsplit("/", 1)[1])), "rows": [
                {"muscle": cell(r["muscle"], r["label"].value), "intensity": r["intensity"].value,
                 "group": cell(r["viaGroup"], names.get(r["viaGroup"].value)) if r["viaGroup"] is not None else None,
                 "source": cell(r["source"], names.get(r["source"].value))}
                for r in found]})
        picked = {r.value.rsplit("/", 1)[1] for r in chosen}
        svg = render_map([], labels, "Body regions: choose where it hurts",
                         link=lambda slug: url_for("pain", region=slug))
        status = 400 if problems and not chosen else 200
        page = render_template("pain.html", answers=answers, problems=problems, picked=picked,
                               regions=sorted(labels.items(), key=lambda item: item[1]), body_map=svg)
        return html(page, status)

    def render_record(kind: str, iri: ox.NamedNode) -> str:
        label = labels_of({iri.value}).get(iri.value, iri.value.rsplit("/", 1)[1])
        context: dict[str, Any] = {"kind": kind, "noun": RECORD_TYPES[kind].noun, "iri": iri.value, "label": label}
        description = store().select(with_values(DESCRIBE, {"record": iri}))
        own = [(p, o) for s, p, o, _ in description if s == iri]
        context["definition"] = next((o.value for p, o in own if p.value.endswith("core#definition")), "")
        context["synonyms"] = sorted(o.value for p, o in own if p.value.endswith("core#altLabel"))
        if kind in ("muscle", "group"):
            context.update(muscle_context(iri, label))
        elif kind == "region":
            context["refers"] = rows(store(), query("muscles-referring-to-region-claims"), {"region": iri.value})
            context["roots"] = rows(store(), query("roots-of-muscles-referring-to-region"), {"region": iri.value})
        elif kind == "condition":
            context["listed_by"] = rows(store(), query("muscles-with-differential"), {"condition": iri.value})
        incoming = list(store().select(with_values(INCOMING, {"record": iri})))
        relations = labels_of({p.value for _, p, _ in incoming})
        context["incoming"] = sorted({(cell(s, lab.value), relations.get(p.value, _short(p.value)))
                                      for s, p, lab in incoming}, key=lambda item: (item[1], item[0].text))
        context["claims"] = claims_by_source(description, iri)
        return render_template("record.html", cell=cell, **context)

    def muscle_context(iri: ox.NamedNode, label: str) -> dict[str, Any]:
        card = rows(store(), query("muscle-card"), {"muscle": iri.value})
        sources = labels_of({r["source"].value for r in card})
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
        differentials = rows(store(), query("differential-diagnoses"), {"muscle": iri.value})
        disagreements = rows(store(), query("source-disagreements"), {"muscle": iri.value})
        precautions = rows(store(), query("unsuitable-techniques"), {"muscle": iri.value})
        pattern = rows(store(), query("referral-pattern"), {"muscle": iri.value})
        cited = {r["source"].value for r in card} | {r["source"].value for r in pattern}
        disclaimers = store().select(
            "SELECT ?s ?l ?d WHERE { VALUES ?s { " + " ".join(f"<{s}>" for s in sorted(cited)) +
            " } ?s rdfs:label ?l ; tp:disclaimer ?d } ORDER BY ?l") if cited else []
        return {
            "sections": [(title, sections[title]) for title, _ in MUSCLE_SECTIONS if sections.get(title)],
            "differentials": differentials, "disagreements": disagreements, "precautions": precautions,
            "pattern": pattern, "disclaimers": [(cell(s, lab.value), d.value) for s, lab, d in disclaimers],
            "sources": sources,
            "map_href": url_for("record_map", kind=iri.value[len(ID_BASE):].split("/")[0],
                                slug=iri.value.rsplit("/", 1)[1]),
            "body_map": render_map(zones_for(store(), iri.value), region_labels(store()),
                                   f"Referred pain: {label}"),
        }

    def claims_by_source(description: Any, iri: ox.NamedNode) -> list[tuple[Cell, list[tuple[Cell, Cell]]]]:
        """Every triple about the record, grouped by the claim graph (so by source) that holds it."""
        by_graph: dict[str, list[tuple[ox.Term, ox.Term]]] = defaultdict(list)
        for s, p, o, g in description:
            if s == iri:
                by_graph[g.value].append((p, o))
        names = labels_of({t.value for pairs in by_graph.values() for pair in pairs for t in pair
                           if isinstance(t, ox.NamedNode)})
        return [(Cell(graph[len(GRAPH_BASE):], local_href(graph)),
                 [(cell(p, names.get(p.value)), cell(o, names.get(o.value) if isinstance(o, ox.NamedNode) else None))
                  for p, o in sorted(pairs, key=str)])
                for graph, pairs in sorted(by_graph.items())]

    def html(body: str, status: int = 200) -> Response:
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
