"""Requests to every route of the server, not only /sparql: record and graph pages, body maps, /api, /pain,
/vocab, /releases, the built files and the operations routes, with odd paths, query strings, headers and methods.

Why: /sparql was fuzzed from the start, the routes beside it never were, and a label typed into the address bar
(``/id/muscle/psoas%20major``) or a quote in a record path answered 500 (issue 15). Used by
``fuzz/run_long.py --routes N`` and the fixed-seed sample in ``tests/test_fuzz_routes.py``.

To fuzz a new route, add a ``Route`` to ``ROUTES``: a name, a weight, and a function of the random source that
gives a path (the query string is added here). Everything is a plain function of an explicit
``random.Random``: a run is reproducible from its seed.
"""

from __future__ import annotations

import random
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from harness import ACCEPTS, Req, random_query

RECORD_TYPES = ("muscle", "group", "region", "root", "nerve", "condition", "landmark", "action", "source",
                "technique", "symptom", "factor", "advice", "movement", "joint")
SLUGS = ("psoas-major", "iliacus", "iliopsoas", "groin", "inguinal-region", "l2", "femoral-nerve",
         "nat-treating-psoas", "thigh", "appendicitis", "no-such-record")
LABELS = ("psoas major", "Psoas Major", "psoas", "PSOAS", "inguinal region", "L2", "iliopsoas muscle", "groin ")
ODD = ("", "%20", "%00", "%22", "%27", "%3C", "%3E", "a%3Eb", "a%22b", "%3Cscript%3E", "%ff", "%c3", "%ed%a0%80",
       "%C3%A9", "%F0%9F%98%80", "%E2%80%AE", "..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%2F", "a%2Fb", "%5C",
       "%7B%7D", "%60", "%7C", "%5E", "%25", "%", "%zz", "a%20b", "+", "~", "-", "--", "a--b", "-a", "A",
       "x" * 300, "%41" * 100, "%0d%0aSet-Cookie:%20x", "%09", "psoas-major%00", "psoas-major.", "%3F", "%23")
VERSIONS = ("0.1.0", "0.0.1", "9.9.9", "latest", "0.1", "..", "%00", "0.1.0%00")
RELEASE_FILES = ("tpgraph.owl", "tpgraph-full.owl", "tpgraph.trig", "void.ttl", "build.json", "tpgraph.sssom.tsv",
                 "catalog-v001.xml", "imports/external.owl", "missing.owl", "../../etc/passwd", "%2e%2e/x")
NAMED_QUERIES = ("muscle-card", "muscle-roots", "muscles-by-root-and-region", "muscles-referring-to-region",
                 "associated-structures", "differential-diagnoses", "no-such-query")
PARAMS = ("muscle", "root", "region", "condition", "format", "x", "", "muscle[]")
FORMATS = ("turtle", "ttl", "jsonld", "nt", "rdfxml", "trig", "nquads", "json", "csv", "tsv", "xml", "html", "",
           "%00", "x" * 100)
METHODS = ("GET",) * 14 + ("HEAD", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "FOO")
PAGE_ACCEPTS = ("text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
                "application/trig", "application/n-quads", "image/svg+xml", "application/json", "text/html;q=0")
HEADERS = (("If-None-Match", '"x"'), ("If-None-Match", "*"), ("If-Modified-Since", "garbage"),
           ("Range", "bytes=0-10"), ("Range", "bytes=99999999-"), ("Range", "x"), ("Accept-Language", "%00"),
           ("Accept-Encoding", "gzip, br"), ("Cookie", "a=b; " * 50), ("X-Forwarded-For", "garbage"),
           ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "gopher"), ("Host", "x" * 200),
           ("Content-Type", "application/sparql-query"), ("Referer", "javascript:alert(1)"))


def segment(rng: random.Random, good: tuple[str, ...] = SLUGS) -> str:
    """A path segment: a real slug, a label (percent-encoded as a browser would), or something odd."""
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(good)
    if roll < 0.5:
        return urllib.parse.quote(rng.choice(LABELS), safe="")
    if roll < 0.9:
        return rng.choice(ODD)
    return urllib.parse.quote_from_bytes(rng.randbytes(rng.randint(1, 12)), safe="")


def record_type(rng: random.Random) -> str:
    return rng.choice(RECORD_TYPES) if rng.random() < 0.9 else segment(rng, RECORD_TYPES)


@dataclass(frozen=True)
class Route:
    """One route family: a name, how often to pick it, and how to make a path for it (no query string)."""

    name: str
    weight: int
    path: Callable[[random.Random], str]


