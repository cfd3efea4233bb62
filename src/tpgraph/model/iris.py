"""The IRI scheme of records and their graphs, built and parsed in one place.

A record is ``…/id/<type>/<slug>`` (nested nodes add ``#fragment``); its own statements live in the graph
``…/graph/<type>/<slug>``, one source's claims in ``…/graph/<type>/<slug>/<source>`` (and ``…/derived`` for what
the build infers from them). The build mints these IRIs; the reasoner, the release diff, the pages and the
body map read a record back out of them, so the rule is written once.
"""

from __future__ import annotations

from tpgraph.model.namespaces import GRAPH_BASE, ID_BASE


def record_iri(type_name: str, slug: str) -> str:
    """The IRI of a record: ``https://w3id.org/tpgraph/id/<type>/<slug>``."""
    return f"{ID_BASE}{type_name}/{slug}"


def core_graph_iri(type_name: str, slug: str) -> str:
    """The named graph holding a record's own definition (label, type, tpgraph-owned structure)."""
    return f"{GRAPH_BASE}{type_name}/{slug}"


def claim_graph_iri(type_name: str, slug: str, source_slug: str) -> str:
    """The named graph holding what one source states about one record."""
    return f"{GRAPH_BASE}{type_name}/{slug}/{source_slug}"


def record_key_of_graph(graph_iri: str) -> str | None:
    """The record a named graph belongs to: ``…/graph/muscle/psoas-major/nat/derived`` → ``muscle/psoas-major``."""
    if not graph_iri.startswith(GRAPH_BASE):
        return None
    parts = graph_iri[len(GRAPH_BASE):].split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else None


def record_key_of_node(iri: str) -> str | None:
    """``type/slug`` for a record IRI or one of its nested ``#fragment`` nodes, else None."""
    if not iri.startswith(ID_BASE):
        return None
    parts = iri[len(ID_BASE):].split("#", 1)[0].split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else None


def slug_of(iri: str) -> str:
    """The last path segment of a record IRI (its slug)."""
    return iri.rsplit("/", 1)[1]
