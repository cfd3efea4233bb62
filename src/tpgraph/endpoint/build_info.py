"""What the served build is, read from ``dist/build.json`` and ``dist/void.ttl``."""

from __future__ import annotations

import json
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
