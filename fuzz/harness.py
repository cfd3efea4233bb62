"""The fuzz harness shared by ``tests/test_fuzz.py`` (a short CI run) and ``fuzz/run_long.py`` (a long run).

Three parts, each plain functions over an explicit ``random.Random`` so a run is reproducible from its seed:

* a corpus of valid SPARQL queries over the tpgraph data, and a mutator that inserts, deletes, duplicates and
  replaces spans with tokens chosen to hurt a lexical scanner or a parser (braces, keywords such as SERVICE,
  UNION and FILTER, strings, IRIs, comments, random unicode, very long repetitions);
* a generator of HTTP requests to the SPARQL endpoint, well-formed or not (random methods, content types,
  charsets, duplicated parameters, random bytes bodies, oversized bodies, Accept headers, query-string keys),
  sent with ``http.client`` to 127.0.0.1 only, one fresh connection per request;
* the checks every answer must pass (:func:`check_response`), the prescan property (:func:`check_prescan`)
  and a small delta-debugging minimiser for failing inputs.

Nothing here starts a server or loops unboundedly: the callers bound counts and time.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import re
import socket
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tpgraph.sparql.prescan import Limits, QueryRefused, ScanResult, prescan

REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------------------------------------------
# Corpus: valid queries over this data (the server predeclares tp:, rdfs:, dcterms:, muscle:, region:, ...).
# --------------------------------------------------------------------------------------------------------------

P_TP = "PREFIX tp: <https://w3id.org/tpgraph/vocab#>\n"
P_RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
P_DCT = "PREFIX dcterms: <http://purl.org/dc/terms/>\n"

CORPUS: tuple[str, ...] = (
    "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    P_TP + "SELECT ?m WHERE { ?m a tp:Muscle }",
    P_TP + P_RDFS + 'SELECT ?m ?label WHERE { ?m a tp:Muscle ; rdfs:label ?label . FILTER(lang(?label) = "en") }',
    P_TP + P_DCT + """SELECT ?muscle ?antagonist ?action ?source WHERE {
  GRAPH ?g {
    ?muscle tp:hasAntagonism ?antagonism .
    ?antagonism tp:antagonisticMuscle ?antagonist ;
                tp:opposedAction ?action .
  }
  ?g dcterms:source ?source .
}
ORDER BY ?muscle ?antagonist ?action""",
    P_TP + P_RDFS + P_DCT + """SELECT ?root ?source ?evidence WHERE {
  VALUES ?muscle { <https://w3id.org/tpgraph/id/muscle/psoas-major> }
  GRAPH ?g { ?muscle tp:innervatedByRoot ?r }
  ?r rdfs:label ?root ;
     tp:rootOrdinal ?ordinal .
  ?g tp:hasEvidence ?evidence .
  OPTIONAL { ?g dcterms:source ?source }
}
ORDER BY ?ordinal ?source""",
    "ASK { muscle:psoas-major ?p ?o }",
    "ASK WHERE { <https://w3id.org/tpgraph/id/muscle/iliacus> tp:memberOf group:iliopsoas }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a tp:Muscle ; rdfs:label ?l } LIMIT 50",
    "DESCRIBE muscle:psoas-major",
    "DESCRIBE ?m WHERE { ?m tp:memberOf group:iliopsoas } LIMIT 3",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n) LIMIT 20",
    "SELECT ?r ?up WHERE { ?r tp:partOfRegion+ ?up } LIMIT 100",
    "SELECT DISTINCT ?region WHERE { region:thigh tp:partOfRegion* ?region }",
    "SELECT ?m ?z WHERE { { ?m tp:hasOrigin ?z } UNION { ?m tp:hasInsertion ?z } } LIMIT 40",
    'SELECT ?s ?l WHERE { ?s rdfs:label ?l . FILTER(regex(str(?l), "^ps", "i")) }',
    "SELECT ?m WHERE { ?m a tp:Muscle . MINUS { ?m tp:memberOf group:iliopsoas } }",
    "SELECT ?m WHERE { ?m a tp:Muscle FILTER NOT EXISTS { ?m tp:hasAntagonist ?x } }",
    ('SELECT ?x (STRLEN(?l) AS ?len) (UCASE(?l) AS ?u) WHERE { ?x rdfs:label ?l BIND(CONCAT(?l, "!") AS ?c) }'
    " ORDER BY ?len OFFSET 2 LIMIT 5"),
    "SELECT ?root WHERE { ?root tp:rootOrdinal ?o FILTER(?o >= 1 && ?o < 4 || ?o IN (7, 8)) } ORDER BY ?o",
    ("SELECT * WHERE { { SELECT ?m (COUNT(?tp) AS ?n) WHERE { ?m tp:hasTriggerPoint ?tp } GROUP BY ?m } "
    "FILTER(?n > 0) }"),
    'SELECT ?s WHERE { ?s ?p "psoas major"@en } # a comment\n',
    "SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 2) (UNDEF 3) } }",
    "SELECT (SAMPLE(?o) AS ?x) WHERE { ?s tp:rootOrdinal ?o } HAVING (SUM(?o) > 1)",
)

# --------------------------------------------------------------------------------------------------------------
# Tokens the mutator inserts. None contains "Traceback", 'File "/' or a file-system path, so an echo of the
# query in an error message can never look like a leak.
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = (
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "UNION", "OPTIONAL", "MINUS", "GRAPH", "SERVICE",
    "SERVICE SILENT", "SILENT", "BIND", "VALUES", "UNDEF", "LIMIT", "OFFSET", "ORDER BY", "GROUP BY", "HAVING",
    "DISTINCT", "REDUCED", "FROM", "FROM NAMED", "NAMED", "EXISTS", "NOT EXISTS", "NOT IN", "IN", "AS", "a",
    "PREFIX", "BASE", "INSERT", "INSERT DATA", "DELETE", "DELETE WHERE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
    "MOVE", "ADD", "WITH", "USING", "true", "false", "COUNT", "SUM", "GROUP_CONCAT", "SEPARATOR", "REGEX",
    "STR", "LANG", "IRI", "BNODE", "RAND", "NOW", "UUID", "SHA512", "COALESCE", "IF", "TRIPLE", "isTRIPLE",
    "LATERAL", "trueSERVICE", "SERVICESILENT", "service:", "SERVICEex:x", "unionUNION", "loAD", "sErViCe",
)
PUNCT = (
    "{", "}", "(", ")", "[", "]", ".", ";", ",", "*", "/", "|", "^", "^^", "!", "+", "?", "-", "=", "!=", "<", ">",
    "<=", ">=", "&&", "||", "<<", ">>", "<<(", ")>>", "{|", "|}", "~", "@", "@en", "@en-GB", "#", ":", "::",
    "\\", "'", '"', "'''", '"""', "`", "$", "%", "%41", "\u0000", "\t", "\r\n", "\n",
)
TERMS = (
    "?s", "?p", "?o", "?x", "$y", "?service", "?SERVICE", "_:b0", "[]", "()", "1", "-1", "1.5", ".5", "1e308",
    "1e-400", "99999999999999999999999999999999", "0x1F", "<x>", "<http://example.org/a>",
    "<https://w3id.org/tpgraph/id/muscle/psoas-major>", "<http://127.0.0.1:1/sparql>", "<urn:x:SERVICE>",
    "<a<b>", "<\\u0053ERVICE>", "<2&&(?b)>", "tp:Muscle", "tp:partOfRegion", "rdfs:label", "muscle:psoas-major",
    "region:thigh", "ex:SERVICE", "ex:a\\#b", "ex:a.b", "ex:a.", ":x", "undeclared:x", '"x"', "'y'", '"a\\"b"',
    '"""multi\nline"""', "'''x'''", '"unterminated', "'unterminated", '"x"@en', '"1"^^xsd:integer',
    '"\\u0053ERVICE"', "# comment SERVICE { }\n", "#", "\\u0053ERVICE", "\\U00000041", "tp:a\\%b",
)
FRAGMENTS = (
    " UNION { ?s ?p ?o } ", " FILTER(?o != 1) ", " OPTIONAL { ?s ?p ?x } ", " SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } ",
    " MINUS { ?s a ?t } ", " BIND(1 AS ?z) ", " VALUES ?v { 1 2 3 } ", " GRAPH ?g { ?s ?p ?o } ",
    " ?s ?p ?o . ", " ?a ?b ?c . ?d ?e ?f . ", " ?s tp:partOfRegion* ?o . ", " ?s (!rdf:type)+ ?o . ",
    " ?s (tp:a|tp:b)/^tp:c ?o . ", " ?s ?p ( 1 2 3 ) . ", " [ ?p [ ?q ?r ] ] ", " { SELECT * WHERE { ?s ?p ?o } } ",
    " FILTER EXISTS { ?s ?p ?o } ", " ORDER BY ?s ", " LIMIT 1 ", " OFFSET 100000000000000000000 ",
    " GROUP BY ?s ", ' FILTER(regex(?o, "(a+)+$")) ', " <<( ?s ?p ?o )>> ", " ?s ?p <<( ?a ?b ?c )>> . ",
    " FILTER(?a<2&&(?b)>0) ", "LOAD <http://127.0.0.1:1/x>", "INSERT DATA { <a> <b> <c> }", "CLEAR ALL",
    " BIND(SHA512(STR(?o)) AS ?h) ", ' FILTER(STRLEN(?o) > 0 && CONTAINS(?o, "x")) ',
    " BIND(CONCAT(?o, ?o, ?o, ?o, ?o, ?o, ?o, ?o) AS ?big) ",
    " FILTER(xsd:integer(?o) > 0) ", " BIND(<http://www.w3.org/2001/XMLSchema#double>(?o) AS ?d) ",
    " FILTER(<urn:x:fn>(?o)) ", " BIND(tp:notAFunction(?o) AS ?f) ",
)
UNICODE = ("é", "\u00a0", "\u200b", "\u2028", "\u202e", "\ufeff", "\ufffd", "\U0001f600", "\u0300", "ß", "İ",
           "\ud800", "\udfff", "\x7f", "\x1b", "\uff5b", "\uff5d", "\u037e")
