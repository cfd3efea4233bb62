"""Load external RDF datasets (an Uberon or FMA release) beside tpgraph's own graph, one named graph per file.

Why beside and not merged: tpgraph's default graph is the union of its named graphs, so a file loaded into a
named graph of its own joins tpgraph's records in one query (``?muscle skos:exactMatch ?uberon . ?uberon
rdfs:subClassOf …``), while ``GRAPH <…/graph/external/uberon>`` still tells an external triple from a tpgraph
claim and no external triple can pass for a claim of one of tpgraph's sources.

Graph IRIs: ``https://w3id.org/tpgraph/graph/external/<name>``, where ``<name>`` is the file name without its
format extension and without ``.gz`` (``uberon.owl.gz`` → ``…/external/uberon``), percent-encoded where it is not
an unreserved IRI character. Two files that would share a graph are refused: merging two releases silently would
double every class.

Why streaming: an Uberon release is hundreds of megabytes of RDF/XML. pyoxigraph's ``bulk_load`` parses from a
file object, so the text is never held in memory; a ``.gz`` file is decompressed on the fly. The file object is
wrapped to count the bytes read, which gives the progress shown on a terminal.
"""

from __future__ import annotations

import gzip
import re
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from tpgraph.model.iris import external_graph_iri

RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    ".owl": (ox.RdfFormat.RDF_XML, "RDF/XML"),
    ".rdf": (ox.RdfFormat.RDF_XML, "RDF/XML"),
    ".ttl": (ox.RdfFormat.TURTLE, "Turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "N-Triples"),
}
"""File extensions (lower case) and the RDF syntax each names; any of them may be followed by ``.gz``."""

KNOWN_EXTENSIONS = ".owl or .rdf (RDF/XML), .ttl (Turtle), .nt (N-Triples), each optionally followed by .gz"

PROGRESS_INTERVAL = 0.25
"""Seconds between two progress lines: a few a second is readable and costs nothing."""

