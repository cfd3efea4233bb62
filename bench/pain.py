"""On-demand figure for README's benchmark section: ``GET /api/pain`` with a three-region drawing.

Starts ``tpgraph serve`` on a free loopback port (127.0.0.1) over a built ``dist/`` with the result cache off
(``--no-cache``; ``--cache`` leaves it on), so every request reads the drawing, runs the pain-drawing-zones query and the region-label query
in a worker and ranks in Python. One client sends the same GET over a keep-alive connection; after ``--warmup``
requests, ``--requests`` timed ones give the median and the 99th-percentile latency and requests per second. Not
collected by pytest; traffic goes to loopback only.

    python bench/pain.py [--requests 500] [--dist dist] [--region groin --region knee --region "lower back"]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from live_server import live_server

DRAWING = ("groin", "upper anterior thigh", "lower back")


def measure(url: str, target: str, requests: int, warmup: int) -> dict[str, float]:
    """Median and p99 latency (ms) and requests/s of ``requests`` sequential GETs on one connection."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    rows = 0

    def one() -> float:
        nonlocal rows
        started = time.perf_counter()
        connection.request("GET", target, headers={"Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{target}: HTTP {response.status}: {body[:300]!r}")
        rows = len(json.loads(body))
        return elapsed

    for _ in range(warmup):
        one()
    started = time.perf_counter()
    latencies = sorted(one() for _ in range(requests))
    elapsed = time.perf_counter() - started
    connection.close()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    return {"median_ms": statistics.median(latencies) * 1000, "p99_ms": p99 * 1000,
            "req_per_s": requests / elapsed, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="a built dataset (tpgraph build)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cache", action="store_true", help="leave the result cache on (repeated drawings)")
    parser.add_argument("--region", action="append", help="a drawn region (default: groin, upper anterior thigh, "
                                                          "lower back)")
    args = parser.parse_args()
    regions = args.region or list(DRAWING)
    target = "/api/pain?" + urlencode([("region", r) for r in regions])
    with tempfile.TemporaryDirectory() as folder, \
            live_server(args.dist, Path(folder) / "serve.log", *([] if args.cache else ["--no-cache"]),
                        root=REPO) as server:
        figures = measure(server.url, target, args.requests, args.warmup)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"GET {target}  ({figures['rows']} rows, cache {'on' if args.cache else 'off'}, 1 client, keep-alive)")
    print(f"{args.requests} requests after {args.warmup} warm-up: median {figures['median_ms']:.2f} ms, "
          f"p99 {figures['p99_ms']:.2f} ms, {figures['req_per_s']:.0f} req/s")
    print(f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