HOSTILE_SEEDS: tuple[str, ...] = (
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { " + "[" * 3000 + "]" * 3000 + " }",
    "SELECT * WHERE { FILTER(" + "(" * 4000 + "1" + ")" * 4000 + ") }",
    "SELECT * WHERE { FILTER(" + "!" * 5000 + "true) }",
    "SELECT * WHERE { FILTER(1" + "+1" * 3000 + ") }",
    "SELECT * WHERE { ?s " + "(" * 600 + "!rdf:type" + ")+" * 600 + " ?o }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 2000) + " }",
    "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(400)) + " }",
    "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o } " * 500 + "}",
    "SELECT * WHERE { VALUES ?x { " + " ".join(str(i) for i in range(5000)) + " } }",
    "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c . ?d ?e ?f } ORDER BY ?a",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { trueSERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:1/data.ttl>",
    "SELECT * WHERE { ?s ?p ?o } " + "#" * 15000,
)
ALL_TOKENS = KEYWORDS + PUNCT + TERMS + FRAGMENTS + UNICODE

OPS = ("insert", "delete", "duplicate", "replace", "repeat", "splice", "case", "unicode", "wrap", "truncate",
       "graft", "graft")


@dataclass(frozen=True)
class Op:
    """One mutation, fully determined by its fields (so hypothesis can draw and shrink it)."""

    kind: str
    at: float  # relative position in the text, 0..1
    length: float  # relative length of the span it touches, 0..1
    token: str  # what it inserts (or the splice source)
    count: int  # repetitions for duplicate/repeat/wrap


