"""Bind RDF terms into a query as a ``VALUES`` block, never as spliced text.

The block goes at the start of the outermost WHERE group, each term written in N-Triples syntax by pyoxigraph.
pyoxigraph's ``substitutions`` refuses variables that are not projected, and a VALUES block appended after the
query would apply after GROUP BY (both measured), hence this place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pyoxigraph as ox


class ParameterError(ValueError):
    """A parameter is unknown, missing, or names no record; the message says what would work."""


Bound = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def with_values(query: str, bindings: Mapping[str, Bound | Sequence[Bound]]) -> str:
    """``query`` with ``VALUES ?name { <iri> … }`` at the start of its outermost WHERE group.

    A name bound to a sequence of terms takes each of them (one row per term); an empty sequence, none.
    """
    if not bindings:
        return query
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ParameterError("a parameterised query needs an explicit WHERE { … } group")
    block = " ".join(f"VALUES ?{name} {{ {_terms(value)} }}" for name, value in sorted(bindings.items()))
    return f"{query[:match.end()]}\n  {block}\n{query[match.end():]}"


def _terms(value: Bound | Sequence[Bound]) -> str:
    """Terms in N-Triples syntax, as pyoxigraph writes them: never the caller's text."""
    terms = value if isinstance(value, (list, tuple)) else (value,)
    return " ".join(str(term) for term in terms)
