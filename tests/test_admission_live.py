"""The admission queue over real HTTP (waitress, forked workers): concurrent well-behaved clients, each from
its own loopback address, and one address with four threads, all get 200 and no 429 (issue 15)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

from live_server import live_server

pytestmark = [pytest.mark.slow]

QUERY = "SELECT ?s ?l WHERE {{ ?s rdfs:label ?l FILTER(STRLEN(?l) < {n}) }} LIMIT 50"


def client(port: int, source: str, first: int, count: int, statuses: Counter, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        for n in range(first, first + count):
            path = "/sparql?query=" + urllib.parse.quote(QUERY.format(n=1_000_000 + n), safe="")
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
            with lock:
                statuses[response.status] += 1
    finally:
        conn.close()


def run_clients(port: int, sources: list[str], count: int) -> Counter:
    statuses: Counter = Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=client, args=(port, source, k * 1000, count, statuses, lock))
               for k, source in enumerate(sources)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def test_clients_beyond_the_workers_queue_instead_of_429(built, tmp_path: Path) -> None:
    with live_server(built.out_dir, tmp_path / "server.log", "--workers", "2", "--no-cache") as server:
        port = int(server.url.rsplit(":", 1)[1])
        sixteen = run_clients(port, [f"127.0.0.{k + 2}" for k in range(16)], 10)
        assert sixteen == Counter({200: 160})
        one_address = run_clients(port, ["127.0.0.2"] * 4, 10)
        assert one_address == Counter({200: 40})
        with server.get("/metrics") as response:
            metrics = response.read().decode()
        assert "tpgraph_queue_refused_total{" not in metrics  # nothing refused, for any reason
        assert "tpgraph_queue_wait_seconds_count 200.0" in metrics
