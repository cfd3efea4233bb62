"""What the served build is, read from ``dist/build.json`` and ``dist/void.ttl``; under ``serve --watch``, why the
sources on disk are not what is served."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildInfo:
    """What the served build is: its id (also the ETag) and size, and its VoID description."""

    build_id: str
    quads: int
    void_turtle: bytes

    @classmethod
    def from_dist(cls, dist: Path | None) -> BuildInfo:
        if dist is None or not (dist / "build.json").is_file():
            return cls("unbuilt", 0, b"")
        info = json.loads((dist / "build.json").read_text(encoding="utf-8"))
        void = (dist / "void.ttl").read_bytes() if (dist / "void.ttl").is_file() else b""
        return cls(info["build_id"], int(info["quads"]), void)


@dataclass(frozen=True)
class BuildProblem:
    """Why the sources on disk are not what is served: the rebuild's messages (file:line: what to fix)."""

    message: str
    since: float  # time.time() of the failed rebuild
    serving: str  # the build id still served, the last good one

    def as_json(self) -> dict[str, object]:
        return {"problem": self.message, "since": round(self.since, 3), "serving": self.serving}


class WatchState:
    """What ``serve --watch`` knows about the sources: the last rebuild's problem, if any.

    One object shared by every app the server swaps in, so the page and ``/health`` of the build still served
    say why the edit on disk is not live. The web layer only reads it; the watcher writes it from its thread
    (a single reference assignment, so readers need no lock).
    """

    def __init__(self) -> None:
        self.problem: BuildProblem | None = None
        self.rebuilds = 0

    def failed(self, message: str, serving: str) -> None:
        self.problem = BuildProblem(message, time.time(), serving)

    def succeeded(self) -> None:
        self.rebuilds += 1
        self.problem = None

    def as_json(self) -> dict[str, object]:
        problem = self.problem
        return {"rebuilds": self.rebuilds, **(problem.as_json() if problem else {"problem": None})}
