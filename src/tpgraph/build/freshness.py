"""Is ``dist/`` already the build of these sources? Then a build has nothing to do.

An author's loop runs ``tpgraph build`` (or ``serve --watch``) far more often than the sources change. Each
build leaves a stamp in its output folder: a digest of everything the output depends on — the data files, the
ontology, the shapes, the import module, the quality checks, tpgraph's own code, and the versions of Python
and of the libraries that parse, validate and serialise — and the SHA-256 of every file it wrote. A later build
whose inputs give the same digest, over an output folder whose files are exactly those, with those hashes,
returns the recorded result without loading anything. A stamp that is missing, unreadable, from other inputs or
other code, or an output folder with a file changed, missing or added, is ignored: the build runs in full.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from tpgraph.paths import ProjectPaths

STAMP = "build-inputs.json"
"""The stamp's file name inside the output folder (not an artefact: it is never released)."""

LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "ruamel.yaml", "PyYAML")


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, for the CLI to report."""

    out_dir: Path
    build_id: str
    quads: int
    graphs: int
    records: dict[str, int]
    derived: int
    reused: bool = False  # True when the output folder already held this build and nothing was written
    redone: int | None = None  # an incremental build: how many data files it read (None: a full build, or reused)


def inputs_digest(paths: ProjectPaths, environment: str | None = None) -> str:
    """SHA-256 over every input's path and bytes, tpgraph's code and the library versions (``environment``:
    the ``environment_digest``, if already taken)."""
    digest = hashlib.sha256((environment or environment_digest(paths)).encode("utf-8"))
    for path in _files_under(paths.data, paths.root):
        _feed(digest, path.relative_to(paths.root).as_posix(), path)
    return digest.hexdigest()


def environment_digest(paths: ProjectPaths) -> str:
    """SHA-256 over everything a build depends on but the data files: the ontology, shapes, import module and
    quality checks, tpgraph's code and the versions of Python and the libraries (the build cache's key)."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parents[1]
    files = [
        *(f for f in (paths.ontology, paths.shapes, paths.import_module) if f.is_file()),
        *_files_under(paths.quality_checks, paths.root),
    ]
    for path in files:
        _feed(digest, path.relative_to(paths.root).as_posix(), path)
    for path in sorted(code.rglob("*.py")):
        _feed(digest, "code/" + path.relative_to(code).as_posix(), path)
    versions = [sys.version] + [f"{name} {_version(name)}" for name in LIBRARIES]
    digest.update("\n".join(versions).encode("utf-8"))
    return digest.hexdigest()


def output_hashes(out: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """SHA-256 of every file under ``out`` but the stamp, by its path relative to ``out``; ``known``: hashes
    the writers took of what they wrote (a file they did not name is read and hashed here)."""
    known = known or {}
    hashes = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != STAMP:
            name = path.relative_to(out).as_posix()
            hashes[name] = known.get(name) or hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def write_stamp(out: Path, digest: str, derived: int, records: dict[str, int],
                known: dict[str, str] | None = None) -> None:
    """Record, in the finished output folder (before it replaces ``dist/``), what it was built from.

    ``records`` is kept as a list of pairs so that a reused build reports them in the same order; ``known``:
    the hashes the writers took (``output_hashes``).
    """
    stamp = {"inputs": digest, "derived": derived, "records": [[k, n] for k, n in records.items()],
             "outputs": output_hashes(out, known)}
    (out / STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def current_build(out: Path, digest: str) -> BuildResult | None:
    """The build ``out`` holds if it was built from inputs with this digest and is intact, else None."""
    try:
        stamp: dict[str, Any] = json.loads((out / STAMP).read_text(encoding="utf-8"))
        if stamp.get("inputs") != digest or stamp.get("outputs") != output_hashes(out):
            return None
        info = json.loads((out / "build.json").read_text(encoding="utf-8"))
        return BuildResult(out, str(info["build_id"]), int(info["quads"]), int(info["graphs"]),
                           {str(k): int(n) for k, n in stamp["records"]}, int(stamp["derived"]), reused=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _files_under(folder: Path, root: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def _feed(digest: Any, name: str, path: Path) -> None:
    content = path.read_bytes()
    digest.update(f"{name}\0{len(content)}\0".encode("utf-8"))
    digest.update(content)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
