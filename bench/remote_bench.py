"""On-demand figure for README's Deployment section: one named query through ``tpgraph serve`` on the embedded
store, and through ``tpgraph serve --store`` on an Oxigraph server and on Virtuoso open source.

Each configuration is started fresh on loopback ports (the servers from tests/triple_stores.py, pushed with
``tpgraph.store.push``), the result cache is off (``--no-cache``) so every request is evaluated, and one client sends
the same GET over a keep-alive connection, twice: ``/api/<query>`` (parameter lookups included: on a remote store each
is a round trip of its own) and ``/sparql`` with the query already bound (one round trip). After a warm-up,
``--requests`` timed requests give the median and 95th-percentile latency and requests per second. Not
collected by pytest.

    python bench/remote_bench.py [--requests 300] [--query muscles-by-root-and-region]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from live_server import live_server
from triple_stores import (
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    oxigraph_server,
    virtuoso_server,
)

from tpgraph.store.push import push
from tpgraph.store.remote import RemoteStore

PARAMETERS = {"muscles-by-root-and-region": {"root": "L2", "region": "groin"}}


def measure(url: str, target: str, requests: int) -> dict[str, float]:
    """Median and p95 latency (ms) and requests/s of ``requests`` sequential GETs on one connection."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    latencies = []

    def one() -> float:
        started = time.perf_counter()
        connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}{target}: HTTP {response.status}: {body[:300]!r}")
        return time.perf_counter() - started

    for _ in range(20):
        one()
    started = time.perf_counter()
    for _ in range(requests):
        latencies.append(one())
    elapsed = time.perf_counter() - started
    connection.close()
    latencies.sort()
    return {"median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
            "req_per_s": requests / elapsed}


@contextlib.contextmanager
def tpgraph(dist: Path, folder: Path, *extra: str) -> Iterator[str]:
    with live_server(dist, folder / "serve.log", "--no-cache", *extra) as server:
        yield server.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--query", default="muscles-by-root-and-region")
    parser.add_argument("--dist", default=str(REPO / "dist"))
    args = parser.parse_args()
    dist = Path(args.dist)
    api = f"/api/{args.query}?" + urlencode(PARAMETERS.get(args.query, {}))
    sparql = "/sparql?" + urlencode({"query": bound_query(dist, args.query)})
    results: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="tpgraph-remote-bench-") as tmp:
        folder = Path(tmp)

        def both(name: str, url: str) -> None:
            results[(name, f"/api/{args.query}")] = measure(url, api, args.requests)
            results[(name, "/sparql, parameters bound")] = measure(url, sparql, args.requests)

        with tpgraph(dist, folder) as url:
            both("embedded store (tpgraph serve)", url)
        with oxigraph_server(folder / "oxigraph") as ox:
            push(RemoteStore(ox.query_url, ox.gsp_url), dist)
            with tpgraph(dist, folder, "--store", ox.query_url) as url:
                both("Oxigraph server 0.5.13 (tpgraph serve --store)", url)
        with virtuoso_server(folder / "virtuoso") as vt:
            push(RemoteStore(vt.query_url, vt.gsp_url, credentials=(VIRTUOSO_USER, VIRTUOSO_PASSWORD)), dist)
            with tpgraph(dist, folder, "--store", vt.query_url) as url:
                both("Virtuoso 7.2.5 (tpgraph serve --store)", url)
    print(f"{args.query} {PARAMETERS.get(args.query, {})}: 1 client, keep-alive GETs, cache off, "
          f"{args.requests} requests after 20 warm-up; {os.cpu_count()} cores")
    print("| store | request | median latency (ms) | p95 (ms) | req/s |")
    print("|---|---|---:|---:|---:|")
    for (name, request), figures in results.items():
        print(f"| {name} | {request} | {figures['median_ms']:.2f} | {figures['p95_ms']:.2f} | "
              f"{figures['req_per_s']:.0f} |")


def bound_query(dist: Path, name: str) -> str:
    """The named query's text with its parameters bound (what /api runs after its lookups)."""
    from tpgraph.catalogue.named_queries import find, load_catalogue
    from tpgraph.catalogue.parameters import bind
    from tpgraph.store.embedded import OxigraphStore

    store = OxigraphStore.from_dist(dist)
    return bind(store, find(load_catalogue(REPO / "queries"), name), PARAMETERS.get(name, {}))


if __name__ == "__main__":
    main()
