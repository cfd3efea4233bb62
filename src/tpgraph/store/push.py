"""``tpgraph push``: load a built dataset into a SPARQL 1.1 server with the Graph Store Protocol, and check it.

Each named graph goes into its own graph with PUT, which replaces what the graph held: pushing twice leaves the
store as pushing once. psoas major's core graph goes first so that the union-default-graph check can refuse a
misconfigured store before the rest is sent; after the upload every graph's triple count is read back through
the query endpoint and compared with the build.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from tpgraph.store.remote import PROBE_GRAPH, RemoteStore

KNOWN_QUERY_PATHS = (
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/store", "/query"),  # Oxigraph server
    ("/data", "/sparql"),  # Fuseki
    ("/rdf-graphs/service", ""),  # GraphDB: /repositories/NAME/rdf-graphs/service -> /repositories/NAME
)


class PushError(RuntimeError):
    """The push failed or the store does not hold what was pushed; the message says what and where."""


@dataclass(frozen=True)
class PushReport:
    graphs: int
    triples: int
    seconds: float


def query_url_for(gsp_url: str) -> str:
    """The query endpoint next to a Graph Store Protocol endpoint, for the servers whose layout is known."""
    for gsp_path, query_path in KNOWN_QUERY_PATHS:
        if gsp_url.rstrip("/").endswith(gsp_path):
            return gsp_url.rstrip("/")[: -len(gsp_path)] + query_path
    return gsp_url


def graphs_of(nquads: Path) -> dict[str, list[ox.Triple]]:
    """The triples of each named graph of a built ``tpgraph.nq`` (the build has no default-graph triples)."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise PushError(f"{nquads} has a triple outside any named graph; rebuild with 'tpgraph build'")
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return dict(graphs)


def put_graph(store: RemoteStore, graph: str, triples: list[ox.Triple]) -> None:
    """Replace ``graph`` in the store by ``triples`` (GSP PUT; N-Triples sent as Turtle, which every server reads)."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    response = store.request("PUT", store.gsp_url or "", params={"graph": graph}, data=body,
                             headers={"Content-Type": "text/turtle; charset=utf-8"})
    if response.status_code not in (200, 201, 204):
        reason = response.text.strip().splitlines()[0][:300] if response.text.strip() else response.reason
        raise PushError(f"PUT of graph <{graph}> to {store.gsp_url} failed: HTTP {response.status_code} {reason}")


def push(store: RemoteStore, dist: Path, progress: Callable[[str], None] = lambda line: None) -> PushReport:
    """Load ``dist/tpgraph.nq`` into ``store`` graph by graph and verify every graph's count.

    Raises PushError (a failed PUT, a count that differs), UnionDefaultGraphError (the store's default graph is
    not the union; nothing but the probe graph was sent) or RemoteStoreError (the store did not answer).
    """
    nquads = dist / "tpgraph.nq"
    if not nquads.is_file():
        raise PushError(f"no built dataset at {nquads}; run 'tpgraph build' first")
    started = time.perf_counter()
    graphs = graphs_of(nquads)
    order = sorted(graphs, key=lambda g: (g != PROBE_GRAPH, g))
    put_graph(store, order[0], graphs[order[0]])
    store.check_union_default_graph()
    for done, graph in enumerate(order[1:], start=2):
        put_graph(store, graph, graphs[graph])
        if done % 200 == 0:
            progress(f"{done}/{len(order)} graphs")
    found = store.counts()
    wrong = [f"<{g}>: {len(t)} triples built, {found.get(g, 0)} in the store"
             for g, t in sorted(graphs.items()) if found.get(g, 0) != len(t)]
    if wrong:
        shown = "\n  ".join(wrong[:10]) + (f"\n  … and {len(wrong) - 10} more" if len(wrong) > 10 else "")
        raise PushError(f"{len(wrong)} of {len(graphs)} graphs differ after the push:\n  {shown}")
    return PushReport(len(graphs), sum(len(t) for t in graphs.values()), time.perf_counter() - started)

