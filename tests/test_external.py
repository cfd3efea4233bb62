"""External datasets (`--with`): each file in its own named graph, joined to tpgraph's records in one query.

The Uberon side is tests/fixtures/uberon-fragment.owl (and the same triples in .ttl): a handful of real Uberon
classes and axioms, each with the place it was seen. The link from tpgraph to Uberon is added here, in a file
of its own, until the data carry their own links.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
import sys
import urllib.parse
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_server import live_server

from tpgraph.store import external
from tpgraph.build.dist import BuildResult
from tpgraph.cli import main
from tpgraph.store.external import ExternalArgumentError, ExternalDataError, graph_iri_for, load_external
from tpgraph.store.embedded import OxigraphStore

FIXTURES = Path(__file__).parent / "fixtures"
FRAGMENT_OWL = FIXTURES / "uberon-fragment.owl"
FRAGMENT_TTL = FIXTURES / "uberon-fragment.ttl"
FRAGMENT_TRIPLES = 61  # 2 properties x 2 triples, 10 classes, 6 restrictions (see the fixture)
GRAPH = "https://w3id.org/tpgraph/graph/external/"
OBO = "http://purl.obolibrary.org/obo/"

PART_OF_PATTERN = """
  ?part rdfs:subClassOf [ owl:onProperty <http://purl.obolibrary.org/obo/BFO_0000050> ;
                          owl:someValuesFrom ?whole ] ;
        rdfs:label ?partLabel .
  ?whole rdfs:label ?wholeLabel .
