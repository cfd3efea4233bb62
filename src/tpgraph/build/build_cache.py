"""Where an incremental build finds the units of the last good build, and how it proves them intact.

Beside the output folder (``.dist-cache/`` for ``dist/``), one folder per *environment*: a digest of tpgraph's
code, the ontology, the shapes, the import module, the quality checks and the library versions
(``freshness.environment_digest``); a build under another environment never sees these units. In it, one file
per unit, named by the digest of the context, the file's path and the file's bytes, and a manifest: the units
of the last build that validated, and the digest of its context. Each file holds its payload as a string with
the payload's SHA-256 beside it: a file cut short, edited or unreadable is treated as absent, never trusted.
Files are written under a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpgraph.build.units import Unit

MANIFEST = "manifest.json"
ONTOLOGY_QUADS = "ontology.json"


@dataclass(frozen=True)
class Manifest:
    """The last good build: each data file's unit key, and its context digest."""

    files: dict[str, str]
    context: str

    @classmethod
    def of(cls, units: Iterable[Unit], context: str) -> "Manifest":
        """The manifest naming ``units`` under ``context``."""
        return cls({u.path: unit_key(context, u.path, u.sha) for u in sorted(units, key=lambda u: u.path)}, context)


def unit_key(context: str, path: str, sha: str) -> str:
    return hashlib.sha256(f"{context}\0{path}\0{sha}".encode("utf-8")).hexdigest()


class BuildCache:
    """The units of one environment, in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def beside(cls, out_dir: Path, environment: str) -> "BuildCache":
        return cls(out_dir.parent / f".{out_dir.name}-cache" / environment[:32])

    # -- reading: anything odd is absent -----------------------------------------------------------
    def _read(self, name: str) -> Any:
        try:
            wrapper = json.loads((self.folder / name).read_text(encoding="utf-8"))
            payload = wrapper["payload"]
            if hashlib.sha256(payload.encode("utf-8")).hexdigest() != wrapper["sha256"]:
                return None
            return json.loads(payload)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def manifest(self) -> Manifest | None:
        data = self._read(MANIFEST)
        try:
            return Manifest({str(k): str(v) for k, v in data["files"].items()}, str(data["context"]))
        except (KeyError, TypeError, AttributeError):
            return None

    def unit(self, key: str) -> Unit | None:
        data = self._read(f"units/{key}.json")
        try:
            return Unit(
                path=str(data["path"]),
                sha=str(data["sha"]),
                entries=[(str(t), str(s), str(label), tuple(str(x) for x in syn), int(line))
                         for t, s, label, syn, line in data["entries"]],
                references=frozenset(str(r) for r in data["references"]),
                asserted=[str(line) for line in data["asserted"]],
                derived=[str(line) for line in data["derived"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def ontology_quads(self) -> list[str] | None:
        data = self._read(ONTOLOGY_QUADS)
        return [str(line) for line in data] if isinstance(data, list) else None

    # -- writing -------------------------------------------------------------------------------------
    def _write(self, name: str, data: Any) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text = json.dumps({"sha256": hashlib.sha256(payload.encode("utf-8")).hexdigest(), "payload": payload},
                          ensure_ascii=False)
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)

    def write_units(self, units: Iterable[Unit], context: str) -> None:
        """Store ``units``, each under its key in ``context``."""
        for unit in units:
            self._write(f"units/{unit_key(context, unit.path, unit.sha)}.json", {
                "path": unit.path, "sha": unit.sha, "entries": [list(e) for e in unit.entries],
                "references": sorted(unit.references), "asserted": unit.asserted, "derived": unit.derived,
            })

    def write_ontology_quads(self, lines: list[str]) -> None:
        self._write(ONTOLOGY_QUADS, lines)

    def commit(self, manifest: Manifest) -> None:
        """Name the units of a build that validated; drop the units no manifest names and other environments."""
        self._write(MANIFEST, {"files": manifest.files, "context": manifest.context})
        wanted = {f"{key}.json" for key in manifest.files.values()}
        units = self.folder / "units"
        for path in units.iterdir() if units.is_dir() else ():
            if path.name not in wanted:
                path.unlink(missing_ok=True)
        for sibling in self.folder.parent.iterdir():
            if sibling.is_dir() and sibling != self.folder:
                shutil.rmtree(sibling, ignore_errors=True)
