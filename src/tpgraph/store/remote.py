"""A ``Store`` over any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph server, …), for data at scale.

tpgraph keeps its own limits in front of the remote: queries go out through the SPARQL 1.1 Protocol asking for
a format tpgraph can parse (SPARQL JSON for SELECT/ASK, N-Triples for graphs), and come back through tpgraph's
row cap and its own writers, so a client sees the same media types, truncation notice and plain-text errors as
on the embedded store. Credentials come from the environment only (``TPGRAPH_STORE_USER`` and
``TPGRAPH_STORE_PASSWORD``), never from a command line where ``ps`` would show them; HTTP Basic is sent unless
the server asks for Digest (Virtuoso's ``/sparql-graph-crud-auth`` does).

Every query's default graph must be the union of the named graphs, as on the embedded store;
:meth:`RemoteStore.check_union_default_graph` says which server setting to change when it is not.

The quirks met on real servers (Virtuoso's own graphs, blank-node labels, FROM, row limits, booleans) are in
docs/remote-store-quirks.md and tests/test_remote_store.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from tpgraph.model.namespaces import GRAPH_BASE, ID_BASE, QUERY_PREFIXES
from tpgraph.sparql.prescan import QueryRefused, prescan
from tpgraph.sparql.result_writers import write_boolean, write_select
from tpgraph.store.answers import capped_answer, unwritable
from tpgraph.store.interface import RESULT_FORMATS, QueryAnswer, QueryError, QueryJob, SelectResult, Term

if TYPE_CHECKING:
    import requests

USER_VARIABLE = "TPGRAPH_STORE_USER"
PASSWORD_VARIABLE = "TPGRAPH_STORE_PASSWORD"

RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"

PROBE_GRAPH = f"{GRAPH_BASE}muscle/psoas-major"
PROBE_TRIPLE = f'<{ID_BASE}muscle/psoas-major> <http://www.w3.org/2000/01/rdf-schema#label> "psoas major"@en'
"""A triple of the build that only a named graph (psoas major's core graph) holds."""

EMPTY_GRAPH = f"{GRAPH_BASE}none"
"""A graph tpgraph never writes: what a stranger's FROM or default-graph-uri naming another graph becomes."""

UNION_SETTINGS = (
    "Oxigraph server: start it with --union-default-graph; "
    "Virtuoso: queries without FROM see every graph by default (do not set a default graph on the endpoint); "
    "Fuseki: set tdb2:unionDefaultGraph true on the dataset; "
    "GraphDB: queries without FROM see every graph by default; "
    "Amazon Neptune and QLever: the default graph is the union already"
)


class RemoteStoreError(RuntimeError):
    """The triple store could not be reached or refused a request; the message says which and why."""


class StoreTimeout(RemoteStoreError):
    """The triple store did not answer within the client timeout."""


class DatasetRefused(QueryError):
    """A query's FROM or FROM NAMED names a graph that is not tpgraph's (answered 403)."""


class UnionDefaultGraphError(RemoteStoreError):
    """The store's default graph is not the union of its named graphs, so tpgraph's queries would miss facts."""


def credentials_from_environment(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """User and password from TPGRAPH_STORE_USER / TPGRAPH_STORE_PASSWORD, or None when no user is set."""
    environ = os.environ if environ is None else environ
    user = environ.get(USER_VARIABLE)
    if not user:
        return None
    return user, environ.get(PASSWORD_VARIABLE, "")


def with_prefixes(query: str) -> str:
    """``query`` with a PREFIX declaration for each of tpgraph's usual prefixes it uses without declaring.

    The embedded store passes them to pyoxigraph; a remote server knows only the prefixes the text declares.
    They go on the query's first line, so that the line numbers in the store's error messages stay right.
    """
    declared = {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w.-]*):", query, flags=re.IGNORECASE)}
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in QUERY_PREFIXES.items() if name not in declared]
    return " ".join([*lines, query]) if lines else query


