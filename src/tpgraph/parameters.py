"""Bind named-query parameters as RDF terms: a name a person types becomes the IRI of a record.

A parameter value may be a record's slug (``l2``), label (``L2``), synonym (``inguinal region``) or full IRI;
it is resolved against the data, so only IRIs of existing records of the declared type ever reach the query.
The bound term goes into a ``VALUES`` block at the start of the outermost WHERE group, written in N-Triples
syntax by pyoxigraph: the user's text itself is never placed in the query. (pyoxigraph's ``substitutions``
refuses variables that are not projected, and a VALUES block appended after the query would apply after GROUP
BY — both measured; see DESIGN §4.)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from tpgraph.catalogue import NamedQuery, read_header
from tpgraph.namespaces import ID_BASE
from tpgraph.schema import RECORD_TYPES
from tpgraph.store import Store


class ParameterError(ValueError):
    """A parameter is unknown, missing, or names no record; the message says what would work."""


@dataclass(frozen=True)
class Parameter:
    """A parameter a named query declares in its ``#+ parameters:`` header."""

    name: str
    type: str
    description: str = ""
    example: str = ""


def declared_parameters(text: str) -> list[Parameter]:
    """The parameters of a query file, from its header."""
    found = []
    for item in read_header(text).get("parameters", []) or []:
        if isinstance(item, dict) and "name" in item and item.get("type") in RECORD_TYPES:
            found.append(Parameter(str(item["name"]), str(item["type"]), str(item.get("description", "")),
                                   str(item.get("example", ""))))
    return found


# Every bound variable is projected: pyoxigraph substitutes only projected variables.
EXISTS = """SELECT ?record ?class WHERE { ?record a ?class }"""

LOOKUP = """
SELECT ?record ?value ?class WHERE {
  ?record a ?class .
  { ?record rdfs:label ?name } UNION { ?record skos:altLabel ?name }
  FILTER(LCASE(STR(?name)) = LCASE(STR(?value)))
}"""

NAMES = """SELECT ?record ?name ?class WHERE { ?record a ?class ; rdfs:label ?name }"""


def resolve(store: Store, type_name: str, value: str) -> ox.NamedNode:
    """The IRI of the record of ``type_name`` that ``value`` names (slug, label, synonym or IRI)."""
    rtype = RECORD_TYPES[type_name]
    klass = ox.NamedNode(str(rtype.rdf_class))
    base = f"{ID_BASE}{type_name}/"
    text = value.strip()
    candidates = []
    if text.startswith(base):
        candidates.append(ox.NamedNode(text))
    elif re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
        candidates.append(ox.NamedNode(base + text))
    for iri in candidates:
        if len(store.select(EXISTS, {"record": iri, "class": klass})):
            return iri
    rows = store.select(LOOKUP, {"value": ox.Literal(text), "class": klass})
    records = sorted({row[0].value for row in rows if isinstance(row[0], ox.NamedNode)})
    if len(records) == 1:
        return ox.NamedNode(records[0])
    if len(records) > 1:
        raise ParameterError(f"'{value}' names several {rtype.noun} records: {', '.join(records)}; give the IRI")
    names = [row[1].value for row in store.select(NAMES, {"class": klass}) if row[1] is not None]
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ParameterError(f"no {rtype.noun} called '{value}'{hint}")


def with_values(query: str, bindings: Mapping[str, ox.NamedNode]) -> str:
    """``query`` with ``VALUES ?name { <iri> }`` at the start of its outermost WHERE group."""
    if not bindings:
        return query
    match = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if match is None:
        raise ParameterError("a parameterised query needs an explicit WHERE { … } group")
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return f"{query[:match.end()]}\n  {block}\n{query[match.end():]}"


def bind(store: Store, named: NamedQuery, values: Mapping[str, str]) -> str:
    """The query text of ``named`` with every declared parameter bound (missing ones use their example)."""
    declared = {p.name: p for p in declared_parameters(named.text)}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ParameterError(f"'{named.name}' has no parameter {', '.join(repr(u) for u in unknown)} (it takes: {known})")
    bindings = {}
    for name, parameter in declared.items():
        value = values.get(name, parameter.example)
        if not value:
            raise ParameterError(f"'{named.name}' needs --param {name}=… (a {RECORD_TYPES[parameter.type].noun})")
        bindings[name] = resolve(store, parameter.type, value)
    return with_values(named.text, bindings)
