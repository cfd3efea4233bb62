"""Bind RDF terms into a query as a ``VALUES`` block, never as spliced text.

The block goes at the start of the outermost WHERE group, each term written in N-Triples syntax by pyoxigraph.
pyoxigraph's ``substitutions`` refuses variables that are not projected, and a VALUES block appended after the
query would apply after GROUP BY (both measured), hence this place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox


class ParameterError(ValueError):
    """A parameter is unknown, missing, or names no record; the message says what would work."""


def with_values(query: str, bindings: Mapping[str, ox.NamedNode]) -> str:
    """``query`` with ``VALUES ?name { <iri> }`` at the start of its outermost WHERE group."""
    if not bindings:
        return query
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ParameterError("a parameterised query needs an explicit WHERE { … } group")
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return f"{query[:match.end()]}\n  {block}\n{query[match.end():]}"