def with_bindings(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with each binding as a VALUES block (tpgraph.catalogue.parameters' way: terms, never spliced text)."""
    if not bindings:
        return query
    from tpgraph.sparql.values import ParameterError, with_values

    try:
        return with_values(query, bindings)  # type: ignore[arg-type]
    except ParameterError as err:
        raise QueryError(str(err)) from err


class ServerAuth:
    """HTTP Basic with the environment's credentials, switching to Digest for good once Digest works.

    A 401 to Basic is retried once with Digest: Virtuoso answers a Basic attempt with a bare 401 that carries
    no challenge, so the challenge header cannot be relied on to say which scheme the server wants.
    """

    def __init__(self, credentials: tuple[str, str] | None):
        import requests.auth

        self._credentials = credentials
        self._auth: requests.auth.AuthBase | None = (
            requests.auth.HTTPBasicAuth(*credentials) if credentials else None)

    @property
    def current(self) -> requests.auth.AuthBase | None:
        return self._auth

    def digest(self) -> requests.auth.AuthBase | None:
        """Digest auth to retry a refused Basic request with, or None when that cannot help."""
        import requests.auth

        if self._credentials is None or not isinstance(self._auth, requests.auth.HTTPBasicAuth):
            return None
        return requests.auth.HTTPDigestAuth(*self._credentials)

    def use(self, auth: requests.auth.AuthBase) -> None:
        self._auth = auth


class RemoteStore:
    """tpgraph's ``Store`` over a SPARQL 1.1 query endpoint (and its Graph Store Protocol endpoint, for push)."""

    def __init__(self, query_url: str, gsp_url: str | None = None, timeout: float = 10.0,
                 credentials: tuple[str, str] | None = None):
        import requests

        self.query_url = query_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "tpgraph"
        self.auth = ServerAuth(credentials)
        self._own_graphs: frozenset[str] | None = None

    @classmethod
    def from_environment(cls, query_url: str, gsp_url: str | None = None, timeout: float = 10.0) -> RemoteStore:
        return cls(query_url, gsp_url, timeout, credentials_from_environment())

    # --- HTTP --------------------------------------------------------------------------------------------

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One HTTP exchange with the store; RemoteStoreError (never the socket's own error) when it fails."""
        import requests

        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self._session.request(method, url, auth=self.auth.current, **kwargs)
            digest = self.auth.digest() if response.status_code == 401 else None
            if digest is not None:
                response = self._session.request(method, url, auth=digest, **kwargs)
                if response.status_code != 401:
                    self.auth.use(digest)
        except requests.Timeout:
            raise StoreTimeout(f"the triple store did not answer within {self.timeout:g} s") from None
        except requests.RequestException:
            raise RemoteStoreError(f"the triple store did not answer: no connection to {url}") from None
        return response

    def _post_query(self, query: str, accept: str, default_graphs: Sequence[str] | None = None,
                    named_graphs: Sequence[str] | None = None) -> requests.Response:
        form: list[tuple[str, str]] = [("query", with_prefixes(query))]
        form += [("default-graph-uri", g) for g in default_graphs or ()]
        form += [("named-graph-uri", g) for g in named_graphs or ()]
        return self.request("POST", self.query_url, data=form, headers={"Accept": accept})

    def _query(self, query: str, bindings: Mapping[str, Term] | None = None
               ) -> SelectResult | bool | list[ox.Triple]:
        """Run one of tpgraph's own queries (parameter lookups, named queries) and parse the answer."""
        text = with_bindings(query, bindings)
        graph_form = _form(text) in ("CONSTRUCT", "DESCRIBE")
        response = self._post_query(text, GRAPH_ACCEPT if graph_form else RESULTS_JSON)
        if response.status_code == 400:
            raise QueryError(f"the triple store refused the query: {_reason(response)}")
        if response.status_code != 200:
            raise RemoteStoreError(f"the triple store failed: HTTP {response.status_code}: {_reason(response)}")
        return _parse(response)

    # --- the Store protocol -------------------------------------------------------------------------------

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        value = self._query(query, bindings)
        if not isinstance(value, SelectResult):
            raise QueryError("not a SELECT query")
        return value

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        value = self._query(query, bindings)
        if not isinstance(value, bool):
            raise QueryError("not an ASK query")
        return value

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        value = self._query(query, bindings)
        if isinstance(value, (SelectResult, bool)):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        return value

    def run(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult | bool | list[ox.Triple]:
        """Any query form: a SelectResult, a bool or a list of triples."""
        return self._query(query, bindings)

    def serialized(self, query: str, media_type: str, bindings: Mapping[str, Term] | None = None) -> bytes:
        """The answer written by tpgraph's writers in a W3C format named by media type."""
        value = self._query(query, bindings)
        return _write(value, media_type)

    def execute(self, job: QueryJob) -> QueryAnswer:
        """A stranger's protocol request: evaluated remotely, capped at ``row_cap`` and written by tpgraph."""
        try:
            form = prescan(job.query).form
        except QueryRefused as err:
            return QueryAnswer.failure(err.status, err.message)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        refusal = unwritable(form, job.media_type)
        if refusal:
            return QueryAnswer.failure(406, refusal)
        try:
            default_graphs, named_graphs = self.dataset(job)
            response = self._post_query(job.query, GRAPH_ACCEPT if graph_form else RESULTS_JSON,
                                        default_graphs, named_graphs)
        except DatasetRefused as err:
            return QueryAnswer.failure(403, str(err))
        except QueryError as err:
            return QueryAnswer.failure(400, str(err))
        except StoreTimeout as err:
            return QueryAnswer.failure(504, str(err))
        except RemoteStoreError:  # its message names the store's address, which strangers need not know
            return QueryAnswer.failure(502, "the triple store did not answer: no connection to it")
        if response.status_code == 400:
            return QueryAnswer.failure(400, f"the triple store refused the query: {_reason(response)}")
        if response.status_code != 200:  # e.g. the store's own time limit (Virtuoso: 500, SR171)
            return QueryAnswer.failure(502, f"the triple store failed: HTTP {response.status_code}: "
                                            f"{_reason(response)}")
        try:
            return capped_answer(_parse(response), job)
        except (SyntaxError, ValueError):  # the Oxigraph server cuts a streamed answer at its --timeout-s
            return QueryAnswer.failure(502, "the triple store's answer cannot be read: it is incomplete or "
                                            "malformed (was it stopped by the store's own time limit?)")

    def graphs(self) -> list[str]:
        """tpgraph's named graphs in the store (a shared store's other graphs are left out)."""
        return sorted(self.counts())

    def counts(self) -> dict[str, int]:
        """Triples per tpgraph named graph."""
        result = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row[0].value: int(row[1].value) for row in result  # type: ignore[union-attr]
                if isinstance(row[0], ox.NamedNode) and row[0].value.startswith(GRAPH_BASE)}

    # --- the dataset ------------------------------------------------------------------------------------------

    def own_graphs(self) -> frozenset[str]:
        """tpgraph's graphs in the store, read once (the data do not change while a server runs)."""
        if self._own_graphs is None:
            self._own_graphs = frozenset(self.graphs())
        return self._own_graphs

    def dataset(self, job: QueryJob) -> tuple[list[str] | None, list[str] | None]:
        """The default-graph-uri and named-graph-uri to send, limited to tpgraph's own graphs.

        In default-graph-uri/named-graph-uri, a graph that is not tpgraph's (another user's, the server's own,
        or none at all) becomes the empty graph EMPTY_GRAPH, so naming it sees nothing, as on the embedded store.
        A query's own FROM/FROM NAMED is sent as protocol lists too, which win over the query text by SPARQL 1.1
        Protocol §2.1.4; Virtuoso does not follow that rule (the query's FROM wins), so a FROM naming another
        graph is refused (DatasetRefused) instead of being answered from the store's other graphs.
        """
        default, named = job.default_graphs, job.named_graphs
        own = self.own_graphs()
        if job.query_dataset and default is None and named is None:
            default, named = query_dataset(job.query)  # a clause left out means an empty graph
            foreign = sorted(set(default + named) - own)
            if foreign:  # Virtuoso lets the query's FROM win over the protocol's lists
                raise DatasetRefused(f"FROM and FROM NAMED may name only tpgraph's graphs; <{foreign[0]}> is not "
                                     "one of them")
        if default is None and named is None:
            return None, None

        def limited(graphs: Sequence[str] | None) -> list[str] | None:
            if graphs is None:
                return None
            kept = [g if g in own else EMPTY_GRAPH for g in graphs]
            return list(dict.fromkeys(kept)) or [EMPTY_GRAPH]

        return limited(default), limited(named)

    # --- the default-graph check ------------------------------------------------------------------------------

    def check_union_default_graph(self) -> None:
        """Raise UnionDefaultGraphError (naming the setting to change) unless the default graph is the union.

        It asks for a triple that only psoas major's core graph holds: found in that graph but not in the
        default graph means the default graph is not the union. RemoteStoreError when the store does not hold
        tpgraph's data at all.
        """
        if not self.ask(f"ASK {{ GRAPH <{PROBE_GRAPH}> {{ {PROBE_TRIPLE} }} }}"):
            raise RemoteStoreError(
                f"the triple store at {self.query_url} does not hold tpgraph's graphs "
                f"(no <{PROBE_GRAPH}>); load them with: tpgraph push --to GSP_URL --query {self.query_url}")
        if not self.ask(f"ASK {{ {PROBE_TRIPLE} }}"):
            raise UnionDefaultGraphError(
                f"the triple store at {self.query_url} does not use the union of its named graphs as the default "
                f"graph, so tpgraph's queries would miss facts. Change the setting: {UNION_SETTINGS}.")

    def close(self) -> None:
        self._session.close()


def query_dataset(query: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of a query's FROM and FROM NAMED clauses (parsed by rdflib, with tpgraph's prefixes)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        parsed = prepareQuery(query, initNs=QUERY_PREFIXES)
    except Exception as err:  # noqa: BLE001 - rdflib raises pyparsing's errors and several of its own
        raise QueryError(f"query syntax error: {err}") from None
    default: list[str] = []
    named: list[str] = []
    for clause in parsed.algebra.get("datasetClause", ()) or ():
        if "default" in clause:
            default.append(str(clause["default"]))
        elif "named" in clause:
            named.append(str(clause["named"]))
    return tuple(default), tuple(named)


def _form(query: str) -> str:
    try:
        return prescan(query).form
    except QueryRefused:
        return "SELECT"  # tpgraph's own queries always pass; the server reports the real problem


def _reason(response: requests.Response) -> str:
    """The first line of the server's error message, shortened (never a page of HTML or a stack)."""
    text = response.text.strip().splitlines()
    first = text[0] if text else response.reason or ""
    return first[:300]


def _parse(response: requests.Response) -> SelectResult | bool | list[ox.Triple]:
    """The server's answer as tpgraph's values: SPARQL JSON results, or a graph in N-Triples or Turtle."""
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    rdf_format = ox.RdfFormat.from_media_type(media) if media else None
    if rdf_format is not None or media == "text/plain":
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(response.content, format=rdf_format or ox.RdfFormat.N_TRIPLES)]
    content = response.content
    if b'"bnode"' in content:
        content = renamed_blank_nodes(content)
    results = ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    return SelectResult.from_solutions(results)


def renamed_blank_nodes(content: bytes) -> bytes:
    """SPARQL JSON results with every blank node label replaced by a valid one (b0, b1, … per distinct label).

    Virtuoso labels blank nodes ``nodeID://b10006``, which is not a blank node label pyoxigraph (or N-Triples)
    accepts; a label only matters within one answer, so renaming keeps the answer's meaning.
    """
    import json

    document = json.loads(content)
    labels: dict[str, str] = {}

    def rename(term: dict) -> None:
        if term.get("type") == "bnode":
            term["value"] = labels.setdefault(term["value"], f"b{len(labels)}")
        elif term.get("type") == "triple":
            for part in term.get("value", {}).values():
                rename(part)

    for row in document.get("results", {}).get("bindings", ()):
        for term in row.values():
            rename(term)
    return json.dumps(document).encode("utf-8")


def _write(value: SelectResult | bool | list[ox.Triple], media_type: str) -> bytes:
    fmt = RESULT_FORMATS.get(media_type)
    if isinstance(value, bool):
        if fmt is None:
            raise QueryError(f"cannot write query results as {media_type}")
        return write_boolean(value, fmt)
    if isinstance(value, SelectResult):
        if fmt is None:
            raise QueryError(f"cannot write query results as {media_type}")
        return write_select(value.variables, value.rows, fmt)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise QueryError(f"cannot write a graph as {media_type}")
    return ox.serialize(value, format=rdf_format, prefixes=QUERY_PREFIXES) or b""