_POSITION = re.compile(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ")


class ExternalDataError(Exception):
    """An external file cannot be loaded; the message is one line that starts with the file's path."""


class ExternalArgumentError(ExternalDataError):
    """The files asked for cannot be loaded as given (unknown extension, two files for one graph)."""


@dataclass(frozen=True)
class ExternalSource:
    """A file to load: where it is, the graph it goes into, and how to read it."""

    path: Path
    graph: str
    rdf_format: ox.RdfFormat
    format_name: str
    compressed: bool


@dataclass(frozen=True)
class ExternalGraph:
    """What loading one file did: its graph, the distinct triples it holds, the file's size and modification time
    (which identify the version loaded, e.g. in the server's ETag), and the time taken."""

    path: Path
    graph: str
    triples: int
    file_bytes: int
    modified_ns: int
    seconds: float


def _split_name(path: Path) -> tuple[str, str, bool]:
    """The file name without extensions, the (lower-case) format extension, and whether it ends in ``.gz``."""
    name = path.name
    compressed = name.lower().endswith(".gz")
    if compressed:
        name = name[: -len(".gz")]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, "", compressed
    return stem, "." + extension.lower(), compressed


def graph_iri_for(path: Path) -> str:
    """The named graph a file is loaded into: ``…/graph/external/<file name without extensions>``."""
    stem, _, _ = _split_name(path)
    return external_graph_iri(stem)


def plan_external(paths: Sequence[Path]) -> list[ExternalSource]:
    """Check every file before loading any: a mistake in the last of several files must not cost the others'
    loading time. Raises ExternalArgumentError (unknown extension, shared graph) or ExternalDataError (missing).
    """
    sources: list[ExternalSource] = []
    owners: dict[str, Path] = {}
    for path in paths:
        _, extension, compressed = _split_name(path)
        if extension not in RDF_FORMATS:
            shown = extension or "no extension"
            raise ExternalArgumentError(f"{path}: unknown RDF format ({shown}); use {KNOWN_EXTENSIONS}")
        if not path.is_file():
            raise ExternalDataError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
        graph = graph_iri_for(path)
        if graph in owners:
            raise ExternalArgumentError(
                f"{path}: would share the graph <{graph}> with {owners[graph]}; rename one of the files")
        owners[graph] = path
        rdf_format, format_name = RDF_FORMATS[extension]
        sources.append(ExternalSource(path, graph, rdf_format, format_name, compressed))
    return sources


class _Progress:
    """``name: 42% of 180.3 MB`` rewritten in place (``\\r``) a few times a second, on a terminal only.

    A log file or a pipe gets only the final line per file: a stream of carriage returns is noise there.
    """

    def __init__(self, out: TextIO | None, name: str, total: int):
        self.out, self.name, self.total = out, name, total
        self.live = out is not None and out.isatty()
        self.shown = -1
        self.last = float("-inf")

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.live or now - self.last < PROGRESS_INTERVAL:
            return
        percent = 100 * done // self.total if self.total else 100
        if percent != self.shown:
            assert self.out is not None
            self.out.write(f"\r{self.name}: {percent:3d}% of {self.total / 1e6:.1f} MB")
            self.out.flush()
            self.shown, self.last = percent, now

    def finish(self, line: str | None) -> None:
        """End the progress line; then print ``line`` (the outcome), if any."""
        if self.out is None:
            return
        if self.shown >= 0:
            self.out.write("\r\033[K" if line else "\n")
        if line:
            self.out.write(line + "\n")
        self.out.flush()


class _CountingReader:
    """A read-only binary file wrapper that counts the bytes read from the file on disk (before gunzip)."""

    def __init__(self, raw: BinaryIO, progress: _Progress):
        self.raw, self.progress, self.done = raw, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.done += len(chunk)
        self.progress.update(self.done)
        return chunk

    def readable(self) -> bool:
        return True


def _describe(err: BaseException, source: ExternalSource) -> str:
    """One line: ``path:line:column: invalid Turtle: what pyoxigraph found`` (no position if none is known)."""
    if isinstance(err, SyntaxError):
        message = _POSITION.sub("", err.msg or str(err))
        where = f"{source.path}:{err.lineno}:{err.offset}" if err.lineno and err.offset else (
            f"{source.path}:{err.lineno}" if err.lineno else str(source.path))
        text = f"{where}: invalid {source.format_name}: {message}"
    elif isinstance(err, (gzip.BadGzipFile, zlib.error)):
        text = f"{source.path}: bad gzip data ({err})"
    elif isinstance(err, EOFError):
        text = f"{source.path}: the gzip file is truncated ({err})"
    else:  # OSError: permissions, a disk error; the path is ours, not the OS's wording of it
        text = f"{source.path}: cannot be read ({getattr(err, 'strerror', None) or err})"
    return " ".join(text.split())


def _load_one(store: ox.Store, source: ExternalSource, progress: TextIO | None) -> ExternalGraph:
    graph = ox.NamedNode(source.graph)
    if store.contains_named_graph(graph):
        raise ExternalArgumentError(f"{source.path}: the graph <{source.graph}> is already loaded")
    stat = source.path.stat()
    meter = _Progress(progress, source.path.name, stat.st_size)
    started = time.perf_counter()
    meter.update(0)
    try:
        with open(source.path, "rb") as raw:
            counted = _CountingReader(raw, meter)
            stream = gzip.GzipFile(fileobj=counted, mode="rb") if source.compressed else counted
            # Relative IRIs (rare in releases) resolve against the file's own URL, as other RDF tools do.
            store.bulk_load(stream, source.rdf_format, base_iri=source.path.resolve().as_uri(), to_graph=graph)
    except (SyntaxError, OSError, EOFError, zlib.error) as err:
        meter.finish(None)
        store.remove_graph(graph)  # bulk_load is not atomic: drop what the file's valid beginning added
        raise ExternalDataError(_describe(err, source)) from err
    seconds = time.perf_counter() - started
    triples = _count(store, graph)
    meter.finish(f"loaded {source.path.name}: {triples:,} triple{'s' if triples != 1 else ''} into "
                 f"<{source.graph}> in {seconds:.1f} s")
    return ExternalGraph(source.path, source.graph, triples, stat.st_size, stat.st_mtime_ns, seconds)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)  # type: ignore[index, union-attr, arg-type]


def load_external(store: ox.Store, paths: Sequence[Path], progress: TextIO | None = None) -> list[ExternalGraph]:
    """Stream each file into its own named graph of ``store``; progress and a summary line go to ``progress``.

    Every file is checked before any is loaded. Raises ExternalDataError (ExternalArgumentError for a mistake in
    the request itself) with a one-line message naming the file, and the line where pyoxigraph reports one; a file
    that fails half-way leaves nothing behind in the store.
    """
    return [_load_one(store, source, progress) for source in plan_external(paths)]
