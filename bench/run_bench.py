"""tpgraph SPARQL endpoint benchmark against Oxigraph server and rdflib-endpoint, on the same data.

Run on demand (never in CI):   python bench/run_bench.py
See bench/README.md for what it measures and how; it writes bench/results.md and bench/results.json.

Steps: build the dataset once; install the peer servers in their own virtualenv (first run only); start
tpgraph twice (cache off, cache on), Oxigraph server and rdflib-endpoint, all pinned to core 1, on loopback;
check that every template returns the same number of rows everywhere; then drive them from core 0 with a
closed-loop load generator at 1 and 8 clients for fixed durations; time the layers of tpgraph's query path
in-process; optionally sample the server with py-spy; print a table and write the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import loadgen
from bench_queries import BY_NAME, N_BASE, PROBES, REPEATED, TEMPLATES

PEERS = ("oxigraph==0.5.13", "rdflib-endpoint[cli]==0.6.3", "py-spy==0.4.3")
"""Pinned peer packages. oxigraph 0.5.13 is the same engine version as tpgraph's pyoxigraph."""

SERVER_CORE, GENERATOR_CORE = 1, 0
HOST = "127.0.0.1"
CLIENT_SOURCES = [f"127.0.0.{11 + k}" for k in range(32)]
"""One loopback source address per simulated client (see loadgen.py)."""

