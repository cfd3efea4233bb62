"""Answer GETs on /sparql without entering Flask: replayed from the cache, or straight from the query service.

Flask's request context, routing, hooks and response objects cost more than a small query itself (measured in
bench/), and a GET with ``?query=`` is most of an endpoint's traffic. Two WSGI middlewares sit in front of the
Flask app; every other request (POST, HEAD, OPTIONS, a bare GET, every other path) reaches Flask unchanged.

``ReplayCachedGets``: a GET whose path, query string and Accept header are exactly those of an earlier
successful answer gets that answer's bytes and headers again: the data never change while the process lives,
and a request that differs in any of these goes the whole way (protocol checks, pre-scan, negotiation, cache
by parsed query, worker). Conditional requests (If-None-Match) and every other method also take the full path.

``AnswerSparqlGets``: any other GET on ``/sparql`` with a query is answered by ``QueryService.handle``, the
same code the Flask view calls, so both paths give the same status, headers and body (tested); the request
is logged and counted as on the Flask path, but only once the server has sent the body (WSGI ``close``), so
the log line is not part of the client's wait. Conditional GETs go to Flask, which writes the 304.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request
from werkzeug.wsgi import ClosingIterator

from tpgraph.endpoint.query_service import QueryService, Reply, text_reply

CACHEABLE = "tpgraph.cacheable"
"""Environ key the application sets when its answer to this exact request may be replayed."""

Recorder = Callable[[dict[str, Any], int, float, str], None]
"""Counts a request in /metrics and writes its access-log line: (environ, status, seconds, outcome)."""


def note_reply(environ: dict[str, Any], reply: Reply) -> None:
    """Note on the request what the access log and the replay path need to know about its reply."""
    if reply.outcome:
        environ["tpgraph.outcome"] = reply.outcome
    if reply.query_ms is not None:
        environ["tpgraph.query_ms"] = reply.query_ms
    if reply.cacheable:
        environ[CACHEABLE] = True


STATUS_LINES = {code: f"{code} {reason.upper()}" for code, reason in HTTP_STATUS_CODES.items()}
"""Status lines as werkzeug writes them, so both paths send the same bytes."""


class ReplayCachedGets:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable, cache: Any, record: Recorder):
        self.app = app
        self.cache = cache
        self.record = record

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_IF_NONE_MATCH" in environ or self.cache.entries <= 0:
            return self.app(environ, start_response)
        key = ("replay", environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))
        hit = self.cache.get(key)
        if hit is not None:
            started = time.perf_counter()
            status, headers, body = hit
            start_response(status, headers)
            self.record(environ, int(status[:3]), time.perf_counter() - started, "cached")
            return [body]
        captured: list = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured[:] = [status, list(headers)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if not environ.get(CACHEABLE) or not captured or not captured[0].startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.cache.put_raw(key, (captured[0], captured[1], body), len(body))
        return [body]


class AnswerSparqlGets:
    """WSGI middleware that answers a GET on /sparql with the query service (see the module docstring)."""

    def __init__(self, app: Callable, service: QueryService, record: Recorder):
        self.app = app
        self.service = service
        self.record = record

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql"
                or "HTTP_IF_NONE_MATCH" in environ):
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            reply = self.service.handle(Request(environ))
        except Exception:  # noqa: BLE001 - as Flask's error handler: log it, answer 500 in words
            logging.getLogger("tpgraph.web").exception("unhandled error on %s", environ.get("PATH_INFO"))
            reply = text_reply(500, "internal server error; the incident has been logged")
        if reply is None:  # a bare GET: the service description or the query page, rendered by Flask
            return self.app(environ, start_response)
        note_reply(environ, reply)
        seconds = time.perf_counter() - started
        outcome = reply.outcome or ("ok" if reply.status < 400 else "error")
        start_response(STATUS_LINES.get(reply.status, str(reply.status)), reply.headers)
        # Logged and counted when the server closes the answer, after its body is on the wire.
        return ClosingIterator([reply.body], lambda: self.record(environ, reply.status, seconds, outcome))
