"""Answering a SPARQL protocol request, from the parsed request to the reply's status, headers and body.

This is the one implementation of ``/sparql`` (and of the named-query API's evaluation): the Flask view and
the WSGI path for plain GETs (``fastpath.py``) both call it and only differ in how they hand the ``Reply`` to
the HTTP server. It holds no Flask objects, so a GET can be answered without Flask's request context, routing
and response objects, which cost more than a small query itself (measured in bench/).

Every stranger's query passes, in order: the query size limit, the lexical pre-scan (SERVICE, LOAD, updates,
nesting and size limits), content negotiation, the ETag check, the result cache, admission (the in-flight caps
and the bounded wait queue, ``admission.py``), and only then the store (the sandboxed worker pool in
production) with its deadline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.wrappers import Request

from tpgraph.endpoint.admission import Admission, Refused
from tpgraph.endpoint.metrics import Metrics
from tpgraph.sparql.prescan import QueryRefused, prescan
from tpgraph.endpoint.protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    ProtocolError,
    negotiate,
    offers_for,
    parse_request,
)
from tpgraph.store.interface import Busy
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.interface import QueryAnswer, QueryJob

slow_log = logging.getLogger("tpgraph.slow")

CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Tpgraph-Row-Cap, Tpgraph-Truncated, Retry-After"),
)

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Reply:
    """A whole HTTP answer, plus what the access log and the replay cache need to know about it."""

    status: int
    headers: Headers
    body: bytes
    outcome: str | None = None  # None: "ok" or "error" by status
    query_ms: float | None = None
    cacheable: bool = False  # an identical request may be answered with these very bytes


def text_reply(status: int, message: str, extra: Collection[tuple[str, str]] = (),
               outcome: str | None = None) -> Reply:
    """A plain-text answer (every error, and 204s): the reason in words, never a traceback."""
    body = (message.rstrip("\n") + "\n").encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
               *CORS_HEADERS, *extra]
    return Reply(status, headers, body, outcome)


class ResultCache:
    """A small LRU of answers keyed by request; the data never change while the process lives.

    Bounded in entries, in the size of one entry and in total bytes: distinct queries with large answers would
    otherwise fill every entry with up to ``max_bytes`` each (two copies per request, the answer and the
    replayed response) and the server's memory would grow to gigabytes (found by bench/soak.py).
    """

    def __init__(self, entries: int, max_bytes: int, total_bytes: int = 64 * 1024 * 1024):
        self.entries, self.max_bytes, self.total_bytes = entries, max_bytes, total_bytes
        self._items: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: tuple, answer: QueryAnswer) -> None:
        if answer.status == 200:
            self.put_raw(key, answer, len(answer.body))

    def put_raw(self, key: tuple, value: Any, size: int) -> None:
        """Keep ``value`` (an answer, or a whole response for the replay path) unless it is too big."""
        if self.entries <= 0 or size > self.max_bytes or size > self.total_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.entries or self._bytes > self.total_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    @property
    def bytes(self) -> int:
        return self._bytes


class QueryService:
    """Checks, caches, throttles and evaluates protocol requests over ``store`` (see the module docstring)."""

    def __init__(self, settings: ServerSettings, store: Any, build_id: str, cache: ResultCache,
                 metrics: Metrics):
        self.settings = settings
        self.store = store
        self.cache = cache
        self.metrics = metrics
        self.admission = Admission(settings.in_flight_cap, settings.per_client_in_flight,
                                   settings.per_client_queries, settings.queue_length, settings.admission_wait)
        metrics.watch_admission(self.admission)
        # One ETag per (build, media type), computed once rather than hashed on every request.
        self.etags = {
            media: hashlib.sha256(f"{build_id}|{media}".encode()).hexdigest()[:32]
            for media in RESULT_TYPES + GRAPH_TYPES
        }
        self._answer_headers = [*CORS_HEADERS, ("Vary", "Accept"), ("Tpgraph-Row-Cap", str(settings.row_cap))]
        self._truncated_headers = [
            ("Tpgraph-Truncated", "true"),
            ("Warning", f'199 tpgraph "results truncated to the first {settings.row_cap} rows; '
                        'page with LIMIT and OFFSET"'),
        ]

    def handle(self, request: Request) -> Reply | None:
        """The reply to a GET, HEAD or POST on ``/sparql``; None for a bare GET (the service description).

        ``request`` is any werkzeug request (Flask's, or one made from the WSGI environ by the fast path).
        """
        try:
            parsed = parse_request(request)
        except ProtocolError as err:
            extra = [("Allow", "GET, HEAD, POST, OPTIONS")] if err.status == 405 else []
            return text_reply(err.status, err.message, extra, "refused")
        if parsed is None:
            return None
        limit = self.settings.body_limit
        if len(parsed.query.encode("utf-8")) > limit:
            return text_reply(413, f"the query is larger than the {limit} byte limit")
        try:
            scan = prescan(parsed.query, self.settings.limits)
        except QueryRefused as err:
            return text_reply(err.status, err.message, outcome="refused")
        try:
            media_type = negotiate(request.accept_mimetypes, offers_for(scan.form), request.values.get("format"))
        except ProtocolError as err:
            return text_reply(err.status, err.message)
        job = QueryJob(parsed.query, media_type, parsed.default_graphs, parsed.named_graphs,
                       self.settings.row_cap, scan.dataset_clause)
        return self.evaluate(job, request.method, request.if_none_match, request.remote_addr or "unknown")

    def evaluate(self, job: QueryJob, method: str, if_none_match: Collection[str], client: str) -> Reply:
        """Answer a checked query: ETag match, result cache, admission, then the store with a deadline."""
        etag = self.etags[job.media_type] if method in ("GET", "HEAD") else None
        if etag and etag in if_none_match:
            return Reply(304, self._ok_headers(QueryAnswer(200, b"", job.media_type), etag), b"")
        key = (job.query, job.media_type, job.default_graphs, job.named_graphs, job.row_cap)
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.cache_hits.inc()
            return Reply(200, self._ok_headers(cached, etag), cached.body, "cached", cacheable=True)
        try:
            waited = self.admission.enter(client)
        except Refused as refused:
            self.metrics.queue_refused.labels(refused.reason).inc()
            return text_reply(refused.status, refused.message, [("Retry-After", "1")], "throttled")
        self.metrics.queue_wait.observe(waited)
        started = time.perf_counter()
        if waited > 0:  # one deadline from arrival: the wait is taken off the time the query may run
            job = replace(job, time_limit=self.settings.timeout - waited)
        try:
            answer = self.store.execute(job)
        except Busy:
            return text_reply(503, "every query worker is busy; try again shortly", [("Retry-After", "1")],
                              "throttled")
        finally:
            self.admission.leave(client)
        query_ms = round((time.perf_counter() - started) * 1000, 3)
        if query_ms >= self.settings.slow_query_ms:
            slow_log.warning(json.dumps({"ms": query_ms, "status": answer.status, "query": job.query}))
        if answer.status != 200:
            error = answer.error or "the query failed"
            if waited > 0 and _failure(answer) == "timeout":
                error += f" (it first waited {waited:.1f} s for a worker: the {self.settings.timeout:g} s deadline " \
                         "counts from the query's arrival)"
            failed = text_reply(answer.status, error, outcome=_failure(answer))
            return replace(failed, query_ms=query_ms)
        self.cache.put(key, answer)
        return Reply(200, self._ok_headers(answer, etag), answer.body, None, query_ms, cacheable=True)

    def _ok_headers(self, answer: QueryAnswer, etag: str | None) -> Headers:
        headers = [("Content-Type", answer.media_type), ("Content-Length", str(len(answer.body))),
                   *self._answer_headers]
        if answer.truncated:
            headers += self._truncated_headers
        if etag:
            headers += [("ETag", f'"{etag}"'), ("Cache-Control", "public, max-age=300")]
        return headers


def _failure(answer: QueryAnswer) -> str:
    """The access log's outcome for a failed evaluation."""
    if answer.status == 503 and "time limit" in (answer.error or ""):
        return "timeout"
    if answer.status == 503:
        return "worker-died"
    return "failed"
