"""Prometheus metrics for one app instance (its own registry: no process-global state)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest


class Metrics:
    """Request counts and latencies by route, status and outcome; cache hits; worker pool health; the admission
    queue (its length, the queries running, how long admitted queries waited, refusals by reason)."""

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

        self.queue_wait = Histogram(
            "tpgraph_queue_wait_seconds", "Time an admitted query waited for a worker", registry=self.registry,
            buckets=(0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
        )
        self.queue_refused = Counter(
            "tpgraph_queue_refused", "Queries refused: the client over its cap (client-cap), the queue full "
            "(queue-full), the wait run out (wait-timeout)", ["reason"], registry=self.registry,
        )
        self.queue_length = Gauge("tpgraph_queue_length", "Queries waiting for a worker now", registry=self.registry)
        self.queries_running = Gauge("tpgraph_queries_running", "Queries being evaluated now", registry=self.registry)

    def watch_admission(self, admission: Any) -> None:
        """Read the queue length and running queries from ``admission`` whenever /metrics is rendered."""
        self.queue_length.set_function(lambda: admission.queued)
        self.queries_running.set_function(lambda: admission.running)

    def observe(self, route: str, status: int, seconds: float, outcome: str) -> None:
        self.requests.labels(route, str(status), outcome).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
