"""The capped answer every store writes: at most ``row_cap`` rows or triples, in the wanted format, saying
when it was cut, and the 406 rules for a form the wanted media type cannot hold.

The embedded store (over pyoxigraph's lazy solutions) and the remote store (over a parsed answer) both end
here, so a client sees the same bytes, truncation notice and errors whichever store answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from tpgraph.model.namespaces import QUERY_PREFIXES
from tpgraph.sparql.result_writers import write_boolean, write_select
from tpgraph.store.interface import RESULT_FORMATS, QueryAnswer, QueryJob, SelectResult, Term


@dataclass(frozen=True)
class Solutions:
    """SELECT rows not yet read (pyoxigraph's solutions): only ``row_cap`` + 1 of them are ever produced."""

    variables: Sequence[str]
    rows: Iterable[tuple[Term | None, ...]]


def unwritable(form: str, media_type: str) -> str | None:
    """Why an answer of ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) cannot be written as ``media_type``."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        if ox.RdfFormat.from_media_type(media_type) is None:
            return f"a graph cannot be written as {media_type}"
        return None
    if RESULT_FORMATS.get(media_type) is None:
        return f"{form} results cannot be written as {media_type}"
    return None


def capped_answer(value: bool | SelectResult | Solutions | Iterable[ox.Triple], job: QueryJob) -> QueryAnswer:
    """The answer in the job's media type, at most ``row_cap`` rows or triples, saying when it was cut.

    Raises ValueError for a term the wanted syntax cannot hold (control characters in XML), and whatever the
    rows raise while they are produced.
    """
    fmt = RESULT_FORMATS.get(job.media_type)
    if isinstance(value, bool):
        if fmt not in ("json", "xml"):
            return QueryAnswer.failure(406, f"an ASK result cannot be written as {job.media_type}")
        return QueryAnswer(200, write_boolean(value, fmt), job.media_type, rows=1)
    if isinstance(value, (SelectResult, Solutions)):
        if fmt is None:
            return QueryAnswer.failure(406, f"SELECT results cannot be written as {job.media_type}")
        rows = list(itertools.islice(iter(value.rows), job.row_cap + 1))
        truncated = len(rows) > job.row_cap
        rows = rows[:job.row_cap]
        return QueryAnswer(200, write_select(list(value.variables), rows, fmt), job.media_type, truncated, len(rows))
    rdf_format = ox.RdfFormat.from_media_type(job.media_type)
    if rdf_format is None:
        return QueryAnswer.failure(406, f"a graph cannot be written as {job.media_type}")
    triples = list(itertools.islice(iter(value), job.row_cap + 1))
    truncated = len(triples) > job.row_cap
    triples = triples[:job.row_cap]
    body = ox.serialize(triples, format=rdf_format, prefixes=QUERY_PREFIXES) or b""
    return QueryAnswer(200, body, job.media_type, truncated, len(triples))