"""
PART_OF = f"SELECT ?part ?partLabel ?whole ?wholeLabel WHERE {{ {PART_OF_PATTERN} }} ORDER BY ?partLabel"
# With tpgraph's build beside it, the same walk within the fragment's graph: the build may carry Uberon terms too.
PART_OF_IN_FRAGMENT = (f"SELECT ?part ?partLabel ?whole ?wholeLabel WHERE {{ "
                       f"GRAPH <{GRAPH}uberon-fragment> {{ {PART_OF_PATTERN} }} }} ORDER BY ?partLabel")
PART_OF_ROWS = [
    ("UBERON_0001370", "gluteus maximus", "UBERON_0004470", "musculature of pelvic girdle"),
    ("UBERON_0001371", "gluteus medius", "UBERON_0004470", "musculature of pelvic girdle"),
    ("UBERON_0001378", "rectus femoris", "UBERON_0001377", "quadriceps femoris"),
    ("UBERON_0001379", "vastus lateralis", "UBERON_0001377", "quadriceps femoris"),
]

LINK = ("<https://w3id.org/tpgraph/id/muscle/psoas-major> <http://www.w3.org/2004/02/skos/core#exactMatch> "
        "<http://purl.obolibrary.org/obo/UBERON_0001298> .\n")

# tpgraph's label of the muscle (default graph: the union) next to what Uberon says of the class it is linked to.
# The link and the Uberon side are read from their own graphs, so links or Uberon terms that the build itself
# may carry cannot add rows.
JOIN = """
SELECT DISTINCT ?muscle ?muscleLabel ?uberonLabel ?parentLabel ?antagonistLabel WHERE {
  GRAPH <https://w3id.org/tpgraph/graph/external/psoas-link> { ?muscle skos:exactMatch ?uberon }
  ?muscle rdfs:label ?muscleLabel .
  GRAPH <https://w3id.org/tpgraph/graph/external/uberon-fragment> {
    ?uberon rdfs:label ?uberonLabel ; rdfs:subClassOf ?parent .
    ?parent rdfs:label ?parentLabel .
    ?antagonist rdfs:subClassOf [ owl:onProperty obo:RO_0002568 ; owl:someValuesFrom ?uberon ] ;
                rdfs:label ?antagonistLabel .
  }
}
"""


pytestmark = [pytest.mark.slow]


@pytest.fixture()
def link(tmp_path: Path) -> Path:
    """The one tpgraph -> Uberon link this test needs, in a file (and so a graph) of its own."""
    path = tmp_path / "psoas-link.nt"
    path.write_text(LINK, encoding="utf-8")
    return path


def gzipped(source: Path, target: Path) -> Path:
    target.write_bytes(gzip.compress(source.read_bytes()))
    return target


def graph_triples(store: ox.Store, graph: str) -> Counter[tuple[str, str, str]]:
    """The triples of a graph, counted, with blank nodes replaced by a marker (their labels differ between loads)."""
    def term(t: object) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    return Counter((term(q.subject), term(q.predicate), term(q.object))
                   for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- graph names ----------------------------------------------------------------------------------------------

def test_graph_iri_is_the_file_name_without_extensions() -> None:
    assert graph_iri_for(Path("/data/uberon.owl.gz")) == GRAPH + "uberon"
    assert graph_iri_for(Path("fma.owl")) == GRAPH + "fma"
    assert graph_iri_for(Path("uberon-base.2024-11-01.OWL")) == GRAPH + "uberon-base.2024-11-01"
    assert graph_iri_for(Path("my uberon.ttl")) == GRAPH + "my%20uberon"


# -- loading each format --------------------------------------------------------------------------------------

def test_each_format_loads_the_same_triples_into_its_own_graph(tmp_path: Path) -> None:
    reference = ox.Store()
    [loaded] = load_external(reference, [FRAGMENT_OWL])
    assert (loaded.graph, loaded.triples) == (GRAPH + "uberon-fragment", FRAGMENT_TRIPLES)
    expected = graph_triples(reference, loaded.graph)

    ttl = tmp_path / "as-ttl.ttl"
    ttl.write_bytes(FRAGMENT_TTL.read_bytes())
    ntriples = tmp_path / "as-ntriples.nt"
    ntriples.write_bytes(ox.serialize([q.triple for q in reference], format=ox.RdfFormat.N_TRIPLES) or b"")
    variants = {
        "as-ttl": ttl,
        "as-ntriples": ntriples,
        "as-owl-gz": gzipped(FRAGMENT_OWL, tmp_path / "as-owl-gz.owl.gz"),
        "as-ttl-gz": gzipped(FRAGMENT_TTL, tmp_path / "as-ttl-gz.ttl.gz"),
        "as-nt-gz": gzipped(ntriples, tmp_path / "as-nt-gz.nt.gz"),
    }
    store = ox.Store()
    results = load_external(store, list(variants.values()))
    assert [(r.graph, r.triples) for r in results] == [(GRAPH + name, FRAGMENT_TRIPLES) for name in variants]
    assert len(store) == FRAGMENT_TRIPLES * len(variants)
    assert sorted(g.value for g in store.named_graphs()) == sorted(GRAPH + name for name in variants)
    for name in variants:
        assert graph_triples(store, GRAPH + name) == expected, name
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_part_of_over_the_union_default_graph() -> None:
    store = OxigraphStore(ox.Store())
    store.add_external([FRAGMENT_OWL])
    rows = [tuple(t.value.removeprefix(OBO) for t in row)  # type: ignore[union-attr]
            for row in store.select(PART_OF)]
    assert rows == PART_OF_ROWS


def test_uberon_joined_to_tpgraph_records(built: BuildResult, link: Path) -> None:
    store = OxigraphStore.from_dist(built.out_dir)
    before = store.counts()
    graphs = store.add_external([FRAGMENT_OWL, link])
    assert [(g.graph, g.triples) for g in graphs] == [(GRAPH + "uberon-fragment", FRAGMENT_TRIPLES),
                                                      (GRAPH + "psoas-link", 1)]
    assert store.counts() == {**before, GRAPH + "uberon-fragment": FRAGMENT_TRIPLES, GRAPH + "psoas-link": 1}
    rows = [tuple(t.value for t in row) for row in store.select(JOIN)]  # type: ignore[union-attr]
    assert rows == [("https://w3id.org/tpgraph/id/muscle/psoas-major", "psoas major", "psoas major muscle",
                     "psoas muscle", "gluteus maximus")]


# -- refusals -------------------------------------------------------------------------------------------------

def test_two_files_for_one_graph_are_refused_before_either_is_loaded(tmp_path: Path) -> None:
    other = gzipped(FRAGMENT_TTL, tmp_path / "uberon-fragment.ttl.gz")
    store = ox.Store()
    with pytest.raises(ExternalArgumentError) as err:
        load_external(store, [FRAGMENT_OWL, other])
    assert str(err.value) == (f"{other}: would share the graph <{GRAPH}uberon-fragment> with {FRAGMENT_OWL}; "
                              "rename one of the files")
    assert len(store) == 0


def test_a_graph_is_not_loaded_twice() -> None:
    store = ox.Store()
    load_external(store, [FRAGMENT_OWL])
    with pytest.raises(ExternalArgumentError) as err:
        load_external(store, [FRAGMENT_TTL])
    assert str(err.value) == f"{FRAGMENT_TTL}: the graph <{GRAPH}uberon-fragment> is already loaded"
    assert len(store) == FRAGMENT_TRIPLES


def test_a_malformed_file_leaves_nothing_behind(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    text = FRAGMENT_TTL.read_text(encoding="utf-8")
    bad.write_text(text.replace('"part of" .', '"part of" ;;'), encoding="utf-8")
    store = ox.Store()
    with pytest.raises(ExternalDataError) as err:
        load_external(store, [bad])
    assert str(err.value) == f"{bad}:12:16: invalid Turtle: a is not a valid RDF object"
    assert len(store) == 0 and not list(store.named_graphs())


def test_broken_gzip_files(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.owl.gz"
    truncated.write_bytes(gzip.compress(FRAGMENT_OWL.read_bytes())[:200])
    plain = tmp_path / "plain.owl.gz"
    plain.write_bytes(FRAGMENT_OWL.read_bytes())
    with pytest.raises(ExternalDataError) as err:
        load_external(ox.Store(), [truncated])
    assert str(err.value) == (f"{truncated}: the gzip file is truncated "
                              "(Compressed file ended before the end-of-stream marker was reached)")
    with pytest.raises(ExternalDataError) as err:
        load_external(ox.Store(), [plain])
    assert str(err.value) == f"{plain}: bad gzip data (Not a gzipped file (b'<?'))"


# -- progress -------------------------------------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_one_line_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(external, "PROGRESS_INTERVAL", 0.0)
    size = FRAGMENT_OWL.stat().st_size
    terminal = Terminal()
    load_external(ox.Store(), [FRAGMENT_OWL], terminal)
    *updates, summary = terminal.getvalue().split("\r")
    assert updates[0] == ""
    update = re.compile(rf"uberon-fragment\.owl: +(\d+)% of {size / 1e6:.1f} MB")
    percents = [int(update.fullmatch(u)[1]) for u in updates[1:]]  # type: ignore[index]
    assert percents[0] == 0 and percents[-1] == 100 and percents == sorted(set(percents))
    assert re.fullmatch(rf"\033\[Kloaded uberon-fragment\.owl: {FRAGMENT_TRIPLES} triples into "
                        rf"<{GRAPH}uberon-fragment> in \d+\.\d s\n", summary)

    log = io.StringIO()  # not a terminal: no carriage returns, just the outcome
    load_external(ox.Store(), [FRAGMENT_OWL], log)
    assert re.fullmatch(rf"loaded uberon-fragment\.owl: {FRAGMENT_TRIPLES} triples into <{GRAPH}uberon-fragment> "
                        r"in \d+\.\d s\n", log.getvalue())


# -- the command line -----------------------------------------------------------------------------------------

def test_query_with_external_files(tmp_path: Path, built: BuildResult, link: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "join.rq"
    query.write_text(JOIN, encoding="utf-8")
    dist = str(built.out_dir)
    code, out, err = run(capsys, "query", str(query), "--dist", dist, "--with", str(FRAGMENT_OWL), str(link))
    assert code == 0
    assert out.splitlines() == [
        "muscle             | muscleLabel | uberonLabel        | parentLabel  | antagonistLabel",
        "-------------------+-------------+--------------------+--------------+----------------",
        "muscle:psoas-major | psoas major | psoas major muscle | psoas muscle | gluteus maximus",
        "(1 row)",
    ]
    assert [line.split(" in ")[0] for line in err.splitlines()] == [
        f"loaded uberon-fragment.owl: {FRAGMENT_TRIPLES} triples into <{GRAPH}uberon-fragment>",
        f"loaded psoas-link.nt: 1 triple into <{GRAPH}psoas-link>",
    ]

    part_of = tmp_path / "part-of.rq"
    part_of.write_text(PART_OF_IN_FRAGMENT, encoding="utf-8")
    gz = gzipped(FRAGMENT_OWL, tmp_path / "uberon-fragment.owl.gz")
    code, out, _ = run(capsys, "query", str(part_of), "--dist", dist, "--format", "csv", "--with", str(gz))
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["part", "partLabel", "whole", "wholeLabel"]] + [
        [OBO + part, part_label, OBO + whole, whole_label] for part, part_label, whole, whole_label in PART_OF_ROWS]


def test_query_refuses_bad_external_files(tmp_path: Path, built: BuildResult,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    args = ["query", str(query), "--dist", str(built.out_dir), "--with"]
    missing = tmp_path / "uberon.owl"
    assert run(capsys, *args, str(missing)) == (1, "", f"{missing}: no such file\n")
    unknown = tmp_path / "uberon.json"
    unknown.write_text("{}", encoding="utf-8")
    assert run(capsys, *args, str(unknown)) == (
        2, "", (f"{unknown}: unknown RDF format (.json); use .owl or .rdf (RDF/XML), .ttl (Turtle), "
                ".nt (N-Triples), each optionally followed by .gz\n"))
    twice = gzipped(FRAGMENT_OWL, tmp_path / "uberon-fragment.owl.gz")
    assert run(capsys, *args, str(FRAGMENT_OWL), str(twice)) == (
        2, "", (f"{twice}: would share the graph <{GRAPH}uberon-fragment> with {FRAGMENT_OWL}; "
                "rename one of the files\n"))
    malformed = tmp_path / "malformed.owl"
    text = FRAGMENT_OWL.read_text(encoding="utf-8")
    malformed.write_text(text.replace("</owl:Class>\n</rdf:RDF>", "</rdf:RDF>"), encoding="utf-8")
    assert run(capsys, *args, str(malformed)) == (
        1, "", (f"{malformed}: invalid RDF/XML: ill-formed document: expected `</owl:Class>`, but `</rdf:RDF>` "
                "was found\n"))
    bad_line = tmp_path / "bad-line.nt"
    bad_line.write_text(LINK + "<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    assert run(capsys, *args, str(bad_line)) == (
        1, "", (f"{bad_line}:2:47: invalid N-Triples: "
                "The object of a triple must be an IRI, a blank node or a literal\n"))


# -- the server -----------------------------------------------------------------------------------------------

def sparql_csv(server, query: str) -> list[list[str]]:
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    with server.get(path, headers={"Accept": "text/csv"}) as response:
        return list(csv.reader(io.StringIO(response.read().decode("utf-8"))))


def test_serve_with_external_files(tmp_path: Path, built: BuildResult, link: Path) -> None:
    """The query workers (forked after loading) answer from the external graphs too, joined to tpgraph's."""
    gz = gzipped(FRAGMENT_OWL, tmp_path / "uberon-fragment.owl.gz")
    log = tmp_path / "server.log"
    with live_server(built.out_dir, log, "--workers", "2", "--with", str(gz), str(link)) as server:
        assert sparql_csv(server, PART_OF_IN_FRAGMENT) == [["part", "partLabel", "whole", "wholeLabel"]] + [
            [OBO + p, pl, OBO + w, wl] for p, pl, w, wl in PART_OF_ROWS]
        assert sparql_csv(server, JOIN) == [
            ["muscle", "muscleLabel", "uberonLabel", "parentLabel", "antagonistLabel"],
            ["https://w3id.org/tpgraph/id/muscle/psoas-major", "psoas major", "psoas major muscle", "psoas muscle",
             "gluteus maximus"],
        ]
        with server.get("/health") as response:
            health = json.load(response)
    build = json.loads((built.out_dir / "build.json").read_text(encoding="utf-8"))
    assert re.fullmatch(re.escape(build["build_id"]) + r"\+[0-9a-f]{12}", health["build_id"])
    assert health["triples"] == build["quads"] + FRAGMENT_TRIPLES + 1
    started = json.loads(next(line for line in log.read_text().splitlines() if line.startswith('{"serving"')))
    assert started["external_graphs"] == {GRAPH + "uberon-fragment": FRAGMENT_TRIPLES, GRAPH + "psoas-link": 1}


