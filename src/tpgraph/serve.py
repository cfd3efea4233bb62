"""``tpgraph serve``: load the build (and any ``--with`` files), fork the query workers, serve with waitress.

waitress is a production WSGI server from PyPI that runs in one process with a thread pool. That fits the
sandbox: the worker zygote is forked once, before any thread exists, and every thread hands queries to the
workers (see sandbox.py). A pre-forking server such as gunicorn would fork the loaded store into each of its
own workers and multiply the worker pools.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tpgraph.web import http_server
from tpgraph.build.dist import build
from tpgraph.store.external import ExternalGraph
from tpgraph.paths import ProjectPaths
from tpgraph.store.sandbox import SandboxedStore, SandboxSettings, WorkerPool
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.endpoint.build_info import BuildInfo
from tpgraph.web.app import create_app


def configure_logging() -> None:
    """Structured request and slow-query logs as JSON lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('{"time": "%(asctime)s", "log": "%(name)s", "event": %(message)s}'))
    for name in ("tpgraph.access", "tpgraph.slow"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def served_build(info: BuildInfo, external: Sequence[ExternalGraph]) -> BuildInfo:
    """The build as served. With external graphs its id (the ETag) also names the files loaded (graph, size,
    modification time), so a client never revalidates an answer computed without them, or with another release;
    its triple count includes theirs."""
    if not external:
        return info
    stamp = "\n".join(f"{g.graph} {g.file_bytes} {g.modified_ns} {g.triples}" for g in external)
    digest = hashlib.sha256(stamp.encode("utf-8")).hexdigest()[:12]
    triples = info.quads + sum(g.triples for g in external)
    return replace(info, build_id=f"{info.build_id}+{digest}", quads=triples)


def serve_remote(settings: ServerSettings, store_url: str) -> None:
    """Serve with every query evaluated by the SPARQL server at ``store_url`` (credentials from the
    environment): no worker pool is forked, since nothing is evaluated here, but every check in front of the
    evaluation stays. ``settings.workers`` caps the queries in flight to the store.

    Raises RemoteStoreError (UnionDefaultGraphError) before anything is served when the store does not answer,
    holds no tpgraph data, or does not use the union of its named graphs as default graph.
    """
    from tpgraph.store.remote import RemoteStore

    store = RemoteStore.from_environment(store_url, timeout=settings.timeout)
    store.check_union_default_graph()
    store.own_graphs()  # read once, before the threads start
    info = BuildInfo.from_dist(settings.dist)
    app = create_app(settings, store, info, lookup=store)
    configure_logging()
    print(json.dumps({"serving": f"http://{settings.host}:{settings.port}/", "build_id": info.build_id,
                      "store": store_url, "timeout_s": settings.timeout}), flush=True)
    try:
        http_server.run(app, settings.host, settings.port, settings.http_threads)
    finally:
        store.close()


def serve(settings: ServerSettings, paths: ProjectPaths, rebuild: bool = False,
          external: Sequence[Path] = ()) -> None:
    """Serve until interrupted; ``external`` RDF files are loaded, each into a graph of its own, before the
    workers fork.

    Raises ExternalDataError before anything is started when an external file cannot be loaded.
    """
    dist = settings.dist or paths.dist
    if rebuild:
        result = build(paths, dist)
        print(f"rebuilt {dist} (build id {result.build_id})", flush=True)
    store = OxigraphStore.from_dist(dist)
    # Before pool.start(): the zygote forks the store as it is then, so workers see only what is loaded by then.
    loaded = store.add_external(external, sys.stderr)
    pool = WorkerPool(store, SandboxSettings(workers=settings.workers, timeout=settings.timeout,
                                             memory_limit_mb=settings.worker_memory_mb, acquire_timeout=1.0))
    pool.start()  # forks the worker zygote: must happen before waitress starts its threads
    try:
        info = served_build(BuildInfo.from_dist(dist), loaded)
        app = create_app(settings, SandboxedStore(pool), info, lookup=store)
        configure_logging()
        started = {"serving": f"http://{settings.host}:{settings.port}/", "build_id": info.build_id,
                   "workers": settings.workers, "timeout_s": settings.timeout}
        if loaded:
            started["external_graphs"] = {g.graph: g.triples for g in loaded}
        print(json.dumps(started), flush=True)
        http_server.run(app, settings.host, settings.port, settings.http_threads)
    finally:
        pool.close()
