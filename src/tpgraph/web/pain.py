"""The pain-drawing search over HTTP: ``GET /api/pain`` (JSON or CSV) and the ``/pain`` page ("where does it hurt?").

Both read the drawing with ``pain_search.read_drawing`` and rank with ``pain_search.search`` through the query
service (``ServiceReader``), like ``tpgraph pain``; this module only negotiates, renders and turns a bad drawing
into a 400 with its reasons. The page needs no JavaScript: every region on the map is a link to the current
drawing with that region added or taken away, and the list is a plain form. The routes are the ``pain``
blueprint (``pain_blueprint``).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, url_for

from tpgraph.catalogue.named_queries import CatalogueError, NamedQuery, find
from tpgraph.catalogue.pain_output import csv_text
from tpgraph.catalogue.pain_score import NOTICE
from tpgraph.catalogue.pain_search import MAX_REGIONS, QUERY_NAME, Drawing, DrawingError, read_drawing, search
from tpgraph.endpoint.protocol import ProtocolError, negotiate
from tpgraph.model.iris import local_path, slug_of
from tpgraph.sparql.values import with_values
from tpgraph.store.interface import Store
from tpgraph.web.bodymap import region_labels, render_map
from tpgraph.web.pages import ServiceReader
from tpgraph.web.responses import html, text

API_TYPES = ("application/json", "text/csv")
"""What ``/api/pain`` answers in: JSON unless the client asks for CSV (``format=csv`` or ``Accept: text/csv``)."""

FORMATS = {"json": "application/json", "csv": "text/csv"}

LEAVES = "SELECT ?leaf ?region WHERE { ?leaf tp:partOfRegion* ?region . FILTER NOT EXISTS { ?part tp:partOfRegion ?leaf } }"
"""The leaf regions within the drawn ones: the tiles the page's map marks as drawn."""


def pain_blueprint(catalogue: list[NamedQuery], reader: ServiceReader, lookup: Store | None) -> Blueprint:
    """``/api/pain`` and ``/pain``: the search runs ``reader``'s queries and reads drawings with ``lookup``."""
    routes = Blueprint("pain", __name__)

    def query() -> NamedQuery | None:
        try:
            return find(catalogue, QUERY_NAME)
        except CatalogueError:
            return None

    @routes.get("/api/pain")
    def api_pain() -> Response:
        unknown = sorted(set(request.args) - {"region", "format"})
        if unknown:
            return text(400, f"pain: no parameter {', '.join(repr(u) for u in unknown)} (this search takes: region)")
        wanted = request.args.get("format")
        try:
            if wanted and wanted.strip().lower() not in FORMATS:
                raise ProtocolError(406, f"format '{wanted}' is not available here; use json or csv")
            media_type = FORMATS[wanted.strip().lower()] if wanted else negotiate(request.accept_mimetypes, API_TYPES, None)
        except ProtocolError as err:
            return text(err.status, err.message)
        named = query()
        if named is None or lookup is None:
            return text(503, "this server cannot run the pain-drawing search (no query catalogue or lookup store)")
        try:
            drawing = read_drawing(lookup, request.args.getlist("region"))
        except DrawingError as err:
            request.environ["tpgraph.outcome"] = "refused"
            return text(400, "pain: " + "\n".join(err.problems))
        answer = search(reader, named, drawing)
        headers = {"Access-Control-Allow-Origin": "*", "Vary": "Accept", "Tpgraph-Notice": answer.notice}
        if media_type == "text/csv":
            return Response(csv_text(answer), content_type="text/csv; charset=utf-8", headers=headers)
        body = json.dumps(answer.as_json(), indent=2, ensure_ascii=False) + "\n"
        return Response(body, content_type="application/json", headers=headers)

    @routes.get("/pain")
    def pain() -> Response:
        values = [v for v in request.args.getlist("region") if v.strip()]
        labels = region_labels(reader)
        problems: list[str] = []
        drawing = Drawing(())
        answer = None
        named = query()
        if named is None or lookup is None:
            return text(503, "this server cannot run the pain-drawing search (no query catalogue or lookup store)")
        if values:
            try:
                drawing = read_drawing(lookup, values)
            except DrawingError as err:
                problems = err.problems
                drawing = _readable_part(lookup, values)
            else:
                answer = search(reader, named, drawing)
        picked = [slug_of(r.value) for r in drawing.regions]
        leaves = set()
        if picked:
            rows = reader.select(with_values(LEAVES, {"region": list(drawing.regions)}))
            leaves = {slug_of(leaf.value) for leaf, _ in rows}

        def toggled(slug: str) -> str:
            regions = [s for s in picked if s != slug] if slug in picked else [*picked, slug]
            return url_for("pain.pain", region=regions)

        svg = render_map([], labels, "Body regions: choose where it hurts", link=toggled, picked=leaves | set(picked))
        page = render_template("pain.html", answer=answer, problems=problems, picked=set(picked),
                               drawn=[(s, labels.get(s, s), toggled(s)) for s in picked], body_map=svg,
                               max_regions=MAX_REGIONS, notice=NOTICE, href=lambda iri: local_path(iri) or iri, regions=sorted(labels.items(), key=lambda item: item[1]))
        return html(page, 400 if problems else 200)

    return routes


def _readable_part(lookup: Store, values: list[str]) -> Drawing:
    """The regions of a refused drawing that could be read, so the page can keep them drawn."""
    regions: list = []
    for value in values[:MAX_REGIONS]:
        try:
            found = read_drawing(lookup, [value]).regions
        except DrawingError:
            continue
        regions += [r for r in found if r not in regions]
    return Drawing(tuple(regions[:MAX_REGIONS]))
