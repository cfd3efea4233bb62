"""Evaluate untrusted queries in forked worker processes that can be killed at a deadline.

Why processes: neither pyoxigraph nor rdflib can interrupt a running query, and pyoxigraph's engine can crash
the whole process or allocate without bound on hostile input. So the server never evaluates a stranger's query
itself. At start-up, before any thread exists, it forks a *zygote* that holds the loaded store; the zygote
forks each worker on request (the memory is shared copy-on-write, a fork costs milliseconds, and no fork ever
happens in the multi-threaded server process). A worker connects back over a Unix socket, caps its own address
space, leaves the network (a fresh network namespace where the OS allows), and answers jobs one at a time.
The server kills a worker at the deadline, or finds it dead after a crash, and asks the zygote for a new one:
a bad query costs one query, never the server.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import resource
import select
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from tpgraph.store.embedded import OxigraphStore
from tpgraph.store.interface import QueryAnswer, QueryJob, SelectResult, Term

log = logging.getLogger("tpgraph.sandbox")

CLONE_NEWNET = 0x40000000
SPAWN_TIMEOUT = 10.0


@dataclass(frozen=True)
class SandboxSettings:
    """How many workers, how long a query may run, and how much memory a worker may add."""

    workers: int = 4
    timeout: float = 10.0
    memory_limit_mb: int = 1024
    isolate_network: bool = True
    acquire_timeout: float = 0.0
    # A pool started while the server runs (``serve --watch`` swapping a build in) forks its zygote from a
    # process that holds client connections and the listening socket: the zygote closes them, so a connection
    # the server closes really closes, and no port or older pool's pipe outlives the server.
    close_inherited_fds: bool = False


def _leave_network() -> bool:
    """Move this process into a new, empty network namespace (Linux, with the privilege to do so)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _cap_memory(extra_mb: int) -> None:
    """Limit this worker's address space to what it has now plus ``extra_mb``: a blow-up kills only it."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = current + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(store: OxigraphStore, address: str, settings: SandboxSettings) -> None:
    """Body of a worker process: connect, harden, then answer jobs until the server goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(address)
    conn = Connection(sock.detach())
    conn.send(os.getpid())
    if settings.isolate_network:
        _leave_network()
    _cap_memory(settings.memory_limit_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        try:
            answer = store.execute(job)
        except MemoryError:
            answer = QueryAnswer.failure(503, "the query needed more memory than a query may use")
        except Exception as err:  # noqa: BLE001 - a worker must answer, whatever the engine raised
            answer = QueryAnswer.failure(500, f"the query engine failed on this query ({type(err).__name__})")
        try:
            conn.send(answer)
        except (OSError, ValueError):
            break
    os._exit(0)


def _zygote_main(store: OxigraphStore, commands: int, address: str, settings: SandboxSettings) -> None:
    """Body of the zygote: fork one worker per byte read from the command pipe; exit when the pipe closes."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if settings.close_inherited_fds:  # keep stdin/out/err and the command pipe (see SandboxSettings)
        os.closerange(3, commands)
        os.closerange(commands + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    while True:
        try:
            data = os.read(commands, 1)
        except InterruptedError:
            continue
        if not data:
            os._exit(0)
        pid = os.fork()
        if pid == 0:
            os.close(commands)
            try:
                _worker_main(store, address, settings)
            finally:
                os._exit(0)


@dataclass
class _Worker:
    pid: int
    conn: Connection
    poller: select.poll  # made once: Connection.poll builds a selector on every call (~10 us a query)


def _answer_ready(worker: _Worker, seconds: float) -> bool:
    """Wait up to ``seconds`` for the worker to answer; also True when it died (EOF). A function of its own so a
    profile shows this wait by name (bench/)."""
    return bool(worker.poller.poll(max(0, int(seconds * 1000))))


class WorkerPool:
    """A fixed number of forked workers; ``run`` hands a job to an idle one and enforces the deadline."""

    def __init__(self, store: OxigraphStore, settings: SandboxSettings | None = None):
        self.store = store
        self.settings = settings or SandboxSettings()
        # LIFO: the most recently used worker is the one whose memory is warm (measured: 1.2 ms vs 1.7 ms round trip).
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._spawn_lock = threading.Lock()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._listener: socket.socket | None = None
        self._zygote_pid = 0
        self._commands = -1
        self.killed = 0
        self.crashed = 0
        self.started = False

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Fork the zygote and the workers. Call before starting any thread in this process."""
        # The socket lives in a private (0700) folder, so only this user can connect to it.
        self._tmp = tempfile.TemporaryDirectory(prefix="tpgraph-workers-")
        address = str(Path(self._tmp.name) / "workers.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(address)
        self._listener.listen(64)
        self._listener.settimeout(SPAWN_TIMEOUT)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(write_end)
            try:
                _zygote_main(self.store, read_end, address, self.settings)
            finally:
                os._exit(0)
        os.close(read_end)
        self._zygote_pid, self._commands = pid, write_end
        self.started = True
        for _ in range(self.settings.workers):
            self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop every worker and the zygote."""
        if not self.started:
            return
        self.started = False
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._kill(worker)
        os.close(self._commands)
        try:
            os.kill(self._zygote_pid, signal.SIGTERM)
            os.waitpid(self._zygote_pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        if self._listener is not None:
            self._listener.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def _spawn(self) -> _Worker:
        assert self._listener is not None
        with self._spawn_lock:
            os.write(self._commands, b"w")
            sock, _ = self._listener.accept()
            sock.settimeout(None)
            conn = Connection(sock.detach())
            if not conn.poll(SPAWN_TIMEOUT):
                raise RuntimeError("a new query worker did not report in")
            pid = conn.recv()
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN)
        return _Worker(pid, conn, poller)

    def _kill(self, worker: _Worker) -> None:
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.conn.close()

    # -- work -----------------------------------------------------------------------------------------
    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        """Evaluate ``job`` in a worker; 503 at the deadline (the worker is killed and replaced).

        Raises ``Busy`` when no worker becomes idle within ``acquire_timeout``.
        """
        if not self.started:
            raise RuntimeError("the worker pool is not started")
        deadline = self.settings.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=self.settings.acquire_timeout) if self.settings.acquire_timeout else (
                self._idle.get_nowait())
        except queue.Empty as err:
            raise Busy() from err
        started = time.monotonic()
        try:
            worker.conn.send(job)
            if _answer_ready(worker, deadline):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, ConnectionError):
            self.crashed += 1
            log.warning("worker %s died on a query after %.0f ms", worker.pid, (time.monotonic() - started) * 1000)
            self._replace(worker)
            return QueryAnswer.failure(
                503, "the query engine stopped while running this query, most likely because it needed more memory "
                     "than a query may use; the query was not completed"
            )
        self.killed += 1
        log.warning("worker %s killed at the %.1f s deadline", worker.pid, deadline)
        self._replace(worker)
        return QueryAnswer.failure(
            503, f"the query did not finish within the {round(deadline, 1):g} s time limit and was stopped; "
                 "narrow it (add LIMIT, more specific patterns) and try again"
        )

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self.started:
            self._idle.put(self._spawn())


class SandboxedStore:
    """The Store interface for a public server: strangers' queries (``execute``) run in the worker pool.

    tpgraph's own queries (named queries, pages) are trusted and run in-process through ``local``.
    """

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self.local = pool.store

    def execute(self, job: QueryJob) -> QueryAnswer:
        return self.pool.run(job, job.time_limit)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        return self.local.select(query, bindings)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return self.local.ask(query, bindings)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        return self.local.construct(query, bindings)

    def serialized(self, query: str, media_type: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        return self.local.serialized(query, media_type, bindings)

    def graphs(self) -> list[str]:
        return self.local.graphs()

    def counts(self) -> dict[str, int]:
        return self.local.counts()
