"""The REST API over the named queries: ``/api``, ``/api/<name>?param=value`` and ``/openapi.json``.

A request names a query and gives its parameters as plain text; each value is resolved to the IRI of a record
(``tpgraph.catalogue.parameters``) and bound as a term, so the query that runs is always the catalogue's own text plus a
VALUES block of known IRIs. It then takes the same path as a SPARQL request (cache, in-flight caps, a worker
with a deadline), handed in as ``evaluate``. The routes are the ``api`` blueprint (``api_blueprint``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request, url_for

from tpgraph.catalogue.named_queries import CatalogueError, NamedQuery, find
from tpgraph.web.openapi import openapi_document
from tpgraph.web.responses import json_document, text
from tpgraph.catalogue.parameters import bind
from tpgraph.sparql.values import ParameterError
from tpgraph.endpoint.protocol import ProtocolError, negotiate
from tpgraph.store.interface import QueryJob, Store

API_TYPES = ("application/sparql-results+json", "text/csv", "text/tab-separated-values",
             "application/sparql-results+xml")
"""What ``/api/<name>`` answers in: SPARQL JSON unless the client asks for CSV, TSV or XML."""

MAX_VALUE_LENGTH = 200
"""Longest parameter value accepted; record names are far shorter."""


def describe(query: NamedQuery) -> dict[str, Any]:
    """A query as ``/api`` lists it."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "url": url_for("api.api_query", name=query.name, _external=True),
        "parameters": [
            {"name": p.name, "types": list(p.types), "description": p.description, "default": p.default,
             "example": p.example}
            for p in query.parameters
        ],
    }


def api_blueprint(catalogue: list[NamedQuery], lookup: Store | None, version: str,
                  evaluate: Callable[[QueryJob], Response], row_cap: int) -> Blueprint:
    """The API routes over ``catalogue``; ``lookup`` resolves parameter values (None: parameters unavailable).

    A factory, not a module-level blueprint, so that every app gets its own routes over its own catalogue.
    """
    routes = Blueprint("api", __name__)

    @routes.get("/api")
    def api_index() -> Response:
        return json_document({"queries": [describe(q) for q in catalogue],
                      "openapi": url_for("api.openapi", _external=True)})

    @routes.get("/api/<name>")
    def api_query(name: str) -> Response:
        try:
            query = find(catalogue, name)
        except CatalogueError as err:
            return text(404, str(err))
        values = {key: request.args.get(key, "") for key in request.args if key != "format"}
        for key, value in values.items():
            if len(request.args.getlist(key)) > 1:
                return text(400, f"parameter '{key}' is given more than once")
            if len(value) > MAX_VALUE_LENGTH:
                return text(400, f"parameter '{key}' is longer than {MAX_VALUE_LENGTH} characters")
        try:
            media_type = negotiate(request.accept_mimetypes, API_TYPES, request.args.get("format"))
        except ProtocolError as err:
            return text(err.status, err.message)
        if query.parameters and lookup is None:
            return text(503, "this server cannot resolve parameters (no in-process store)")
        try:
            bound = bind(lookup, query, values) if lookup is not None else query.text  # type: ignore[arg-type]
        except ParameterError as err:
            request.environ["tpgraph.outcome"] = "refused"
            return text(400, f"{name}: {err}")
        return evaluate(QueryJob(bound, media_type, row_cap=row_cap))

    @routes.get("/openapi.json")
    def openapi() -> Response:
        return json_document(openapi_document(catalogue, request.url_root.rstrip("/"), version))

    return routes
