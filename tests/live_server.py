"""Start a real `tpgraph serve` process on a loopback port, for tests over real HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 30):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        return urllib.request.urlopen(request, timeout=timeout)


@contextlib.contextmanager
def live_server(dist: Path, log: Path, *extra: str, root: Path | None = None) -> Iterator[LiveServer]:
    """Run the server until the block ends; fail if it is not healthy within 30 s."""
    port = free_port()
    cmd = [sys.executable, "-m", "tpgraph.cli"]
    if root is not None:
        cmd += ["--root", str(root)]
    cmd += ["serve", "--port", str(port), "--dist", str(dist), *extra]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with server.get("/health", timeout=2) as response:
                    if json.load(response)["status"] == "ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def post(url: str, query: str, accept: str = "text/csv"):
    """POST a SPARQL query form; the response, or the HTTPError (which reads like one) for a 4xx or 5xx."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": accept})
    try:
        return urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as err:
        return err