TARGETS = {
    "distinct_vs_oxigraph": 0.5,
    "repeated_vs_oxigraph": 1.0,
    "vs_rdflib": 20.0,
    "added_ms": 1.0,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def warn_loudly(message: str) -> None:
    bar = "!" * 100
    print(f"\n{bar}\n!!! WARNING: {message}\n{bar}\n", flush=True)


# -- machine and CPU accounting ------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


_CLK = os.sysconf("SC_CLK_TCK")


def _cores_busy() -> float:
    """CPU-seconds spent not idle, all cores together, since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = stat.readline().split()[1:]
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    steal = values[7] if len(values) > 7 else 0
    return (sum(values[:8]) - idle - steal) / _CLK


def _tree_cpu(root: int) -> float:
    """CPU-seconds used by ``root`` and its live descendants (this benchmark, its servers and workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                data = stat.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        pid = int(entry)
        parents[pid] = int(rest[1])
        # utime, stime, cutime, cstime: children already reaped count through their parent
        times[pid] = sum(int(x) for x in rest[11:15]) / _CLK
    total = 0.0
    for pid, cpu in times.items():
        p = pid
        while p > 1:
            if p == root:
                total += cpu
                break
            p = parents.get(p, 0)
    return total


@dataclass
class CpuWindow:
    """Measures, over a window, how much CPU *other* users of the machine took (noise in the figures)."""

    busy0: float = 0.0
    ours0: float = 0.0
    t0: float = 0.0

    def start(self) -> CpuWindow:
        self.busy0, self.ours0, self.t0 = _cores_busy(), _tree_cpu(os.getpid()), time.monotonic()
        return self

    def foreign(self) -> float:
        """Cores' worth of CPU used by processes that are not this benchmark's, since ``start``."""
        elapsed = time.monotonic() - self.t0
        if elapsed <= 0:
            return 0.0
        other = (_cores_busy() - self.busy0) - (_tree_cpu(os.getpid()) - self.ours0)
        return max(0.0, other / elapsed)


def wait_for_quiet(limit: float, threshold: float = 0.15) -> float:
    """Wait (up to ``limit`` s) until other processes use less than ``threshold`` of a core; return it."""
    deadline = time.monotonic() + limit
    while True:
        window = CpuWindow().start()
        time.sleep(1.0)
        foreign = window.foreign()
        if foreign < threshold or time.monotonic() >= deadline:
            return foreign


# -- peers ---------------------------------------------------------------------------------------------------


def default_peers_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "tpgraph-bench" / "peers-venv"


def ensure_peers(venv: Path, skip_install: bool) -> None:
    ok = all((venv / "bin" / name).exists() for name in ("oxigraph", "rdflib-endpoint", "py-spy"))
    if ok or skip_install:
        if not ok:
            raise SystemExit(f"peer servers missing from {venv}; run without --skip-install")
        return
    log(f"installing the peer servers into {venv}: {' '.join(PEERS)}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PEERS], check=True)


def venv_versions(venv: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in "
            "['oxigraph', 'rdflib-endpoint', 'rdflib', 'fastapi', 'uvicorn', 'py-spy']}))")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def local_versions() -> dict[str, str]:
    versions = {}
    for name in ("tpgraph", "pyoxigraph", "waitress", "flask", "werkzeug", "rdflib", "prometheus-client"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# -- servers -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _pin_to_server_core() -> None:
    """preexec_fn of every server: pin it to the servers' core; let SIGINT stop it even if we ignore it."""
    os.sched_setaffinity(0, {SERVER_CORE})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def http_get(url: str, accept: str = "application/sparql-results+json", timeout: float = 120.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    query_path: str
    ready_path: str
    workdir: Path
    proc: subprocess.Popen | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        out = open(self.workdir / f"{self.name}.out", "wb")  # noqa: SIM115 - lives as long as the server
        err = open(self.workdir / f"{self.name}.err", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(self.command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                     preexec_fn=_pin_to_server_core, start_new_session=True,  # noqa: PLW1509 - no threads here
                                     cwd=self.workdir)

    def wait_ready(self, limit: float = 180.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.workdir}/{self.name}.err")
            try:
                status, _ = http_get(self.base + self.ready_path, timeout=5)
                if status == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not become ready in {limit:.0f} s")

    def query(self, text: str) -> tuple[int, bytes]:
        return http_get(f"{self.base}{self.query_path}?query={urllib.parse.quote(text, safe='')}")

    def stop(self) -> None:
        """Stop the server and everything it forked: its own process group, by id (start_new_session)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid
        for sig, wait in ((signal.SIGINT, 5.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # forked workers in the same group that outlived the leader
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -- measurement cells ---------------------------------------------------------------------------------------


@dataclass
class Cell:
    workload: str  # distinct | repeated | ceiling | template:<name> | extra
    server: str
    clients: int
    rps: float
    p50_ms: float
    p99_ms: float
    completed: int
    seconds: float
    statuses: dict[int, int]
    errors: dict[str, int]
    non_200: int
    generator_cpu: float
    foreign_cpu: float
    quiet_before: float
    note: str = ""

    @classmethod
    def from_run(cls, workload: str, server: str, result: loadgen.RunResult, foreign: float, quiet: float,
                 note: str = "") -> Cell:
        return cls(workload, server, result.clients, result.rps, result.percentile(0.5) * 1000,
                   result.percentile(0.99) * 1000, result.completed, result.seconds, dict(result.statuses),
                   dict(result.errors), result.non_200, result.generator_cpu, foreign, quiet, note)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cells: list[Cell] = []
        self.request_base = N_BASE

    def measure(self, workload: str, server: Server, factory: loadgen.RequestFactory, clients: int,
                duration: float, warmup: float, sources: list[str] | None = None, note: str = "",
                max_requests: int = 2_000_000, label: str | None = None, min_requests: int = 0) -> Cell:
        """One cell: one server, one uninterrupted window."""
        return self.interleaved(workload, [(server, lambda: factory, label)], clients, duration, warmup, 1,
                                sources, note, max_requests, min_requests)[0]

    def interleaved(self, workload: str, entries: list[tuple[Server, Callable[[], loadgen.RequestFactory],
                                                              str | None]],
                    clients: int, duration: float, warmup: float, rounds: int, sources: list[str] | None = None,
                    note: str = "", max_requests: int = 2_000_000, min_requests: int | None = None,
                    after_round: Callable[[int], None] | None = None) -> list[Cell]:
        """One cell per server, measured in ``rounds`` slices that take turns between the servers.

        The machine is shared with other work whose load comes and goes; taking turns spreads that noise over
        every server alike instead of letting it fall on whichever server ran at the time. The first slice of
        each server has the full warm-up, later ones a short one (new connections). Figures pool the slices.
        """
        merged: list[loadgen.RunResult] = [loadgen.RunResult(clients=clients, seconds=0.0) for _ in entries]
        foreign = [0.0 for _ in entries]
        quiet = [0.0 for _ in entries]
        addresses = CLIENT_SOURCES[:clients] if sources is None else sources
        for round_index in range(rounds):
            for k, (server, make_factory, _) in enumerate(entries):
                q = wait_for_quiet(self.args.quiet_wait) if self.args.quiet_wait > 0 else float("nan")
                quiet[k] = max(quiet[k], q)
                window = CpuWindow().start()
                result = loadgen.run(HOST, server.port, make_factory(), clients, duration / rounds,
                                     warmup if round_index == 0 else min(warmup, 0.5),
                                     max_requests=max(1, max_requests // rounds), source_addresses=addresses,
                                     min_requests=max(5, 2 * clients) if min_requests is None else min_requests)
                foreign[k] += window.foreign() * result.seconds
                total = merged[k]
                total.seconds += result.seconds
                total.latencies.extend(result.latencies)
                total.cpu_seconds += result.cpu_seconds
                total.bytes_received += result.bytes_received
                for status, n in result.statuses.items():
                    total.statuses[status] = total.statuses.get(status, 0) + n
                for error, n in result.errors.items():
                    total.errors[error] = total.errors.get(error, 0) + n
            if after_round is not None:
                after_round(round_index)
        cells = []
        for k, (server, _, label) in enumerate(entries):
            total = merged[k]
            cell = Cell.from_run(workload, label or server.name, total,
                                 foreign[k] / total.seconds if total.seconds else 0.0, quiet[k], note)
            self.cells.append(cell)
            cells.append(cell)
            flag = "" if cell.non_200 == 0 else f"  NON-200: {cell.statuses} {cell.errors}"
            log(f"{workload:>26} {cell.server:>18} c={clients}: {cell.rps:9.1f} req/s  p50 {cell.p50_ms:8.3f} ms  "
                f"p99 {cell.p99_ms:8.3f} ms  n={cell.completed}  gen-cpu {cell.generator_cpu:4.0%}  "
                f"other-cpu {cell.foreign_cpu:4.2f}{flag}")
        return cells

    def query_factory(self, server: Server, names: list[str], distinct: bool) -> loadgen.RequestFactory:
        texts = [BY_NAME[n].split() for n in names]
        # every distinct run starts its numbers where the previous one stopped: no text is ever sent twice
        base = self.request_base if distinct else N_BASE
        self.request_base += 10_000_000
        return loadgen.query_factory(HOST, server.port, server.query_path, texts, distinct, base)


# -- correctness ---------------------------------------------------------------------------------------------


def count_rows(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if "boolean" in data:
        return 1
    return len(data.get("results", {}).get("bindings", []))


def check_correctness(servers: list[Server]) -> tuple[dict[str, dict[str, object]], list[str]]:
    table: dict[str, dict[str, object]] = {}
    problems: list[str] = []
    count_quads = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    checks = [("(all quads)", count_quads)] + [(t.name, t.text(N_BASE)) for t in TEMPLATES]
    checks += [(f"probe: {name}", text) for name, text in PROBES.items()]
    for name, text in checks:
        row: dict[str, object] = {}
        for server in servers:
            status, body = server.query(text)
            if status != 200:
                row[server.name] = f"HTTP {status}"
                problems.append(f"{name}: {server.name} answered HTTP {status}: {body[:200]!r}")
                continue
            if name == "(all quads)":
                data = json.loads(body)
                row[server.name] = int(data["results"]["bindings"][0]["n"]["value"])
            else:
                row[server.name] = count_rows(body)
        values = set(row.values())
        if len(values) != 1:
            problems.append(f"{name}: row counts differ: {row}")
        table[name] = row
    return table, problems


# -- py-spy --------------------------------------------------------------------------------------------------


_WAITING_LEAVES = ("Condition.wait (", "Connection._recv (", "Connection._send (", "select (selectors",
                   "poll (waitress", "wait (threading", "_PollLikeSelector.select (", "Connection._poll (",
                   "_physical_pull (", "_answer_ready (")
"""Leaf frames of a thread blocked, or preempted, in a system call. py-spy's idle detection does not work on
this machine, and on one core a send() to the other process is where the sender is preempted while the
receiver runs; these samples are wall time, not this thread's CPU, so they are dropped."""

_GENERIC_FRAMES = ("(threading.py)", "<frozen runpy>", "(tpgraph/cli.py)", "(tpgraph/serve.py)",
                   "(waitress/__init__.py)", "WorkerPool.start (", "_zygote_main (", "_worker_main (")
"""Frames every sample of a role shares (thread bootstrap, start-up): not worth listing."""

_ROLES = {1: "server process (waitress + web app)", 2: "zygote", 3: "query workers"}

_BUCKETS = {
    "server process (waitress + web app)": (
        ("worker round trip, CPU part (WorkerPool.run: pickle, unpickle)", ("WorkerPool.run (",), ()),
        ("access log + metrics (web.record)", ("log_request (", "<lambda> (tpgraph/fastpath.py)"), ()),
        ("lexical pre-scan (prescan.py)", ("prescan (tpgraph/prescan.py)",), ()),
        ("query service: protocol, negotiation, cache, caps, reply (QueryService.handle)",
         ("QueryService.handle (",), ()),
        ("Flask/Werkzeug request and response machinery (requests Flask handles)", ("Flask.wsgi_app (",), ()),
        ("WSGI path past Flask (fastpath.py)", ("tpgraph/fastpath.py",), ()),
        ("waitress: HTTP parsing, task dispatch, socket I/O", ("waitress/",), ()),
    ),
    "query workers": (
        ("IPC in the worker (unpickle the job, pickle the answer)", ("_ConnectionBase.send (",
                                                                    "_ConnectionBase.recv ("), ()),
        ("tpgraph JSON writer (sparql_results.write_select)", ("write_select (",), ()),
        ("iterating the solutions: pyoxigraph evaluates lazily here, rows become tuples (_answer)",
         ("OxigraphStore._answer.<locals>.<genexpr> (", "OxigraphStore._answer (",), ()),
        ("Store.query: parse, plan, start evaluation (OxigraphStore.execute)", ("OxigraphStore.execute (",), ()),
    ),
}


def summarise_pyspy(raw_path: Path, top: int = 20) -> dict[str, object]:
    """Per process role: busy samples, a split into layers, top inclusive and self frames.

    Reads py-spy's collapsed stacks (``--format raw``, ``--subprocesses``). Samples whose leaf is a blocking
    call are dropped, so the shares are of CPU-busy samples.
    """
    import re

    roles: dict[str, dict] = {}
    for line in raw_path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        depth = sum(1 for f in frames if f.startswith("process "))
        frames = [re.sub(r":\d+\)$", ")", f) for f in frames if not f.startswith("process ")]
        if not frames or any(w in frames[-1] for w in _WAITING_LEAVES):
            continue
        role = roles.setdefault(_ROLES.get(depth, f"process depth {depth}"),
                                {"samples": 0, "inclusive": defaultdict(int), "leaf": defaultdict(int),
                                 "buckets": defaultdict(int)})
        role["samples"] += count
        for frame in set(frames):
            role["inclusive"][frame] += count
        role["leaf"][frames[-1]] += count
        joined = ";".join(frames)
        for bucket, needles, _ in _BUCKETS.get(_ROLES.get(depth, ""), ()):
            if any(n in joined for n in needles):
                role["buckets"][bucket] += count
                break
        else:
            role["buckets"]["other"] += count
    out: dict[str, object] = {}
    for name, role in roles.items():
        total = role["samples"]
        inclusive = [(k, v / total) for k, v in sorted(role["inclusive"].items(), key=lambda kv: -kv[1])
                     if not any(g in k for g in _GENERIC_FRAMES)][:top]
        out[name] = {
            "samples": total,
            "buckets": [(k, v / total) for k, v in sorted(role["buckets"].items(), key=lambda kv: -kv[1])],
            "inclusive": inclusive,
            "leaf": [(k, v / total) for k, v in sorted(role["leaf"].items(), key=lambda kv: -kv[1])][:12],
        }
    return out


# -- report --------------------------------------------------------------------------------------------------


def fmt_counts(counts: dict) -> str:
    """``{429: 4009, 200: 206}`` (keys may be strings after a trip through JSON) as ``429: 4009, 200: 206``."""
    return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "-"


def fmt_rps(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def write_report(path: Path, data: dict) -> str:
    cells = [Cell(**c) for c in data["cells"]]
    by = {(c.workload, c.server, c.clients): c for c in cells}
    lines: list[str] = []
    add = lines.append
    add("# tpgraph endpoint benchmark: results")
    add("")
    add(f"Run {data['started']} - {data['finished']} (UTC). Generated by `bench/run_bench.py`; see "
        "`bench/README.md` for the method.")
    add("")
    add("Reproduce:")
    add("")
    add("```")
    add(data["command"])
    add("```")
    add("")
    add("## Machine")
    add("")
    m = data["machine"]
    add(f"- CPU: {m['cpu']}, {m['cores']} cores (this process may use {m['affinity']}); memory {m['memory']}")
    add(f"- OS: {m['os']}; Python {m['python']} ({m['python_impl']})")
    add(f"- pinning: servers (and their forked workers) on core {SERVER_CORE}; load generator and py-spy on core "
        f"{GENERATOR_CORE}; the in-process timings on core {SERVER_CORE}")
    add("- tpgraph side: " + ", ".join(f"{k} {v}" for k, v in m["local"].items()))
    add("- peers (own virtualenv): " + ", ".join(f"{k} {v}" for k, v in m["peers"].items()))
    add(f"- dataset: `tpgraph build --out {data['dist_hint']}`: {data['build']}")
    add("")
    add("Servers, all on 127.0.0.1:")
    add("")
    for name, command in data["servers"].items():
        add(f"- **{name}**: `{command}`")
    add("")
    add(f"Each cell: {data['duration']:g} s measured (closed loop, no think time; at most 2,000,000 requests), in "
        f"{data['rounds']} slices that take turns between the servers compared (so that load from other "
        f"processes falls on all of them alike); {data['warmup']:g} s warm-up before a server's first slice, "
        f"0.5 s before the others. Per-template cells work the same way, {data['template_duration']:g} s each, "
        "and take turns with the in-process layer timings too. Clients use distinct loopback source addresses "
        "(127.0.0.11, .12, ...). *other-cpu*: CPU (in cores) that processes outside this benchmark used during "
        "the cell: other sessions share this 2-core machine, and figures from cells where it is high are "
        "noisy. *gen-cpu*: share of core 0 the load generator used (well below 100%: it was not the "
        "bottleneck).")
    add("")
    add("## Load generator ceiling")
    add("")
    add("| endpoint | clients | req/s | p50 ms | p99 ms | gen-cpu | est. generator ceiling req/s |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for c in cells:
        if c.workload != "ceiling":
            continue
        ceiling = c.rps / c.generator_cpu if c.generator_cpu else float("nan")
        add(f"| {c.server} | {c.clients} | {fmt_rps(c.rps)} | {c.p50_ms:.3f} | {c.p99_ms:.3f} | "
            f"{c.generator_cpu:.0%} | {ceiling:,.0f} |")
    add("")
    add("The ceiling estimate is req/s divided by the generator's own CPU share (it runs on one core); every "
        "measured cell below stays far under it.")
    add("")
    add("## Throughput and latency")
    add("")
    add("| workload | server | clients | req/s | p50 ms | p99 ms | requests | non-200 | gen-cpu | other-cpu |")
    add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in cells:
        if c.workload not in ("distinct", "repeated"):
            continue
        non = str(c.non_200) if c.non_200 == 0 else f"**{c.non_200}** ({fmt_counts(c.statuses)}; {fmt_counts(c.errors)})"
        add(f"| {c.workload} | {c.server} | {c.clients} | {fmt_rps(c.rps)} | {c.p50_ms:.3f} | {c.p99_ms:.3f} | "
            f"{c.completed:,} | {non} | {c.generator_cpu:.0%} | {c.foreign_cpu:.2f} |")
    add("")
    add("*distinct*: the 10 templates in turn, each request a new query text (nothing can be cached); tpgraph "
        "runs with `--no-cache`. *repeated*: the same 4 query texts again and again; tpgraph runs with its "
        "result cache on (hits), the peers have no result cache (rdflib-endpoint caches parsed queries).")
    add("")
    add("## Ratios against the targets")
    add("")
    add("| ratio | clients | value | target | verdict |")
    add("|---|---:|---:|---:|---|")
    for r in data["ratios"]:
        if r["value"] != r["value"]:  # nan: the peer completed nothing
            add(f"| {r['name']} | {r['clients']} | n/a | >= {r['target']:g}x | n/a (peer completed no request) |")
            continue
        verdict = "meets" if r["value"] >= r["target"] else "**misses**"
        add(f"| {r['name']} | {r['clients']} | {r['value']:.2f}x | >= {r['target']:g}x | {verdict} |")
    add("")
    add("## Added latency over in-process pyoxigraph (1 client, cache off, per template)")
    add("")
    add("In-process: median of `pyoxigraph.Store.query(q, use_default_graph_as_union=True).serialize(JSON)` "
        "on the same data, pinned to the servers' core, measured in turns with the HTTP cells of the same "
        "template. HTTP: median end-to-end latency of the same template "
        "(distinct texts) at 1 client. Layers (medians, in-process, see `bench/layers.py`): `execute` = "
        "tpgraph's own query + JSON writer, `pool` = through the sandboxed worker process, `wsgi` = the whole "
        "web app as a WSGI callable, without HTTP (a GET on /sparql is answered past Flask, fastpath.py).")
    add("")
    add("| template | rows | in-process ms | tpgraph execute | tpgraph pool | tpgraph wsgi | tpgraph HTTP p50 | "
        "added ms | Oxigraph HTTP p50 | rdflib-endpoint HTTP p50 | other-cpu |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    layers = data["layers"]["layers_ms"]
    added_all = []
    for t in TEMPLATES:
        lay = layers.get(t.name, {})
        http = by.get((f"template:{t.name}", "tpgraph-nocache", 1))
        ox = by.get((f"template:{t.name}", "oxigraph", 1))
        rd = by.get((f"template:{t.name}", "rdflib-endpoint", 1))
        added = (http.p50_ms - lay["inprocess"]) if http and lay else float("nan")
        added_all.append(added)
        add(f"| {t.name} | {data['layers']['rows'].get(t.name, '')} | {lay.get('inprocess', float('nan')):.3f} | "
            f"{lay.get('execute', float('nan')):.3f} | {lay.get('pool', float('nan')):.3f} | "
            f"{lay.get('wsgi', float('nan')):.3f} | {http.p50_ms if http else float('nan'):.3f} | "
            f"**{added:.3f}** | {ox.p50_ms if ox else float('nan'):.3f} | {rd.p50_ms if rd else float('nan'):.3f} | "
            f"{http.foreign_cpu if http else float('nan'):.2f} |")
    med = statistics.median(added_all) if added_all else float("nan")
    verdict = "meets" if med <= TARGETS["added_ms"] else "**misses**"
    add("")
    add(f"Median over templates of the added latency: **{med:.3f} ms** (target <= {TARGETS['added_ms']:g} ms: "
        f"{verdict}). Median prescan time: {statistics.median(l['prescan'] for l in layers.values()):.3f} ms.")
    add("")
    add("Where the added time goes (medians over templates, ms): "
        + ", ".join(f"{name} {value:.3f}" for name, value in data["layer_split"].items()) + ".")
    add("")
    add("## Correctness")
    add("")
    servers = list(data["servers"])
    add("| query | " + " | ".join(servers) + " |")
    add("|---|" + "---:|" * len(servers))
    for name, row in data["correctness"].items():
        add(f"| {name} | " + " | ".join(str(row.get(s, "")) for s in servers) + " |")
    add("")
    if data["problems"]:
        add("**WARNING: the servers disagree on timed templates:**")
        add("")
        for p in data["problems"]:
            add(f"- {p}")
    else:
        add("Every timed template returned the same number of rows on every server.")
    if data.get("probe_diffs"):
        add("")
        add("**WARNING: the servers differ on the probe** (not timed): the union default graph is a *bag* on "
            "tpgraph and Oxigraph (one row per named graph holding the triple) and a *set* on rdflib-endpoint "
            "(one row per triple; SPARQL 1.1 defines the union default graph as the RDF merge). The timed "
            "templates use DISTINCT where this matters.")
        add("")
        for p in data["probe_diffs"]:
            add(f"- {p}")
    total_non = sum(c.non_200 for c in cells if c.workload in ("distinct", "repeated", "ceiling")
                    or c.workload.startswith("template:"))
    add("")
    add(f"Non-200 responses during the measured runs (ceiling, distinct, repeated, per-template cells): "
        f"**{total_non}**.")
    extras = [c for c in cells if c.workload == "extra"]
    if extras:
        add("")
        add("## Supplementary cells")
        add("")
        add("| what | server | clients | req/s | p50 ms | p99 ms | statuses | errors |")
        add("|---|---|---:|---:|---:|---:|---|---|")
        for c in extras:
            add(f"| {c.note} | {c.server} | {c.clients} | {fmt_rps(c.rps)} | {c.p50_ms:.3f} | {c.p99_ms:.3f} | "
                f"{fmt_counts(c.statuses)} | {fmt_counts(c.errors)} |")
    if data.get("pyspy"):
        p = data["pyspy"]
        add("")
        add("## py-spy profile of tpgraph (cache off, distinct queries, 1 client)")
        add("")
        add(f"`{p['command']}` while 1 client sent distinct queries ({p['rps_while_sampled']:.0f} req/s under the "
            "sampler, which slows the server). Samples whose innermost frame is a blocking call (waiting on a "
            "condition, a socket, a pipe) are dropped; shares are of the remaining busy samples of each process "
            "role. Native pyoxigraph time shows as the Python frame that called it.")
        for role, summary in p["summary"].items():
            add("")
            add(f"### {role}: {summary['samples']} busy samples")
            add("")
            add("| layer | share |")
            add("|---|---:|")
            for name, share in summary["buckets"]:
                add(f"| {name} | {share:.0%} |")
            add("")
            add("<details><summary>top frames (inclusive, then self)</summary>")
            add("")
            add("| frame | inclusive |")
            add("|---|---:|")
            for name, share in summary["inclusive"]:
                add(f"| `{name}` | {share:.1%} |")
            add("")
            add("| frame | self |")
            add("|---|---:|")
            for name, share in summary["leaf"]:
                add(f"| `{name}` | {share:.1%} |")
            add("")
            add("</details>")
    add("")
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def print_table(cells: list[Cell]) -> None:
    print()
    print(f"{'workload':<26} {'server':<18} {'c':>2} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'non-200':>8} "
          f"{'gen':>5} {'other':>6}")
    for c in cells:
        print(f"{c.workload:<26} {c.server:<18} {c.clients:>2} {c.rps:>10.1f} {c.p50_ms:>9.3f} {c.p99_ms:>9.3f} "
              f"{c.non_200:>8} {c.generator_cpu:>5.0%} {c.foreign_cpu:>6.2f}")
    print()


# -- main ----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8.0, help="measured seconds per cell (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per cell (default 2)")
    parser.add_argument("--template-duration", type=float, default=3.0,
                        help="measured seconds per template for the per-template latencies (default 3)")
    parser.add_argument("--workers", type=int, default=8, help="tpgraph query workers (default 8: one per client)")
    parser.add_argument("--timeout", type=float, default=10.0, help="tpgraph query timeout, seconds")
    parser.add_argument("--peers-venv", type=Path, default=default_peers_venv(),
                        help="virtualenv for oxigraph, rdflib-endpoint and py-spy (created on first run)")
    parser.add_argument("--skip-install", action="store_true", help="never pip install the peers")
    parser.add_argument("--oxigraph-storage", choices=("memory", "disk"), default="memory",
                        help="memory: `oxigraph serve` without --location, data POSTed to /store (default); "
                             "disk: `oxigraph load` into a RocksDB folder then `oxigraph serve --location`")
    parser.add_argument("--no-pyspy", action="store_true", help="skip the py-spy profile")
    parser.add_argument("--no-extras", action="store_true", help="skip the supplementary cells")
    parser.add_argument("--quiet-wait", type=float, default=10.0,
                        help="before each cell, wait up to this many seconds for other processes to go quiet")
    parser.add_argument("--rounds", type=int, default=3,
                        help="split each cell into this many slices, taking turns between the servers (default 3)")
    parser.add_argument("--layer-iterations", type=int, default=300)
    parser.add_argument("--out", type=Path, default=HERE / "results.md",
                        help="report path; the figures go to the same name with .json (default bench/results.md)")
    parser.add_argument("--quick", action="store_true", help="short cells (1 s warm-up, 3 s measured): a smoke run")
    parser.add_argument("--report-only", type=Path, metavar="RESULTS_JSON",
                        help="only rewrite the report (--out) from a results.json of an earlier run")
    args = parser.parse_args()
    if args.report_only:
        write_report(args.out, json.loads(args.report_only.read_text(encoding="utf-8")))
        return 0
    if args.quick:
        args.duration, args.warmup, args.template_duration, args.layer_iterations = 3.0, 1.0, 1.0, 60
        args.quiet_wait, args.rounds = min(args.quiet_wait, 3.0), 2

    command = "python bench/run_bench.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    command = command.strip()
    started = dt.datetime.now(dt.UTC)
    allowed = os.sched_getaffinity(0)
    if not {SERVER_CORE, GENERATOR_CORE} <= allowed:
        raise SystemExit(f"needs cores {GENERATOR_CORE} and {SERVER_CORE}; this process may use {sorted(allowed)}")

    ensure_peers(args.peers_venv, args.skip_install)
    venv_bin = args.peers_venv / "bin"
    machine = {
        "cpu": cpu_model(), "cores": os.cpu_count(), "affinity": sorted(allowed), "memory": mem_total(),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "python_impl": platform.python_implementation(), "local": local_versions(),
        "peers": venv_versions(args.peers_venv),
    }
    log(f"machine: {machine}")

    tmp = Path(tempfile.mkdtemp(prefix="tpgraph-bench-"))
    dist = tmp / "dist"
    log(f"building the dataset into {dist}")
    build = subprocess.run([sys.executable, "-m", "tpgraph.cli", "build", "--out", str(dist)], capture_output=True,
                           text=True, check=True)
    build_line = build.stdout.strip().splitlines()[0]
    log(build_line)
    nq = dist / "tpgraph.nq"

    tp_common = [sys.executable, "-m", "tpgraph.cli", "serve", "--host", HOST, "--timeout", str(args.timeout),
                 "--workers", str(args.workers), "--dist", str(dist)]
    servers: dict[str, Server] = {}
    port = free_port()
    servers["tpgraph-nocache"] = Server("tpgraph-nocache", tp_common + ["--port", str(port), "--no-cache"], port,
                                        "/sparql", "/health", tmp)
    port = free_port()
    servers["tpgraph-cache"] = Server("tpgraph-cache", tp_common + ["--port", str(port)], port, "/sparql",
                                      "/health", tmp)
    port = free_port()
    if args.oxigraph_storage == "disk":
        location = tmp / "oxigraph-db"
        subprocess.run([str(venv_bin / "oxigraph"), "load", "--location", str(location), "--file", str(nq)],
                       check=True, capture_output=True)
        ox_cmd = [str(venv_bin / "oxigraph"), "serve", "--location", str(location), "--bind", f"{HOST}:{port}",
                  "--union-default-graph"]
    else:
        ox_cmd = [str(venv_bin / "oxigraph"), "serve", "--bind", f"{HOST}:{port}", "--union-default-graph"]
    servers["oxigraph"] = Server("oxigraph", ox_cmd, port, "/query", "/", tmp)
    port = free_port()
    servers["rdflib-endpoint"] = Server(
        "rdflib-endpoint", [str(venv_bin / "rdflib-endpoint"), "serve", str(nq), "--host", HOST, "--port", str(port)],
        port, "/", "/?query=" + urllib.parse.quote("ASK {}"), tmp)
    extra_servers: dict[str, Server] = {}
    if not args.no_extras:
        port = free_port()
        extra_servers["oxigraph-timeout"] = Server(
            "oxigraph-timeout", [str(venv_bin / "oxigraph"), "serve", "--bind", f"{HOST}:{port}",
                                 "--union-default-graph", "--timeout-s", str(int(args.timeout))],
            port, "/query", "/", tmp)

    bench = Bench(args)
    data: dict = {"command": command, "started": started.strftime("%Y-%m-%d %H:%M"), "machine": machine,
                  "duration": args.duration, "warmup": args.warmup, "rounds": args.rounds,
                  "template_duration": args.template_duration, "dist_hint": "<tmp>/dist",
                  "build": build_line}
    all_servers = {**servers, **extra_servers}
    try:
        for server in all_servers.values():
            server.start()
        for server in all_servers.values():
            server.wait_ready()
            if server.name.startswith("oxigraph") and "--location" not in server.command:  # in memory: load
                request = urllib.request.Request(f"{server.base}/store", data=nq.read_bytes(), method="POST",
                                                 headers={"Content-Type": "application/n-quads"})
                with urllib.request.urlopen(request, timeout=120) as response:
                    if response.status not in (200, 201, 204):
                        raise RuntimeError(f"loading {server.name} answered {response.status}")
            log(f"{server.name} ready on port {server.port} (pid {server.proc.pid})")
        data["servers"] = {name: " ".join(shlex.quote(a) for a in s.command).replace(str(tmp), "<tmp>")
                           for name, s in servers.items()}
        if "--location" not in servers["oxigraph"].command:
            data["servers"]["oxigraph"] += "  # then: POST <tmp>/dist/tpgraph.nq to /store (application/n-quads)"

        log("correctness: row counts per template on every server")
        correctness, problems = check_correctness(list(servers.values()))
        for name, row in correctness.items():
            log(f"  {name:<20} {row}")
        probe_diffs = [p for p in problems if p.startswith("probe: ")]
        problems = [p for p in problems if not p.startswith("probe: ")]
        if problems:
            warn_loudly("the servers do not return the same rows for the timed templates:\n" + "\n".join(problems))
        if probe_diffs:
            warn_loudly("semantic difference on a probe query (see bench_queries.PROBES):\n" + "\n".join(probe_diffs))
        data["correctness"], data["problems"], data["probe_diffs"] = correctness, problems, probe_diffs

        os.sched_setaffinity(0, {GENERATOR_CORE})
        log(f"load generator pinned to core {GENERATOR_CORE}")
        d, w = args.duration, args.warmup
        tpn, tpc, oxs, rdf = (servers[n] for n in ("tpgraph-nocache", "tpgraph-cache", "oxigraph", "rdflib-endpoint"))

        log("load generator ceiling (trivial endpoints)")
        health = lambda i: loadgen.get_request(HOST, tpn.port, "/health", "application/json")
        ask = loadgen.get_request(HOST, oxs.port, "/query?query=" + urllib.parse.quote("ASK {}"))
        r = args.rounds
        for clients in (1, 8):
            bench.interleaved("ceiling", [(tpn, lambda: health, "tpgraph /health"),
                                          (oxs, lambda: (lambda i: ask), "oxigraph ASK {}")],
                              clients, d / 2, w / 2, r)

        names = [t.name for t in TEMPLATES]
        for clients in (1, 8):
            bench.interleaved("distinct", [(s, lambda s=s: bench.query_factory(s, names, True), None)
                                           for s in (tpn, oxs, rdf)], clients, d, w, r)
        for clients in (1, 8):
            bench.interleaved("repeated", [(s, lambda s=s: bench.query_factory(s, list(REPEATED), False), None)
                                           for s in (tpc, oxs, rdf)], clients, d, w, r)

        log("per-template latency at 1 client (distinct texts), taking turns with the in-process layer timings")
        layer_err = open(tmp / "layers.err", "w")  # noqa: SIM115 - the access log of the in-process app
        layer_proc = subprocess.Popen(
            [sys.executable, str(HERE / "layers.py"), "--dist", str(dist), "--workers", str(args.workers),
             "--timeout", str(args.timeout), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=layer_err, text=True,
            preexec_fn=_pin_to_server_core)  # noqa: PLW1509 - no threads here
        try:
            if layer_proc.stdout.readline().strip() != "ready":
                raise RuntimeError(f"layers.py did not start; see {tmp / 'layers.err'}")
            td = args.template_duration
            per_round = max(10, args.layer_iterations // r)
            layer_samples: dict[str, dict[str, list[float]]] = {}
            layer_rows: dict[str, int] = {}
            for t in TEMPLATES:
                def time_layers(round_index: int, name: str = t.name) -> None:
                    layer_proc.stdin.write(f"{name} {per_round} {10 if round_index == 0 else 3}\n")
                    layer_proc.stdin.flush()
                    answer = json.loads(layer_proc.stdout.readline())
                    for layer, values in answer["samples"].items():
                        layer_samples.setdefault(name, {}).setdefault(layer, []).extend(values)
                    layer_rows[name] = answer["rows"]

                bench.interleaved(f"template:{t.name}",
                                  [(s, lambda s=s, n=t.name: bench.query_factory(s, [n], True), None)
                                   for s in (tpn, oxs, rdf)],
                                  1, td, min(1.0, td / 2), r, max_requests=5000, min_requests=3,
                                  after_round=time_layers)
                medians = {k: statistics.median(v) * 1000 for k, v in layer_samples[t.name].items()}
                log(f"{'in-process ' + t.name:>45}: " + ", ".join(f"{k} {v:.3f} ms" for k, v in medians.items()))
            layer_proc.stdin.write("quit\n")
            layer_proc.stdin.flush()
            layer_proc.wait(timeout=60)
        finally:
            if layer_proc.poll() is None:
                layer_proc.kill()
            layer_err.close()
        data["layers"] = {
            "layers_ms": {name: {k: statistics.median(v) * 1000 for k, v in layers.items()}
                          for name, layers in layer_samples.items()},
            "rows": layer_rows, "iterations": per_round * r,
        }

        if not args.no_extras:
            log("supplementary cells")
            oxt = extra_servers["oxigraph-timeout"]
            for clients in (1, 8):
                bench.interleaved("extra", [(s, lambda s=s: bench.query_factory(s, names, True), None)
                                            for s in (oxt, oxs)], clients, d / 2, w / 2, r,
                                  note=f"distinct: Oxigraph with --timeout-s {int(args.timeout)} vs without")
            bench.measure("extra", tpn, bench.query_factory(tpn, names, True), 8, d / 2, w / 2,
                          sources=[HOST], note="distinct, 8 connections from ONE address (per-client cap 2)")

        if not args.no_pyspy:
            log("py-spy: sampling tpgraph (cache off) under 1 client, distinct queries")
            raw = tmp / "pyspy.txt"
            seconds = max(5, int(d) + 2)
            spy_cmd = [str(venv_bin / "py-spy"), "record", "--pid", str(tpn.proc.pid), "--subprocesses",
                       "--rate", "250", "--nonblocking", "--duration", str(seconds), "--format", "raw", "--output", str(raw)]
            spy = subprocess.Popen(spy_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(1.0)
            result = loadgen.run(HOST, tpn.port, bench.query_factory(tpn, names, True), 1, seconds + 1, 0,
                                 source_addresses=CLIENT_SOURCES[:1])
            _, spy_err = spy.communicate(timeout=60)
            if raw.exists():
                data["pyspy"] = {
                    "command": " ".join(spy_cmd).replace(str(tmp), "<tmp>").replace(str(tpn.proc.pid), "<pid>"),
                    "summary": summarise_pyspy(raw), "rps_while_sampled": result.rps,
                }
            else:
                log(f"py-spy wrote nothing: {spy_err.decode(errors='replace')[-500:]}")
    finally:
        for server in all_servers.values():
            server.stop()

    by = {(c.workload, c.server, c.clients): c for c in bench.cells}
    ratios = []
    for clients in (1, 8):
        pairs = [
            ("tpgraph distinct / Oxigraph", ("distinct", "tpgraph-nocache"), ("distinct", "oxigraph"),
             TARGETS["distinct_vs_oxigraph"]),
            ("tpgraph repeated / Oxigraph", ("repeated", "tpgraph-cache"), ("repeated", "oxigraph"),
             TARGETS["repeated_vs_oxigraph"]),
            ("tpgraph distinct / rdflib-endpoint", ("distinct", "tpgraph-nocache"), ("distinct", "rdflib-endpoint"),
             TARGETS["vs_rdflib"]),
            ("tpgraph repeated / rdflib-endpoint", ("repeated", "tpgraph-cache"), ("repeated", "rdflib-endpoint"),
             TARGETS["vs_rdflib"]),
        ]
        for name, (wa, sa), (wb, sb), target in pairs:
            a, b = by[(wa, sa, clients)], by[(wb, sb, clients)]
            ratios.append({"name": name, "clients": clients, "value": a.rps / b.rps if b.rps else float("nan"),
                           "target": target})
    data["ratios"] = ratios
    layers = data["layers"]["layers_ms"]
    split = {"pyoxigraph query+JSON (in-process)": [], "tpgraph execute - in-process": [],
             "worker IPC (pool - execute)": [], "web app (wsgi - pool)": [], "waitress + TCP (HTTP - wsgi)": []}
    for t in TEMPLATES:
        lay = layers[t.name]
        http = by[(f"template:{t.name}", "tpgraph-nocache", 1)].p50_ms
        split["pyoxigraph query+JSON (in-process)"].append(lay["inprocess"])
        split["tpgraph execute - in-process"].append(lay["execute"] - lay["inprocess"])
        split["worker IPC (pool - execute)"].append(lay["pool"] - lay["execute"])
        split["web app (wsgi - pool)"].append(lay["wsgi"] - lay["pool"])
        split["waitress + TCP (HTTP - wsgi)"].append(http - lay["wsgi"])
    data["layer_split"] = {k: statistics.median(v) for k, v in split.items()}
    data["cells"] = [c.__dict__ for c in bench.cells]
    data["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")

    print_table(bench.cells)
    for r in ratios:
        verdict = "meets" if r["value"] >= r["target"] else "MISSES"
        print(f"{r['name']:<38} c={r['clients']}: {r['value']:7.2f}x  (target >= {r['target']:g}x: {verdict})")
    print("added-latency split (medians over templates, ms):", json.dumps(data["layer_split"]))
    total_non = sum(c.non_200 for c in bench.cells if c.workload != "extra")
    if total_non:
        warn_loudly(f"{total_non} non-200 responses during the measured runs (see the table)")
    if problems:
        warn_loudly("row counts differ between servers: " + "; ".join(problems))
    if data.get("probe_diffs"):
        warn_loudly("probe row counts differ (bag vs set union default graph): " + "; ".join(data["probe_diffs"]))
    json_path = args.out.with_suffix(".json")
    json_path.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    write_report(args.out, data)
    log(f"wrote {args.out} and {json_path}; server logs in {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
