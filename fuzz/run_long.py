"""A long, on-demand fuzz run of the pre-scan and of a real ``tpgraph serve`` (loopback only).

    python fuzz/run_long.py                          # defaults: 150,000 prescan + 25,000 HTTP inputs
    python fuzz/run_long.py --prescan 20000 --http 2000 --atheris-runs 0 --seed 7

Phases, each bounded in count and in time (``--max-minutes`` caps the whole run):

1. prescan: mutated corpus queries (``fuzz/harness.py``) through ``tpgraph.sparql.prescan.prescan`` in-process;
2. atheris (optional, if the ``atheris`` package imports): coverage-guided fuzzing of ``prescan`` in a
   subprocess (``fuzz/atheris_prescan.py``), seeded with the corpus;
3. HTTP: one ``tpgraph serve --timeout T --workers W`` on a free 127.0.0.1 port, sent generated requests from
   ``--threads`` client threads, to /sparql (``--http``) and to every other route (``--routes``,
   ``fuzz/routes.py``: pages, body maps, /api, /pain, /vocab, /releases, built files, operations); malformed
   raw HTTP at the start and the end; /health every 2,000 requests.

Figures are printed and written as JSON (``--json``); each distinct failure is minimised and saved under
``fuzz/failures/`` with a replay snippet; worker deaths (``worker-death-*``) and engine errors
(``engine-error-*``) get a minimised query there too, as information. Exit status 1 when there were failures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

from harness import (
    ALLOWED_503,
    CORPUS,
    CRASH_BODY,
    ENGINE_ERROR_BODY,
    HOSTILE_SEEDS,
    RAW_REQUESTS,
    LogTail,
    Req,
    check_prescan,
    check_response,
    crash_kind,
    ddmin_text,
    engine_error_kind,
    leak_markers,
    problem_class,
    random_query,
    random_request,
    read_metrics,
    replay_snippet,
    save_failure,
    send,
    send_raw,
)
from routes import random_route_request


def sha(text: str | bytes) -> str:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:10]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Run:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.failures_dir = Path(args.failures)
        self.figures: dict = {"seed": args.seed, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                              "command": " ".join([Path(sys.executable).name, *sys.argv])}
        self.failures: list[dict] = []
        self.saved_per_class: Counter[str] = Counter()
        self.deadline = time.monotonic() + args.max_minutes * 60

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def record_failure(self, kind: str, problems: list[str], data: dict) -> None:
        cls = f"{kind}:{problem_class(problems)}"
        entry = {"kind": kind, "class": cls, "problems": problems, **data}
        self.failures.append({"class": cls, "problems": problems[:3]})
        if self.saved_per_class[cls] < self.args.save_per_class:
            self.saved_per_class[cls] += 1
            name = f"{kind}-{sha(json.dumps(data, sort_keys=True, default=str))}"
            path = save_failure(self.failures_dir, name, entry)
            print(f"  saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}", flush=True)

    # -- phase 1 -----------------------------------------------------------------------------------------------
    def prescan_phase(self) -> None:
        rng = random.Random(self.args.seed)
        outcomes: Counter[str] = Counter()
        slowest = 0.0
        longest = 0
        tried = 0
        started = time.monotonic()
        for n in range(self.args.prescan):
            if n % 1000 == 0 and self.out_of_time():
                break
            text = random_query(rng)
            longest = max(longest, len(text))
            t0 = time.perf_counter()
            outcome, problem = check_prescan(text)
            slowest = max(slowest, time.perf_counter() - t0)
            outcomes[outcome] += 1
            tried += 1
            if problem:
                print(f"prescan failure: {problem}", flush=True)
                cls = problem.split(":")[0][:40]
                def same_failure(candidate: str, want: str = cls) -> bool:
                    found = check_prescan(candidate)[1]
                    return found is not None and found.split(":")[0][:40] == want

                small = ddmin_text(text, same_failure, budget=2000, deadline_s=60)
                self.record_failure("prescan", [problem], {"input": text[:20000], "minimal": small,
                                                            "minimal_outcome": check_prescan(small)})
        self.figures["prescan"] = {"inputs": tried, "outcomes": dict(outcomes.most_common()),
                                   "max_seconds": round(slowest, 4), "longest_input": longest,
                                   "wall_seconds": round(time.monotonic() - started, 1)}
        print(f"prescan: {tried} inputs, {dict(outcomes.most_common())}, slowest {slowest * 1000:.1f} ms",
              flush=True)

    # -- phase 2 -----------------------------------------------------------------------------------------------
    def atheris_phase(self) -> None:
        if self.args.atheris_runs <= 0:
            return
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("atheris: not installed, skipped (pip install atheris)", flush=True)
            self.figures["atheris"] = {"skipped": "atheris not installed"}
            return
        with tempfile.TemporaryDirectory(prefix="tpgraph-atheris-") as tmp:
            seeds = Path(tmp) / "corpus"
            seeds.mkdir()
            for k, text in enumerate(CORPUS + HOSTILE_SEEDS):
                (seeds / f"seed{k}").write_bytes(text.encode("utf-8"))
            self.failures_dir.mkdir(parents=True, exist_ok=True)
            remaining = max(60, int(self.deadline - time.monotonic()))
            cmd = [sys.executable, str(HERE / "atheris_prescan.py"), f"-runs={self.args.atheris_runs}",
                   "-max_len=20000", "-timeout=10", f"-max_total_time={min(remaining, self.args.atheris_seconds)}",
                   f"-seed={self.args.seed % 2**31}", f"-artifact_prefix={self.failures_dir}/atheris-",
                   "-print_final_stats=1", str(seeds)]
            started = time.monotonic()
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
            log = proc.stderr
        runs = 0
        for line in log.splitlines():
            if "stat::number_of_executed_units" in line:
                runs = int(line.split(":")[-1])
        crashed = proc.returncode != 0
        self.figures["atheris"] = {"inputs": runs, "exit": proc.returncode,
                                   "wall_seconds": round(time.monotonic() - started, 1)}
        print(f"atheris: {runs} inputs, exit {proc.returncode}", flush=True)
        if crashed:
            tail = log[-3000:]
            self.record_failure("atheris", [f"atheris exited {proc.returncode}"], {"log_tail": tail})

    # -- phase 3 -----------------------------------------------------------------------------------------------
    def http_phase(self) -> None:
        from live_server import live_server

        if self.args.dist:
            dist = Path(self.args.dist)
            tmp = None
        else:
            from tpgraph.build.dist import build
            from tpgraph.paths import ProjectPaths

            tmp = tempfile.TemporaryDirectory(prefix="tpgraph-fuzz-")
            print("building the dataset...", flush=True)
            dist = build(ProjectPaths(REPO), Path(tmp.name) / "dist").out_dir
        log_dir = Path(tempfile.mkdtemp(prefix="tpgraph-fuzz-log-"))
        log = log_dir / "server.log"
        timeout = self.args.timeout
        try:
            with live_server(dist, log, "--timeout", str(timeout), "--workers", str(self.args.workers)) as server:
                host, port_text = server.url.removeprefix("http://").split(":")
                assert host == "127.0.0.1", host
                self._http(server, host, int(port_text), timeout, leak_markers((str(dist), str(log_dir))))
                self.figures["http"]["server_log_tracebacks"] = log.read_text(errors="replace").count("Traceback")
        finally:
            if tmp is not None:
                tmp.cleanup()
        print(f"server log: {log}", flush=True)
        self.figures["http"]["server_log"] = str(log)

    def _raw(self, host: str, port: int, timeout: float, markers, statuses: Counter) -> int:
        for name, data, extra in RAW_REQUESTS:
            out = send_raw(host, port, data, timeout=timeout + 5)
            statuses[out.status] += 1
            problems = check_response(Req("RAW", name), out, timeout, markers)
            if out.status in extra:
                problems = [p for p in problems if not p.startswith(f"status {out.status}")]
            if problems:
                self.record_failure("raw", problems, {"name": name, "request_b64_preview": repr(data[:500]),
                                                      "status": out.status, "body": out.body[:500].decode(
                                                          "utf-8", "replace")})
        return len(RAW_REQUESTS)

    def _http(self, server, host: str, port: int, timeout: float, markers) -> None:
        args = self.args
        lock = threading.Lock()
        statuses: Counter = Counter()
        by_shape: Counter = Counter()
        reasons_503: Counter = Counter()
        latencies: list[float] = []
        crashes: list[tuple[Req, int | None]] = []
        engine_errors: list[Req] = []
        recent: deque = deque(maxlen=30)
        counter = {"next": 0, "sent": 0, "dead": False}
        tail = LogTail(server.log)
        started = time.monotonic()
        raw_sent = self._raw(host, port, timeout, markers, statuses)

        total = args.http + args.routes

        def worker(k: int) -> None:
            rng = random.Random(args.seed * 1000 + k)
            while True:
                with lock:
                    if counter["next"] >= total or counter["dead"] or self.out_of_time():
                        return
                    counter["next"] += 1
                    n = counter["next"]
                # Requests to /sparql and to every other route (fuzz/routes.py), interleaved in proportion.
                to_routes = (n * args.routes) // total != ((n - 1) * args.routes) // total
                req = random_route_request(rng) if to_routes else random_request(rng)
                out = send(host, port, req, timeout=timeout + 8)
                problems = check_response(req, out, timeout, markers)
                with lock:
                    counter["sent"] += 1
                    statuses[out.status] += 1
                    by_shape[f"{req.shape}:{out.status}"] += 1
                    latencies.append(out.latency)
                    if out.status == 503:
                        text = out.body.decode("utf-8", "replace")
                        reasons_503[next((r for r in ALLOWED_503 if r in text), "HEAD" if req.method == "HEAD"
                                         else "other")] += 1
                    recent.append(req.to_json())
                    # A worker death answers "the query engine stopped" (a HEAD has no body: its 500 or 503 is
                    # replayed to tell). Every 500 is already a failure; the replay says why the worker died.
                    if CRASH_BODY in out.body or (req.method == "HEAD" and out.status in (500, 503)):
                        crashes.append((req, out.status))
                    elif out.status == 500 and ENGINE_ERROR_BODY in out.body:
                        engine_errors.append(req)
                if problems:
                    with lock:
                        self.record_failure("http", problems, {
                            "request": req.to_json(), "status": out.status, "latency": round(out.latency, 3),
                            "body": out.body[:1000].decode("utf-8", "replace"), "replay": replay_snippet(req)})
                if n % 2000 == 0:
                    health = send(host, port, Req("GET", "/health"), timeout=5)
                    if health.status != 200 or server.process.poll() is not None:
                        with lock:
                            counter["dead"] = True
                            self.record_failure("health", [f"/health answered {health.status} ({health.error})"],
                                                {"after_requests": n, "recent_requests": list(recent)})
                    if k == 0:
                        rate = n / (time.monotonic() - started)
                        print(f"  http {n}/{total} ({rate:.0f}/s), statuses "
                              f"{dict(sorted(statuses.items(), key=str))}", flush=True)

        threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tail.new()
        raw_sent += self._raw(host, port, timeout, markers, statuses)
        crash_kinds = self._replay_crashes(host, port, timeout, crashes, tail, engine_errors)
        engine_kinds = self._engine_errors(engine_errors)
        metrics = read_metrics(host, port)
        health = send(host, port, Req("GET", "/health"), timeout=5)
        alive = server.process.poll() is None
        if health.status != 200 or not alive:
            self.record_failure("health", [f"/health answered {health.status} at the end; alive={alive}"], {})
        self.figures["http"] = {
            "inputs": counter["sent"], "raw_inputs": raw_sent, "threads": args.threads, "timeout": timeout,
            "workers": args.workers, "sparql_inputs": args.http, "route_inputs": args.routes, "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "by_shape": dict(sorted(by_shape.items())), "503_reasons": dict(reasons_503),
            "latency_max": round(max(latencies, default=0), 3), "latency_p50": round(percentile(latencies, .5), 4),
            "latency_p99": round(percentile(latencies, .99), 3),
            "workers_killed": metrics.get("tpgraph_workers_killed"),
            "workers_crashed": metrics.get("tpgraph_workers_crashed"),
            "cache_hits": metrics.get("tpgraph_cache_hits_total"),
            "crash_answers": len(crashes), "crash_kinds": crash_kinds,
            "engine_error_answers": len(engine_errors), "engine_error_kinds": engine_kinds,
            "health_at_end": health.status, "server_alive_at_end": alive,
            "wall_seconds": round(time.monotonic() - started, 1),
        }
        print(f"http: {counter['sent']} inputs + {raw_sent} raw, statuses {self.figures['http']['statuses']}, "
              f"max latency {self.figures['http']['latency_max']} s, killed {metrics.get('tpgraph_workers_killed')}, "
              f"crashed {metrics.get('tpgraph_workers_crashed')}", flush=True)

    def _engine_errors(self, errors: list[Req]) -> dict:
        """Find each 500 "the query engine failed" again in-process (parse and plan only), minimise, save.

        The 500 itself was recorded as a failure when it was answered; this adds why, and a small reproducer."""
        kinds: Counter[str] = Counter()
        saved: Counter[str] = Counter()
        for req in errors:
            text = req.query or ""
            kind = engine_error_kind(text)
            kinds[kind] += 1
            if saved[kind] >= self.args.save_per_class or self.out_of_time():
                continue
            saved[kind] += 1

            def same_error(candidate: str, want: str = kind) -> bool:
                # Only what the server would pass on: never plan, in this process, what the pre-scan refuses.
                return check_prescan(candidate)[0].startswith("ok:") and engine_error_kind(candidate) == want

            small = ddmin_text(text, same_error, budget=3000, deadline_s=60) if same_error(text) else text
            save_failure(self.failures_dir, f"engine-error-{kind.split(':')[0]}-{sha(small)}", {
                "engine_error": kind, "request": req.to_json(), "query": text[:20000], "minimal_query": small,
                "replay": replay_snippet(Req("POST", "/sparql", [("Content-Type", "application/sparql-query")],
                                             small.encode("utf-8", "surrogatepass")))})
        return dict(kinds)

    def _replay_crashes(self, host: str, port: int, timeout: float, crashes: list[tuple[Req, int | None]],
                        tail: LogTail, engine_errors: list[Req]) -> dict:
        """Replay each distinct query that killed a worker, alone (so the log says why it died); minimise it.

        A death whose cause is the memory cap, answered 503, is what the sandbox is for; any other cause (a stack
        overflow means the pre-scan let nesting through) is a failure, whatever the status."""
        kinds: Counter[str] = Counter()
        seen_kind: dict[str, str] = {}
        minimised = 0
        for req, status in crashes:
            text = req.query or ""
            if text in seen_kind or self.out_of_time():
                kinds[f"{seen_kind.get(text, 'unknown')} (repeat)"] += 1
                continue
            direct = Req("POST", "/sparql", [("Content-Type", "application/sparql-query")],
                         text.encode("utf-8", "surrogatepass"), query=text, shape="direct")
            tail.new()
            out = send(host, port, direct, timeout=timeout + 8)
            if out.status == 500 and ENGINE_ERROR_BODY in out.body:  # a HEAD whose 500 had no body to tell
                engine_errors.append(direct)
                seen_kind[text] = "engine error"
                kinds["engine error"] += 1
                continue
            if CRASH_BODY not in out.body:
                out = send(host, port, req, timeout=timeout + 8)  # the original request, as sent
            logged = tail.new()
            died = CRASH_BODY in out.body or "died on a query" in logged
            kind = crash_kind(logged) if died else "not-reproduced"
            seen_kind[text] = kind
            kinds[kind] += 1
            if kind == "not-reproduced":
                continue  # a HEAD that timed out, or luck: a 500 was recorded when it was answered
            if kind != "memory":
                self.record_failure("crash", [f"a query worker died ({kind}), answered {status}"],
                                    {"request": req.to_json(), "replay": replay_snippet(req)})
            if minimised >= self.args.minimise_crashes or (kind == "memory" and kinds[kind] > 3):
                continue
            minimised += 1

            def crashes_once(candidate: str, want: str = kind) -> bool:
                probe = Req("POST", "/sparql", [("Content-Type", "application/sparql-query")],
                            candidate.encode("utf-8", "surrogatepass"))
                tail.new()
                answer = send(host, port, probe, timeout=timeout + 8)
                return CRASH_BODY in answer.body and crash_kind(tail.new()) == want

            def still_crashes(candidate: str) -> bool:
                # Twice: how much memory a worker has left depends on what it ran before, so one crash can be luck.
                return bool(candidate.strip()) and crashes_once(candidate) and crashes_once(candidate)

            small = ddmin_text(text, still_crashes, budget=200, deadline_s=150)
            reproduced = sum(crashes_once(small) for _ in range(3))
            save_failure(self.failures_dir, f"worker-death-{kind}-{sha(small)}", {
                "crash_kind": kind, "answered": status, "request": req.to_json(), "query": text[:20000],
                "minimal_query": small, "minimal_reproduced": f"{reproduced}/3",
                "replay": replay_snippet(Req("POST", "/sparql", [("Content-Type", "application/sparql-query")],
                                             small.encode("utf-8", "surrogatepass")))})
        return dict(kinds)

    def main(self) -> int:
        self.prescan_phase()
        self.atheris_phase()
        if self.args.http + self.args.routes > 0:
            self.http_phase()
        prescan_n = self.figures.get("prescan", {}).get("inputs", 0)
        atheris_n = self.figures.get("atheris", {}).get("inputs", 0)
        http = self.figures.get("http", {})
        self.figures["total_inputs"] = prescan_n + atheris_n + http.get("inputs", 0) + http.get("raw_inputs", 0)
        self.figures["failures"] = {"count": len(self.failures),
                                    "by_class": dict(Counter(f["class"] for f in self.failures).most_common())}
        self.figures["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        text = json.dumps(self.figures, indent=2, default=str)
        print(text)
        if self.args.json:
            Path(self.args.json).write_text(text + "\n", encoding="utf-8")
        return 1 if self.failures else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--prescan", type=int, default=150_000, help="in-process prescan inputs")
    p.add_argument("--http", type=int, default=25_000, help="generated HTTP requests to /sparql on the live server")
    p.add_argument("--routes", type=int, default=100_000,
                   help="generated HTTP requests to every other route (fuzz/routes.py) on the same server")
    p.add_argument("--atheris-runs", type=int, default=200_000, help="atheris prescan runs (0: skip)")
    p.add_argument("--atheris-seconds", type=int, default=900, help="time cap of the atheris phase")
    p.add_argument("--threads", type=int, default=3, help="concurrent HTTP clients")
    p.add_argument("--timeout", type=float, default=2.0, help="the server's --timeout")
    p.add_argument("--workers", type=int, default=2, help="the server's --workers")
    p.add_argument("--seed", type=int, default=int(os.environ.get("TPGRAPH_FUZZ_SEED", "1")))
    p.add_argument("--dist", help="a built dist/ to serve (default: build one into a temporary folder)")
    p.add_argument("--max-minutes", type=float, default=150.0, help="stop every phase after this long")
    p.add_argument("--failures", default=str(HERE / "failures"), help="where failing inputs are saved")
    p.add_argument("--save-per-class", type=int, default=5, help="saved reproducers per failure class")
    p.add_argument("--minimise-crashes", type=int, default=8, help="distinct worker crashes to minimise")
    p.add_argument("--json", default=str(HERE / "last_run.json"), help="write the figures here")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(Run(parse_args()).main())
