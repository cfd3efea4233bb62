"""What the CLI, the endpoint and the web layer need from a triple store, and what one answers.

Every store (embedded, sandboxed, remote) implements ``Store``; a protocol request is a ``QueryJob`` and its
outcome a ``QueryAnswer``. Kept apart from the implementations so that the layers above depend on the
interface only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
"""Media types of SELECT/ASK results, mapped to ``tpgraph.sparql.result_writers`` format names."""


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT: variable names in projection order, and one tuple of terms (or None) per row."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> SelectResult:
        """All rows of pyoxigraph's solutions (the one place a SelectResult is built from them)."""
        variables = tuple(v.value for v in solutions.variables)
        return cls(variables, tuple(tuple(solution[v] for v in variables) for solution in solutions))

    @classmethod
    def from_json(cls, body: bytes) -> SelectResult:
        """SELECT results in SPARQL JSON, as written by any store's ``execute``."""
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("not the results of a SELECT query")
        return cls.from_solutions(solutions)

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class QueryError(ValueError):
    """The query text is not valid SPARQL (the message carries the parser's explanation)."""


@dataclass(frozen=True)
class QueryJob:
    """One protocol request to evaluate: the query, the wanted media type and the dataset to use.

    ``default_graphs``/``named_graphs`` are the protocol's default-graph-uri/named-graph-uri (None: the union
    of all named graphs as default graph, every named graph available to GRAPH). ``row_cap`` bounds the rows
    (or triples) written; an answer that hit it says so.
    """

    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    row_cap: int = 10_000
    query_dataset: bool = False  # the query has FROM / FROM NAMED, which the union default must not override
    time_limit: float | None = None  # seconds it may still run (its deadline minus its wait); None: the store's own


@dataclass(frozen=True)
class QueryAnswer:
    """The outcome of a QueryJob, ready to become an HTTP response."""

    status: int
    body: bytes
    media_type: str
    truncated: bool = False
    rows: int | None = None
    error: str | None = None

    @classmethod
    def failure(cls, status: int, message: str) -> QueryAnswer:
        return cls(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", error=message)


class Store(Protocol):
    """What tpgraph needs from a triple store."""

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]: ...

    def serialized(self, query: str, media_type: str, bindings: Mapping[str, Term] | None = None) -> bytes: ...

    def execute(self, job: QueryJob) -> QueryAnswer: ...

    def graphs(self) -> list[str]: ...

    def counts(self) -> dict[str, int]: ...


class Busy(Exception):
    """Every worker is busy: the caller should answer 503 with Retry-After."""
