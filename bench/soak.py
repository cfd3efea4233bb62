"""A soak run: mixed load on one ``tpgraph serve`` for many minutes, with the server's memory and file
descriptors sampled along the way (on demand, never in CI).

    python bench/soak.py --minutes 30              # the intended length
    python bench/soak.py --minutes 5 --clients 8   # a short run

Why: a leak (memory in the server or a worker, descriptors of replaced workers or closed connections) shows
only over time, and only under the mix a public server gets. The mix, each client its own loopback address
(127.0.0.2, …) and one keep-alive connection: named queries through /api, record pages, body maps and /pain,
distinct SPARQL (a new text each time), repeated SPARQL (the cache), and now and then a hostile query (one
that runs into the time limit, one that blows the worker's memory cap). Every ``--interval`` seconds it
samples the resident memory (RSS) of the server and of each worker process, the open descriptors of each, the
requests and statuses since the last sample, and p50/p99 latency; it prints the curve and writes it as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_queries import LARGE_TEMPLATES, N_BASE, TEMPLATES  # noqa: E402
from run_bench import free_port  # noqa: E402

HOSTILE = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a",  # runs into the time limit
    "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a",  # outgrows a worker's memory cap, or the time limit
)
NAMED = ("/api/muscle-roots?muscle=psoas", "/api/muscles-by-root-and-region?root=L2&region=groin",
         "/api/muscle-card?muscle=iliacus", "/api/differential-diagnoses?muscle=psoas%20major",
         "/api/muscles-referring-to-region?region=lower%20back")
PAGES = ("/id/muscle/psoas-major", "/id/muscle/iliacus", "/id/region/groin", "/id/muscle/psoas-major/map.svg",
         "/pain?region=groin", "/pain?region=thigh&region=lower%20back", "/id/muscle/psoas%20major",
         "/graph/muscle/psoas-major", "/id/muscle/no-such-muscle", "/health", "/api", "/openapi.json")
MIX = (("named", 20), ("page", 20), ("distinct", 35), ("large", 8), ("repeated", 15), ("hostile", 2))


def target(rng: random.Random, kind: str, counter: int) -> str:
    if kind == "named":
        return rng.choice(NAMED)
    if kind == "page":
        return rng.choice(PAGES)
    if kind == "hostile":
        text = rng.choice(HOSTILE)
    elif kind == "repeated":
        text = rng.choice(TEMPLATES).text(N_BASE)
    else:
        text = rng.choice(TEMPLATES if kind == "distinct" else LARGE_TEMPLATES).text(N_BASE + counter)
    return "/sparql?query=" + urllib.parse.quote(text, safe="")


class Load:
    """Closed-loop clients; counts statuses and latencies per sampling window."""

    def __init__(self, port: int, clients: int, seed: int):
        self.port, self.clients, self.seed = port, clients, seed
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.counter = 0
        self.stop = threading.Event()

    def take(self) -> tuple[Counter[str], Counter[str], list[float]]:
        with self.lock:
            taken = self.statuses, self.kinds, self.latencies
            self.statuses, self.kinds, self.latencies = Counter(), Counter(), []
        return taken

    def client(self, k: int) -> None:
        rng = random.Random(self.seed * 1000 + k)
        source = f"127.0.{(k + 2) // 256}.{(k + 2) % 256}"
        conn = None
        kinds, weights = zip(*MIX)
        while not self.stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            with self.lock:
                self.counter += 1
                n = self.counter
            path = target(rng, kind, n)
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                                      source_address=(source, 0))
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json" if "/sparql" in path
                                                   or "/api/" in path else "text/html"})
                response = conn.getresponse()
                response.read()
                status = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as err:
                status = type(err).__name__
                if conn is not None:
                    conn.close()
                conn = None
            with self.lock:
                self.statuses[f"{kind}:{status}"] += 1
                self.kinds[kind] += 1
                self.latencies.append(time.perf_counter() - started)


def process_group(pid: int) -> list[int]:
    """The server and every process it forked (same process group: the zygote and the workers)."""
    pgid = os.getpgid(pid)
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    pids.append(int(entry))
            except ProcessLookupError:
                continue
    return sorted(pids)


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--dist", help="a built dist/ (default: build one into a temporary folder)")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--json", help="write the samples here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpgraph-soak-") as folder:
        tmp = Path(folder)
        if args.dist:
            dist = Path(args.dist)
        else:
            from tpgraph.build.dist import build
            from tpgraph.paths import ProjectPaths

            dist = build(ProjectPaths(REPO), tmp / "dist").out_dir
        port = free_port()
        log = tmp / "server.log"
        with open(log, "wb") as out:
            server = subprocess.Popen([sys.executable, "-m", "tpgraph.cli", "serve", "--port", str(port),
                                       "--dist", str(dist)], stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True, cwd=REPO)
        try:
            return soak(args, server, port, log)
        finally:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)


def soak(args: argparse.Namespace, server: subprocess.Popen, port: int, log: Path) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start; see {log}") from None
            time.sleep(0.2)
    load = Load(port, args.clients, args.seed)
    threads = [threading.Thread(target=load.client, args=(k,), daemon=True) for k in range(args.clients)]
    for thread in threads:
        thread.start()
    samples = []
    started = time.monotonic()
    end = started + args.minutes * 60
    totals: Counter[str] = Counter()
    print(f"{'min':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} {'server MB':>9} {'workers MB':>24} "
          f"{'server fds':>10} {'worker fds':>12}  non-200", flush=True)
    while time.monotonic() < end and server.poll() is None:
        time.sleep(min(args.interval, max(0.0, end - time.monotonic())))
        statuses, kinds, latencies = load.take()
        totals.update(statuses)
        pids = process_group(server.pid)
        children = [p for p in pids if p != server.pid]
        sample = {
            "minute": round((time.monotonic() - started) / 60, 2),
            "rps": round(len(latencies) / args.interval, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1), "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "server_rss_mb": rss_mb(server.pid), "children_rss_mb": [rss_mb(p) for p in children],
            "server_fds": fds(server.pid), "children_fds": [fds(p) for p in children],
            "non_200": {k: v for k, v in statuses.items() if not k.endswith(":200")}, "kinds": dict(kinds),
        }
        samples.append(sample)
        print(f"{sample['minute']:>5} {sample['rps']:>7} {sample['p50_ms']:>7} {sample['p99_ms']:>8} "
              f"{sample['server_rss_mb']:>9} {str(sample['children_rss_mb']):>24} {sample['server_fds']:>10} "
              f"{str(sample['children_fds']):>12}  {sample['non_200']}", flush=True)
    load.stop.set()
    for thread in threads:
        thread.join(70)
    alive = server.poll() is None
    text = log.read_text(errors="replace")
    report = {"minutes": args.minutes, "clients": args.clients, "alive": alive, "samples": samples,
              "totals": dict(sorted(totals.items())), "tracebacks": text.count("Traceback")}
    print(json.dumps({"alive": alive, "tracebacks": report["tracebacks"], "totals": report["totals"]}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
