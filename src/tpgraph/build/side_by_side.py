"""Run one piece of a build in a forked child while the parent does another: both cores, one result.

A build validates (SHACL, quality checks) and writes (inference, consensus, every serialisation), and the two
need only the loaded data: at whole-body size each costs seconds. Forked after loading, the child sees the
loaded data without copying or re-reading it and reports a small JSON-able result through a pipe; the parent
validates meanwhile and cancels the child when the data are refused.

Forking is done only from a single-threaded process (a fork copies only the calling thread, so a lock another
thread holds would stay locked in the child) with a core to spare (``can_fork``); elsewhere the work runs
inline when it is awaited, with the same result.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable
from typing import Any


class ChildFailed(RuntimeError):
    """The work raised in the child; the message is the child's exception."""


class SideJob:
    """Work started beside the caller: ``result()`` waits for it, ``cancel()`` abandons it."""

    def __init__(self, work: Callable[[], dict[str, Any]], fork: bool | None = None):
        """``fork``: whether to fork (default: ``can_fork()``; pass one answer to several jobs started together,
        since each child started makes the machine look busier to the next question)."""
        self._work = work
        self._pid: int | None = None
        self._read: int | None = None
        if can_fork() if fork is None else fork:
            self._start()

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def _start(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, report, never return into the caller's stack
            os.close(read)
            code = 0
            try:
                payload = {"result": self._work()}
            except BaseException as error:  # noqa: BLE001 - everything is reported to the parent
                payload, code = {"error": f"{type(error).__name__}: {error}"}, 1
            try:
                with os.fdopen(write, "w", encoding="utf-8") as out:
                    json.dump(payload, out)
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> dict[str, Any]:
        """The work's result (run inline now if no child was forked); ChildFailed if the child raised."""
        if self._pid is None:
            return self._work()
        assert self._read is not None
        with os.fdopen(self._read, "r", encoding="utf-8") as pipe:
            text = pipe.read()
        self._read = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            raise ChildFailed(f"the build's writer process ended without a result (status {status})") from None
        if "error" in payload:
            raise ChildFailed(payload["error"])
        return payload["result"]

    def cancel(self) -> None:
        """Stop the child, if one is running, and reap it."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._read is not None:
            os.close(self._read)
            self._read = None


def can_fork() -> bool:
    """A fork pays only with a core to spare: on one core, or with every core already busy (a parallel test
    run, another build), the child would only take turns with the parent, and when the data are refused its
    work is thrown away; then the writer runs inline after validation, only if the data are valid.

    "Busy" is the number of threads running right now (Linux's ``/proc/loadavg``), this one included: the
    one-minute load average still counts the build an author ran a moment ago, and would keep the next one
    on one core.
    """
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores > 1 and _running() <= cores - 1


def _running() -> float:
    """Threads running or runnable now, this one included (the one-minute load average where Linux's count
    cannot be read)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            return int(loadavg.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]
