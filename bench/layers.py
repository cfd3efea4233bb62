"""Time each layer of tpgraph's query path in one process, per query template (run by run_bench.py).

Layers, innermost first (every figure is a median over distinct query texts, so nothing is cached):

* ``inprocess``  pyoxigraph ``Store.query`` + pyoxigraph's own ``serialize(JSON)``: the floor any server on
                 pyoxigraph could reach.
* ``execute``    tpgraph's ``OxigraphStore.execute(job)``: the same query, rows materialised in Python and
                 written by tpgraph's own JSON writer (``sparql_results.write_select``), row cap applied.
* ``prescan``    the lexical pre-scan alone.
* ``pool``       ``WorkerPool.run(job)``: pickle the job, send it over a Unix socket to a forked worker, which
                 runs ``execute``, pickles the answer and sends it back (the sandbox's cost = pool - execute).
* ``wsgi``       the whole web app called as a WSGI callable, its answer closed as a server would (protocol
                 checks, pre-scan, negotiation, in-flight caps, worker pool, response, access log, metrics); a GET
                 on /sparql is answered past Flask (fastpath.py). No HTTP server and no socket.

The end-to-end HTTP median measured by run_bench.py minus ``wsgi`` is what waitress and the TCP round trip add.
Run it pinned to the same core as the servers; it prints one JSON object (or, with ``--serve``, answers one
template at a time, so run_bench.py can take turns between these timings and the HTTP ones).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import N_BASE, TEMPLATES

JSON = "application/sparql-results+json"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", required=True)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--serve", action="store_true",
                        help="answer 'NAME ITERATIONS WARMUP' lines on stdin with raw samples (used by run_bench.py "
                             "to interleave these timings with the HTTP ones)")
    args = parser.parse_args()

    import pyoxigraph as ox
    from werkzeug.test import EnvironBuilder

    from tpgraph.sparql.prescan import prescan
    from tpgraph.store.sandbox import SandboxedStore, SandboxSettings, WorkerPool
    from tpgraph.serve import configure_logging
    from tpgraph.endpoint.settings import ServerSettings
    from tpgraph.store.embedded import OxigraphStore
    from tpgraph.store.interface import QueryJob
    from tpgraph.endpoint.build_info import BuildInfo
    from tpgraph.web.app import create_app

    dist = Path(args.dist)
    store = OxigraphStore.from_dist(dist)
    raw: ox.Store = store._store  # the same loaded pyoxigraph store
    pool = WorkerPool(store, SandboxSettings(workers=args.workers, timeout=args.timeout, acquire_timeout=1.0))
    pool.start()  # forks before any thread, exactly as `tpgraph serve` does
    settings = ServerSettings(timeout=args.timeout, workers=args.workers, dist=dist, cache_entries=0)
    app = create_app(settings, SandboxedStore(pool), BuildInfo.from_dist(dist))
    configure_logging()  # the access log is written on every request, as in the server (stderr: a file)
    wsgi = app.wsgi_app

    counter = N_BASE + 10_000_000  # far from the numbers the HTTP runs use; any value >= N_BASE is harmless

    def next_text(template) -> str:
        nonlocal counter
        counter += 1
        return template.text(counter)

    def start_response(status, headers, exc_info=None):
        start_response.status = status  # type: ignore[attr-defined]
        return lambda data: None

    def call_wsgi(environ) -> bytes:
        answer = wsgi(environ, start_response)
        body = b"".join(answer)
        if hasattr(answer, "close"):
            answer.close()  # the access-log line is written here, as in the server after the body is sent
        if not start_response.status.startswith("200"):  # type: ignore[attr-defined]
            raise RuntimeError(f"WSGI call answered {start_response.status}: {body[:200]!r}")  # type: ignore[attr-defined]
        return body

    layers = {
        "inprocess": lambda q: raw.query(q, use_default_graph_as_union=True).serialize(
            format=ox.QueryResultsFormat.JSON),
        "execute": lambda q: store.execute(QueryJob(q, JSON)),
        "prescan": lambda q: prescan(q, settings.limits),
        "pool": lambda q: pool.run(QueryJob(q, JSON)),
    }
    def measure(template, iterations: int, warmup: int) -> tuple[dict[str, list[float]], int]:
        """Raw samples (seconds) of every layer for ``iterations`` distinct texts of ``template``."""
        samples: dict[str, list[float]] = {}
        rows = 0
        for layer, call in layers.items():
            kept = samples.setdefault(layer, [])
            for i in range(warmup + iterations):
                text = next_text(template)
                started = time.perf_counter()
                result = call(text)
                elapsed = time.perf_counter() - started
                if i >= warmup:
                    kept.append(elapsed)
                if layer == "pool" and result.status != 200:
                    raise RuntimeError(f"{template.name}: worker answered {result.status}: {result.error}")
                if layer == "execute":  # the native JSON writer does not count rows; count them here
                    rows = result.rows if result.rows is not None else len(json.loads(result.body)["results"]["bindings"])
        kept = samples.setdefault("wsgi", [])
        for i in range(warmup + iterations):
            environ = EnvironBuilder(
                path="/sparql", method="GET", query_string={"query": next_text(template)},
                headers={"Accept": JSON}, environ_base={"REMOTE_ADDR": "127.0.0.1"},
            ).get_environ()
            started = time.perf_counter()
            call_wsgi(environ)
            elapsed = time.perf_counter() - started
            if i >= warmup:
                kept.append(elapsed)
        return samples, rows

    by_name = {t.name: t for t in TEMPLATES}
    try:
        if args.serve:
            # one request per stdin line, "NAME ITERATIONS WARMUP"; one JSON line back (raw samples, seconds)
            print("ready", flush=True)
            for line in sys.stdin:
                parts = line.split()
                if not parts or parts[0] == "quit":
                    break
                samples, rows = measure(by_name[parts[0]], int(parts[1]), int(parts[2]))
                print(json.dumps({"name": parts[0], "samples": samples, "rows": rows}), flush=True)
            return 0
        out: dict[str, dict[str, float]] = {}
        all_rows: dict[str, int] = {}
        for template in TEMPLATES:
            samples, all_rows[template.name] = measure(template, args.iterations, args.warmup)
            out[template.name] = {layer: _median_ms(values) for layer, values in samples.items()}
    finally:
        pool.close()
    json.dump({"layers_ms": out, "rows": all_rows, "iterations": args.iterations, "pid": os.getpid(),
               "affinity": sorted(os.sched_getaffinity(0))}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
