"""The pain-drawing search: from the names of drawn regions to ranked muscles, the one function every front end calls.

``read_drawing`` turns what a person typed or clicked into body-region IRIs, refusing every bad input with a
sentence (none, more than ``MAX_REGIONS``, odd characters, a name that is no region, with safe suggestions); a lay
phrase ("front of hip") stands for every region it names. ``search`` fetches the zones with the named query
``pain-drawing-zones`` (its own text plus a VALUES block of region IRIs) and ranks them with ``pain_score``. The
CLI passes the embedded store as ``reader``; ``/api/pain`` and ``/pain`` pass the query service's reader, so the
web's queries keep the cache, in-flight caps and worker deadline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from tpgraph.catalogue.named_queries import NamedQuery
from tpgraph.catalogue.pain_score import NOTICE, Named, PainRow, ZoneRow, rank, score_patterns
from tpgraph.catalogue.parameters import resolve_all
from tpgraph.sparql.values import ParameterError, with_values
from tpgraph.store.interface import Store

QUERY_NAME = "pain-drawing-zones"
"""The named query that fetches the zones (queries/pain-drawing-zones.rq)."""

MAX_REGIONS = 12
"""Most regions one drawing may hold: enough for any real drawing, and a bound on the query's size."""

MAX_VALUE_LENGTH = 200
"""Longest region name accepted; region names and IRIs are far shorter."""

ALLOWED = re.compile(r"[\w\s'’(),./:#-]+")
"""The characters a region's id, label, synonym, lay phrase or IRI is made of; anything else is refused
before any lookup."""

LABELS = "SELECT ?region ?label WHERE { ?region rdfs:label ?label }"


class DrawingError(ParameterError):
    """The drawing cannot be read; ``problems`` holds one sentence per bad value, each saying what would work."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Drawing:
    """The drawn regions (IRIs, in the order drawn, each once) and the lay phrases read as several regions."""

    regions: tuple[ox.NamedNode, ...]
    read_as: tuple[tuple[str, tuple[ox.NamedNode, ...]], ...] = ()


@dataclass(frozen=True)
class PainAnswer:
    """The ranked rows, the drawn regions with their labels, and how lay phrases were read."""

    drawing: tuple[Named, ...]
    rows: tuple[PainRow, ...]
    read_as: tuple[tuple[str, tuple[Named, ...]], ...]
    notice: str = NOTICE

    def as_json(self) -> list[dict]:
        """The answer as JSON: the rows in rank order (each carries the notice)."""
        return [row.as_json() for row in self.rows]


def read_drawing(lookup: Store, values: Sequence[str], *, limit: int = MAX_REGIONS) -> Drawing:
    """The regions ``values`` name (slug, label, synonym, lay phrase or IRI). Raises DrawingError."""
    given = [v.strip() for v in values if v.strip()]
    if not given:
        raise DrawingError(["draw at least one body region (give region=… once per region)"])
    if len(given) > limit:
        raise DrawingError([f"a drawing holds at most {limit} regions; {len(given)} were given"])
    problems: list[str] = []
    regions: list[ox.NamedNode] = []
    read_as: list[tuple[str, tuple[ox.NamedNode, ...]]] = []
    for value in given:
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(f"a region name is at most {MAX_VALUE_LENGTH} characters; one given has {len(value)}")
            continue
        if not ALLOWED.fullmatch(value):
            odd = "".join(sorted({c for c in value if not ALLOWED.fullmatch(c)}))
            problems.append(f"'{value}' holds characters no region name has ({odd!r}); give a region's name or id")
            continue
        try:
            found = resolve_all(lookup, "region", value)
        except ParameterError as err:
            problems.append(str(err))
            continue
        if len(found) > 1:
            read_as.append((value, tuple(found)))
        regions += [r for r in found if r not in regions]
    if problems:
        raise DrawingError(problems)
    if len(regions) > limit:
        raise DrawingError([f"a drawing holds at most {limit} regions; the names given stand for {len(regions)}"])
    return Drawing(tuple(regions), tuple(read_as))


def _text(term: Any) -> str | None:
    return None if term is None else str(term.value)


def zone_rows(result: Any) -> list[ZoneRow]:
    """The rows of pain-drawing-zones as ZoneRows (booleans read from their lexical form)."""
    index = {name: i for i, name in enumerate(result.variables)}

    def get(row: tuple, name: str) -> str | None:
        return _text(row[index[name]])

    def flag(row: tuple, name: str) -> bool:
        return get(row, name) in ("true", "1")

    return [ZoneRow(
        region=get(row, "region") or "", subject=get(row, "subject") or "",
        subject_label=get(row, "subjectLabel") or "", is_group=flag(row, "isGroup"),
        member=get(row, "member"), member_label=get(row, "memberLabel"),
        source=get(row, "source") or "", source_label=get(row, "sourceLabel") or "", voter=get(row, "voter") or "",
        trigger_point=get(row, "triggerPoint") or "", pattern=get(row, "pattern") or "", zone=get(row, "zone") or "",
        essential=flag(row, "essential"), covered=get(row, "covered") or "",
        covered_label=get(row, "coveredLabel") or "", inside=flag(row, "inside"), minority=flag(row, "minority"),
    ) for row in result]


def search(reader: Any, query: NamedQuery, drawing: Drawing) -> PainAnswer:
    """Rank the muscles for ``drawing``. ``reader`` has ``select(text)`` (a Store, or the pages' service reader)."""
    labels = {_text(r): _text(label) for r, label in reader.select(with_values(LABELS, {"region": list(drawing.regions)}))}
    drawn = tuple(Named(r.value, labels.get(r.value) or r.value) for r in drawing.regions)
    result = reader.select(with_values(query.text, {"region": list(drawing.regions)}))
    rows = rank(score_patterns(zone_rows(result), drawn))
    by_iri = {n.iri: n for n in drawn}
    read_as = tuple((phrase, tuple(by_iri[r.value] for r in found)) for phrase, found in drawing.read_as)
    return PainAnswer(drawn, tuple(rows), read_as)
