"""Prometheus metrics for one app instance (its own registry: no process-global state)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest


class Metrics:
    """Request counts and latencies by route, status and outcome; cache hits; worker pool health."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tpgraph_requests", "HTTP requests answered", ["route", "status", "outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "tpgraph_request_seconds", "Time to answer a request", ["route"], registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.cache_hits = Counter("tpgraph_cache_hits", "Answers served from the result cache", registry=self.registry)
        self.workers_idle = Gauge("tpgraph_workers_idle", "Query workers waiting for work", registry=self.registry)
        self.workers_killed = Gauge(
            "tpgraph_workers_killed", "Query workers killed at the deadline since start", registry=self.registry
        )
        self.workers_crashed = Gauge(
            "tpgraph_workers_crashed", "Query workers that died on a query since start", registry=self.registry
        )

    def observe(self, route: str, status: int, seconds: float, outcome: str) -> None:
        self.requests.labels(route, str(status), outcome).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
