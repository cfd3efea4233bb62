"""Where the sources and the built dataset live: a checkout, or the copies shipped inside the wheel.

From a checkout (``ontology/tpgraph.ttl`` beside ``src/``), the sources are edited in place and ``tpgraph build``
writes ``dist/``. An installed wheel carries the same files under ``tpgraph/_bundle/`` with a ready-made
``dist/``, so ``tpgraph serve`` works without building.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BUNDLE_DIR = "_bundle"


@dataclass(frozen=True)
class ProjectPaths:
    """The source files and output folder of one tpgraph tree."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "tpgraph.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def import_module(self) -> Path:
        return self.root / "ontology" / "imports" / "external.ttl"

    @property
    def external_ids(self) -> Path:
        return self.root / "reference" / "external-ids.tsv"

    @property
    def quality_checks(self) -> Path:
        return self.root / "queries" / "qc"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def releases(self) -> Path:
        return self.root / "releases"


def checkout_root() -> Path | None:
    """The repository root when running from a source checkout (editable install or PYTHONPATH=src)."""
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "ontology" / "tpgraph.ttl").is_file() and (candidate / "src" / "tpgraph").is_dir():
        return candidate
    return None


def default_paths() -> ProjectPaths:
    """TPGRAPH_ROOT if set, else the checkout this code runs from, else the bundle inside the package."""
    env = os.environ.get("TPGRAPH_ROOT")
    if env:
        return ProjectPaths(Path(env))
    root = checkout_root()
    if root is not None:
        return ProjectPaths(root)
    return ProjectPaths(Path(__file__).resolve().parent / BUNDLE_DIR)
