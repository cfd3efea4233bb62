"""SHACL validation of the merged graph, with every result mapped back to the file and line that caused it.

The SPARQL-based constraints of the shapes run in pyoxigraph (``shacl_sparql``), the rest in pyshacl, which
runs with ``inference="none"``: with RDFS inference a property's range retypes a wrong object (a
landmark named as an antagonist becomes a "muscle") and the violation disappears. The ontology is part of
the validated graph so that class targets and ``sh:class`` still reach subclasses.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.term import Node

from tpgraph.build.loader import DataError, LoadedData, Location, Problem
from tpgraph.model.iris import record_path_of
from tpgraph.build.quality import oxigraph_store, quality_problems
from tpgraph.build.shacl_sparql import split_sparql_constraints, violations

SH = Namespace("http://www.w3.org/ns/shacl#")


def union_view(loaded: LoadedData) -> Dataset:
    """Every graph of the loaded dataset, the ontology included, read as one graph; nothing is copied.

    A new ``Dataset`` over the same store with ``default_union``: pyshacl validates it in place. Copying the
    130,000 triples into a merged graph, and pyshacl's clone of it to mix in an ``ont_graph`` (or in its
    advanced mode), cost more than the validation itself at whole-body size (measured). Class targets and
    ``sh:class`` reach subclasses because the ontology is part of the view.
    """
    return Dataset(store=loaded.dataset.store, default_union=True)


def short(term: Node) -> str:
    text = str(term)
    path = record_path_of(text)
    return text if path is None else path


def describe(term: Node, data: Graph) -> str:
    """A node as a person reads it: its label and its id (``'psoas major' (muscle/psoas-major)``)."""
    label = data.value(term, RDFS.label) if isinstance(term, URIRef) else None
    return f"'{label}' ({short(term)})" if label is not None else short(term)


def shacl_problems(loaded: LoadedData, shapes: Graph, store: ox.Store | None = None) -> list[Problem]:
    """Run SHACL and turn each result into a located Problem (``store``: the data in pyoxigraph, if loaded)."""
    data = union_view(loaded)
    node_shapes, sparql_constraints = split_sparql_constraints(shapes)
    store = store if store is not None else oxigraph_store(loaded)
    problems = []
    for constraint in sparql_constraints:
        for focus, value in violations(store, constraint):
            location = (loaded.locate(focus, constraint.path) or loaded.locate(_record_of(focus))
                        or Location("data", 0))
            text = f"{describe(focus, data)}: {constraint.message}"
            if value is not None and value != focus:
                text += f" (found {describe(value, data)})"
            problems.append(Problem(location, text))
    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=node_shapes,
        inference="none",
        advanced=False,
        inplace=True,
        allow_warnings=False,
    )
    if conforms:
        return sorted(set(problems))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = str(report.value(result, SH.resultMessage) or "violates " + short(report.value(result, SH.sourceShape)))
        location = loaded.locate(focus, path) or loaded.locate(_record_of(focus)) or Location("data", 0)
        text = f"{describe(focus, data)}: {message}"
        if value is not None and value != focus:
            text += f" (found {describe(value, data)})"
        problems.append(Problem(location, text))
    return sorted(set(problems))


def _record_of(node: Node | None) -> URIRef | None:
    if isinstance(node, URIRef) and "#" in node:
        return URIRef(str(node).split("#", 1)[0])
    return node if isinstance(node, URIRef) else None


def load_shapes(path: Path) -> Graph:
    shapes = Graph()
    shapes.parse(path, format="turtle")
    return shapes


def validate_loaded(loaded: LoadedData, shapes_path: Path, quality_checks: Path | None = None) -> None:
    """Raise DataError listing every SHACL violation and quality-check row, each with file:line."""
    store = oxigraph_store(loaded)
    problems = shacl_problems(loaded, load_shapes(shapes_path), store)
    if not problems:
        problems = quality_problems(loaded, quality_checks, store)
    if problems:
        raise DataError(problems)
