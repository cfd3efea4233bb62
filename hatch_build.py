"""Wheel build hook: ship the sources and a freshly built dist/ inside the package.

An installed tpgraph then serves and queries without a checkout or a build step: ``tpgraph/_bundle/`` holds
ontology/, data/, queries/, releases/ and dist/ (see ``tpgraph.paths``). Editable installs skip this; they use the
checkout directly.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BundleBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        from tpgraph.build.dist import build
        from tpgraph.paths import BUNDLE_DIR, ProjectPaths

        out = Path(tempfile.mkdtemp(prefix="tpgraph-wheel-")) / "dist"
        result = build(ProjectPaths(root), out)
        self.app.display_info(f"bundled build {result.build_id} ({result.quads} quads)")
        force = build_data["force_include"]
        force[str(out)] = f"tpgraph/{BUNDLE_DIR}/dist"
        for name in ("ontology", "data", "queries", "releases"):
            if (root / name).is_dir():  # releases/ exists once a first release is published
                force[str(root / name)] = f"tpgraph/{BUNDLE_DIR}/{name}"
