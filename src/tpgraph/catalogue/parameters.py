"""Bind named-query parameters as RDF terms: a name a person types becomes the IRI of a record.

A parameter value may be a record's slug (``l2``), label (``L2``), synonym (``inguinal region``) or full IRI;
it is resolved against the data, so only IRIs of existing records of a declared type ever reach the query.
The bound term goes into a ``VALUES`` block (``tpgraph.sparql.values``): the user's text itself is never
placed in the query.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping

import pyoxigraph as ox

from tpgraph.catalogue.named_queries import NamedQuery, Parameter
from tpgraph.model.iris import record_iri_of_text
from tpgraph.model.suggestions import did_you_mean
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

NAMES = """SELECT ?record ?name ?class WHERE { ?record a ?class ; rdfs:label ?name }"""

_names: weakref.WeakKeyDictionary[Store, dict[str, list[str]]] = weakref.WeakKeyDictionary()
_names_lock = threading.Lock()


def record_names(store: Store, type_name: str) -> list[str]:
    """The labels of every record of one type (for "did you mean"), read once per store: a store's data never
    change while it is open, and the query costs tens of milliseconds on every miss (a mistyped path or value)."""
    with _names_lock:
        known = _names.setdefault(store, {})
        if type_name in known:
            return known[type_name]
    klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
    names = [row[1].value for row in store.select(NAMES, {"class": klass}) if row[1] is not None]
    with _names_lock:
        known[type_name] = names
    return names

def resolve(store: Store, types: str | tuple[str, ...], value: str) -> ox.NamedNode:
    """The IRI of the record of one of ``types`` that ``value`` names (slug, label, synonym or IRI)."""
    types = (types,) if isinstance(types, str) else types
    noun = " or ".join(RECORD_TYPES[t].noun for t in types)
    text = value.strip()
    for type_name in types:
        klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
        iri = record_iri_of_text(type_name, text)  # None for anything else: looked up as a label below
        if iri and len(store.select(EXISTS, {"record": ox.NamedNode(iri), "class": klass})):
            return ox.NamedNode(iri)
    records: set[str] = set()
    names: list[str] = []
    for type_name in types:
        klass = ox.NamedNode(str(RECORD_TYPES[type_name].rdf_class))
        rows = store.select(LOOKUP, {"value": ox.Literal(text), "class": klass})
        records |= {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}
        names += record_names(store, type_name)
    if len(records) == 1:
        return ox.NamedNode(records.pop())
    if len(records) > 1:
        raise ParameterError(f"'{value}' names several {noun} records: {', '.join(sorted(records))}; give the IRI")
    hint = did_you_mean(text, names, cutoff=0.5)
    raise ParameterError(f"no {noun} called '{value}'{hint}")


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
