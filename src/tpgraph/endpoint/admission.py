"""Admission of queries to the workers: run now, wait in a bounded queue, or be refused with a reason.

Why a queue: the workers are few (one per core or so) and a query takes milliseconds, so refusing a query the
moment every worker is busy turned ordinary bursts of well-behaved clients into 429s, where a server that
queues (the Oxigraph server) just answers a little later. Why bounded: a queue without bounds lets a flood hold
every HTTP thread and every client's patience. So a query waits only while the queue has room (``queue_length``)
and only as long as ``max_wait`` (inside the query deadline, which counts from arrival: the query service takes
the wait off the time the query may run, so wait and run together stay within the deadline); one client may
have ``per_client_running`` queries running and ``per_client_total`` running plus waiting. Refusals: 429 +
Retry-After when the queue is full or the client is over its own cap; 503 when the wait runs out.

Waiting queries are admitted first come, first served among those whose client is under its running cap: a
finished query hands its worker straight to the next eligible waiter, so a newcomer never overtakes one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


class Refused(Exception):
    """A query was not admitted: answer ``status`` (429 or 503) with ``message`` and ``Retry-After``."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


@dataclass
class _Waiter:
    client: str
    event: threading.Event = field(default_factory=threading.Event)
    admitted: bool = False


class Admission:
    """Caps on running queries (global and per client) with a bounded, first-come first-served wait queue."""

    def __init__(self, running: int, per_client_running: int, per_client_total: int, queue_length: int,
                 max_wait: float):
        self.total = max(1, running)
        self.per_client_running = max(1, per_client_running)
        self.per_client_total = max(self.per_client_running, per_client_total)
        self.queue_length = max(0, queue_length)
        self.max_wait = max(0.0, max_wait)
        self._running = 0
        self._running_by: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._waiting_by: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def running(self) -> int:
        return self._running

    @property
    def queued(self) -> int:
        return len(self._waiting)

    def enter(self, client: str) -> float:
        """Admit a query of ``client``, waiting if need be; the seconds it waited.

        Raises Refused when the client is over its cap or the queue is full (429), or the wait ran out (503).
        """
        with self._lock:
            mine = self._running_by[client] + self._waiting_by[client]
            if mine >= self.per_client_total:
                raise Refused(429, f"you already have {mine} queries running or waiting; wait for one to finish",
                              "client-cap")
            if self._running < self.total and self._running_by[client] < self.per_client_running:
                self._admit(client)
                return 0.0
            if len(self._waiting) >= self.queue_length:
                raise Refused(429, "the server is answering as many queries as it can and its queue is full; "
                                   "try again shortly", "queue-full")
            waiter = _Waiter(client)
            self._waiting.append(waiter)
            self._waiting_by[client] += 1
        started = time.monotonic()
        waiter.event.wait(self.max_wait)
        with self._lock:
            if waiter.admitted:  # also when the hand-over came just as the wait ran out
                return time.monotonic() - started
            self._waiting.remove(waiter)
            self._drop_waiting(client)
        raise Refused(503, f"every query worker stayed busy for {self.max_wait:g} s; try again shortly",
                      "wait-timeout")

    def leave(self, client: str) -> None:
        """A query of ``client`` finished: hand its place to the next waiter that may run."""
        with self._lock:
            self._running -= 1
            self._running_by[client] -= 1
            if self._running_by[client] <= 0:
                del self._running_by[client]
            self._hand_over()

    def _admit(self, client: str) -> None:
        self._running += 1
        self._running_by[client] += 1

    def _drop_waiting(self, client: str) -> None:
        self._waiting_by[client] -= 1
        if self._waiting_by[client] <= 0:
            del self._waiting_by[client]

    def _hand_over(self) -> None:
        """Admit waiters in arrival order while there is room; one at its client's running cap stays queued."""
        index = 0
        while self._running < self.total and index < len(self._waiting):
            waiter = self._waiting[index]
            if self._running_by[waiter.client] >= self.per_client_running:
                index += 1
                continue
            del self._waiting[index]
            self._drop_waiting(waiter.client)
            self._admit(waiter.client)
            waiter.admitted = True
            waiter.event.set()