def apply_op(text: str, op: Op) -> str:
    n = len(text)
    i = min(n, int(op.at * (n + 1)))
    span = min(n - i, max(1, int(op.length * 40)) if op.length < 0.9 else int(op.length * (n - i)))
    j = i + span
    if op.kind == "insert":
        return text[:i] + op.token + text[i:]
    if op.kind == "delete":
        return text[:i] + text[j:]
    if op.kind == "duplicate":
        return text[:j] + text[i:j] * op.count + text[j:]
    if op.kind == "replace":
        return text[:i] + op.token + text[j:]
    if op.kind == "repeat":
        return text[:i] + op.token * op.count + text[i:]
    if op.kind == "splice":
        k = min(len(op.token), int(op.length * (len(op.token) + 1)))
        return text[:i] + op.token[k:]
    if op.kind == "case":
        chunk = text[i:j]
        return text[:i] + (chunk.swapcase() if op.count % 2 else chunk.upper()) + text[j:]
    if op.kind == "unicode":
        return text[:i] + "".join(chr(0x20 + (op.count * 7919 * (k + 1)) % 0x10FFDF) for k in range(3)) + text[i:]
    if op.kind == "wrap":
        opener, closer = {"(": ("(", ")"), "[": ("[", "]"), "<<(": ("<<(", ")>>")}.get(op.token, ("{", "}"))
        return text[:i] + opener * op.count + text[i:j] + closer * op.count + text[j:]
    if op.kind == "truncate":
        return text[:i]
    if op.kind == "graft":
        # Insert right after a '{' (or before a '}'), where a pattern fragment keeps the query valid more often.
        spots = [k + 1 for k, c in enumerate(text) if c == "{"] + [k for k, c in enumerate(text) if c == "}"]
        if not spots:
            return text + op.token
        k = spots[min(len(spots) - 1, int(op.at * len(spots)))]
        return text[:k] + op.token * max(1, op.count if op.count < 50 else 1) + text[k:]
    raise ValueError(op.kind)


def mutate(text: str, ops: list[Op] | tuple[Op, ...], cap: int = 80_000) -> str:
    """Apply ``ops`` in turn; the result is capped at ``cap`` characters (over the 16 KiB limit either way)."""
    for op in ops:
        text = apply_op(text, op)
        if len(text) > cap:
            text = text[:cap]
    return text


def random_token(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return rng.choice(ALL_TOKENS)
    if roll < 0.95:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 12)))
    return "".join(chr(rng.randrange(0, 0x110000)) for _ in range(rng.randint(1, 6)))


def random_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(1, 8)
    if roll < 0.9:
        return rng.randint(9, 200)
    return rng.randint(200, 6000)


def random_op(rng: random.Random) -> Op:
    kind = rng.choice(OPS)
    token = rng.choice(CORPUS + HOSTILE_SEEDS) if kind == "splice" else random_token(rng)
    if kind == "repeat" and rng.random() < 0.5:
        token = rng.choice(FRAGMENTS + PUNCT[:6])
    if kind == "graft" and rng.random() < 0.8:
        token = rng.choice(FRAGMENTS)
    return Op(kind, rng.random(), rng.random(), token, random_count(rng) if kind != "truncate" else 0)


def random_query(rng: random.Random) -> str:
    """A query for one fuzz input: mostly a mutated corpus query, sometimes a corpus or hostile query as is."""
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(CORPUS)
    if roll < 0.08:
        return rng.choice(HOSTILE_SEEDS)
    if roll < 0.11:
        return "".join(random_token(rng) + rng.choice(("", " ", "\n")) for _ in range(rng.randint(1, 60)))
    base = rng.choice(CORPUS) if rng.random() < 0.9 else rng.choice(HOSTILE_SEEDS)
    ops = [random_op(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 10)))]
    return mutate(base, ops)


