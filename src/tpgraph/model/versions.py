"""Release versions: what a version is (MAJOR.MINOR.PATCH), how versions sort, which folders are releases.

Shared by publishing (``tpgraph.release``) and serving (``tpgraph.web.release_files``), which must agree on
which folders of ``releases/`` are releases: a staging folder left by an interrupted release is not one.
"""

from __future__ import annotations

import re
from pathlib import Path

VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
"""MAJOR.MINOR.PATCH without prefixes, pre-release tags or leading zeros."""


def version_key(text: str) -> tuple[int, int, int] | None:
    """``text`` as a sortable (major, minor, patch), or None when it is not a release version."""
    match = VERSION.fullmatch(text)
    if not match:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def existing_releases(releases_dir: Path) -> list[str]:
    """The release folders in ``releases_dir``, oldest first; other entries (staging leftovers) are ignored."""
    if not releases_dir.is_dir():
        return []
    names = [p.name for p in releases_dir.iterdir() if p.is_dir() and VERSION.fullmatch(p.name)]
    return sorted(names, key=lambda name: version_key(name) or (0, 0, 0))
