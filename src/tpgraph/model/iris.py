"""The IRI scheme of records and their graphs, built and parsed in one place.

A record is ``…/id/<type>/<slug>`` (nested nodes add ``#fragment``); its own statements live in the graph
``…/graph/<type>/<slug>``, one source's claims in ``…/graph/<type>/<slug>/<source>`` (and ``…/derived`` for what
the build infers from them). The build mints these IRIs; the reasoner, the release diff, the pages and the
body map read a record back out of them, so the rule is written once. The server parses request paths with the
same rule (``record_iri_of_path``, ``graph_iri_of_path``): a path that does not follow it names no record or
graph, whatever bytes it holds, so it never reaches an IRI constructor that would raise on them.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from tpgraph.model.namespaces import (
    DERIVED_SUFFIX,
    EXTERNAL_GRAPH_BASE,
    GRAPH_BASE,
    ID_BASE,
    RELEASES_BASE,
    VOCAB_IRI,
)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A record's slug: lower-case letters and digits in hyphen-separated words (every record IRI the build mints)."""

GRAPH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
"""A segment of a named graph's path: IRI-unreserved ASCII (slugs, ``derived``, an external file's name)."""


def is_slug(text: str) -> bool:
    """Whether ``text`` is a slug, the only form a record's last path segment takes."""
    return SLUG.fullmatch(text) is not None


def record_iri_of_path(type_name: str, slug: str) -> str | None:
    """The record IRI that ``/id/<type>/<slug>`` names, or None when ``slug`` is not a slug (a label, a typo,
    a byte the IRI syntax forbids): such a path names no record, though it may name one by its label."""
    return record_iri(type_name, slug) if is_slug(slug) else None


def graph_iri_of_path(rest: str) -> str | None:
    """The named graph IRI that ``/graph/<rest>`` names, or None when a segment is not IRI-unreserved text."""
    segments = rest.split("/")
    if not all(GRAPH_SEGMENT.fullmatch(segment) for segment in segments):
        return None
    return GRAPH_BASE + rest


def record_iri_of_text(type_name: str, text: str) -> str | None:
    """The record IRI ``text`` gives as a slug or as the full IRI of a record of ``type_name``, else None."""
    base = record_iri(type_name, "")
    slug = text[len(base):] if text.startswith(base) else text
    return record_iri_of_path(type_name, slug)


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


def record_path_of(iri: str) -> str | None:
    """What follows the record base: ``…/id/muscle/psoas-major#tp-1`` → ``muscle/psoas-major#tp-1``, else None."""
    return iri[len(ID_BASE):] if iri.startswith(ID_BASE) else None


def graph_path_of(iri: str) -> str | None:
    """What follows the graph base: ``…/graph/muscle/psoas-major/nat`` → ``muscle/psoas-major/nat``, else None."""
    return iri[len(GRAPH_BASE):] if iri.startswith(GRAPH_BASE) else None


def type_of_record(iri: str) -> str | None:
    """The record type an IRI under the record base names (``…/id/muscle/psoas-major`` → ``muscle``)."""
    path = record_path_of(iri)
    return path.split("/", 1)[0] if path is not None else None


def derived_graph_iri(graph: str) -> str:
    """The graph of what the build infers from the claim graph ``graph`` (``…/derived``)."""
    return graph + DERIVED_SUFFIX


def is_derived_graph(graph: str) -> bool:
    """Whether ``graph`` holds inferred statements rather than a source's claims."""
    return graph.endswith(DERIVED_SUFFIX)


def external_graph_iri(name: str) -> str:
    """The graph an external file named ``name`` is loaded into, percent-encoded where the name is not an
    unreserved IRI character (``my uberon`` → ``…/graph/external/my%20uberon``)."""
    return EXTERNAL_GRAPH_BASE + quote(name, safe="-._~")


def version_iri(version: str, file_name: str) -> str:
    """The IRI under which a released file is published; it is also that file's ``owl:versionIRI``."""
    return f"{RELEASES_BASE}{version}/{file_name}"


def local_path(iri: str) -> str | None:
    """The path on a tpgraph server of one of tpgraph's IRIs (``/id/…``, ``/graph/…``, ``/vocab#…``): the
    server answers for the IRIs it mints, so a page links to itself rather than through w3id."""
    for base, prefix in ((ID_BASE, "/id/"), (GRAPH_BASE, "/graph/")):
        if iri.startswith(base):
            return prefix + iri[len(base):]
    if iri.startswith(VOCAB_IRI.rstrip("#")):
        return "/vocab" + iri[len(VOCAB_IRI.rstrip("#")):]
    return None
