"""The SPARQL 1.1 Protocol's request rules: where the query comes from, which dataset, which result format.

Kept apart from the Flask views so each rule of the W3C protocol (and its test suite's malformed requests)
maps to one place: two queries, a wrong or missing content type, a non-UTF-8 body, an update, an empty query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.wrappers import Request

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
"""What a SELECT can be written as, the default first."""

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
"""What an ASK can be written as."""

GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
"""What a CONSTRUCT or DESCRIBE can be written as, the default first."""

FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle",),
    "ttl": ("text/turtle",),
    "n3": ("text/turtle",),  # Turtle is N3's data subset; SPARQLWrapper sends format=n3 for graphs
    "ntriples": ("application/n-triples",),
    "nt": ("application/n-triples",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "rdfxml": ("application/rdf+xml",),
    "rdf": ("application/rdf+xml",),
}
"""Values of the ``format=`` parameter (browsers cannot set Accept), each with its meaning per query form."""

# Equivalent names clients send for the types we offer.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/json-ld": "application/ld+json",
}


class ProtocolError(Exception):
    """A request the protocol does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ProtocolRequest:
    """A valid query request: its text and dataset (None: the server's default dataset)."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


def _single(values: Sequence[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _graphs(values: Sequence[str]) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def parse_request(request: Request) -> ProtocolRequest | None:
    """The query request carried by ``request``; None for a bare GET (which asks for the service description).

    Raises ProtocolError for everything the protocol forbids. Updates are refused with 403: this endpoint is
    read-only.
    """
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        query = _single(args.getlist("query"), "query")
        if query is None:
            if any(k in args for k in ("default-graph-uri", "named-graph-uri")):
                raise ProtocolError(400, "the request names a dataset but has no 'query' parameter")
            return None
        return ProtocolRequest(_nonempty(query), _graphs(args.getlist("default-graph-uri")),
                               _graphs(args.getlist("named-graph-uri")))
    if request.method != "POST":
        raise ProtocolError(405, f"{request.method} is not a SPARQL protocol operation; use GET or POST")
    mimetype = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if mimetype == UPDATE or (mimetype == FORM and "update" in request.form):
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"the request body must be UTF-8, not {charset}")
    if mimetype == FORM:
        _utf8(request.get_data(cache=True))  # only checks the encoding; the form is parsed from the cache
        if "query" in args:
            raise ProtocolError(400, "the query is given both in the URL and in the form body; send it once")
        query = _single(request.form.getlist("query"), "query")
        if query is None:
            raise ProtocolError(400, "the form has no 'query' field")
        default = request.form.getlist("default-graph-uri") or args.getlist("default-graph-uri")
        named = request.form.getlist("named-graph-uri") or args.getlist("named-graph-uri")
        return ProtocolRequest(_nonempty(query), _graphs(default), _graphs(named))
    if mimetype == DIRECT:
        if "query" in args:
            raise ProtocolError(400, "a direct POST carries the query in its body, not also in the URL")
        query = _utf8(request.get_data(cache=False))
        return ProtocolRequest(_nonempty(query), _graphs(args.getlist("default-graph-uri")),
                               _graphs(args.getlist("named-graph-uri")))
    if not mimetype:
        raise ProtocolError(415, f"a POST needs a Content-Type: {DIRECT} or {FORM}")
    raise ProtocolError(415, f"cannot read a query sent as {mimetype}; use {DIRECT} or {FORM}")


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"the request body is not valid UTF-8 (byte {err.start})") from err


def _nonempty(query: str) -> str:
    if not query.strip():
        raise ProtocolError(400, "the query is empty")
    return query


def negotiate(accept: MIMEAccept, offers: Sequence[str], format_param: str | None) -> str:
    """The media type to answer with: ``format=`` wins, else the best Accept match (q-values honoured).

    With no Accept header (or ``*/*``) the first offer is the default. Raises ProtocolError(406) when the
    client accepts none of the offers.
    """
    if format_param:
        name = format_param.strip().lower()
        candidates = FORMAT_NAMES.get(name, (ALIASES.get(name, name),))
        for candidate in candidates:
            if candidate in offers:
                return candidate
        names = sorted(k for k, v in FORMAT_NAMES.items() if set(v) & set(offers))
        raise ProtocolError(406, f"format '{format_param}' is not available for this query; use one of {', '.join(names)}")
    if not accept:
        return offers[0]
    best_quality, best = 0.0, None
    for offer in offers:
        quality = accept.quality(offer)
        for alias, target in ALIASES.items():
            if target == offer:
                quality = max(quality, _exact_quality(accept, alias))
        if quality > best_quality:
            best_quality, best = quality, offer
    if best is None:
        raise ProtocolError(406, "none of the accepted media types can be produced; available: " + ", ".join(offers))
    return best


def _exact_quality(accept: MIMEAccept, media_type: str) -> float:
    """Quality of an explicitly listed type (wildcards excluded, so an alias never outranks a real match)."""
    for value, quality in accept:
        if value.lower() == media_type:
            return quality
    return 0.0


def offers_for(form: str) -> tuple[str, ...]:
    """The media types a query form can be answered in."""
    if form == "SELECT":
        return RESULT_TYPES
    if form == "ASK":
        return BOOLEAN_TYPES
    return GRAPH_TYPES
