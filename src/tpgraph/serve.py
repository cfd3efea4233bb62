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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tpgraph.web import http_server
from tpgraph.build.dist import build
from tpgraph.store.external import ExternalGraph
from tpgraph.paths import ProjectPaths
from tpgraph.store.sandbox import SandboxedStore, SandboxSettings, WorkerPool
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.endpoint.build_info import BuildInfo, WatchState
from tpgraph.watch import (BuildFailed, SourcePoller, Watcher, needs_build, rebuild_in_child, report_problem,
                           watched_folders)
from tpgraph.web.app import create_app
from tpgraph.web.swap import AppSwitch

watch_log = logging.getLogger("tpgraph.watch")


def configure_logging() -> None:
    """Structured request and slow-query logs as JSON lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('{"time": "%(asctime)s", "log": "%(name)s", "event": %(message)s}'))
    for name in ("tpgraph.access", "tpgraph.slow", "tpgraph.watch"):
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


@dataclass
class Embedded:
    """One loaded build as served: its app, its worker pool (closed when the build is swapped out) and its id."""

    app: Any
    pool: WorkerPool
    info: BuildInfo
    external: list[ExternalGraph]


def start_embedded(settings: ServerSettings, dist: Path, external: Sequence[Path],
                   watch: WatchState | None = None, running: bool = False) -> Embedded:
    """Load ``dist`` (and the ``external`` files), fork its worker zygote and make its app.

    At start-up this runs before any thread exists. Under ``--watch`` a rebuilt dist is loaded by the watcher
    thread while the server runs: the zygote is then forked from a threaded process, which is safe here because
    the forked child touches only the store just loaded by this thread (no other thread holds its locks) and
    Python re-initialises its own locks after a fork; ``running`` makes the zygote close the sockets it
    inherits from the running server.
    """
    store = OxigraphStore.from_dist(dist)
    # Before pool.start(): the zygote forks the store as it is then, so workers see only what is loaded by then.
    loaded = store.add_external(external, sys.stderr)
    pool = WorkerPool(store, SandboxSettings(workers=settings.workers, timeout=settings.timeout,
                                             memory_limit_mb=settings.worker_memory_mb, acquire_timeout=1.0,
                                             close_inherited_fds=running))
    pool.start()
    try:
        info = served_build(BuildInfo.from_dist(dist), loaded)
        app = create_app(settings, SandboxedStore(pool), info, lookup=store, watch=watch)
    except BaseException:
        pool.close()
        raise
    return Embedded(app, pool, info, loaded)


def serve(settings: ServerSettings, paths: ProjectPaths, rebuild: bool = False,
          external: Sequence[Path] = (), watch: bool = False) -> None:
    """Serve until interrupted; ``external`` RDF files are loaded, each into a graph of its own, before the
    workers fork. With ``watch``, edits to the sources are rebuilt and swapped in (``tpgraph.watch``).

    Raises ExternalDataError before anything is started when an external file cannot be loaded, and BuildFailed
    when ``watch`` finds no build to serve and the sources do not build.
    """
    dist = settings.dist or paths.dist
    if rebuild:
        result = build(paths, dist)
        print(f"rebuilt {dist} (build id {result.build_id})", flush=True)
    if watch:
        serve_watching(settings, paths, dist, external, force=rebuild)
        return
    served = start_embedded(settings, dist, external)  # forks the zygote: before waitress starts its threads
    try:
        _announce(settings, served)
        http_server.run(served.app, settings.host, settings.port, settings.http_threads)
    finally:
        served.pool.close()


def _announce(settings: ServerSettings, served: Embedded, **extra: object) -> None:
    configure_logging()
    started = {"serving": f"http://{settings.host}:{settings.port}/", "build_id": served.info.build_id,
               "workers": settings.workers, "timeout_s": settings.timeout, **extra}
    if served.external:
        started["external_graphs"] = {g.graph: g.triples for g in served.external}
    print(json.dumps(started), flush=True)


def serve_watching(settings: ServerSettings, paths: ProjectPaths, dist: Path, external: Sequence[Path],
                   force: bool = False) -> None:
    """``serve --watch``: build first when ``dist`` is missing or older than the sources, serve, and swap in
    every good rebuild; a bad one leaves the last good build served and says what to fix (page, /health, log).
    """
    state = WatchState()
    poller = SourcePoller(watched_folders(paths))  # the baseline before the first build: no edit is missed
    configure_logging()
    if not force and needs_build(dist, poller):
        outcome = rebuild_in_child(paths.root, dist)
        if not outcome.ok:
            if not (dist / "build.json").is_file():
                raise BuildFailed(outcome.message)
            report_problem(state, outcome.message, BuildInfo.from_dist(dist).build_id)
    served = start_embedded(settings, dist, external, state)
    switch = AppSwitch(served.app)
    current = [served]
    drain_seconds = settings.timeout + settings.queue_wait + 5.0

    def swap_in() -> str:
        new = start_embedded(settings, dist, external, state, running=True)
        drained = switch.swap(new.app)
        old, current[0] = current[0], new
        if not drained(drain_seconds):
            watch_log.warning(json.dumps({"watch": "drain-timeout", "build_id": old.info.build_id,
                                          "seconds": drain_seconds}))
        old.pool.close()
        return new.info.build_id

    watcher = Watcher(poller, lambda: rebuild_in_child(paths.root, dist), swap_in, state,
                      lambda: current[0].info.build_id, paths.root)
    watcher.start()
    try:
        _announce(settings, served, watching=[str(f) for f in watched_folders(paths)])
        http_server.run(switch, settings.host, settings.port, settings.http_threads)
    finally:
        watcher.close()
        current[0].pool.close()
