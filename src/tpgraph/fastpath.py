"""Answer a repeated GET from the result cache without entering Flask.

A GET whose path, query string and Accept header are exactly those of an earlier successful answer gets that
answer's bytes and headers again: the data never change while the process lives, and a request that differs in
any of these goes the whole way through the application (protocol checks, pre-scan, negotiation, cache by
parsed query, worker). Conditional requests (If-None-Match) and every other method also take the full path.
This skips Flask's request context, routing and response objects, which cost more than the answer itself
once it is cached (measured in bench/).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

CACHEABLE = "tpgraph.cacheable"
"""Environ key the application sets when its answer to this exact request may be replayed."""

Recorder = Callable[[dict[str, Any], int, float, str], None]


class ReplayCachedGets:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable, cache: Any, record: Recorder):
        self.app = app
        self.cache = cache
        self.record = record

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_IF_NONE_MATCH" in environ or self.cache.entries <= 0:
            return self.app(environ, start_response)
        key = ("replay", environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""))
        hit = self.cache.get(key)
        if hit is not None:
            started = time.perf_counter()
            status, headers, body = hit
            start_response(status, headers)
            self.record(environ, int(status[:3]), time.perf_counter() - started, "cached")
            return [body]
        captured: list = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured[:] = [status, list(headers)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if not environ.get(CACHEABLE) or not captured or not captured[0].startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.cache.put_raw(key, (captured[0], captured[1], body), len(body))
        return [body]