def _graph_path(rng: random.Random) -> str:
    parts = [record_type(rng), segment(rng)]
    if rng.random() < 0.5:
        parts.append(segment(rng, ("nat-treating-psoas", "wikimsk-psoas-major", "derived")))
    if rng.random() < 0.2:
        parts.append(rng.choice(("derived", "x", "")))
    if rng.random() < 0.05:
        parts = [rng.choice(("ontology", "provenance", "external", "external/uberon"))]
    return "/graph/" + "/".join(parts)


ROUTES: tuple[Route, ...] = (
    Route("record", 30, lambda rng: f"/id/{record_type(rng)}/{segment(rng)}"),
    Route("record-trailing", 2, lambda rng: f"/id/{record_type(rng)}/{segment(rng)}/{rng.choice(('', 'x', '..'))}"),
    Route("body-map", 10, lambda rng: f"/id/{rng.choice(('muscle', 'group', 'region'))}/{segment(rng)}/map.svg"),
    Route("graph", 14, _graph_path),
    Route("api-query", 12, lambda rng: f"/api/{segment(rng, NAMED_QUERIES)}"),
    Route("pain", 8, lambda rng: "/pain"),
    Route("vocab", 4, lambda rng: rng.choice(("/vocab", "/vocab/", f"/vocab/{segment(rng, VERSIONS)}"))),
    Route("releases", 6, lambda rng: rng.choice((
        "/releases/", "/releases", f"/releases/{segment(rng, VERSIONS)}/",
        f"/releases/{segment(rng, VERSIONS)}/{rng.choice(RELEASE_FILES) if rng.random() < 0.7 else segment(rng)}"))),
    Route("built-files", 3, lambda rng: rng.choice((
        "/tpgraph.owl", "/tpgraph-full.owl", "/catalog-v001.xml", "/imports/external.owl",
        f"/imports/{segment(rng, ('external.owl', 'catalog-v001.xml'))}", "/dataset"))),
    Route("operations", 4, lambda rng: rng.choice(("/", "/health", "/void", "/metrics", "/api", "/openapi.json",
                                                   "/robots.txt", "/favicon.ico", "//", "/%00", "/static/x"))),
    Route("sparql", 7, lambda rng: "/sparql"),
)
"""The route families and how often each is picked (by weight)."""


def _quoted(text: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included (the query mutator makes them)."""
    return urllib.parse.quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def _query_string(rng: random.Random, route: Route) -> str:
    pairs: list[tuple[str, str]] = []
    if route.name == "sparql":
        pairs.append(("query", random_query(rng)))
    if route.name == "pain":
        for _ in range(rng.choice((0, 1, 1, 1, 2, 5))):
            pairs.append(("region", rng.choice(("groin", "thigh", "inguinal region", "Groin", "lower back"))
                          if rng.random() < 0.4 else urllib.parse.unquote(segment(rng))))
    if route.name == "api-query":
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            value = rng.choice(SLUGS + LABELS) if rng.random() < 0.5 else urllib.parse.unquote(segment(rng))
            if rng.random() < 0.05:
                value = "https://w3id.org/tpgraph/id/muscle/" + value
            pairs.append((rng.choice(PARAMS), value))
    if rng.random() < 0.3:
        pairs.append(("format", rng.choice(FORMATS)))
    if rng.random() < 0.05:
        pairs.append((urllib.parse.unquote(segment(rng)), urllib.parse.unquote(segment(rng))))
    if not pairs:
        return ""
    encoded = "&".join(_quoted(k) + "=" + _quoted(v) for k, v in pairs)
    if rng.random() < 0.05:
        encoded += rng.choice(("&%", "&%zz", "&=", "&&", "&a", ";b=c", "&%ff=%fe", "#frag"))
    return "?" + encoded


def random_route_request(rng: random.Random) -> Req:
    """One request to a route picked by weight, with an odd method, header or query string now and then."""
    route = rng.choices(ROUTES, weights=[r.weight for r in ROUTES])[0]
    path = route.path(rng) + _query_string(rng, route)
    method = rng.choice(METHODS)
    headers: list[tuple[str, str]] = []
    roll = rng.random()
    if roll < 0.5:
        headers.append(("Accept", rng.choice(PAGE_ACCEPTS)))
    elif roll < 0.7:
        accept = rng.choice(ACCEPTS)
        if accept is not None:
            headers.append(("Accept", accept))
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        headers.append(rng.choice(HEADERS))
    body = b""
    if method in ("POST", "PUT", "PATCH") and rng.random() < 0.7:
        body = rng.choice((b"query=ASK%7B%7D", b"ASK {}", rng.randbytes(rng.randint(1, 200))))
    return Req(method, path, headers, body, shape=f"route:{route.name}")
