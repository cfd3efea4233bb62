"""A small closed-loop HTTP/1.1 load generator: one thread, raw non-blocking sockets, epoll.

Each simulated client is one persistent keep-alive connection that sends a request, waits for the whole
response, records its latency and status, and sends the next one at once (closed loop, no think time).
All clients are driven by one thread through ``selectors``: no GIL hand-offs and no ``http.client`` parsing
overhead, so the generator costs a few tens of microseconds per request. Its own ceiling is measured and
reported by run_bench.py.

Each client can bind its own loopback source address (127.0.0.11, 127.0.0.12, ...): servers that cap the
queries in flight *per client address* (tpgraph does) then see 8 clients as 8 clients, as they would be on
the internet, not as one client hammering with 8 connections. Only loopback addresses are ever used.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

RequestFactory = Callable[[int], bytes]
"""Builds the raw bytes of request number i (a global counter across clients)."""


def get_request(host: str, port: int, target: str, accept: str = "application/sparql-results+json") -> bytes:
    return (
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\nUser-Agent: tpgraph-bench\r\n\r\n"
    ).encode("ascii")


def query_factory(host: str, port: int, path: str, texts: list[tuple[str, str]], distinct: bool,
                  base: int) -> RequestFactory:
    """GET ``path?query=...`` requests cycling through templates.

    ``texts`` holds each template's text split at its ``{N}`` placeholder. With ``distinct`` the placeholder
    becomes ``base + i`` (a new text on every request); otherwise always ``base`` (the same few texts).
    The URL-encoding of the fixed parts is done once here.
    """
    head = f"GET {path}?query=".encode("ascii")
    tail = (f" HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/sparql-results+json\r\n"
            "User-Agent: tpgraph-bench\r\n\r\n").encode("ascii")
    parts = [(head + quote(a, safe="").encode("ascii"), quote(b, safe="").encode("ascii") + tail) for a, b in texts]
    count = len(parts)
    if not distinct:
        fixed = [a + str(base).encode("ascii") + b for a, b in parts]
        return lambda i: fixed[i % count]

    def make(i: int) -> bytes:
        a, b = parts[i % count]
        return a + str(base + i).encode("ascii") + b

    return make


@dataclass
class RunResult:
    clients: int
    seconds: float  # measured wall time
    latencies: list[float] = field(default_factory=list)  # seconds, completed requests in the window
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # connection-level failures
    cpu_seconds: float = 0.0  # CPU time the generator itself used during the window
    bytes_received: int = 0

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    @property
    def non_200(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200) + sum(self.errors.values())

    @property
    def generator_cpu(self) -> float:
        """Share of one core the generator used (1.0 = saturated: then it is the bottleneck)."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


class _Conn:
    __slots__ = ("buf", "index", "out", "sock", "source", "started")

    def __init__(self, sock: socket.socket, source: str | None):
        self.sock = sock
        self.buf = bytearray()
        self.started = 0.0
        self.out = b""
        self.index = 0
        self.source = source


