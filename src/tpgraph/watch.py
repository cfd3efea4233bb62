"""``tpgraph serve --watch``: notice edits to ``data/``, ``ontology/`` and ``queries/``, rebuild in a child
process, and hand a good build to the server (``serve.py`` swaps it in); a bad one is reported, never served.

Why polling: a stdlib scan of (mtime, size) once a second costs a few milliseconds on a few hundred files and
works the same on every OS, editor and network mount, without a new dependency (inotify misses edits made
through some mounts and editors that replace files). Why a child process: the build loads rdflib, pyshacl
and the whole dataset; run in the server it would grow every future worker fork and could take the server
down with it. ``tpgraph build`` already writes ``dist/`` atomically and prints every problem as
``file:line: what to fix``, so the child is exactly that command. Design:
``docs/decisions/20261206-serve-watch.md``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tpgraph.endpoint.build_info import WatchState
from tpgraph.paths import ProjectPaths

log = logging.getLogger("tpgraph.watch")

POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.5  # an editor's save (write, rename, chmod) settles before the rebuild starts
BUILD_TIMEOUT = 900.0
SUMMARY = re.compile(r"^\d+ problems? found; ")
Snapshot = dict[str, tuple[int, int]]


def watched_folders(paths: ProjectPaths) -> list[Path]:
    """The folders whose files make a build: the data, the ontology (with shapes and imports) and the queries
    (named queries and the quality checks)."""
    return [paths.data, paths.ontology.parent, paths.queries]


def _ignored(name: str) -> bool:
    """Editors' scratch files (``.#x``, ``.x.swp``, ``x~``) change on every keystroke and build nothing."""
    return name.startswith(".") or name.endswith("~")


def snapshot(folders: Iterable[Path]) -> Snapshot:
    """(mtime in ns, size) of every file under ``folders``; a folder that does not exist holds nothing."""
    seen: Snapshot = {}
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not _ignored(d))
            for name in files:
                if _ignored(name):
                    continue
                path = os.path.join(top, name)
                try:
                    stat = os.stat(path)
                except OSError:  # removed between the listing and the stat: the next scan sees it gone
                    continue
                seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


class SourcePoller:
    """Tells when the sources changed: a scan every ``interval`` seconds, then quiet for ``settle`` seconds."""

    def __init__(self, folders: Iterable[Path], interval: float = POLL_SECONDS, settle: float = SETTLE_SECONDS):
        self.folders = list(folders)
        self.interval = interval
        self.settle = settle
        self.last = snapshot(self.folders)

    def newest(self) -> int:
        """The newest modification time (ns) among the sources seen last; 0 when there are none."""
        return max((mtime for mtime, _ in self.last.values()), default=0)

    def wait_for_change(self, stop: threading.Event) -> bool:
        """Block until the sources changed and held still (True), or ``stop`` is set (False)."""
        while not stop.wait(self.interval):
            current = snapshot(self.folders)
            if current == self.last:
                continue
            while not stop.wait(self.settle):  # debounce: wait until two scans agree
                settled = snapshot(self.folders)
                if settled == current:
                    break
                current = settled
            self.last = current
            return not stop.is_set()
        return False


class BuildFailed(Exception):
    """``serve --watch`` has no build to serve and the sources do not build; the message says what to fix."""


@dataclass(frozen=True)
class RebuildOutcome:
    """What the child build said: ``ok`` and the build id, or the problems (``file:line: what to fix``)."""

    ok: bool
    message: str


def rebuild_in_child(root: Path, dist: Path, timeout: float = BUILD_TIMEOUT) -> RebuildOutcome:
    """Run ``tpgraph --root ROOT build --out DIST`` in a child process. The build replaces ``dist`` only when it
    succeeds, so a failure leaves the build being served on disk as it was."""
    command = [sys.executable, "-m", "tpgraph.cli", "--root", str(root), "build", "--out", str(dist)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=root,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return RebuildOutcome(False, f"the build did not finish within {timeout:g} s and was stopped")
    if done.returncode == 0:
        build_id = next((line.split()[-1] for line in done.stdout.splitlines() if line.startswith("build id ")), "")
        return RebuildOutcome(True, build_id)
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    problems = [line for line in lines if not SUMMARY.match(line)]  # "3 problems found; nothing was built."
    return RebuildOutcome(False, "\n".join(problems or lines) or f"the build exited with status {done.returncode}")


def needs_build(dist: Path, poller: SourcePoller) -> bool:
    """True when ``dist`` holds no build or a source is newer than it: serving it would show stale data."""
    stamp = dist / "build.json"
    return not stamp.is_file() or poller.newest() > stamp.stat().st_mtime_ns


class Watcher:
    """The loop of ``serve --watch``, on a daemon thread: wait for a change, rebuild, swap in or report.

    ``swap_in()`` (from ``serve.py``) loads the rebuilt ``dist/``, starts its workers and puts its app in front,
    returning the new build id; it raises when the build cannot be served (a named query's header is
    malformed, say), and then the old app keeps serving.
    """

    def __init__(self, poller: SourcePoller, rebuild: Callable[[], RebuildOutcome], swap_in: Callable[[], str],
                 state: WatchState, serving: Callable[[], str], root: Path | None = None):
        self.poller = poller
        self.root = root  # named files are shown relative to it, as the build's own messages are
        self.rebuild = rebuild
        self.swap_in = swap_in
        self.state = state
        self.serving = serving
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tpgraph-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        self.stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while self.poller.wait_for_change(self.stop):
            try:
                self.cycle()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad rebuild
                log.exception("the rebuild failed unexpectedly; still serving %s", self.serving())

    def cycle(self) -> None:
        """One rebuild: on success swap the new build in, else keep serving and say what to fix."""
        started = time.monotonic()
        log.info(json.dumps({"watch": "rebuilding", "serving": self.serving()}))
        outcome = self.rebuild()
        if outcome.ok:
            try:
                build_id = self.swap_in()
            except Exception as err:  # noqa: BLE001 - any failure to serve the new build keeps the old one
                message = str(err) or type(err).__name__
                self.report(message.replace(f"{self.root}{os.sep}", "") if self.root else message)
                return
            self.state.succeeded()
            log.info(json.dumps({"watch": "swapped", "build_id": build_id,
                                 "seconds": round(time.monotonic() - started, 3)}))
            return
        self.report(outcome.message)

    def report(self, message: str) -> None:
        report_problem(self.state, message, self.serving())


def report_problem(state: WatchState, message: str, serving: str) -> None:
    """Keep the problem for the pages and /health, and write it to the log, one problem (file:line) a line."""
    state.failed(message, serving)
    log.error(json.dumps({"watch": "failed", "serving": serving, "problems": len(message.splitlines())}))
    for line in message.splitlines():
        log.error(json.dumps({"watch": "fix", "problem": line}))
