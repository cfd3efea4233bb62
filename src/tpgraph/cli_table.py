"""Render query answers for people (a table) and programs (SPARQL 1.1 JSON, CSV, TSV).

Machine formats come straight from pyoxigraph's serialisers (``Store.serialized``), so they follow the W3C
result formats exactly; this module only draws the human-readable table.
"""

from __future__ import annotations

import pyoxigraph as ox

from tpgraph.model.namespaces import QUERY_PREFIXES
from tpgraph.store.interface import SelectResult, Term

FORMATS = ("table", "json", "csv", "tsv")


def compact(term: Term | None) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal text, empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted(QUERY_PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(result: SelectResult) -> str:
    """A plain-text table of a SELECT result, with a row count."""
    header = list(result.variables)
    body = [[compact(t) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines) + "\n"
