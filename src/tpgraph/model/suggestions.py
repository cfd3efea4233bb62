""""Did you mean …?": the one way tpgraph suggests a name after a misspelt one (data files, queries, records).

Each caller keeps its own strictness (``cutoff``) and the way the hint joins its message (``lead``); the
matching and the wording are here.

Suggesting a *record* (a muscle, a region) to a person is held to a stricter rule than suggesting a YAML key to
an editor (``record_suggestions``): a name that differs by a distinguishing word (gluteus medius against
gluteus maximus, longus against brevis) names a different muscle, and offering it as a correction would send a
clinician to the wrong one; and a name two records share (abductor digiti minimi, of the hand and of the foot)
offers both, never one picked silently.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

RECORD_CUTOFF = 0.75
"""Least similarity (difflib ratio) for a record name to be offered: one or two letters wrong in a word."""

MARGIN = 0.1
"""A record is offered only when it is nearly as close as the closest one: after "adductor longis", adductor
longus (0.93), not also adductor hallucis (0.78)."""

DISTINGUISHING_WORDS: tuple[frozenset[str], ...] = tuple(frozenset(words) for words in (
    {"major", "minor"},
    {"maximus", "medius", "minimus"},
    {"longus", "brevis", "magnus", "tertius"},
    {"longissimus", "longus"},
    {"anterior", "posterior"},
    {"superficialis", "profundus"},
    {"superior", "inferior"},
    {"medialis", "lateralis", "intermedius"},
    {"medial", "lateral"},
    {"internus", "externus"},
    {"internal", "external"},
    {"upper", "middle", "lower"},
    {"hand", "foot", "manus", "pedis"},
    {"capitis", "cervicis", "thoracis", "lumborum"},
    {"front", "back", "side"},
    {"left", "right"},
))
"""Sets of words that tell one anatomical name from another: two names that each hold a different word of one
set name different things (adductor longus is not adductor brevis), however alike their letters are."""

WORD = re.compile(r"[a-z0-9]+")


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = 0.5, lead: str = "; ",
                 quote: Callable[[str], str] = repr) -> str:
    """``{lead}did you mean 'a' or 'b'?`` for up to three close candidates, or "" when none is close."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=cutoff)
    return hint(close, lead=lead, quote=quote)


def hint(names: list[str], *, lead: str = "; ", quote: Callable[[str], str] = repr) -> str:
    """``{lead}did you mean 'a' or 'b'?`` for ``names``, or "" when there are none."""
    if not names:
        return ""
    return f"{lead}did you mean {' or '.join(quote(c) for c in names)}?"


KNOWN_DISTINGUISHING = frozenset().union(*DISTINGUISHING_WORDS)


def words(name: str) -> set[str]:
    return set(WORD.findall(name.casefold()))


def _read_as(word: str) -> str:
    """A misspelt distinguishing word read as the word it nearly is ("maximum" as "maximus", "majr" as "major")."""
    if word in KNOWN_DISTINGUISHING:
        return word
    close = difflib.get_close_matches(word, KNOWN_DISTINGUISHING, n=1, cutoff=0.8)
    return close[0] if close else word


def distinguished(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by a distinguishing word (medius/maximus, longus/brevis, …)."""
    wa, wb = {_read_as(w) for w in words(a)}, {_read_as(w) for w in words(b)}
    return any((wa & group) and (wb & group) and (wa & group) != (wb & group) for group in DISTINGUISHING_WORDS)


def record_suggestions(text: str, names: Iterable[tuple[str, str]], *, cutoff: float = RECORD_CUTOFF,
                       limit: int = 4) -> list[str]:
    """The records to offer after ``text`` named none: ``names`` pairs each name (label or synonym) with the label
    of its record; the answer is record labels, each once, best first.

    A record is offered when one of its names holds every word of ``text`` (so a name two records share offers
    both), or is at least ``cutoff`` similar to it and within ``MARGIN`` of the closest; never when a
    distinguishing word sets the two apart.
    """
    wanted = text.strip().casefold()
    asked = words(wanted)
    best: dict[str, tuple[int, float]] = {}
    for name, record in names:
        folded = name.casefold()
        if distinguished(wanted, folded):
            continue
        ratio = difflib.SequenceMatcher(None, wanted, folded).ratio()
        contains = bool(asked) and asked <= words(folded)
        if not contains and ratio < cutoff:
            continue
        rank = (1 if contains else 0, ratio)
        if record not in best or rank > best[record]:
            best[record] = rank
    top = max((ratio for contains, ratio in best.values() if not contains), default=0.0)
    kept = [r for r in best if best[r][0] or best[r][1] >= top - MARGIN]
    ordered = sorted(kept, key=lambda record: (-best[record][0], -best[record][1], record))
    return ordered[:limit]