# --------------------------------------------------------------------------------------------------------------
# The prescan property.
# --------------------------------------------------------------------------------------------------------------

PRESCAN_STATUSES = frozenset((400, 403, 413))
PRESCAN_SLOW_S = 2.0  # a linear scan of at most 16 KiB (or the refusal of a longer text) is far below this


DEFAULT_LIMITS = Limits()


def check_prescan(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str | None]:
    """Run prescan once. Returns (outcome, problem): outcome is 'ok:FORM', 'refused:STATUS' or 'error:Type'."""
    started = time.perf_counter()
    try:
        result = prescan(text, limits)
    except QueryRefused as err:
        elapsed = time.perf_counter() - started
        if err.status not in PRESCAN_STATUSES:
            return f"refused:{err.status}", f"QueryRefused with status {err.status} ({err.message!r})"
        if not isinstance(err.message, str) or not err.message:
            return f"refused:{err.status}", "QueryRefused without a message"
        if elapsed > PRESCAN_SLOW_S:
            return f"refused:{err.status}", f"prescan took {elapsed:.2f} s on {len(text)} characters"
        return f"refused:{err.status}", None
    except Exception as err:  # noqa: BLE001 - any other exception is the failure being looked for
        return f"error:{type(err).__name__}", f"prescan raised {type(err).__name__}: {err}"
    elapsed = time.perf_counter() - started
    if not isinstance(result, ScanResult):
        return "error:result", f"prescan returned {type(result).__name__}, not a ScanResult"
    if len(text) > limits.max_length:
        return f"ok:{result.form}", f"prescan accepted a {len(text)}-character text over max_length"
    if elapsed > PRESCAN_SLOW_S:
        return f"ok:{result.form}", f"prescan took {elapsed:.2f} s on {len(text)} characters"
    return f"ok:{result.form}", None


# --------------------------------------------------------------------------------------------------------------
# HTTP requests.
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Req:
    """One HTTP request, JSON-serialisable so a failure can be saved and replayed."""

    method: str
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    query: str | None = None  # the SPARQL text it carries, if any (for minimisation)
    shape: str = ""  # how the query is carried: get, form, direct, ...

    def to_json(self) -> dict:
        data = asdict(self)
        data["body_b64"] = base64.b64encode(self.body).decode("ascii")
        data["body_preview"] = self.body[:300].decode("utf-8", "replace")
        del data["body"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Req:
        data = dict(data)
        body = base64.b64decode(data.pop("body_b64"))
        data.pop("body_preview", None)
        data["headers"] = [tuple(h) for h in data["headers"]]
        return cls(body=body, **data)


@dataclass
class Outcome:
    status: int | None
    body: bytes
    headers: dict[str, str]
    latency: float
    error: str | None = None  # a transport failure: the connection closed without a response, a timeout...


ACCEPTS = (
    None, "*/*", "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
    "application/rdf+xml", "application/json", "text/html", "text/plain", "image/png", "", ";", ",,,",
    "*/*;q=0", "text/*;q=0.5, */*;q=0.1", "application/sparql-results+json;q=abc", "text/csv;q=1.5",
    "application/xml;q=0.9, text/turtle;q=0.8", "*", "*/json", "application/*", "text/html;level=1;q=0.7",
    "application/sparql-results+json; charset=latin-1", "a" * 3000, "text/csv;q=0, */*;q=0",
)
CONTENT_TYPES = (
    None, "", "application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
    "text/plain", "application/json", "multipart/form-data", "multipart/form-data; boundary=xyz",
    "application/sparql-query; charset=utf-8", "application/sparql-query; charset=UTF8",
    "application/sparql-query; charset=latin-1", "application/sparql-query; charset=utf-16",
    "application/sparql-query; charset=", "application/sparql-query; charset=\"utf-8\"",
    "application/x-www-form-urlencoded; charset=utf-8", "application/x-www-form-urlencoded; charset=iso-8859-1",
    "application/x-www-form-urlencoded; charset=bogus", "APPLICATION/SPARQL-QUERY", "application/sparql-query;;;",
    "text/*", "*/*", "application/sparql-query, text/plain", "x" * 2000,
)
METHODS = ("GET", "GET", "GET", "POST", "POST", "POST", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS",
           "TRACE", "PROPFIND", "FOO", "get", "Post", "X" * 100)
PATHS = ("/sparql", "/sparql", "/sparql", "/sparql", "/sparql/", "/", "/health", "/void", "/metrics",
         "/nonexistent", "/static/query.js", "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
         "//sparql", "/sparql;x", "/SPARQL", "/" + "a" * 5000)
PARAM_KEYS = ("query", "query", "query", "update", "default-graph-uri", "named-graph-uri", "format", "timeout",
              "Query", "query[]", "", "=", "%", "\u00e9", "q\x00", "callback", "output")
FORMATS = ("json", "xml", "csv", "tsv", "turtle", "ttl", "nt", "ntriples", "jsonld", "rdfxml", "html", "JSON",
           "application/json", "text/turtle", "", "%", "\u00e9")
GRAPHS = ("https://w3id.org/tpgraph/graph/ontology", "urn:x", "", "not an iri", "<x>", "http://127.0.0.1:1/",
          "https://w3id.org/tpgraph/graph/action/hip-flexion", "\u00e9", "a b")
CHARSETS = ("utf-8", "UTF-8", "utf8", "latin-1", "iso-8859-1", "utf-16", "ascii", "", "x" * 50)


def _encode_value(rng: random.Random, value: str) -> str:
    """A percent-encoding of ``value``, sometimes broken (bad escapes, invalid UTF-8, raw reserved chars)."""
    data = value.encode("utf-8", "surrogatepass")
    roll = rng.random()
    if roll < 0.75:
        return urllib.parse.quote_from_bytes(data, safe="")
    if roll < 0.85:
        return urllib.parse.quote_from_bytes(data, safe="=&;+/?:@")
    if roll < 0.92:
        enc = urllib.parse.quote_from_bytes(data, safe="")
        k = rng.randint(0, len(enc))
        return enc[:k] + rng.choice(("%", "%z", "%ff", "%c3", "%00", "%ed%a0%80", "+", "&", "%2")) + enc[k:]
    return urllib.parse.quote_from_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))), safe="")


