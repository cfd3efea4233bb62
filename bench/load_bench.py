"""Concurrency and large answers: ``tpgraph serve`` at its default settings beside the Oxigraph server.

    python bench/load_bench.py                              # 1, 8, 32, 64 clients; 20 s a cell
    python bench/load_bench.py --clients 1 8 --duration 10 --workloads large
    python bench/load_bench.py --clients 8 --workloads large --rounds 5   # on a shared machine: median of 5

Why (issue 15): at default settings eight clients sending distinct queries got 429s where the Oxigraph server
queues, and answers of 50-450 rows ran at under half its throughput. This measures both, beside it, in one
run: each client is one keep-alive connection from its own loopback address (127.0.0.2, 127.0.0.3, …, as
separate users would be), closed loop, distinct query texts (no cache can answer), and reports throughput,
p50, p99 and every non-200 answer for each number of clients.

Workloads: ``distinct`` cycles through the ten templates of ``bench_queries.TEMPLATES`` (small answers);
``large`` through ``bench_queries.LARGE_TEMPLATES`` (50, 200, 450 and 1,000 rows). tpgraph runs exactly as
``tpgraph serve`` starts it (4 workers, result cache on, every protection on); the Oxigraph server in memory
with ``--union-default-graph``. Servers are pinned to core 1 and the generator to core 0, as in run_bench.py.
Not for CI: on a shared machine the figures are noisy, so say how long and how quiet the run was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
from bench_queries import LARGE_TEMPLATES, N_BASE, TEMPLATES  # noqa: E402
from run_bench import GENERATOR_CORE, HOST, Server, count_rows, free_port  # noqa: E402

WORKLOADS = {"distinct": TEMPLATES, "large": LARGE_TEMPLATES}


def source_addresses(clients: int) -> list[str]:
    """One loopback address per client: 127.0.0.2, 127.0.0.3, … (127.0.1.x after 254)."""
    return [f"127.0.{(k + 2) // 256}.{(k + 2) % 256}" for k in range(clients)]


def oxigraph_binary(given: str | None) -> str:
    found = given or shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        raise SystemExit("no `oxigraph` binary: pip install oxigraph==0.5.13 (the test extra has it), or --oxigraph")
    return found


def start_servers(dist: Path, tmp: Path, oxigraph: str) -> dict[str, Server]:
    tp_port, ox_port = free_port(), free_port()
    servers = {
        "tpgraph": Server("tpgraph", [sys.executable, "-m", "tpgraph.cli", "serve", "--port", str(tp_port),
                                      "--dist", str(dist)], tp_port, "/sparql", "/health", tmp),
        "oxigraph": Server("oxigraph", [oxigraph, "serve", "--bind", f"{HOST}:{ox_port}", "--union-default-graph"],
                           ox_port, "/query", "/", tmp),
    }
    for server in servers.values():
        server.start()
    for server in servers.values():
        server.wait_ready()
    request = urllib.request.Request(f"{servers['oxigraph'].base}/store", data=(dist / "tpgraph.nq").read_bytes(),
                                     method="POST", headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=300) as response:
        assert response.status in (200, 201, 204), response.status
    return servers


def check_rows(servers: dict[str, Server], workload: str) -> dict[str, dict[str, int | None]]:
    """Row counts per template on each server: they must agree, or the comparison means nothing."""
    rows = {}
    for template in WORKLOADS[workload]:
        counts = {name: count_rows(server.query(template.text(N_BASE))[1]) for name, server in servers.items()}
        rows[template.name] = counts
        if len(set(counts.values())) != 1:
            print(f"!! {template.name}: servers disagree on the row count {counts}", flush=True)
    return rows


def cell(server: Server, workload: str, clients: int, duration: float, base: int) -> dict:
    texts = [t.split() for t in WORKLOADS[workload]]
    factory = loadgen.query_factory(HOST, server.port, server.query_path, texts, True, base)
    result = loadgen.run(HOST, server.port, factory, clients, duration, warmup=min(3.0, duration / 5),
                         source_addresses=source_addresses(clients), timeout=60)
    return {"server": server.name, "workload": workload, "clients": clients, "requests": result.completed,
            "rps": round(result.rps, 1), "p50_ms": round(result.percentile(0.5) * 1000, 2),
            "p99_ms": round(result.percentile(0.99) * 1000, 2), "non_200": result.non_200,
            "statuses": {str(k): v for k, v in sorted(result.statuses.items())}, "errors": result.errors,
            "generator_cpu": round(result.generator_cpu, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", help="a built dist/ (default: build one into a temporary folder)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS), default=["distinct", "large"])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per cell")
    parser.add_argument("--rounds", type=int, default=1,
                        help="pairs of cells per setting, in alternating order; the ratio is their median")
    parser.add_argument("--oxigraph", help="the oxigraph binary (default: on PATH or beside this Python)")
    parser.add_argument("--json", help="write the cells here")
    args = parser.parse_args()
    os.sched_setaffinity(0, {GENERATOR_CORE})
    with tempfile.TemporaryDirectory(prefix="tpgraph-load-bench-") as folder:
        tmp = Path(folder)
        dist = Path(args.dist) if args.dist else None
        if dist is None:
            from tpgraph.build.dist import build
            from tpgraph.paths import ProjectPaths

            dist = build(ProjectPaths(HERE.parent), tmp / "dist").out_dir
        servers = start_servers(dist, tmp, oxigraph_binary(args.oxigraph))
        cells, rows = [], {}
        base = N_BASE
        try:
            for workload in args.workloads:
                rows[workload] = check_rows(servers, workload)
                for clients in args.clients:
                    ratios = []
                    for round_ in range(args.rounds):
                        pair = {}
                        # Rounds alternate which server goes first, so a burst of outside load does not always
                        # fall on the same one; the ratio reported is the median of the rounds' ratios.
                        order = ("tpgraph", "oxigraph") if round_ % 2 == 0 else ("oxigraph", "tpgraph")
                        for name in order:
                            base += 10_000_000  # every request of the run is a new text
                            pair[name] = cell(servers[name], workload, clients, args.duration, base)
                            pair[name]["round"] = round_
                            cells.append(pair[name])
                        tp_rps, ox_rps = pair["tpgraph"]["rps"], pair["oxigraph"]["rps"]
                        ratios.append(tp_rps / ox_rps if ox_rps else 0)
                        for name, c in pair.items():
                            print(f"{workload:<9} {clients:>3} clients {name:<9} {c['rps']:>8.1f} req/s  p50 "
                                  f"{c['p50_ms']:>7.2f} ms  p99 {c['p99_ms']:>8.2f} ms  non-200 {c['non_200']} "
                                  f"{c['statuses']} {c['errors'] or ''}", flush=True)
                    print(f"{'':<9} {clients:>3} clients ratio tpgraph/oxigraph {statistics.median(ratios):.2f}x "
                          f"(median of {len(ratios)}: {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)
        finally:
            for server in servers.values():
                server.stop()
    report = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "duration_s": args.duration,
              "rows": rows, "cells": cells}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if any(c["server"] == "tpgraph" and c["non_200"] for c in cells) else 0


if __name__ == "__main__":
    sys.exit(main())
