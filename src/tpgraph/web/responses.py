"""The one place a view's answer becomes a Flask response: query replies, errors in words, HTML, JSON, RDF.

Every route (SPARQL, API, pages, releases) answers through these, so an error reads and is logged the same
way everywhere, and CORS and ``Vary`` headers are set in one place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from flask import Response, request

from tpgraph.endpoint.query_service import Reply, text_reply
from tpgraph.model.namespaces import PREFIXES
from tpgraph.web.fastpath import note_reply


def respond(reply: Reply) -> Response:
    """The Flask response for ``reply``, noting on the request what the access log and the replay path need."""
    note_reply(request.environ, reply)
    return Response(reply.body, status=reply.status, headers=reply.headers)


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text response: errors of every route, in words."""
    return respond(text_reply(status, message, list((headers or {}).items())))


def html(body: str, status: int = 200) -> Response:
    """A page; its URL also answers RDF, hence ``Vary: Accept``."""
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def json_document(body: Any, status: int = 200) -> Response:
    """A JSON document (``/api``, ``/openapi.json``), readable from any origin."""
    response = Response(json.dumps(body, indent=2, ensure_ascii=False) + "\n", status=status,
                        content_type="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def rdf(quads: Iterable[ox.Quad], media_type: str) -> Response:
    """Quads in a graph-aware syntax, or their triples (deduplicated, sorted) in a triple syntax."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    quads = list(quads)
    items = sorted(set(quads), key=str) if fmt.supports_datasets else sorted({q.triple for q in quads}, key=str)
    # pyoxigraph uses the prefixes where the syntax has them and ignores them in N-Triples and N-Quads.
    response = Response(ox.serialize(items, format=fmt, prefixes=PREFIXES) or b"", content_type=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
