"""Bind named-query parameters as RDF terms: a name a person types becomes the IRI of a record.

A parameter value may be a record's slug (``l2``), label (``L2``), synonym (``inguinal region``) or full IRI;
it is resolved against the data, so only IRIs of existing records of a declared type ever reach the query.
The bound term goes into a ``VALUES`` block (``tpgraph.sparql.values``): the user's text itself is never
placed in the query.

A name that matches no label or synonym may be a region's *lay synonym* ("front of hip"), which may name several
regions (``resolve_all`` gives them all; ``resolve``, which binds one term, asks which). A miss answers "no
muscle called '…' in the graph" with only the safe suggestions of ``tpgraph.model.suggestions``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping

import pyoxigraph as ox

from tpgraph.catalogue.named_queries import NamedQuery, Parameter
from tpgraph.model.iris import record_iri_of_text
from tpgraph.model.suggestions import hint, record_suggestions
from tpgraph.model.schema import RECORD_TYPES
from tpgraph.sparql.values import ParameterError, with_values
from tpgraph.store.interface import Store

# Every bound variable is projected: pyoxigraph substitutes only projected variables.
EXISTS = """SELECT ?record ?class WHERE { ?record a ?class }"""

LOOKUP = """
SELECT ?record ?value ?class WHERE {
  ?record a ?class .
  { ?record rdfs:label ?name } UNION { ?record skos:altLabel ?name }
  FILTER(LCASE(STR(?name)) = LCASE(STR(?value)))
}"""

LAY = """
SELECT ?record ?value ?class WHERE {
  ?record a ?class ; tp:laySynonym ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?value)))
}"""

NAMES = """
SELECT ?record ?name ?label ?class WHERE {
  ?record a ?class ; rdfs:label ?label .
  { ?record rdfs:label ?name } UNION { ?record skos:altLabel ?name }
}"""

_names: weakref.WeakKeyDictionary[Store, dict[str, list[tuple[str, str, str]]]] = weakref.WeakKeyDictionary()
_names_lock = threading.Lock()


def record_names(store: Store, type_name: str) -> list[tuple[str, str, str]]:
    """(record IRI, name, label) for every label and synonym of one type's records, read once per store: a
    store's data never change while it is open, and the query costs tens of milliseconds on every miss."""
    with _names_lock:
        known = _names.setdefault(store, {})
        if type_name in known:
            return known[type_name]
    klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
    names = [(row[0].value, row[1].value, row[2].value) for row in store.select(NAMES, {"class": klass})
             if row[0] is not None and row[1] is not None and row[2] is not None]
    with _names_lock:
        known[type_name] = names
    return names


def resolve(store: Store, types: str | tuple[str, ...], value: str) -> ox.NamedNode:
    """The IRI of the record of one of ``types`` that ``value`` names (slug, label, synonym or IRI)."""
    found = resolve_all(store, types, value)
    if len(found) == 1:
        return found[0]
    types = (types,) if isinstance(types, str) else types
    labels = _labels(store, types)
    names = " or ".join(repr(labels.get(r.value, r.value)) for r in found)
    raise ParameterError(f"'{value.strip()}' names {len(found)} {_plural(types)}: {names}; give one of them")


def resolve_all(store: Store, types: str | tuple[str, ...], value: str) -> list[ox.NamedNode]:
    """Every record of one of ``types`` that ``value`` names, sorted: one for a slug, IRI, label or synonym;
    possibly several for a lay synonym. Raises ParameterError (with safe suggestions) when none is named."""
    types = (types,) if isinstance(types, str) else types
    text = value.strip()
    for type_name in types:
        klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
        iri = record_iri_of_text(type_name, text)  # None for anything else: looked up as a label below
        if iri and len(store.select(EXISTS, {"record": ox.NamedNode(iri), "class": klass})):
            return [ox.NamedNode(iri)]
    for query in (LOOKUP, LAY):
        records: set[str] = set()
        for type_name in types:
            klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
            rows = store.select(query, {"value": ox.Literal(text), "class": klass})
            records |= {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}
        if records:
            return [ox.NamedNode(r) for r in sorted(records)]
    noun = " or ".join(RECORD_TYPES[t].noun for t in types)
    names: list[tuple[str, str]] = []
    for type_name in types:
        names += [(name, label) for _, name, label in record_names(store, type_name)]
    suggestions = hint(record_suggestions(text, names))
    raise ParameterError(f"no {noun} called '{value}' in the graph{suggestions}")


def _labels(store: Store, types: tuple[str, ...]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for type_name in types:
        labels.update({record: label for record, _, label in record_names(store, type_name)})
    return labels


def _plural(types: tuple[str, ...]) -> str:
    return " or ".join(RECORD_TYPES[t].noun + ("" if RECORD_TYPES[t].noun.endswith("s") else "s") for t in types)


def _value_for(parameter: Parameter, values: Mapping[str, str]) -> str:
    value = values.get(parameter.name, parameter.default)
    if not value.strip():
        raise ParameterError(f"{parameter.name} needs a value (a {parameter.noun})")
    return value


def bind(store: Store, named: NamedQuery, values: Mapping[str, str]) -> str:
    """The query text of ``named`` with every declared parameter bound (a missing one takes its default)."""
    declared = {p.name: p for p in named.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ParameterError(f"no parameter {', '.join(repr(u) for u in unknown)} (this query takes: {known})")
    bindings = {name: resolve(store, p.types, _value_for(p, values)) for name, p in declared.items()}
    return with_values(named.text, bindings)
