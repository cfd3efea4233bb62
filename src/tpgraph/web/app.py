"""The Flask application: the SPARQL 1.1 Protocol endpoint, the query page and the operations routes.

``create_app(settings, store)`` is the only way to get an app; nothing is built at import time. The store is
anything with ``execute(QueryJob) -> QueryAnswer`` (the sandboxed worker pool in production, the in-process
store in fast tests). What happens to a query is ``query_service.py``; this module is the Flask side of it
and every other route. A GET identical to one already answered is replayed from the cache, and any other GET
on ``/sparql`` is answered by the query service without entering Flask (``fastpath.py``); the named-query
REST API (``api.py``) joins the same evaluation after binding its parameters. The other route families are
blueprints made by factories that take what they serve as arguments (``api``, ``pain``, ``pages``,
``releases``); the operations routes below stay on the app.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from tpgraph.web.api import api_blueprint
from tpgraph.catalogue.named_queries import NamedQuery, load_catalogue
from tpgraph.web.fastpath import AnswerSparqlGets, ReplayCachedGets
from tpgraph.endpoint.build_info import BuildInfo, WatchState
from tpgraph.endpoint.metrics import Metrics
from tpgraph.web.page_routes import pages_blueprint
from tpgraph.web.pages import PageQueryFailed, RecordPages, ServiceReader
from tpgraph.web.pain import pain_blueprint
from tpgraph.web.responses import respond, text
from tpgraph.model.namespaces import QUERY_PREFIXES
from tpgraph.catalogue.parameters import bind
from tpgraph.sparql.values import ParameterError
from tpgraph.endpoint.protocol import ProtocolError, negotiate
from tpgraph.endpoint.query_service import CORS_HEADERS, QueryService, ResultCache
from tpgraph.web.release_files import releases_blueprint
from tpgraph.endpoint.service_description import service_description
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.interface import QueryJob, Store
from tpgraph.web.vocabulary_page import vocabulary_html

access_log = logging.getLogger("tpgraph.access")


def create_app(settings: ServerSettings, store: Any, build: BuildInfo | None = None,
               lookup: Store | None = None, watch: WatchState | None = None) -> Flask:
    """The tpgraph web application over ``store`` (see the module docstring).

    ``lookup`` is an in-process store for resolving named-query parameters (our own fixed queries, so they need
    no sandbox); by default ``store`` itself when it can answer them. ``watch`` (``serve --watch``) says whether
    the sources on disk failed to rebuild: every HTML page then shows what to fix, and ``/health`` says it too.
    """
    app = Flask("tpgraph", root_path=str(Path(__file__).parent))  # templates/ and static/ live beside this module
    app.config["MAX_CONTENT_LENGTH"] = settings.body_limit
    build = build or BuildInfo.from_dist(settings.dist)
    cache = ResultCache(settings.cache_entries, settings.cache_max_bytes, settings.cache_total_bytes)
    metrics = Metrics()
    service = QueryService(settings, store, build.build_id, cache, metrics)
    catalogue = load_catalogue(settings.queries)
    if lookup is None and hasattr(store, "select"):
        lookup = store
    examples = [_with_defaults(q, lookup) for q in catalogue]
    app.extensions["tpgraph"] = {"store": store, "metrics": metrics, "cache": cache, "build": build}

    def evaluate(job: QueryJob) -> Response:
        """A named query, bound and checked by the API, evaluated like any query on /sparql."""
        return respond(service.evaluate(job, request.method, request.if_none_match, request.remote_addr or "unknown"))

    @app.context_processor
    def build_problem() -> dict[str, Any]:
        return {"build_problem": watch.problem if watch is not None else None}

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
               route_label(request.endpoint))
        return response

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        messages = {413: f"the request is larger than the {settings.body_limit} byte limit"}
        return text(err.code or 500, messages.get(err.code or 0, err.description or err.name))

    @app.errorhandler(PageQueryFailed)
    def page_query_failed(err: PageQueryFailed) -> Response:
        """A page's query was refused like any query (busy, throttled, timed out): its reply, as /sparql's."""
        return respond(err.reply)

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Response:
        logging.getLogger("tpgraph.web").exception("unhandled error on %s", request.path)
        return text(500, "internal server error; the incident has been logged")

    @app.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
    def sparql() -> Response:
        if request.method == "OPTIONS":
            return text(204, "", {
                "Allow": "GET, HEAD, POST, OPTIONS",
                "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept, If-None-Match",
                "Access-Control-Max-Age": "86400",
            })
        reply = service.handle(request)
        return describe_service() if reply is None else respond(reply)

    def describe_service() -> Response:
        """RDF to clients that accept it (``*/*`` included), the query page to browsers that prefer HTML."""
        rdf = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
        if not request.args.get("format") and request.accept_mimetypes.best_match(rdf + ("text/html",)) == "text/html":
            return index()
        try:
            media_type = negotiate(request.accept_mimetypes, rdf, request.args.get("format"))
        except ProtocolError as err:
            return text(err.status, err.message)
        body = service_description(url_for("sparql", _external=True), build, media_type)
        return Response(body, content_type=media_type, headers=[*CORS_HEADERS, ("Vary", "Accept")])

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
        if watch is not None:
            body["watch"] = watch.as_json()
        return Response(json.dumps(body) + "\n", content_type="application/json")

    @app.get("/void")
    def void() -> Response:
        if not build.void_turtle:
            return text(404, "this server has no VoID description (no build was loaded)")
        response = Response(build.void_turtle, content_type="text/turtle; charset=utf-8", headers=CORS_HEADERS)
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

    ontology = settings.ontology
    reader = ServiceReader(service)
    app.register_blueprint(api_blueprint(catalogue, lookup, build.build_id, evaluate, settings.row_cap))
    app.register_blueprint(pain_blueprint(catalogue, reader, lookup))
    app.register_blueprint(pages_blueprint(RecordPages(catalogue, reader, lookup), ontology, settings.dist,
                                           functools.cache(lambda: vocabulary_html(ontology) if ontology else "")))
    app.register_blueprint(releases_blueprint(settings.releases))

    def record_replay(environ: dict[str, Any], status: int, seconds: float, outcome: str) -> None:
        metrics.cache_hits.inc()
        record(environ, status, seconds, outcome, "replay")

    # Innermost first: GETs on /sparql past Flask, the proxy's headers applied before either sees the request,
    # and identical GETs replayed before anything else.
    wsgi: Any = AnswerSparqlGets(app.wsgi_app, service, record)
    if settings.trusted_proxies:
        wsgi = ProxyFix(wsgi, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
                        x_host=settings.trusted_proxies, x_prefix=settings.trusted_proxies)
    app.wsgi_app = ReplayCachedGets(wsgi, cache, record_replay)  # type: ignore[method-assign]
    return app


def route_label(endpoint: str | None) -> str:
    """A route's label in ``/metrics``: its view's name without the blueprint (``api.api_query`` → ``api_query``),
    so the labels a dashboard reads did not change when the routes became blueprints."""
    return (endpoint or "none").rpartition(".")[2]


def _with_defaults(query: NamedQuery, lookup: Store | None) -> NamedQuery:
    """The query as the page offers it: its parameters bound to their defaults, ready to run or edit."""
    if not query.parameters or lookup is None:
        return query
    try:
        return replace(query, text=bind(lookup, query, {}))
    except ParameterError:
        return query
