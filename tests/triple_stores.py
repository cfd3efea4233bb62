"""Real SPARQL servers for the remote-store tests and bench/remote_bench.py: an Oxigraph server (the PyPI
``oxigraph`` binary) and a private Virtuoso open source instance (Debian's ``virtuoso-opensource``).

Each runs in its own process group on free loopback ports with its data in a temporary folder, and is stopped
(the whole group) when its block ends, also on failure. A server that does not come up raises RuntimeError
with its log, so a test fails with the reason instead of being skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from live_server import free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"
VIRTUOSO_MAX_ROWS = 1_000_000
"""Virtuoso cuts every answer at ResultSetMaxRows (10,000 in the packaged ini) without saying so; above
tpgraph's row cap, tpgraph sees the rows beyond its cap and says the answer was truncated."""


@dataclass(frozen=True)
class TripleStore:
    """A running server: where to query it, where to PUT graphs, its log and its process."""

    name: str
    query_url: str
    gsp_url: str
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.is_file() else "(no log)"


def oxigraph_binary() -> str:
    """The ``oxigraph`` server installed beside this Python (the ``test`` extra), else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no oxigraph server binary: install the test extra (pip install -e '.[test]')")
    return found


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_up(store: TripleStore, probe: str, seconds: float) -> None:
    """Poll ``probe`` until the server answers 200; RuntimeError with the log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if store.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{store.name} did not start (exit {store.process.poll()}):\n{store.log_text()}")
        time.sleep(0.1)


def _probe_url(query_url: str) -> str:
    return query_url + "?query=ASK%7B%7D"


@contextlib.contextmanager
def oxigraph_server(folder: Path, union_default_graph: bool = True, timeout_s: int | None = None
                    ) -> Iterator[TripleStore]:
    """``oxigraph serve`` on a free loopback port, storing in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [oxigraph_binary(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    if timeout_s is not None:
        cmd += ["--timeout-s", str(timeout_s)]
    log = folder / "oxigraph.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    store = TripleStore("oxigraph server", f"{base}/query", f"{base}/store", log, process)
    try:
        _wait_until_up(store, _probe_url(store.query_url), 30)
        yield store
    finally:
        _stop(process)


def virtuoso_ini(packaged: str, folder: Path, sql_port: int, http_port: int,
                 max_execution_s: int | None = None) -> str:
    """The packaged virtuoso.ini with the database in ``folder``, loopback ports of its own, ``folder`` allowed,
    and ResultSetMaxRows above tpgraph's row cap (with ``max_execution_s``, the time limit and no cost estimate)."""
    section = ""
    lines = []
    for line in packaged.splitlines():
        header = re.match(r"\s*\[(\w+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"\s*(\w+)\s*=", line)
        name = key.group(1) if key else ""
        if section in ("Database", "TempDatabase") and name in (
                "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            file_name = Path(line.split("=", 1)[1].strip()).name
            line = f"{name} = {folder / file_name}"
        elif section == "Parameters" and name == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "HTTPServer" and name == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "Parameters" and name == "DirsAllowed":
            line = f"{line.rstrip()}, {folder}"
        elif section == "SPARQL" and name == "ResultSetMaxRows":
            line = f"ResultSetMaxRows = {VIRTUOSO_MAX_ROWS}"  # above tpgraph's row cap: see README, Deployment
        elif section == "SPARQL" and name == "MaxQueryExecutionTime" and max_execution_s is not None:
            line = f"MaxQueryExecutionTime = {max_execution_s}"
        elif section == "SPARQL" and name == "MaxQueryCostEstimationTime" and max_execution_s is not None:
            # The packaged 400 s refuses a query whose *estimate* exceeds it before it runs, with another message;
            # with the whole-body data the test's query crosses it. Off, so the time limit under test applies.
            line = "MaxQueryCostEstimationTime = 0"
        lines.append(line)
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def virtuoso_server(folder: Path, max_execution_s: int | None = None) -> Iterator[TripleStore]:
    """A private Virtuoso instance: its own copy of the packaged virtuoso.ini, database and loopback ports
    (``max_execution_s``: its own query time limit, [SPARQL] MaxQueryExecutionTime)."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource (see .ci/run)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace"), folder,
                                free_port(), http_port, max_execution_s), encoding="utf-8")
    log = folder / "virtuoso-t.out"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"
    store = TripleStore("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", log, process)
    try:
        try:
            _wait_until_up(store, _probe_url(store.query_url), 60)
        except RuntimeError as err:
            database_log = folder / "virtuoso.log"
            extra = database_log.read_text(errors="replace")[-4000:] if database_log.is_file() else ""
            raise RuntimeError(f"{err}\n{extra}") from None
        yield store
    finally:
        _stop(process)


def part_of_build(dist: Path, target: Path, graphs: tuple[str, ...]) -> tuple[Path, int, int]:
    """A dist/ folder whose ``tpgraph.nq`` holds only the named ``graphs`` of the build in ``dist``, exactly as
    built; with its graph and quad counts.

    Pushing it into a store that already holds the build replaces those graphs by themselves and leaves the
    store as it was, in a second rather than the half minute a whole push takes (6,000 graphs, one PUT each).
    """
    wanted = {f"<{graph}>" for graph in graphs}
    lines = [line for line in (dist / "tpgraph.nq").read_text(encoding="utf-8").splitlines(keepends=True)
             if line.rsplit(" ", 2)[-2] in wanted]
    target.mkdir(parents=True, exist_ok=True)
    (target / "tpgraph.nq").write_text("".join(lines), encoding="utf-8")
    return target, len({line.rsplit(" ", 2)[-2] for line in lines}), len(lines)
