"""The named queries in ``queries/*.rq`` and their grlc-style ``#+`` headers.

A header is YAML in leading ``#+`` comment lines. grlc's own keys are used as grlc reads them (``summary``,
``description``, ``tags``, and ``defaults`` as a list of one-entry maps); tpgraph adds ``parameters``, a list
giving each parameter's record type (one type or a list), a description and an example value. A parameter's
default comes from grlc's ``defaults``, so the same file works in grlc and here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tpgraph.model.schema import RECORD_TYPES
from tpgraph.model.suggestions import did_you_mean

NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A query's name (its file stem), also its path segment in the REST API."""


class CatalogueError(ValueError):
    """A query file's header is malformed; the message names the file and what to fix."""


@dataclass(frozen=True)
class Parameter:
    """A parameter a named query declares: it is bound to the IRI of a record of one of ``types``."""

    name: str
    types: tuple[str, ...]
    description: str = ""
    example: str = ""
    default: str = ""

    @property
    def noun(self) -> str:
        """What the parameter names, in words: 'muscle or muscle group'."""
        return " or ".join(RECORD_TYPES[t].noun for t in self.types)


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its name (the file stem), header fields and SPARQL text."""

    name: str
    summary: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, str]:
        return {p.name: p.default for p in self.parameters if p.default}


def read_header(text: str) -> dict:
    """The YAML carried by the leading ``#+`` comment lines (empty when there is none)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        return {}
    try:
        header = YAML(typ="safe").load("\n".join(lines))
    except YAMLError as err:
        raise CatalogueError(f"the #+ header is not valid YAML: {err}") from None
    if not isinstance(header, dict):
        raise CatalogueError("the #+ header must be a mapping of keys such as summary: and parameters:")
    return header


def _defaults(header: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in header.get("defaults") or []:
        if not isinstance(item, dict):
            raise CatalogueError("each entry of defaults: is a one-entry map, as in '- region: groin'")
        found.update({str(k): str(v) for k, v in item.items()})
    return found


def _parameters(header: dict) -> tuple[Parameter, ...]:
    defaults = _defaults(header)
    found = []
    for item in header.get("parameters") or []:
        if not isinstance(item, dict) or "name" not in item or "type" not in item:
            raise CatalogueError("each parameter needs a name: and a type: (a record type such as region)")
        types = item["type"] if isinstance(item["type"], list) else [item["type"]]
        unknown = [str(t) for t in types if t not in RECORD_TYPES]
        if unknown:
            raise CatalogueError(f"parameter '{item['name']}' has unknown type {', '.join(unknown)} "
                                 f"(known: {', '.join(RECORD_TYPES)})")
        name = str(item["name"])
        found.append(Parameter(name, tuple(str(t) for t in types), " ".join(str(item.get("description", "")).split()),
                               str(item.get("example", "")), defaults.pop(name, "")))
    if defaults:
        raise CatalogueError(f"defaults: names {', '.join(sorted(defaults))}, which parameters: does not declare")
    return tuple(found)


def parse_query(name: str, text: str) -> NamedQuery:
    """A named query from its file stem and text."""
    header = read_header(text)
    tags = header.get("tags") or []
    return NamedQuery(
        name=name,
        summary=str(header.get("summary", name)),
        description=" ".join(str(header.get("description", "")).split()),
        text=text,
        parameters=_parameters(header),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
    )


def load_catalogue(folder: Path | None) -> list[NamedQuery]:
    """Every ``.rq`` file directly in ``folder``, sorted by name; a malformed header names its file."""
    if folder is None or not folder.is_dir():
        return []
    queries = []
    for path in sorted(folder.glob("*.rq"), key=lambda p: p.stem):
        if not NAME.fullmatch(path.stem):
            raise CatalogueError(f"{path}: a query's file name is lower-case words joined by hyphens")
        try:
            queries.append(parse_query(path.stem, path.read_text(encoding="utf-8")))
        except CatalogueError as err:
            raise CatalogueError(f"{path}: {err}") from None
    return queries


def find(catalogue: list[NamedQuery], name: str) -> NamedQuery:
    """The query called ``name``; an unknown name gets a CatalogueError naming the closest ones."""
    for query in catalogue:
        if query.name == name:
            return query
    names = [q.name for q in catalogue]
    hint = did_you_mean(name, names, cutoff=0.5)
    raise CatalogueError(f"no named query '{name}'{hint} (tpgraph queries lists them)")
