"""The named queries in ``queries/*.rq`` and their grlc-style ``#+`` headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its name (the file stem), header fields and SPARQL text."""

    name: str
    summary: str
    description: str
    text: str


def read_header(text: str) -> dict:
    """The YAML carried by the leading ``#+`` comment lines (empty when there is none or it is malformed)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = YAML(typ="safe").load("\n".join(lines)) if lines else {}
    except YAMLError:
        return {}
    return header if isinstance(header, dict) else {}


def load_catalogue(folder: Path | None) -> list[NamedQuery]:
    """Every ``.rq`` file directly in ``folder``, sorted by name."""
    if folder is None or not folder.is_dir():
        return []
    queries = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = read_header(text)
        queries.append(NamedQuery(
            name=path.stem,
            summary=str(header.get("summary", path.stem)),
            description=" ".join(str(header.get("description", "")).split()),
            text=text,
        ))
    return queries