def _qs(rng: random.Random, pairs: list[tuple[str, str]]) -> str:
    parts = []
    for key, value in pairs:
        if rng.random() < 0.03:
            parts.append(_encode_value(rng, key))  # a key with no '='
        else:
            parts.append(_encode_value(rng, key) + "=" + _encode_value(rng, value))
    return rng.choice(("&", "&", "&", ";", "&&")).join(parts)


def _extra_params(rng: random.Random) -> list[tuple[str, str]]:
    pairs = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 5))):
        key = rng.choice(PARAM_KEYS)
        if key == "format":
            value = rng.choice(FORMATS)
        elif key.endswith("graph-uri"):
            value = rng.choice(GRAPHS)
        elif key in ("query", "update"):
            value = rng.choice(CORPUS + ("", " ", "INSERT DATA { <a> <b> <c> }"))
        else:
            value = random_token(rng)
        pairs.append((key, value))
    return pairs


def random_bytes(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def random_request(rng: random.Random, query: str | None = None) -> Req:
    """One request: usually a (mutated) query carried correctly, often with something wrong around it."""
    if query is None:
        query = random_query(rng)
    headers: list[tuple[str, str]] = []
    roll = rng.random()
    accept = None if roll < 0.4 else rng.choice(ACCEPTS[:12]) if roll < 0.7 else rng.choice(ACCEPTS)
    if accept is not None:
        headers.append(("Accept", accept))
    if rng.random() < 0.03:
        headers.append(("Accept", rng.choice(ACCEPTS) or "*/*"))  # a duplicated header
    if rng.random() < 0.05:
        headers.append(("If-None-Match", rng.choice(('"x"', "*", "", '"' + "a" * 32 + '"', "W/\"x\", \"y\""))))
    if rng.random() < 0.03:
        headers.append(("Accept-Charset", rng.choice(CHARSETS)))
    if rng.random() < 0.03:
        headers.append(("X-Forwarded-For", rng.choice(("1.2.3.4", "", "garbage", "::1, 127.0.0.1"))))
    shape = rng.choices(("get", "form", "direct", "weird_post", "bytes", "oversized", "method", "path"),
                        weights=(34, 18, 24, 6, 5, 4, 5, 4))[0]
    path = "/sparql"
    method = "GET"
    body = b""
    chunked = False
    extra = _extra_params(rng)
    qbytes = query.encode("utf-8", "surrogatepass")
    if shape == "get":
        method = rng.choice(("GET", "GET", "GET", "HEAD"))
        pairs = [("query", query)] + extra
        rng.shuffle(pairs)
        path = "/sparql?" + _qs(rng, pairs)
    elif shape == "form":
        method = "POST"
        pairs = [("query", query)] + extra
        rng.shuffle(pairs)
        body = _qs(rng, pairs).encode("ascii")
        ctype = rng.choice(("application/x-www-form-urlencoded",) * 4 + (
            f"application/x-www-form-urlencoded; charset={rng.choice(CHARSETS)}",))
        headers.append(("Content-Type", ctype))
        if rng.random() < 0.2:
            path = "/sparql?" + _qs(rng, _extra_params(rng) or [("format", rng.choice(FORMATS))])
    elif shape == "direct":
        method = "POST"
        body = qbytes
        ctype = rng.choice(("application/sparql-query",) * 4 + (
            f"application/sparql-query; charset={rng.choice(CHARSETS)}",))
        headers.append(("Content-Type", ctype))
        if extra:
            path = "/sparql?" + _qs(rng, extra)
        chunked = rng.random() < 0.1
    elif shape == "weird_post":
        method = "POST"
        ctype = rng.choice(CONTENT_TYPES)
        if ctype is not None:
            headers.append(("Content-Type", ctype))
        body = rng.choice((qbytes, b"query=" + urllib.parse.quote_from_bytes(qbytes).encode(), b"",
                           b"update=" + urllib.parse.quote_from_bytes(qbytes).encode()))
    elif shape == "bytes":
        method = rng.choice(("POST", "POST", "PUT", "GET"))
        ctype = rng.choice(CONTENT_TYPES)
        if ctype is not None:
            headers.append(("Content-Type", ctype))
        body = random_bytes(rng, rng.choice((1, 16, 300, 4000, 16 * 1024 - 1, 16 * 1024 + 1)))
        if rng.random() < 0.3:
            body = b"query=" + body
    elif shape == "oversized":
        method = "POST"
        size = rng.randint(16 * 1024 - 8, 64 * 1024)
        kind = rng.random()
        if kind < 0.4:
            headers.append(("Content-Type", "application/sparql-query"))
            body = (qbytes + b" #" + b"x" * size)[:size]
        elif kind < 0.8:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = (b"query=" + urllib.parse.quote_from_bytes(qbytes).encode() + b"%20%23" + b"y" * size)[:size]
        else:
            headers.append(("Content-Type", rng.choice(CONTENT_TYPES) or "application/octet-stream"))
            body = random_bytes(rng, size)
        if rng.random() < 0.2:
            # A long query in the URL, over the body limit once decoded.
            method, body = "GET", b""
            path = "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } #" + "z" * (size // 3))
    elif shape == "method":
        method = rng.choice(METHODS)
        pairs = [("query", query)] + extra
        path = rng.choice(("/sparql", "/sparql?" + _qs(rng, pairs)))
        if rng.random() < 0.5:
            headers.append(("Content-Type", rng.choice(CONTENT_TYPES) or "application/sparql-query"))
            body = qbytes
    else:  # path
        method = rng.choice(("GET", "GET", "POST", "HEAD", "OPTIONS"))
        path = rng.choice(PATHS)
        if rng.random() < 0.5:
            path += ("&" if "?" in path else "?") + _qs(rng, [("query", query)] + extra)
    if method in ("POST", "PUT", "PATCH") and rng.random() < 0.05:
        chunked = True
    if body and rng.random() < 0.03:
        # Only with a body: waitress 3.0.2 never answers a body-less request that expects 100-continue
        # (see test_expect_continue_without_body in tests/test_fuzz.py).
        headers.append(("Expect", "100-continue"))
    return Req(method, path, headers, body, chunked, query, shape)


def send(host: str, port: int, req: Req, timeout: float) -> Outcome:
    """Send ``req`` on a fresh connection and read the whole answer; never raises."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        try:
            conn.putrequest(req.method, req.path, skip_accept_encoding=True)
            for name, value in req.headers:
                conn.putheader(name, value)
            if req.chunked:
                conn.putheader("Transfer-Encoding", "chunked")
            elif req.body or req.method in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(req.body)))
            conn.endheaders()
            if req.chunked:
                step = 4096
                for k in range(0, len(req.body), step):
                    piece = req.body[k:k + step]
                    conn.send(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            elif req.body:
                conn.send(req.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (413) before reading all of a body: read its answer below
        response = conn.getresponse()
        body = response.read()
        return Outcome(response.status, body, {k.lower(): v for k, v in response.getheaders()},
                       time.monotonic() - started)
    except TimeoutError:
        return Outcome(None, b"", {}, time.monotonic() - started, f"no answer within {timeout:g} s")
    except http.client.RemoteDisconnected as err:
        return Outcome(None, b"", {}, time.monotonic() - started, f"connection closed without a response ({err})")
    except (OSError, http.client.HTTPException) as err:
        return Outcome(None, b"", {}, time.monotonic() - started, f"{type(err).__name__}: {err}")
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------------------------
# What every answer must satisfy.
# --------------------------------------------------------------------------------------------------------------

ALLOWED_503 = ("time limit", "busy", "more memory than a query may use")


def leak_markers(extra_paths: tuple[str, ...] = ()) -> tuple[bytes, ...]:
    """Byte strings no answer may contain: a traceback, a source location, a path of this machine."""
    import sys
    import sysconfig

    markers = {b"Traceback", b'File "/', str(REPO).encode(), b"site-packages", sys.prefix.encode() + b"/lib"}
    for key in ("stdlib", "purelib"):
        markers.add(sysconfig.get_paths()[key].encode())
    markers.update(p.encode() for p in extra_paths if p and len(p) > 4)
    return tuple(sorted(markers))


def check_response(req: Req, out: Outcome, timeout: float, markers: tuple[bytes, ...]) -> list[str]:
    """Problems with one answer (empty: it passed)."""
    problems = []
    if out.error is not None:
        problems.append(f"transport: {out.error}")
        return problems
    status = out.status or 0
    if status >= 500:
        text = out.body.decode("utf-8", "replace")
        if status != 503:
            problems.append(f"status {status}: {text.strip()[:200]}")
        elif req.method != "HEAD" and not any(m in text for m in ALLOWED_503):
            problems.append(f"503 without a time-limit or busy message: {text.strip()[:200]}")
    if status < 100:
        problems.append(f"status {status}")
    if out.latency > timeout + 5:
        problems.append(f"answered after {out.latency:.1f} s (limit {timeout + 5:g} s)")
    for marker in markers:
        if marker in out.body:
            at = out.body.find(marker)
            problems.append(f"body leaks {marker!r}: ...{out.body[max(0, at - 80):at + 80]!r}...")
    return problems


def problem_class(problems: list[str]) -> str:
    """A coarse signature of a failure, kept while minimising (the same kind of failure, not the same text)."""
    first = problems[0]
    match = re.match(r"(transport|status \d+|503 without|answered after|body leaks b'[^']*')", first)
    return match.group(1) if match else first[:40]


# --------------------------------------------------------------------------------------------------------------
# Server metrics and minimisation.
# --------------------------------------------------------------------------------------------------------------


def read_metrics(host: str, port: int) -> dict[str, float]:
    out = send(host, port, Req("GET", "/metrics"), timeout=10)
    values: dict[str, float] = {}
    if out.status != 200:
        return values
    for line in out.body.decode("utf-8", "replace").splitlines():
        if line.startswith("#") or " " not in line:
            continue
        name, _, value = line.rpartition(" ")
        try:
            values[name] = float(value)
        except ValueError:
            pass
    return values


def _ddmin_units(units: list[str], joiner: str, fails: Callable[[str], bool], state: dict) -> list[str]:
    chunk = max(1, len(units) // 2)
    while chunk >= 1 and state["calls"] < state["budget"] and time.monotonic() < state["stop"]:
        i = 0
        shrunk = False
        while i < len(units) and state["calls"] < state["budget"] and time.monotonic() < state["stop"]:
            candidate = units[:i] + units[i + chunk:]
            state["calls"] += 1
            if candidate and fails(joiner.join(candidate)):
                units = candidate
                shrunk = True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return units


def ddmin_text(text: str, fails: Callable[[str], bool], budget: int = 300, deadline_s: float = 120.0) -> str:
    """A smaller text that still ``fails``: remove lines, then blank-separated words, then characters, in ever
    smaller chunks (delta debugging; bounded in calls and time)."""
    state = {"calls": 0, "budget": budget, "stop": time.monotonic() + deadline_s}
    text = "\n".join(_ddmin_units(text.split("\n"), "\n", fails, state))
    text = " ".join(_ddmin_units(text.split(" "), " ", fails, state))
    if len(text) <= 5000:  # character by character only where that stays affordable
        text = "".join(_ddmin_units(list(text), "", fails, state))
    return text


def save_failure(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    return path


def replay_snippet(req: Req, port_expr: str = "PORT") -> str:
    """Python that resends ``req`` to a server on 127.0.0.1, for a failure file."""
    return (
        "import http.client\n"
        f"c = http.client.HTTPConnection('127.0.0.1', {port_expr}, timeout=30)\n"
        f"c.putrequest({req.method!r}, {req.path!r}, skip_accept_encoding=True)\n"
        + "".join(f"c.putheader({n!r}, {v!r})\n" for n, v in req.headers)
        + (f"c.putheader('Content-Length', '{len(req.body)}')\n" if req.body else "")
        + "c.endheaders()\n"
        + (f"c.send({req.body!r})\n" if req.body and len(req.body) < 4000 else
           ("c.send(BODY)  # see body_b64\n" if req.body else ""))
        + "r = c.getresponse(); print(r.status, r.read()[:500])\n"
    )


# --------------------------------------------------------------------------------------------------------------
# Malformed HTTP at the byte level (what http.client refuses to send). Each is a complete message ending in
# "Connection: close", so the server has everything it needs to answer; the extra statuses are the standard
# answers of waitress to what it does not implement.
# --------------------------------------------------------------------------------------------------------------

_ASK = b"ASK%7B%7D"
_CLOSE = b"Connection: close\r\n"
RAW_REQUESTS: tuple[tuple[str, bytes, frozenset[int]], ...] = (
    ("http10", b"GET /sparql?query=" + _ASK + b" HTTP/1.0\r\n\r\n", frozenset()),
    ("http09", b"GET /sparql?query=" + _ASK + b"\r\n\r\n", frozenset()),
    ("http2-version", b"GET /sparql?query=" + _ASK + b" HTTP/2.0\r\nHost: x\r\n\r\n", frozenset()),
    ("h2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", frozenset()),
    ("header-without-colon", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\nBadHeader\r\n" + _CLOSE + b"\r\n",
     frozenset()),
    ("negative-length", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: -5\r\n" + _CLOSE + b"\r\nASK{}", frozenset()),
    ("two-lengths", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 5\r\nContent-Length: 6\r\n" + _CLOSE + b"\r\nASK{}", frozenset()),
    ("length-not-a-number", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: abc\r\n" + _CLOSE + b"\r\nASK{}", frozenset()),
    ("huge-length", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 99999999999999999999999\r\n" + _CLOSE + b"\r\nASK{}", frozenset()),
    ("bad-chunk-size", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Transfer-Encoding: chunked\r\n" + _CLOSE + b"\r\nZZ\r\nASK{}\r\n0\r\n\r\n", frozenset()),
    ("chunked-and-length", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n" + _CLOSE + b"\r\n5\r\nASK{}\r\n0\r\n\r\n", frozenset()),
    ("gzip-transfer-coding", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
     b"Transfer-Encoding: gzip, chunked\r\n" + _CLOSE + b"\r\n5\r\nASK{}\r\n0\r\n\r\n", frozenset((501,))),
    ("long-header", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 70000 + b"\r\n" + _CLOSE
     + b"\r\n", frozenset()),
    ("huge-url", b"GET /sparql?query=" + _ASK + b"&" + b"a" * 300000 + b" HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n",
     frozenset()),
    ("binary-host", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: \xff\xfe\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("binary-url", b"GET /sparql?query=\xff\xfe" + _ASK + b" HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("binary-accept", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe\r\n" + _CLOSE + b"\r\n",
     frozenset()),
    ("bad-host", b"GET /sparql HTTP/1.1\r\nHost: [::1\r\nAccept: text/turtle\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("host-with-spaces", b"GET /sparql HTTP/1.1\r\nHost: a b c\r\nAccept: text/turtle\r\n" + _CLOSE + b"\r\n",
     frozenset()),
    ("absolute-uri", b"GET http://elsewhere.invalid/sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\n" + _CLOSE
     + b"\r\n", frozenset()),
    ("asterisk-get", b"GET * HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("asterisk-options", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("folded-header", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\n Continued: line\r\n" + _CLOSE
     + b"\r\n", frozenset()),
    ("leading-blank-lines", b"\r\n\r\nGET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n",
     frozenset()),
    ("get-with-body", b"GET /sparql?query=" + _ASK + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n" + _CLOSE
     + b"\r\nhello", frozenset()),
    ("multipart-form", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
     b"Content-Length: 60\r\n" + _CLOSE + b"\r\n--b\r\nContent-Disposition: form-data; name=query\r\n\r\nASK{}\r\n--b--",
     frozenset()),
    ("nul-in-query", b"GET /sparql?query=ASK%00%7B%7D HTTP/1.1\r\nHost: x\r\n" + _CLOSE + b"\r\n", frozenset()),
    ("lone-surrogate-form", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
     b"Content-Length: 23\r\n" + _CLOSE + b"\r\nquery=ASK%ED%A0%80%7B%7D", frozenset()),
)


def send_raw(host: str, port: int, data: bytes, timeout: float) -> Outcome:
    """Send raw bytes on a fresh connection, read until the server closes; never raises."""
    started = time.monotonic()
    received = b""
    error = None
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            while True:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    break  # after an answer to an oversized request waitress may reset: judged below
                if not chunk:
                    break
                received += chunk
    except TimeoutError:
        error = f"no complete answer within {timeout:g} s"
    except OSError as err:
        error = f"{type(err).__name__}: {err}"
    latency = time.monotonic() - started
    match = re.match(rb"HTTP/\d\.\d (\d{3})", received)
    if match is None:
        return Outcome(None, received, {}, latency, error or f"no status line in {received[:80]!r}")
    _head, _, body = received.partition(b"\r\n\r\n")
    return Outcome(int(match.group(1)), body, {}, latency, error)


# --------------------------------------------------------------------------------------------------------------
# The server's log: worker deaths are explained there (by the Rust runtime of pyoxigraph, before it aborts).
# --------------------------------------------------------------------------------------------------------------

CRASH_BODY = b"the query engine stopped"


class LogTail:
    """Reads what a log file gained since the last call."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new(self) -> str:
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            data = log.read()
        self.offset += len(data)
        return data.decode("utf-8", "replace")


def crash_kind(log_text: str) -> str:
    """Why a worker died, from what it printed: 'memory' (an allocation failed under the worker's address-space
    cap and the Rust runtime aborted), 'stack' (a stack overflow: nesting the pre-scan should have refused) or
    'unknown'."""
    if "has overflowed its stack" in log_text or "stack overflow" in log_text:
        return "stack"
    if "memory allocation of" in log_text:
        return "memory"
    return "unknown"


ENGINE_ERROR_BODY = b"the query engine failed on this query"


def engine_error_kind(query: str | None) -> str:
    """Why pyoxigraph raised an unexpected exception on ``query`` (the worker then answers 500 "the query engine
    failed on this query (Type)"), found again in this process against an empty store. Only ``Store.query`` is
    called, which parses and plans; nothing is iterated, so nothing is evaluated.

    'custom-function': pyoxigraph raises RuntimeError "The custom function <...> is not supported" for a call to
    a function named by an IRI that it does not know (a bug this fuzzing found: the server answered 500, where
    it now answers 400). Else 'other: Type: message', or 'not-reproduced'."""
    if not query:
        return "not-reproduced"
    import pyoxigraph as ox

    from tpgraph.model.namespaces import QUERY_PREFIXES

    try:
        ox.Store().query(query, use_default_graph_as_union=True, prefixes=QUERY_PREFIXES)
    except (SyntaxError, ValueError):
        return "not-reproduced"  # answered 400 by the server
    except Exception as err:  # noqa: BLE001 - what the worker's catch-all saw
        if isinstance(err, RuntimeError) and "custom function" in str(err) and "not supported" in str(err):
            return "custom-function"
        return f"other: {type(err).__name__}: {str(err)[:200]}"
    return "not-reproduced"
