"""The pain-drawing ranking: how well each muscle's charted referral pattern explains the regions drawn.

The rule is written down in docs/decisions/20261205-pain-drawing-search.md; this module is its only
implementation (the CLI, ``/api/pain`` and the ``/pain`` page all reach it through ``pain_search.search``). It is
pure Python over the rows of ``queries/pain-drawing-zones.rq`` so that the rule can be read, and tested to exact
ranks, without a store.

In short: a *pattern* is one trigger point as one source charts it. For each drawn region it scores the best
intensity one of its zones gives that region or a part of it (essential 1, spillover 0.5, nothing 0); the mean
over the drawn regions, minus ``OUTSIDE_PENALTY`` times the share of its essential zones that lie wholly outside
the drawing, floored at 0, is the pattern's score. A muscle's score is its best pattern's (never the union of
every source's zones). A group's pattern counts for each muscle the same source places in the group, naming the
group; when that source names no member, the group stands as a row of its own. Ties in score go to the muscle
more independent sources support; rows resting only on minority claims come last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

WEIGHTS = {True: Fraction(1), False: Fraction(1, 2)}
"""What one zone gives a drawn region it covers: essential (True) 1, spillover (False) 0.5."""

OUTSIDE_PENALTY = Fraction(1, 4)
"""Taken off a pattern's score in proportion to the share of its essential zones that lie wholly outside the
drawing: a pattern whose every essential zone is elsewhere loses 0.25."""

NOTICE = ("A suggestion of where to look for trigger points, not a diagnosis. Side is ignored: body regions have "
          "no side, so pain drawn on the left and on the right count alike.")
"""Said with every answer (page, CLI footer, JSON field): what the ranking is and is not."""


@dataclass(frozen=True)
class ZoneRow:
    """One row of pain-drawing-zones: one leaf a zone of a pattern covers, seen from one drawn region."""

    region: str
    subject: str
    subject_label: str
    is_group: bool
    member: str | None
    member_label: str | None
    source: str
    source_label: str
    voter: str
    trigger_point: str
    pattern: str
    zone: str
    essential: bool
    covered: str
    covered_label: str
    inside: bool
    minority: bool


@dataclass(frozen=True, order=True)
class Named:
    """A record as an answer shows it."""

    iri: str
    label: str


@dataclass(frozen=True)
class Match:
    """A drawn region a pattern covers, and how strongly."""

    region: Named
    intensity: str  # "essential" or "spillover"


@dataclass(frozen=True)
class PatternScore:
    """One pattern scored against the drawing."""

    pattern: str
    trigger_point: str
    subject: Named
    is_group: bool
    source: Named
    voter: str
    minority: bool
    members: tuple[Named, ...]
    matches: tuple[Match, ...]
    misses: tuple[Named, ...]
    essential_outside: tuple[Named, ...]
    score: Fraction


@dataclass(frozen=True)
class PainRow:
    """One muscle (or a group no member of which its source names) in the answer."""

    record: Named
    kind: str  # "muscle" or "group"
    rank: int
    score: Fraction
    best: PatternScore
    via_group: Named | None
    support: int
    sources: tuple[Named, ...]
    minority: bool

    def as_json(self) -> dict:
        """The row as ``/api/pain`` and ``tpgraph pain --format json`` give it."""
        best = self.best
        return {
            "rank": self.rank,
            "score": float(round(self.score, 4)),
            "muscle": self.record.iri,
            "label": self.record.label,
            "kind": self.kind,
            "viaGroup": _named(self.via_group),
            "covers": [{"region": m.region.iri, "label": m.region.label, "intensity": m.intensity}
                       for m in best.matches],
            "misses": [_named(r) for r in best.misses],
            "essentialOutside": [_named(r) for r in best.essential_outside],
            "triggerPoint": best.trigger_point,
            "patternSource": _named(best.source),
            "support": self.support,
            "sources": [_named(s) for s in self.sources],
            "minority": self.minority,
            "notice": NOTICE,
        }


def _named(named: Named | None) -> dict | None:
    return None if named is None else {"iri": named.iri, "label": named.label}


def score_patterns(rows: Iterable[ZoneRow], drawing: Sequence[Named]) -> list[PatternScore]:
    """Every pattern in ``rows`` scored against ``drawing`` (the drawn regions, in the order drawn)."""
    patterns: dict[tuple[str, str], list[ZoneRow]] = defaultdict(list)
    for row in rows:
        patterns[(row.source, row.pattern)].append(row)
    return [_score(found, drawing) for _, found in sorted(patterns.items(), key=lambda item: item[0])]


def _score(rows: list[ZoneRow], drawing: Sequence[Named]) -> PatternScore:
    first = rows[0]
    best: dict[str, Fraction] = {}
    zones: dict[str, bool] = {}
    zone_inside: dict[str, bool] = defaultdict(bool)
    zone_leaves: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        zones[row.zone] = row.essential
        zone_leaves[row.zone][row.covered] = row.covered_label
        if row.inside:
            zone_inside[row.zone] = True
            best[row.region] = max(best.get(row.region, Fraction(0)), WEIGHTS[row.essential])
    essential = [z for z, is_essential in zones.items() if is_essential]
    outside = [z for z in essential if not zone_inside[z]]
    penalty = OUTSIDE_PENALTY * Fraction(len(outside), len(essential)) if essential else Fraction(0)
    coverage = sum((best.get(r.iri, Fraction(0)) for r in drawing), Fraction(0)) / len(drawing)
    leaves = {iri: label for z in outside for iri, label in zone_leaves[z].items()}
    members = {(r.member, r.member_label or r.member) for r in rows if r.member is not None}
    return PatternScore(
        pattern=first.pattern, trigger_point=first.trigger_point,
        subject=Named(first.subject, first.subject_label), is_group=first.is_group,
        source=Named(first.source, first.source_label), voter=first.voter,
        minority=all(r.minority for r in rows),
        members=tuple(sorted(Named(iri, label) for iri, label in members)),
        matches=tuple(Match(r, "essential" if best[r.iri] == 1 else "spillover") for r in drawing if r.iri in best),
        misses=tuple(r for r in drawing if r.iri not in best),
        essential_outside=tuple(Named(iri, label) for iri, label in sorted(leaves.items(), key=lambda i: i[1])),
        score=max(Fraction(0), coverage - penalty),
    )


def _preference(candidate: tuple[PatternScore, Named | None]) -> tuple:
    """Which of one muscle's patterns stands for it: the higher score, then more essential matches, then the
    muscle's own pattern before a group's, then by source and pattern (so the choice is stable)."""
    pattern, via = candidate
    essentials = sum(1 for m in pattern.matches if m.intensity == "essential")
    return (-pattern.score, -essentials, via is not None, pattern.source.label, pattern.pattern)


def rank(patterns: Iterable[PatternScore]) -> list[PainRow]:
    """One row per muscle (its best pattern) in rank order, with competition ranks (1, 2, 2, 4)."""
    candidates: dict[Named, list[tuple[PatternScore, Named | None]]] = defaultdict(list)
    kinds: dict[Named, str] = {}
    for pattern in patterns:
        if not pattern.is_group:
            candidates[pattern.subject].append((pattern, None))
            kinds.setdefault(pattern.subject, "muscle")
        elif pattern.members:
            for member in pattern.members:
                candidates[member].append((pattern, pattern.subject))
                kinds[member] = "muscle"
        else:
            candidates[pattern.subject].append((pattern, None))
            kinds.setdefault(pattern.subject, "group")
    unranked = []
    for record, found in candidates.items():
        majority = [c for c in found if not c[0].minority]
        best, via = min(majority or found, key=_preference)
        sources = {c[0].source for c in found}
        unranked.append((record, best, via, len({c[0].voter for c in found}),
                         tuple(sorted(sources, key=lambda s: (s.label, s.iri))), not majority))
    unranked.sort(key=lambda u: (u[5], -u[1].score, -u[3], u[0].label, u[0].iri))
    rows: list[PainRow] = []
    for position, (record, best, via, support, sources, minority) in enumerate(unranked, start=1):
        previous = rows[-1] if rows else None
        tied = previous is not None and (previous.minority, previous.score, previous.support) == \
            (minority, best.score, support)
        rows.append(PainRow(record, kinds[record], previous.rank if tied else position,  # type: ignore[union-attr]
                            best.score, best, via, support, sources, minority))
    return rows
