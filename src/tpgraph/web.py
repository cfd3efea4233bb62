"""The Flask application: the SPARQL 1.1 Protocol endpoint, the query page and the operations routes.

``create_app(settings, store)`` is the only way to get an app; nothing is built at import time. The store is
anything with ``execute(QueryJob) -> QueryAnswer`` (the sandboxed worker pool in production, the in-process
store in fast tests). Every stranger's query passes, in order: body limit, protocol checks, the lexical
pre-scan (SERVICE, LOAD, updates, nesting and size limits), the ETag check, the result cache, the in-flight
caps, and only then a worker with a deadline. A GET identical to one already answered is replayed from the
cache before any of this (``fastpath.py``); the named-query REST API (``api.py``) joins the same path after
binding its parameters.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from tpgraph.api import register_api
from tpgraph.catalogue import NamedQuery, load_catalogue
from tpgraph.fastpath import CACHEABLE, ReplayCachedGets
from tpgraph.metrics import Metrics
from tpgraph.pages import register_pages
from tpgraph.paths import default_paths
from tpgraph.namespaces import QUERY_PREFIXES
from tpgraph.parameters import ParameterError, bind
from tpgraph.prescan import QueryRefused, prescan
from tpgraph.protocol import GRAPH_TYPES, RESULT_TYPES, ProtocolError, negotiate, offers_for, parse_request
from tpgraph.sandbox import Busy
from tpgraph.service_description import service_description
from tpgraph.settings import ServerSettings
from tpgraph.store import QueryAnswer, QueryJob, Store
from tpgraph.vocab import vocabulary_html

access_log = logging.getLogger("tpgraph.access")
slow_log = logging.getLogger("tpgraph.slow")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Tpgraph-Row-Cap, Tpgraph-Truncated, Retry-After",
}


@dataclass(frozen=True)
class BuildInfo:
    """What the served build is: its id (also the ETag) and size, and its VoID description."""

    build_id: str
    quads: int
    void_turtle: bytes

    @classmethod
    def from_dist(cls, dist: Path | None) -> BuildInfo:
        if dist is None or not (dist / "build.json").is_file():
            return cls("unbuilt", 0, b"")
        info = json.loads((dist / "build.json").read_text(encoding="utf-8"))
        void = (dist / "void.ttl").read_bytes() if (dist / "void.ttl").is_file() else b""
        return cls(info["build_id"], int(info["quads"]), void)


class ResultCache:
    """A small LRU of answers keyed by request; the data never change while the process lives."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            answer = self._items.get(key)
            if answer is not None:
                self._items.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: QueryAnswer) -> None:
        if answer.status == 200:
            self.put_raw(key, answer, len(answer.body))

    def put_raw(self, key: tuple, value: Any, size: int) -> None:
        """Keep ``value`` (an answer, or a whole response for the replay path) unless it is too big."""
        if self.entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


