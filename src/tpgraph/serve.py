"""``tpgraph serve``: load the built dataset, fork the query workers, and serve the app with waitress.

waitress is a production WSGI server from PyPI that runs in one process with a thread pool. That fits the
sandbox: the worker zygote is forked once, before any thread exists, and every thread hands queries to the
workers (see sandbox.py). A pre-forking server such as gunicorn would fork the loaded store into each of its
own workers and multiply the worker pools.
"""

from __future__ import annotations

import json
import logging
import sys

from tpgraph.build import build
from tpgraph.paths import ProjectPaths
from tpgraph.sandbox import SandboxedStore, SandboxSettings, WorkerPool
from tpgraph.settings import ServerSettings
from tpgraph.store import OxigraphStore
from tpgraph.web import BuildInfo, create_app


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


def serve(settings: ServerSettings, paths: ProjectPaths, rebuild: bool = False) -> None:
    """Serve until interrupted."""
    from waitress import serve as waitress_serve

    dist = settings.dist or paths.dist
    if rebuild:
        result = build(paths, dist)
        print(f"rebuilt {dist} (build id {result.build_id})", flush=True)
    store = OxigraphStore.from_dist(dist)
    pool = WorkerPool(store, SandboxSettings(workers=settings.workers, timeout=settings.timeout,
                                             memory_limit_mb=settings.worker_memory_mb, acquire_timeout=1.0))
    pool.start()  # forks the worker zygote: must happen before waitress starts its threads
    try:
        info = BuildInfo.from_dist(dist)
        app = create_app(settings, SandboxedStore(pool), info, lookup=store)
        configure_logging()
        print(json.dumps({"serving": f"http://{settings.host}:{settings.port}/", "build_id": info.build_id,
                          "workers": settings.workers, "timeout_s": settings.timeout}), flush=True)
        # channel_timeout bounds how long an idle or stalled connection is held (waitress waits forever for the
        # body of a body-less request that sent 'Expect: 100-continue'; see fuzz/RESULTS.md).
        waitress_serve(app, host=settings.host, port=settings.port, threads=settings.threads, ident="tpgraph",
                       channel_timeout=30, _quiet=True)
    finally:
        pool.close()
