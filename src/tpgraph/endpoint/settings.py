"""Server settings: one frozen object built by the CLI (or a test) and handed to ``create_app``.

The app reads every path it serves from here (``for_project`` fills them from one project folder), so
``tpgraph --root DIR serve`` serves DIR's files and nothing else; the CLI takes its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from tpgraph.paths import ProjectPaths
from tpgraph.sparql.prescan import Limits


RUN_SHARE_KEPT = 0.2
"""The share of the deadline a query that waited for a worker still has to run, at least (2 s of the default 10)."""

SPARE_THREADS = 32
"""HTTP threads beyond the running and queued queries: pages, /health, /metrics, refusals, idle keep-alives."""


@dataclass(frozen=True)
class ServerSettings:
    """Everything the web layer needs to know; defaults are the safe public-server values."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    workers: int = 4
    threads: int = 0  # 0: one per query that may run or wait, plus SPARE_THREADS (see http_threads)
    worker_memory_mb: int = 1024
    body_limit: int = 16 * 1024
    row_cap: int = 10_000
    max_in_flight: int = 0  # 0: as many as there are workers
    per_client_in_flight: int = 2  # queries one client may have running
    per_client_queries: int = 8  # queries one client may have running or waiting in the queue
    queue_length: int = 64  # queries that may wait for a worker when every worker is busy
    queue_wait: float = 8.0  # seconds a query may wait there before it is answered 503 (see admission_wait)
    cache_entries: int = 1024
    cache_max_bytes: int = 1024 * 1024  # largest answer kept
    cache_total_bytes: int = 64 * 1024 * 1024  # all answers kept, together
    slow_query_ms: float = 1000.0
    trusted_proxies: int = 0
    dist: Path | None = None
    queries: Path | None = None
    ontology: Path | None = None  # the Turtle source of /vocab
    releases: Path | None = None  # the published releases served at /releases/ (default: the project's)
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def for_project(cls, paths: ProjectPaths, **overrides: object) -> ServerSettings:
        """Settings serving the project at ``paths``: its dist/, queries/, ontology and releases/."""
        return replace(cls(dist=paths.dist, queries=paths.queries, ontology=paths.ontology,
                           releases=paths.releases), **overrides)  # type: ignore[arg-type]

    @property
    def admission_wait(self) -> float:
        """Seconds a query may wait for a worker: ``queue_wait``, but never more than ``RUN_SHARE_KEPT`` short of
        the deadline. A query's deadline runs from its arrival, so what it waited is taken off the time it may
        run (``QueryService.evaluate``), and every admitted query keeps at least a fifth of the deadline to run."""
        return max(0.0, min(self.queue_wait, self.timeout * (1 - RUN_SHARE_KEPT)))

    @property
    def in_flight_cap(self) -> int:
        return self.max_in_flight or self.workers

    @property
    def http_threads(self) -> int:
        """HTTP threads (and connections) of the server: enough that every query running or waiting in the
        admission queue holds its own thread with SPARE_THREADS left over, so a query never waits in the HTTP
        server's own (unbounded) task queue and /health and /metrics answer while queries wait."""
        return self.threads or self.in_flight_cap + self.queue_length + SPARE_THREADS
