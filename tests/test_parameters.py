"""Named-query parameters: a typed name resolves to one record's IRI, bound as a term, never spliced text."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tpgraph.catalogue.named_queries import parse_query
from tpgraph.model.namespaces import ID_BASE
from tpgraph.catalogue.parameters import bind, resolve
from tpgraph.sparql.values import ParameterError, with_values
from tpgraph.store.embedded import OxigraphStore


@pytest.mark.parametrize(("type_name", "value", "expected"), [
    ("root", "L2", "root/l2"),
    ("root", "l2", "root/l2"),
    ("root", "second lumbar spinal nerve", "root/l2"),
    ("region", "groin", "region/groin"),
    ("region", "Inguinal Region", "region/groin"),
    ("region", ID_BASE + "region/groin", "region/groin"),
    ("muscle", "psoas", "muscle/psoas-major"),
])
def test_values_resolve_to_record_iris(store: OxigraphStore, type_name: str, value: str, expected: str) -> None:
    assert resolve(store, type_name, value) == ox.NamedNode(ID_BASE + expected)


@pytest.mark.parametrize(("type_name", "value", "message"), [
    ("root", "L9", "no spinal nerve root called 'L9' in the graph"),
    ("root", ID_BASE + "region/groin",
     "no spinal nerve root called 'https://w3id.org/tpgraph/id/region/groin' in the graph"),
    ("region", "groin> } ?s ?p ?o . {", "no body region called 'groin> } ?s ?p ?o . {' in the graph"),
    ("region", 'groin" } UNION { ?s ?p ?o', "no body region called 'groin\" } UNION { ?s ?p ?o' in the graph"),
])
def test_unknown_and_hostile_values_are_refused(store: OxigraphStore, type_name: str, value: str, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        resolve(store, type_name, value)
    assert str(caught.value) == message


COUNT = parse_query("count", """#+ parameters:
#+   - name: muscle
#+     type: muscle
#+ defaults:
#+   - muscle: psoas major
SELECT ?muscle (COUNT(DISTINCT ?root) AS ?roots) WHERE { ?muscle tp:innervatedByRoot ?root } GROUP BY ?muscle
""")


def test_binding_applies_before_grouping(store: OxigraphStore) -> None:
    """The VALUES block goes inside WHERE, so the count is psoas major's own (4 roots), not everyone's."""
    text = bind(store, COUNT, {"muscle": "psoas-minor"})
    assert "VALUES ?muscle { <https://w3id.org/tpgraph/id/muscle/psoas-minor> }" in text
    rows = store.select(text)
    assert [(r[0].value.rsplit("/", 1)[1], int(r[1].value)) for r in rows] == [("psoas-minor", 2)]
    rows = store.select(bind(store, COUNT, {}))
    assert [(r[0].value.rsplit("/", 1)[1], int(r[1].value)) for r in rows] == [("psoas-major", 4)]


def test_unknown_parameter_name(store: OxigraphStore) -> None:
    with pytest.raises(ParameterError) as caught:
        bind(store, COUNT, {"nerve": "femoral nerve"})
    assert str(caught.value) == "no parameter 'nerve' (this query takes: muscle)"


def test_query_without_where_cannot_take_parameters() -> None:
    with pytest.raises(ParameterError):
        with_values("ASK { ?s ?p ?o }", {"s": ox.NamedNode("urn:x")})