def _parse(buf: bytearray) -> tuple[int, int] | None:
    """(status, total length) of the first complete response in ``buf``, or None if incomplete."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        lname = name.strip().lower()
        if lname == "content-length":
            length = int(value.strip())
        elif lname == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    body_start = end + 4
    if chunked:
        pos = body_start
        while True:
            line_end = buf.find(b"\r\n", pos)
            if line_end < 0:
                return None
            size = int(bytes(buf[pos:line_end]).split(b";", 1)[0], 16)
            pos = line_end + 2
            if size == 0:
                # trailers (none expected) end with an empty line
                trailer_end = buf.find(b"\r\n", pos)
                if trailer_end < 0:
                    return None
                while trailer_end != pos:
                    pos = trailer_end + 2
                    trailer_end = buf.find(b"\r\n", pos)
                    if trailer_end < 0:
                        return None
                return status, trailer_end + 2
            if len(buf) < pos + size + 2:
                return None
            pos += size + 2
    if status in (204, 304) or (100 <= status < 200):
        return status, body_start
    if length is None:
        raise ValueError("response without Content-Length or chunked encoding (not supported)")
    if len(buf) < body_start + length:
        return None
    return status, body_start + length


def run(host: str, port: int, factory: RequestFactory, clients: int, duration: float, warmup: float = 0.0,
        max_requests: int = 2_000_000, source_addresses: list[str] | None = None, start_index: int = 0,
        timeout: float = 60.0, min_requests: int = 0, max_duration: float | None = None) -> RunResult:
    """Drive ``clients`` closed-loop connections for ``warmup`` then ``duration`` seconds.

    Only requests that *complete* inside the measured window count, and their latencies. Stops early after
    ``max_requests`` measured requests. For slow servers the window is stretched until ``min_requests`` have
    completed, but never past ``max_duration`` (default: 4 x ``duration`` + 30 s). Returns the statuses of
    the measured window only.
    """
    if not host.startswith("127."):
        raise ValueError("the benchmark only sends traffic to loopback addresses")
    sel = selectors.DefaultSelector()
    conns: list[_Conn] = []
    counter = start_index

    def connect(source: str | None) -> _Conn:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if source:
            sock.bind((source, 0))
        sock.connect((host, port))
        sock.setblocking(False)
        return _Conn(sock, source)

    for k in range(clients):
        source = source_addresses[k % len(source_addresses)] if source_addresses else None
        conns.append(connect(source))

    result = RunResult(clients=clients, seconds=0.0)
    t0 = time.perf_counter()
    measure_from = t0 + warmup
    stop_at = measure_from + duration
    cpu_start = None
    measuring = warmup <= 0
    if measuring:
        cpu_start = time.process_time()
    measured = 0
    hard_limit = max_duration if max_duration is not None else 4 * duration + 30.0

    def send(conn: _Conn, now: float) -> None:
        nonlocal counter
        conn.out = factory(counter)
        counter += 1
        conn.started = now
        try:
            sent = conn.sock.send(conn.out)
        except BlockingIOError:
            sent = 0
        conn.out = conn.out[sent:]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.out else 0)
        sel.register(conn.sock, events, conn)

    now = time.perf_counter()
    for conn in conns:
        send(conn, now)

    active = len(conns)
    stopping = False
    while active:
        events = sel.select(timeout=1.0)
        now = time.perf_counter()
        if not measuring and now >= measure_from:
            measuring = True
            cpu_start = time.process_time()
            measure_from = now
            stop_at = now + duration
        if not stopping and measuring and (
            (now >= stop_at and measured >= min_requests) or now >= measure_from + hard_limit
            or measured >= max_requests
        ):
            stopping = True
            stop_at = now
        if not events:
            # idle second: give up on connections stuck past the timeout
            for conn in list(conns):
                if conn.started and now - conn.started > timeout:
                    result.errors["timeout"] = result.errors.get("timeout", 0) + 1
                    sel.unregister(conn.sock)
                    conn.sock.close()
                    conns.remove(conn)
                    active -= 1
            continue
        for key, mask in events:
            conn: _Conn = key.data
            if mask & selectors.EVENT_WRITE and conn.out:
                try:
                    sent = conn.sock.send(conn.out)
                    conn.out = conn.out[sent:]
                except BlockingIOError:
                    pass
                if not conn.out:
                    sel.modify(conn.sock, selectors.EVENT_READ, conn)
            if not mask & selectors.EVENT_READ:
                continue
            try:
                data = conn.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError as err:
                data = b""
                result.errors[errno.errorcode.get(err.errno or 0, "oserror")] = result.errors.get(
                    errno.errorcode.get(err.errno or 0, "oserror"), 0) + 1
            if not data:
                # the server closed the connection: count it, reconnect unless stopping
                sel.unregister(conn.sock)
                conn.sock.close()
                conns.remove(conn)
                if measuring:
                    result.errors["closed"] = result.errors.get("closed", 0) + 1
                if stopping:
                    active -= 1
                    continue
                fresh = connect(conn.source)
                conns.append(fresh)
                send(fresh, time.perf_counter())
                continue
            conn.buf += data
            parsed = _parse(conn.buf)
            if parsed is None:
                continue
            status, total = parsed
            done = time.perf_counter()
            if measuring and not stopping:
                result.latencies.append(done - conn.started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.bytes_received += total
                measured += 1
            del conn.buf[:total]
            sel.unregister(conn.sock)
            if not stopping and ((done >= stop_at and measured >= min_requests) or measured >= max_requests
                                 or done >= measure_from + hard_limit):
                stopping = True
                stop_at = done
            if stopping:
                active -= 1
                continue
            send(conn, done)
    end = time.perf_counter()
    result.seconds = min(end, stop_at) - measure_from if measuring else 0.0
    if cpu_start is not None:
        result.cpu_seconds = time.process_time() - cpu_start
    for conn in conns:
        try:
            sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()
    sel.close()
    return result
