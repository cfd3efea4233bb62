"""``tpgraph check``: is the ontology plus the data consistent under HermiT, and if not, which records clash?

HermiT runs through owlready2 (its bundled Pellet does not run on this Java). owlready2 only says
"inconsistent", so the check narrows the clash down itself with QuickXplain (Junker, 2004) over records: the
ontology is the fixed background, each record (its own, claim and derived graphs) is one item, and the result
is a minimal set of records that is inconsistent together — every record in it is needed for the clash.
QuickXplain needs about 2k·log(n/k) reasoner calls for a clash of k records among n.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

from tpgraph.model.iris import record_key_of_graph
from tpgraph.model.namespaces import ONTOLOGY_GRAPH, PROVENANCE_GRAPH


class ReasonerError(RuntimeError):
    """HermiT could not be run (no Java, or owlready2 failed for another reason than inconsistency)."""


@dataclass(frozen=True)
class CheckResult:
    """The verdict, and when inconsistent, the smallest clashing set of records found."""

    consistent: bool
    clash: tuple[str, ...] = ()
    reasoner_calls: int = 0


def hermit_consistent(graph: Graph) -> bool:
    """True when HermiT finds the graph (ontology + individuals) consistent."""
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner_hermit

    with tempfile.TemporaryDirectory(prefix="tpgraph-hermit-") as tmp:
        path = Path(tmp) / "check.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = World()
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError:
            return False
        except FileNotFoundError as err:
            raise ReasonerError(f"Java is needed to run HermiT and was not found ({err})") from err
        except Exception as err:  # owlready2 raises bare exceptions when Java fails
            raise ReasonerError(f"HermiT failed: {err}") from err
        finally:
            world.close()
    return True


def record_key(graph_iri: str) -> str | None:
    """The record a named graph belongs to: ``…/graph/muscle/psoas-major/nat/derived`` → ``muscle/psoas-major``."""
    return record_key_of_graph(graph_iri)


Triple = tuple[Node, Node, Node]


def record_graphs(dataset: Dataset) -> tuple[set[Triple], dict[str, set[Triple]]]:
    """Split a built dataset into the background (ontology) and the triples of each record.

    One pass over the quads: asking rdflib's context-aware store for one graph at a time scans the whole
    dataset each time (seconds at whole-body size). A record's triples are those of its graphs plus what the
    provenance graph says about each of them.
    """
    background: set[Triple] = set()
    items: dict[str, set[Triple]] = defaultdict(set)
    about_graph: dict[Node, list[Triple]] = defaultdict(list)
    graphs_of: dict[str, set[Node]] = defaultdict(set)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name == ONTOLOGY_GRAPH:
            background.add((s, p, o))
        elif name == PROVENANCE_GRAPH:
            about_graph[s].append((s, p, o))
        elif (key := record_key(str(name))) is not None:
            items[key].add((s, p, o))
            graphs_of[key].add(name)
    for key, names in graphs_of.items():
        for name in names:
            items[key].update(about_graph.get(name, ()))
    return background, dict(sorted(items.items()))


def quickxplain(items: Sequence[str], consistent: Callable[[Sequence[str]], bool]) -> list[str]:
    """A minimal subset of ``items`` that is inconsistent (QuickXplain); ``[]`` when all together are fine."""
    if consistent(items):
        return []

    def qx(background: list[str], added: list[str], candidates: list[str]) -> list[str]:
        if added and not consistent(background):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        delta2 = qx(background + first, first, second)
        delta1 = qx(background + delta2, delta2, first)
        return delta1 + delta2

    return qx([], [], list(items))


def check_dataset(dataset: Dataset, reasoner: Callable[[Graph], bool] = hermit_consistent) -> CheckResult:
    """Check ontology + all records; on inconsistency, name a minimal clashing set of records."""
    background, items = record_graphs(dataset)
    calls = 0

    def consistent(keys: Sequence[str]) -> bool:
        nonlocal calls
        calls += 1
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in background)
        for key in keys:
            graph.addN((s, p, o, graph) for s, p, o in items[key])
        return reasoner(graph)

    clash = quickxplain(list(items), consistent)
    return CheckResult(consistent=not clash, clash=tuple(clash), reasoner_calls=calls)

