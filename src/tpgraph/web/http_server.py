"""Run the WSGI app on waitress, with one correction to waitress's handling of ``Expect: 100-continue``.

waitress 3.0.2 answers a request that is already complete (no body: a GET, or ``Content-Length: 0``) but
carries ``Expect: 100-continue`` with ``100 Continue`` and then marks the request incomplete again, so it waits
for a body that never comes and the client gets no answer until the connection times out (found by fuzzing;
fuzz/RESULTS.md). RFC 9110 §10.1.1 lets a server skip the 100 when it already has the whole request; the
channel below does that, and is waitress's own channel in every other respect.
"""

from __future__ import annotations

from collections.abc import Callable

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server


class CompleteRequestsNeedNoContinue(HTTPChannel):
    """waitress's HTTP channel, minus the interim 100 for a request whose body (if any) has all arrived."""

    def send_continue(self) -> None:
        if self.request is not None and self.request.completed:
            self.request.expect_continue = False
            return
        super().send_continue()


def run(app: Callable, host: str, port: int, threads: int, channel_timeout: int = 30, backlog: int = 128) -> None:
    """Serve ``app`` until interrupted.

    waitress queues requests for its threads without bound; so it accepts at most as many connections as it
    has threads (``connection_limit``), every request read has a thread of its own and waits, if at all, in
    the query service's bounded admission queue. A connection beyond that waits in the kernel's accept queue
    (``backlog`` long) until one closes. ``channel_timeout`` bounds how long an idle or stalled connection is
    held.
    """
    dispatchers: dict = {}
    server = create_server(app, map=dispatchers, host=host, port=port, threads=threads, ident="tpgraph",
                           channel_timeout=channel_timeout, connection_limit=threads, backlog=backlog)
    for dispatcher in dispatchers.values():
        if isinstance(dispatcher, BaseWSGIServer):  # one per listening socket
            dispatcher.channel_class = CompleteRequestsNeedNoContinue
    server.run()
