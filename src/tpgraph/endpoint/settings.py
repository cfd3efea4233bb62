"""Server settings: one frozen object built by the CLI (or a test) and handed to ``create_app``.

The app reads every path it serves from here (``for_project`` fills them from one project folder), so
``tpgraph --root DIR serve`` serves DIR's files and nothing else; the CLI takes its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from tpgraph.paths import ProjectPaths
from tpgraph.sparql.prescan import Limits


@dataclass(frozen=True)
class ServerSettings:
    """Everything the web layer needs to know; defaults are the safe public-server values."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    workers: int = 4
    threads: int = 8
    worker_memory_mb: int = 1024
    body_limit: int = 16 * 1024
    row_cap: int = 10_000
    max_in_flight: int = 0  # 0: as many as there are workers
    per_client_in_flight: int = 2
    cache_entries: int = 1024
    cache_max_bytes: int = 1024 * 1024
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
    def in_flight_cap(self) -> int:
        return self.max_in_flight or self.workers
