"""The views of the linked-data pages, as the ``pages`` blueprint: ``/id/…``, ``/graph/…``, ``/vocab``,
``/dataset`` and the built OWL files.

Why a class: the views share what they serve (``RecordPages``, the ontology, the dist folder) and two helpers
(a 303 that keeps the query string, the lookup of the record a path names); as methods of one object they get
them without a closure over a long function. Each view only negotiates and renders; the page data come from
``RecordPages`` (``pages.py``), every error in words from ``responses.text``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, send_from_directory, url_for

from tpgraph.endpoint.protocol import ProtocolError, negotiate
from tpgraph.model.iris import graph_iri_of_path, record_iri_of_path, slug_of
from tpgraph.model.schema import RECORD_TYPES
from tpgraph.sparql.values import ParameterError
from tpgraph.web.pages import RecordPages, cell
from tpgraph.web.responses import html, rdf, text

RDF_OFFERS = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
              "application/trig", "application/n-quads")
PAGE_OFFERS = ("text/html", *RDF_OFFERS)
"""A browser gets HTML (it asks for it first); ``*/*`` too. RDF clients name their syntax."""
GRAPH_OFFERS = ("text/html", "application/trig", "application/n-quads", "text/turtle", "application/ld+json",
                "application/n-triples", "application/rdf+xml")
VOCAB_OFFERS = ("text/html", "text/turtle", "application/rdf+xml", "application/n-triples")
QUERY_SAFE = "=&;%+/?:@,!$'()*~"
"""Kept as they are when a redirect carries the query string on; every other byte is percent-encoded."""


def wanted(offers: tuple[str, ...]) -> str:
    """The media type to answer in; a 406 (through the app's error handler) when none of ``offers`` fits."""
    try:
        return negotiate(request.accept_mimetypes, offers, request.args.get("format"))
    except ProtocolError as err:
        abort(err.status, err.message)


def moved(path: str) -> Response:
    """303 to ``path`` (where a label or synonym in the request's path led), keeping the query string."""
    query = f"?{quote(request.query_string, safe=QUERY_SAFE)}" if request.query_string else ""
    return redirect(path + query, 303)  # type: ignore[return-value]


class PageRoutes:
    """The thin views over ``pages``; ``ontology`` and ``dist`` are what ``/vocab`` and the OWL files serve
    (None: 404), ``vocab_html`` renders the vocabulary page (called once per app, cached by the caller)."""

    def __init__(self, pages: RecordPages, ontology: Path | None, dist: Path | None,
                 vocab_html: Callable[[], str]):
        self.pages = pages
        self.ontology = ontology
        self.dist = dist
        self.vocab_html = vocab_html

    def find_record(self, kind: str, slug: str) -> tuple[ox.NamedNode | None, Response | None]:
        """The record ``/id/<kind>/<slug>`` names, or the answer instead: 404 for no such record, 303 when
        the path gives a label or synonym (or a slug's other spelling) rather than the slug."""
        if kind not in RECORD_TYPES:
            return None, text(404, f"no record type '{kind}' (types: {', '.join(RECORD_TYPES)})")
        try:
            found = self.pages.resolve(kind, slug)
        except ParameterError as err:
            return None, text(404, str(err))
        if found.value != record_iri_of_path(kind, slug):
            suffix = "/map.svg" if request.path.endswith("/map.svg") else ""
            return None, moved(f"/id/{kind}/{slug_of(found.value)}{suffix}")
        return found, None

    def record_page(self, kind: str, slug: str) -> Response:
        iri, other = self.find_record(kind, slug)
        if iri is None:
            return other  # type: ignore[return-value]
        media_type = wanted(PAGE_OFFERS)
        if media_type != "text/html":
            return rdf(self.pages.describe(iri), media_type)
        return html(render_template("record.html", cell=cell, **self.pages.record(kind, iri)))

    def record_map(self, kind: str, slug: str) -> Response:
        if kind not in ("muscle", "group"):
            return text(404, "only muscles and muscle groups have a body map")
        iri, other = self.find_record(kind, slug)
        if iri is None:
            return other  # type: ignore[return-value]
        label = self.pages.labels_of({iri.value}).get(iri.value, slug)
        return Response(self.pages.body_map(iri.value, label), content_type="image/svg+xml; charset=utf-8")

    def graph_page(self, rest: str) -> Response:
        iri = graph_iri_of_path(rest)
        if iri is None:
            return self.graph_by_label(rest)
        graph = ox.NamedNode(iri)
        quads = self.pages.graph_quads(graph)
        if not quads:
            return text(404, f"no named graph {graph.value}")
        media_type = wanted(GRAPH_OFFERS)
        if media_type != "text/html":
            return rdf(quads, media_type)
        return html(render_template("graph.html", iri=graph.value, table=self.pages.graph_table(graph, quads)))

    def graph_by_label(self, rest: str) -> Response:
        """``/graph/<type>/<label>[/<source>…]``: 303 to the record's graph when the label names a record."""
        kind, _, tail = rest.partition("/")
        label, _, more = tail.partition("/")
        missing = text(404, "no named graph at this path (a graph's path is /graph/<type>/<slug>[/<source>])")
        if kind not in RECORD_TYPES or not label or (more and graph_iri_of_path(more) is None):
            return missing
        try:
            found = self.pages.resolve(kind, label)
        except ParameterError:
            return missing
        return moved(f"/graph/{kind}/{slug_of(found.value)}" + (f"/{more}" if more else ""))

    def vocab(self) -> Response:
        media_type = wanted(VOCAB_OFFERS)
        if self.ontology is None or not self.ontology.is_file():
            return text(404, "this server has no ontology file")
        if media_type == "text/html":
            return html(self.vocab_html())
        return rdf(ox.parse(path=str(self.ontology), format=ox.RdfFormat.TURTLE), media_type)

    def vocab_version(self, version: str) -> Response:
        """The ontology's version IRI (``…/vocab/0.1.0``) names the vocabulary this server documents."""
        query = f"?{quote(request.query_string, safe=QUERY_SAFE)}" if request.query_string else ""
        return redirect(url_for("pages.vocab") + query, 303)  # type: ignore[return-value]

    def dataset(self) -> Response:
        return redirect(url_for("void"), 303)  # type: ignore[return-value]

    def release_file(self, name: str) -> Response:
        """The OWL files as built (with the import module and its catalog), for Protégé and owl:imports."""
        folder = self.dist / "imports" if self.dist and request.path.startswith("/imports/") else self.dist
        if folder is None:
            return text(404, "this server has no built files")
        return send_from_directory(folder, name, mimetype="application/rdf+xml" if name.endswith(".owl") else None)


def pages_blueprint(pages: RecordPages, ontology: Path | None, dist: Path | None,
                    vocab_html: Callable[[], str]) -> Blueprint:
    """The ``pages`` blueprint: ``/id/…``, ``/graph/…``, ``/vocab``, ``/dataset`` and the built OWL files.

    Endpoint names are the view names (``pages.record_page`` …); ``/metrics`` labels a route by the name alone.
    """
    views = PageRoutes(pages, ontology, dist, vocab_html)
    routes = Blueprint("pages", __name__)
    routes.add_url_rule("/id/<kind>/<slug>", view_func=views.record_page, methods=["GET"])
    routes.add_url_rule("/id/<kind>/<slug>/map.svg", view_func=views.record_map, methods=["GET"])
    routes.add_url_rule("/graph/<path:rest>", view_func=views.graph_page, methods=["GET"])
    routes.add_url_rule("/vocab", view_func=views.vocab, methods=["GET"])
    routes.add_url_rule("/vocab/<version>", view_func=views.vocab_version, methods=["GET"])
    routes.add_url_rule("/dataset", view_func=views.dataset, methods=["GET"])
    routes.add_url_rule("/imports/<name>", view_func=views.release_file, methods=["GET"])
    routes.add_url_rule("/<any('tpgraph.owl', 'tpgraph-full.owl', 'catalog-v001.xml'):name>",
                        view_func=views.release_file, methods=["GET"])
    return routes