def test_serve_refuses_a_bad_external_file_without_starting(tmp_path: Path, built: BuildResult) -> None:
    malformed = tmp_path / "malformed.ttl"
    malformed.write_text("@prefix obo: <http://purl.obolibrary.org/obo/> .\nobo:a obo:b .\n", encoding="utf-8")
    missing = tmp_path / "missing.nt"
    base = [sys.executable, "-m", "tpgraph.cli", "serve", "--port", "1", "--dist", str(built.out_dir), "--with"]
    for path, message in [(malformed, f"{malformed}:2:13: invalid Turtle: . is not a valid RDF object"),
                          (missing, f"{missing}: no such file")]:
        done = subprocess.run(base + [str(path)], capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n")


def test_the_example_join_walks_uberon_part_of_through_the_datas_own_links(
        built: BuildResult, capsys: pytest.CaptureFixture[str]) -> None:
    """queries/examples/uberon-part-of.rq over the build and the Uberon fragment, with the links the data carry."""
    example = Path(__file__).parents[1] / "queries" / "examples" / "uberon-part-of.rq"
    code, out, _ = run(capsys, "query", str(example), "--dist", str(built.out_dir), "--format", "csv",
                       "--with", str(FRAGMENT_OWL))
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["muscle", "label", "uberon", "whole", "wholeLabel"],
        ["https://w3id.org/tpgraph/id/muscle/gluteus-maximus", "gluteus maximus", OBO + "UBERON_0001370",
         OBO + "UBERON_0004470", "musculature of pelvic girdle"],
        ["https://w3id.org/tpgraph/id/muscle/gluteus-medius", "gluteus medius", OBO + "UBERON_0001371",
         OBO + "UBERON_0004470", "musculature of pelvic girdle"],
        ["https://w3id.org/tpgraph/id/muscle/rectus-femoris", "rectus femoris", OBO + "UBERON_0001378",
         OBO + "UBERON_0001377", "quadriceps femoris"],
        ["https://w3id.org/tpgraph/id/muscle/vastus-lateralis", "vastus lateralis", OBO + "UBERON_0001379",
         OBO + "UBERON_0001377", "quadriceps femoris"],
    ]
