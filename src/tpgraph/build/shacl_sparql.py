"""The SPARQL-based constraints of the SHACL shapes, evaluated by pyoxigraph instead of pyshacl.

pyshacl runs a SPARQL constraint once per focus node and rdflib re-parses and evaluates the query each time: at
whole-body size the four such constraints (a muscle its own antagonist, a group or region inside itself, a zone
charted in the wrong view) cost as much as every other shape together. Here each constraint runs once, over
all its targets, in the pyoxigraph store the quality checks use; the shapes file stays the one statement of
the rule (the constraints are read from it, and removed from what pyshacl sees), and the message a contributor
gets is the shape's ``sh:message``, exactly as before.

Supported, because the shapes use them: ``sh:targetClass`` (subclasses included, as pyshacl does with the
ontology mixed in), ``sh:targetSubjectsOf``, ``sh:prefixes`` with ``sh:declare``, a SELECT projecting ``$this``
and optionally ``?value``, and constraints inside a property shape, whose ``$PATH`` stands for the shape's path
(a predicate or ``sh:inversePath`` of one; the node shape holding it gives the targets). Anything else is an
error at build time, not a silently skipped rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
_THIS = re.compile(r"\$this\b")
_PATH = re.compile(r"\$PATH\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, ready to run over every target at once."""

    shape: Node
    message: str
    query: str
    path: URIRef | None = None  # the property shape's predicate (not an inverse path): where the value was written


def split_sparql_constraints(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without their SPARQL constraints (for pyshacl), and those constraints as queries."""
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    constraints = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        rest.remove((shape, SH.sparql, constraint))
        for triple in list(shapes.triples((constraint, None, None))):
            rest.remove(triple)
        constraints.append(_compile(shapes, shape, constraint))
    return rest, constraints


def _compile(shapes: Graph, shape: Node, constraint: Node) -> SparqlConstraint:
    select = shapes.value(constraint, SH.select)
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
    if select is None or message is None:
        raise ValueError(f"SPARQL constraint of {shape} needs sh:select and sh:message")
    body, path = str(select), None
    shape_path = shapes.value(shape, SH.path)
    if shape_path is not None:
        holders = list(shapes.subjects(SH.property, shape))
        if len(holders) != 1:
            raise ValueError(f"SPARQL constraint of property shape {shape}: it must belong to one node shape")
        inverse = shapes.value(shape_path, SH.inversePath)
        if isinstance(shape_path, URIRef):
            body, path = _PATH.sub(f"<{shape_path}>", body), shape_path
        elif isinstance(inverse, URIRef):
            body = _PATH.sub(f"^<{inverse}>", body)
        else:
            raise ValueError(f"SPARQL constraint of property shape {shape}: $PATH must be a predicate or its inverse")
        shape = holders[0]
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for p in shapes.objects(constraint, SH.prefixes)
        for d in shapes.objects(p, SH.declare)
    )
    targets = [f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> }}"
               for c in shapes.objects(shape, SH.targetClass)]
    targets += [f"{{ ?this <{p}> ?targetObject }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    if not targets:
        raise ValueError(f"SPARQL constraint of {shape}: only sh:targetClass and sh:targetSubjectsOf are supported")
    # The targets go first inside the constraint's own WHERE group, not beside it: a subquery is evaluated on
    # its own, so a constraint made only of FILTERs (NOT EXISTS …) would see $this unbound.
    target = f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(targets)} }} }}"
    body, found = _WHERE.subn(lambda m: f"{m.group(0)}\n  {target}\n", _THIS.sub("?this", body), count=1)
    if not found:
        raise ValueError(f"SPARQL constraint of {shape}: sh:select needs a WHERE clause")
    query = f"{prefixes}SELECT DISTINCT ?this ?value WHERE {{\n  {{ {body} }}\n}}"
    return SparqlConstraint(shape, str(message), query, path)


def violations(store: ox.Store, constraint: SparqlConstraint) -> list[tuple[URIRef, Node | None]]:
    """(focus node, value) for every target the constraint's query selects."""
    rows = []
    for row in store.query(constraint.query, use_default_graph_as_union=True):
        focus, value = row["this"], row["value"]  # an unbound ?value is None
        if isinstance(focus, ox.NamedNode):
            rows.append((URIRef(focus.value), URIRef(value.value) if isinstance(value, ox.NamedNode) else None))
    return rows

