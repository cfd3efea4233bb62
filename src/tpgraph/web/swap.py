"""A WSGI switch for ``serve --watch``: new requests go to the newest app, requests already running finish on
the app they started on, and the caller learns when that old app has no request left.

Why not swap the store inside one app: an app holds its build id (the ETag), its result cache, its catalogue
and its worker pool together, and a request must see one consistent set of them. Replacing the whole app in
one assignment gives each request exactly one build, and the old pool can be closed once nothing uses it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class _Tracked:
    """One app and the number of requests it is serving (counted until the server closes the body)."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.in_flight = 0
        self.idle = threading.Condition()

    def enter(self) -> None:
        with self.idle:
            self.in_flight += 1

    def leave(self) -> None:
        with self.idle:
            self.in_flight -= 1
            if self.in_flight == 0:
                self.idle.notify_all()


class _Body:
    """The app's response body; closing it (the server always does, PEP 3333) ends the request's count."""

    def __init__(self, body: Iterable[bytes], tracked: _Tracked) -> None:
        self.body = body
        self.tracked = tracked
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.tracked.leave()


class _SizedBody(_Body):
    """A body whose length the server may ask: waitress sets Content-Length itself for a one-part body."""

    def __len__(self) -> int:
        return len(self.body)  # type: ignore[arg-type]


class AppSwitch:
    """The WSGI app the HTTP server runs under ``serve --watch``; ``swap`` puts a new app in front."""

    def __init__(self, app: Callable) -> None:
        self._current = _Tracked(app)
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        """Requests the current app is serving now."""
        return self._current.in_flight

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        with self._lock:  # the app is chosen and counted in one step, so drain never misses a request
            tracked = self._current
            tracked.enter()
        try:
            body = tracked.app(environ, start_response)
        except BaseException:
            tracked.leave()
            raise
        return (_SizedBody if hasattr(body, "__len__") else _Body)(body, tracked)

    def swap(self, app: Callable) -> Callable[[float], bool]:
        """Serve ``app`` from the next request on. Returns ``drained(timeout)``: wait until the previous app has
        no request left (True) or the timeout passes (False)."""
        with self._lock:
            old, self._current = self._current, _Tracked(app)

        def drained(timeout: float) -> bool:
            with old.idle:
                return old.idle.wait_for(lambda: old.in_flight == 0, timeout)

        return drained