class InFlight:
    """Global and per-client caps on queries being evaluated at once."""

    def __init__(self, total: int, per_client: int):
        self.total, self.per_client = total, per_client
        self._now = 0
        self._clients: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, client: str) -> str | None:
        """Admit a query, or say why not (to answer 429)."""
        with self._lock:
            if self._clients.get(client, 0) >= self.per_client:
                return f"you already have {self.per_client} queries running; wait for one to finish"
            if self._now >= self.total:
                return "the server is answering as many queries as it can; try again shortly"
            self._now += 1
            self._clients[client] = self._clients.get(client, 0) + 1
            return None

    def leave(self, client: str) -> None:
        with self._lock:
            self._now -= 1
            left = self._clients.get(client, 1) - 1
            if left:
                self._clients[client] = left
            else:
                self._clients.pop(client, None)


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    response.headers.update(CORS_HEADERS)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def create_app(settings: ServerSettings, store: Any, build: BuildInfo | None = None,
               lookup: Store | None = None) -> Flask:
    """The tpgraph web application over ``store`` (see the module docstring).

    ``lookup`` is an in-process store for resolving named-query parameters (our own fixed queries, so they need
    no sandbox); by default ``store`` itself when it can answer them.
    """
    app = Flask("tpgraph")
    app.config["MAX_CONTENT_LENGTH"] = settings.body_limit
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies, x_prefix=settings.trusted_proxies,
        )
    build = build or BuildInfo.from_dist(settings.dist)
    cache = ResultCache(settings.cache_entries, settings.cache_max_bytes)
    in_flight = InFlight(settings.in_flight_cap, settings.per_client_in_flight)
    metrics = Metrics()
    catalogue = load_catalogue(settings.queries)
    if lookup is None and hasattr(store, "select"):
        lookup = store
    examples = [_with_defaults(q, lookup) for q in catalogue]
    app.extensions["tpgraph"] = {"store": store, "metrics": metrics, "cache": cache, "build": build}

    # One ETag per (build, media type), computed once rather than hashed on every request.
    etags = {
        media: hashlib.sha256(f"{build.build_id}|{media}".encode()).hexdigest()[:32]
        for media in RESULT_TYPES + GRAPH_TYPES
    }

    def answer_response(answer: QueryAnswer, etag: str | None) -> Response:
        if answer.status != 200:
            return _text(answer.status, answer.error or "the query failed")
        response = Response(answer.body, status=200, content_type=answer.media_type)
        response.headers.update(CORS_HEADERS)
        response.headers["Vary"] = "Accept"
        response.headers["Tpgraph-Row-Cap"] = str(settings.row_cap)
        if answer.truncated:
            response.headers["Tpgraph-Truncated"] = "true"
            response.headers["Warning"] = (
                f'199 tpgraph "results truncated to the first {settings.row_cap} rows; page with LIMIT and OFFSET"'
            )
        if etag:
            response.set_etag(etag)
            response.headers["Cache-Control"] = "public, max-age=300"
        return response

    def evaluate(job: QueryJob) -> Response:
        """Answer a checked query: ETag match, result cache, in-flight caps, then a worker with a deadline."""
        etag = etags[job.media_type] if request.method in ("GET", "HEAD") else None
        if etag and etag in request.if_none_match:
            response = answer_response(QueryAnswer(200, b"", job.media_type), etag)
            response.status_code = 304
            response.set_data(b"")
            return response
        key = (job.query, job.media_type, job.default_graphs, job.named_graphs)
        cached = cache.get(key)
        if cached is not None:
            request.environ["tpgraph.outcome"] = "cached"
            request.environ[CACHEABLE] = True
            metrics.cache_hits.inc()
            return answer_response(cached, etag)
        client = request.remote_addr or "unknown"
        refusal = in_flight.enter(client)
        if refusal:
            request.environ["tpgraph.outcome"] = "throttled"
            return _text(429, refusal, {"Retry-After": "1"})
        started = time.perf_counter()
        try:
            answer = store.execute(job)
        except Busy:
            request.environ["tpgraph.outcome"] = "throttled"
            return _text(503, "every query worker is busy; try again shortly", {"Retry-After": "1"})
        finally:
            in_flight.leave(client)
        query_ms = (time.perf_counter() - started) * 1000
        request.environ["tpgraph.query_ms"] = round(query_ms, 3)
        if answer.status == 503 and "time limit" in (answer.error or ""):
            request.environ["tpgraph.outcome"] = "timeout"
        elif answer.status == 503:
            request.environ["tpgraph.outcome"] = "worker-died"
        elif answer.status >= 400:
            request.environ["tpgraph.outcome"] = "failed"
        if query_ms >= settings.slow_query_ms:
            slow_log.warning(json.dumps({"ms": round(query_ms, 3), "status": answer.status, "query": job.query}))
        cache.put(key, answer)
        request.environ[CACHEABLE] = answer.status == 200
        return answer_response(answer, etag)

    @app.before_request
    def start_timer() -> None:
        request.environ["tpgraph.start"] = time.perf_counter()

    def record(environ: dict[str, Any], status: int, seconds: float, outcome: str, route: str = "sparql") -> None:
        """Count the request in /metrics and write its access-log line."""
        metrics.observe(route, status, seconds, outcome)
        access_log.info(json.dumps({
            "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"), "status": status,
            "ms": round(seconds * 1000, 3), "query_ms": environ.get("tpgraph.query_ms"),
            "outcome": outcome, "client": environ.get("REMOTE_ADDR"),
        }, sort_keys=True))

    @app.after_request
    def log_request(response: Response) -> Response:
        started = request.environ.get("tpgraph.start", time.perf_counter())
        outcome = request.environ.get("tpgraph.outcome", "ok" if response.status_code < 400 else "error")
        record(request.environ, response.status_code, time.perf_counter() - started, outcome,
               request.endpoint or "none")
        return response

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        messages = {413: f"the request is larger than the {settings.body_limit} byte limit"}
        return _text(err.code or 500, messages.get(err.code or 0, err.description or err.name))

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Response:
        logging.getLogger("tpgraph.web").exception("unhandled error on %s", request.path)
        return _text(500, "internal server error; the incident has been logged")

    @app.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
    def sparql() -> Response:
        if request.method == "OPTIONS":
            return _text(204, "", {
                "Allow": "GET, HEAD, POST, OPTIONS",
                "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept, If-None-Match",
                "Access-Control-Max-Age": "86400",
            })
        try:
            parsed = parse_request(request)
        except ProtocolError as err:
            request.environ["tpgraph.outcome"] = "refused"
            headers = {"Allow": "GET, HEAD, POST, OPTIONS"} if err.status == 405 else None
            return _text(err.status, err.message, headers)
        if parsed is None:
            return describe_service()
        if len(parsed.query.encode("utf-8")) > settings.body_limit:
            return _text(413, f"the query is larger than the {settings.body_limit} byte limit")
        try:
            scan = prescan(parsed.query, settings.limits)
        except QueryRefused as err:
            request.environ["tpgraph.outcome"] = "refused"
            return _text(err.status, err.message)
        try:
            media_type = negotiate(request.accept_mimetypes, offers_for(scan.form), request.values.get("format"))
        except ProtocolError as err:
            return _text(err.status, err.message)
        job = QueryJob(parsed.query, media_type, parsed.default_graphs, parsed.named_graphs, settings.row_cap,
                       scan.dataset_clause)
        return evaluate(job)

    def describe_service() -> Response:
        """RDF to clients that accept it (``*/*`` included), the query page to browsers that prefer HTML."""
        rdf = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
        if not request.args.get("format") and request.accept_mimetypes.best_match(rdf + ("text/html",)) == "text/html":
            return index()
        try:
            media_type = negotiate(request.accept_mimetypes, rdf, request.args.get("format"))
        except ProtocolError as err:
            return _text(err.status, err.message)
        body = service_description(url_for("sparql", _external=True), build, media_type)
        response = Response(body, content_type=media_type)
        response.headers.update(CORS_HEADERS)
        response.headers["Vary"] = "Accept"
        return response

    @app.get("/")
    def index() -> Response:
        html = render_template("index.html", examples=examples, endpoint=url_for("sparql"),
                               build_id=build.build_id, row_cap=settings.row_cap, timeout=settings.timeout,
                               prefixes=QUERY_PREFIXES)
        return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})

    @app.get("/health")
    def health() -> Response:
        body = {"status": "ok", "build_id": build.build_id, "triples": build.quads,
                "workers_idle": getattr(getattr(store, "pool", None), "idle", None)}
        return Response(json.dumps(body) + "\n", content_type="application/json")

    @app.get("/void")
    def void() -> Response:
        if not build.void_turtle:
            return _text(404, "this server has no VoID description (no build was loaded)")
        response = Response(build.void_turtle, content_type="text/turtle; charset=utf-8")
        response.headers.update(CORS_HEADERS)
        response.set_etag(build.build_id)
        return response

    @app.get("/metrics")
    def prometheus() -> Response:
        pool = getattr(store, "pool", None)
        if pool is not None:
            metrics.workers_idle.set(pool.idle)
            metrics.workers_killed.set(pool.killed)
            metrics.workers_crashed.set(pool.crashed)
        body, content_type = metrics.render()
        return Response(body, content_type=content_type)

    register_api(app, catalogue, lookup, build.build_id, evaluate, _text, settings.row_cap)
    ontology = settings.ontology or default_paths().ontology
    register_pages(app, catalogue, lookup, ontology, settings.dist,
                   functools.cache(lambda: vocabulary_html(ontology)), _text)

    def record_replay(environ: dict[str, Any], status: int, seconds: float, outcome: str) -> None:
        metrics.cache_hits.inc()
        record(environ, status, seconds, outcome, "replay")

    app.wsgi_app = ReplayCachedGets(app.wsgi_app, cache, record_replay)  # type: ignore[method-assign]
    return app


def _with_defaults(query: NamedQuery, lookup: Store | None) -> NamedQuery:
    """The query as the page offers it: its parameters bound to their defaults, ready to run or edit."""
    if not query.parameters or lookup is None:
        return query
    try:
        return replace(query, text=bind(lookup, query, {}))
    except ParameterError:
        return query
