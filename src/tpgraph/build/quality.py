"""Whole-graph quality checks: the SPARQL queries in ``queries/qc/``, where any row is a violation.

SHACL checks each node's shape; these checks look across records (two records sharing a name, a claim from a
book without its page). They run over the loaded data in pyoxigraph, and each row becomes a Problem located at
the file and line of its first column (the record or claim graph at fault).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from tpgraph.catalogue.named_queries import NamedQuery, load_catalogue
from tpgraph.build.loader import LoadedData, Location, Problem
from tpgraph.model.iris import graph_path_of, record_path_of


def violations(store: ox.Store, check: NamedQuery) -> list[tuple[ox.Term | None, ...]]:
    """The rows of one check over ``store`` (union default graph); empty when the data pass."""
    solutions = store.query(check.text, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"quality check {check.name} must be a SELECT query")
    return [tuple(row) for row in solutions]


def _show(term: ox.Term | None) -> str:
    if term is None:
        return "-"
    text = term.value
    if not isinstance(term, ox.NamedNode):
        return text
    record, graph = record_path_of(text), graph_path_of(text)
    if record is not None:
        return record
    return "graph/" + graph if graph is not None else text


def oxigraph_store(loaded: LoadedData) -> ox.Store:
    """The loaded dataset (ontology included) in an in-memory pyoxigraph store, for whole-graph queries."""
    store = ox.Store()
    store.bulk_load(loaded.dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def quality_problems(loaded: LoadedData, folder: Path | None, store: ox.Store | None = None) -> list[Problem]:
    """Every row of every check in ``folder``, as a located Problem (``store``: the data, if already loaded)."""
    checks = load_catalogue(folder)
    if not checks:
        return []
    store = store if store is not None else oxigraph_store(loaded)
    problems = []
    for check in checks:
        for row in violations(store, check):
            focus = row[0]
            location = loaded.locate(URIRef(focus.value)) if isinstance(focus, ox.NamedNode) else None
            details = ", ".join(_show(term) for term in row)
            problems.append(Problem(location or Location("data", 0), f"{check.summary} [{check.name}]: {details}"))
    return problems
