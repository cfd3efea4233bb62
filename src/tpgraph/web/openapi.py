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


NAMED = {"type": ["object", "null"], "required": ["iri", "label"],
         "properties": {"iri": {"type": "string", "format": "uri"}, "label": {"type": "string"}}}

PAIN_ROW: dict[str, Any] = {
    "type": "object",
    "required": ["rank", "score", "muscle", "label", "kind", "viaGroup", "covers", "misses", "essentialOutside",
                 "triggerPoint", "patternSource", "support", "sources", "minority", "notice"],
    "properties": {
        "rank": {"type": "integer", "minimum": 1, "description": "competition rank (1, 2, 2, 4): equal score and support share a rank"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "muscle": {"type": "string", "format": "uri", "description": "the muscle (or a group no member of which its source names)"},
        "label": {"type": "string"},
        "kind": {"type": "string", "enum": ["muscle", "group"]},
        "viaGroup": {**NAMED, "description": "the group whose pattern (as the same source places the muscle in it) gave the score"},
        "covers": {"type": "array", "items": {"type": "object", "properties": {
            "region": {"type": "string", "format": "uri"}, "label": {"type": "string"},
            "intensity": {"type": "string", "enum": ["essential", "spillover"]}}}},
        "misses": {"type": "array", "items": NAMED, "description": "drawn regions the best pattern does not cover"},
        "essentialOutside": {"type": "array", "items": NAMED,
                             "description": "leaf regions of the best pattern's essential zones that lie outside the drawing"},
        "triggerPoint": {"type": "string", "format": "uri"},
        "patternSource": NAMED,
        "support": {"type": "integer", "description": "independent sources charting a pattern of this muscle that touches the drawing"},
        "sources": {"type": "array", "items": NAMED},
        "minority": {"type": "boolean", "description": "the row rests only on claims the consensus graph marks minority"},
        "notice": {"type": "string", "description": "a suggestion of where to look, not a diagnosis; side is ignored"},
    },
}

PAIN_OPERATION: dict[str, Any] = {
    "operationId": "pain_drawing_search",
    "summary": "Muscles ranked by how well their trigger-point referral patterns explain a pain drawing",
    "description": (
        "Give each drawn body region as a region parameter (at most 12; id, label, synonym, lay phrase or IRI). "
        "For each drawn region a pattern (one trigger point as one source charts it) scores the strongest zone it "
        "gives the region or a part of it (essential 1, spillover 0.5); the mean over the drawn regions, less 0.25 "
        "times the share of its essential zones outside the drawing, is its score; a muscle scores its best "
        "pattern, ties go to the better-supported muscle. Groups rank as their members. Side is ignored. A "
        "suggestion of where to look, not a diagnosis (docs/decisions/20261205-pain-drawing-search.md)."
    ),
    "tags": ["referral"],
    "parameters": [
        {"name": "region", "in": "query", "required": True, "style": "form", "explode": True,
         "description": "a drawn body region; repeat for each (at most 12)",
         "schema": {"type": "array", "minItems": 1, "maxItems": 12, "items": {"type": "string", "maxLength": 200}},
         "example": ["groin", "knee"]},
        {"name": "format", "in": "query", "required": False, "description": "the answer's format, overriding Accept",
         "schema": {"type": "string", "enum": ["json", "csv"]}},
    ],
    "responses": {
        "200": {"description": "the muscles in rank order",
                "content": {"application/json": {"schema": {"type": "array", "items": PAIN_ROW}},
                            "text/csv": {"schema": {"type": "string"}}}},
        "400": _error("no region, more than 12, a name that is no region (close matches given), odd characters, "
                      "or an unknown parameter"),
        "406": _error("neither JSON nor CSV is acceptable"),
        "503": _error("this server cannot run the search"),
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
    paths["/api/pain"] = {"get": PAIN_OPERATION}
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
