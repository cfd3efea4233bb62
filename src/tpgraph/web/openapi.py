"""The OpenAPI 3.1 description of the REST API, generated from the named queries' headers.

Nothing here is written by hand per query: a new ``queries/*.rq`` file appears in the document with its
summary, description, tags and parameters (default and example included) as soon as the server starts.
"""

from __future__ import annotations

from typing import Any

from tpgraph.catalogue.named_queries import NamedQuery

RESULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/)",
    "required": ["head", "results"],
    "properties": {
        "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
        "results": {
            "type": "object",
            "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
        },
    },
}

TEXT_ERROR = {"text/plain": {"schema": {"type": "string"}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": TEXT_ERROR}


def _operation(query: NamedQuery) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for p in query.parameters:
        schema: dict[str, Any] = {"type": "string", "maxLength": 200}
        if p.default:
            schema["default"] = p.default
        entry: dict[str, Any] = {
            "name": p.name,
            "in": "query",
            "required": not p.default,
            "description": f"{p.description} — a {p.noun}: its id, label, synonym or full IRI".strip(" —"),
            "schema": schema,
        }
        if p.example:
            entry["example"] = p.example
        parameters.append(entry)
    parameters.append({
        "name": "format", "in": "query", "required": False,
        "description": "the answer's format, overriding Accept",
        "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml"]},
    })
    return {
        "operationId": query.name.replace("-", "_"),
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "the answer, one row per result",
                "content": {
                    "application/sparql-results+json": {"schema": RESULTS_SCHEMA},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                    "application/sparql-results+xml": {"schema": {"type": "string"}},
                },
            },
            "304": {"description": "not modified since the ETag given in If-None-Match (the data are unchanged)"},
            "400": _error("a parameter is unknown, or its value names no record of its type (close matches given)"),
            "406": _error("none of the accepted media types can be produced"),
            "429": _error("too many queries in flight from this client; retry after the Retry-After seconds"),
            "503": _error("the query ran past the time limit, or every worker is busy"),
        },
    }


def openapi_document(catalogue: list[NamedQuery], server_url: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``catalogue`` served at ``server_url``."""
    tags = sorted({t for q in catalogue for t in q.tags})
    paths: dict[str, Any] = {
        "/api": {
            "get": {
                "operationId": "list_queries",
                "summary": "The named queries, with their parameters",
                "responses": {"200": {"description": "the catalogue",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        },
    }
    for query in catalogue:
        paths[f"/api/{query.name}"] = {"get": _operation(query)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tpgraph named queries",
            "version": version,
            "summary": "Clinical questions about myofascial trigger points, answered from the tpgraph knowledge graph",
            "description": (
                "Each path runs one named query of the tpgraph catalogue. Parameters take a record's id, label, "
                "synonym or IRI and are bound as RDF terms. Every row that rests on a claim gives its source. "
                "The same data answer any SPARQL query at /sparql."
            ),
            "license": {"name": "CC-BY-4.0 (data); MIT (software)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": t} for t in tags],
        "paths": paths,
    }
