"""The whole-graph quality checks in queries/qc/: each fires on a small bad example with exactly the expected
rows, none fires on the real data, and `tpgraph validate` reports a firing check at the file and line at fault."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from tpgraph.build.dist import BuildResult
from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.cli import main
from tpgraph.build.quality import violations

REPO = Path(__file__).resolve().parents[1]

CHECKS = {q.name: q for q in load_catalogue(REPO / "queries" / "qc")}

PREFIXES = """
@prefix tp: <https://w3id.org/tpgraph/vocab#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
BASES = {"id": "https://w3id.org/tpgraph/id/", "g": "https://w3id.org/tpgraph/graph/"}


def expand(trig: str) -> str:
    """``id:muscle/a`` and ``g:muscle/a/web`` as full IRIs (a slash cannot start a Turtle local name's path)."""
    return re.sub(r"\b(id|g):([\w/-]+)", lambda m: f"<{BASES[m[1]]}{m[2]}>", trig)

# For each check: a dataset that breaks it once (next to a case that passes), and the rows it must give.
BAD_EXAMPLES = {
    "claim-without-source": ("""
        g:provenance {
          g:muscle/a/web a tp:ClaimGraph ; dcterms:source id:source/web .
          g:muscle/a/lost a tp:ClaimGraph .
          g:muscle/a/unverified a tp:ClaimGraph ; tp:hasEvidence tp:Unverified .
        }
        g:muscle/a/lost { id:muscle/a tp:hasAction id:action/x }
        g:stray { id:muscle/a tp:hasAction id:action/y }
        """, [
        ("<https://w3id.org/tpgraph/graph/muscle/a/lost>", '"cites no source and is not marked unverified"'),
        ("<https://w3id.org/tpgraph/graph/stray>", '"holds triples but has no provenance"'),
    ]),
    "book-without-page": ("""
        g:provenance {
          g:muscle/a/book a tp:ClaimGraph ; dcterms:source id:source/book .
          g:muscle/b/book a tp:ClaimGraph ; dcterms:source id:source/book ; tp:pages "133" .
          g:muscle/c/web a tp:ClaimGraph ; dcterms:source id:source/web .
        }
        g:source/book { id:source/book a tp:Source ; tp:edition "2nd edition, 1999" }
        g:source/web { id:source/web a tp:Source ; tp:url <https://example.org/page> }
        """, [
        ("<https://w3id.org/tpgraph/graph/muscle/a/book>", "<https://w3id.org/tpgraph/id/source/book>"),
    ]),
    "untraceable-source": ("""
        g:source/s {
          id:source/web a tp:Source ; tp:url <https://example.org/page> .
          id:source/book a tp:Source ; tp:edition "1st edition" .
          id:source/rumour a tp:Source ; dcterms:title "Something someone said" .
          id:source/tpgraph a tp:Source .
        }
        """, [("<https://w3id.org/tpgraph/id/source/rumour>",)]),
    "ambiguous-name": ("""
        g:names {
          id:muscle/a a tp:Muscle ; rdfs:label "psoas" .
          id:muscle/b a tp:Muscle ; rdfs:label "psoas major" ; skos:altLabel "Psoas" .
          id:symptom/psoas a tp:Symptom ; rdfs:label "psoas" .
        }
        """, [
        ("<https://w3id.org/tpgraph/id/muscle/a>", "<https://w3id.org/tpgraph/id/muscle/b>", '"psoas"'),
    ]),
    "dangling-reference": ("""
        g:muscle/a/web {
          id:muscle/a a tp:Muscle ; tp:hasAction id:action/flexion, id:action/flexon ; tp:url <https://example.org/> .
          id:action/flexion a tp:Action .
        }
        """, [
        ("<https://w3id.org/tpgraph/id/muscle/a>", "<https://w3id.org/tpgraph/vocab#hasAction>",
         "<https://w3id.org/tpgraph/id/action/flexon>"),
    ]),
}


def rows_of(trig: str, check_name: str) -> list[tuple[str, ...]]:
    store = ox.Store()
    store.load((PREFIXES + expand(trig)).encode("utf-8"), format=ox.RdfFormat.TRIG)
    return [tuple(str(term) for term in row if term is not None) for row in violations(store, CHECKS[check_name])]


def test_every_check_has_a_bad_example() -> None:
    assert sorted(BAD_EXAMPLES) == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(BAD_EXAMPLES))
def test_check_fires_on_its_bad_example(name: str) -> None:
    trig, expected = BAD_EXAMPLES[name]
    assert rows_of(trig, name) == expected


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_real_data_pass_every_check(built: BuildResult, name: str) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built.out_dir / "tpgraph.nq"), format=ox.RdfFormat.N_QUADS)
    assert violations(store, CHECKS[name]) == []


def test_validate_reports_a_check_at_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_project) -> None:
    """Take the page off a claim citing a printed book (Gray's 1918): validate names the facts block that cites it."""
    paths = make_project(tmp_path)
    shutil.copytree(REPO / "queries", paths.root / "queries")
    record = paths.data / "muscles" / "teres-major.yaml"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index('        pages: "442"\n')
    record.write_text("".join(lines[:at] + lines[at + 1:]), encoding="utf-8")
    code = main(["--root", str(paths.root), "validate"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        f"data/muscles/teres-major.yaml:{at}: A claim citing a printed book without the page [book-without-page]: "
        "graph/muscle/teres-major/grays-1918-page-442, source/grays-1918-page-442",
        "1 problem found; the data are invalid.",
    ]
