"""The pain-drawing ranking on a small fixture graph (tests/fixtures/pain-drawing.trig), to exact ranks and scores,
and every way a drawing is refused; then the safer record suggestions (distinguishing words, shared names, lay
phrases). The rule: docs/decisions/20261205-pain-drawing-search.md."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pyoxigraph as ox
import pytest

from tpgraph.catalogue.named_queries import find, load_catalogue
from tpgraph.catalogue.pain_search import DrawingError, read_drawing, search
from tpgraph.catalogue.parameters import resolve, resolve_all
from tpgraph.model.namespaces import ID_BASE
from tpgraph.model.suggestions import distinguished, record_suggestions
from tpgraph.sparql.values import ParameterError
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "pain-drawing.trig"


@pytest.fixture(scope="module")
def small() -> OxigraphStore:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return OxigraphStore(store)


def ranked(store: OxigraphStore, *regions: str) -> list[tuple]:
    """(rank, score, label, kind, via group, support, covers, misses, essential outside, minority) per row."""
    query = find(load_catalogue(REPO / "queries"), "pain-drawing-zones")
    answer = search(store, query, read_drawing(store, list(regions)))
    return [(r.rank, r.score, r.record.label, r.kind, r.via_group.label if r.via_group else None, r.support,
             [(m.region.label, m.intensity) for m in r.best.matches], [m.label for m in r.best.misses],
             [m.label for m in r.best.essential_outside], r.minority) for r in answer.rows]


def test_exact_ranks_for_groin_and_knee(small: OxigraphStore) -> None:
    assert ranked(small, "groin", "knee") == [
        # mu one: the group's pattern (knee 1, groin 0.5) beats its own (knee 0.5); two sources support it
        (1, Fraction(3, 4), "mu one", "muscle", "mu group", 2, [("groin", "spillover"), ("knee", "essential")], [], [],
         False),
        # alpha and mu two tie on score and support: one rank, listed by label
        (2, Fraction(3, 4), "alpha", "muscle", None, 1, [("groin", "essential"), ("knee", "spillover")], [], [], False),
        (2, Fraction(3, 4), "mu two", "muscle", "mu group", 1, [("groin", "spillover"), ("knee", "essential")], [], [],
         False),
        # gamma and lone group tie on score (1/2); gamma's two sources (a copy counts as its post) put it first.
        # gamma's score is its best pattern (0.5), never the union of its two sources' zones.
        (4, Fraction(1, 2), "gamma", "muscle", None, 2, [("groin", "spillover"), ("knee", "spillover")], [], [], False),
        # Source One names no member of lone group: the group stands as a row of its own
        (5, Fraction(1, 2), "lone group", "group", None, 1, [("knee", "essential")], ["groin"], [], False),
        # beta: groin 1, knee 0 -> 1/2, less 1/4 x (1 of its 2 essential zones outside the drawing) -> 3/8
        (6, Fraction(3, 8), "beta", "muscle", None, 1, [("groin", "essential")], ["knee"], ["low back"], False),
        # delta would score 1, but rests only on a minority claim: marked and last
        (7, Fraction(1), "delta", "muscle", None, 1, [("groin", "essential"), ("knee", "essential")], [], [], True),
    ]


def test_a_part_of_a_drawn_region_matches_it(small: OxigraphStore) -> None:
    """Knee and shin are parts of the leg: a zone on the knee covers a drawn leg."""
    assert [(r[0], r[1], r[2], r[6]) for r in ranked(small, "leg")] == [
        (1, Fraction(1), "mu one", [("leg", "essential")]),
        (2, Fraction(1), "lone group", [("leg", "essential")]),
        (2, Fraction(1), "mu two", [("leg", "essential")]),
        (4, Fraction(1, 2), "gamma", [("leg", "spillover")]),
        (5, Fraction(1, 4), "alpha", [("leg", "spillover")]),  # 1/2, less 1/4: its one essential zone is outside
        (6, Fraction(1), "delta", [("leg", "essential")]),
    ]


def test_a_muscle_never_appears_twice(small: OxigraphStore) -> None:
    labels = [row[2] for row in ranked(small, "groin", "knee", "leg", "shin", "low back")]
    assert len(labels) == len(set(labels)) == 7


def test_a_lay_phrase_stands_for_every_region_it_names(small: OxigraphStore) -> None:
    drawing = read_drawing(small, ["front of hip"])
    assert [r.value.rsplit("/", 1)[1] for r in drawing.regions] == ["asis-region", "groin"]
    assert drawing.read_as[0][0] == "front of hip"
    assert [(r[0], r[1], r[2], r[7]) for r in ranked(small, "front of hip")][:2] == [
        (1, Fraction(1, 2), "alpha", ["ASIS region"]),
        (2, Fraction(3, 8), "beta", ["ASIS region"]),
    ]
    with pytest.raises(ParameterError) as caught:
        resolve(small, "region", "front of hip")  # a one-term parameter asks which
    assert str(caught.value) == "'front of hip' names 2 body regions: 'ASIS region' or 'groin'; give one of them"


@pytest.mark.parametrize(("values", "problems"), [
    ([], ["draw at least one body region (give region=… once per region)"]),
    (["  ", ""], ["draw at least one body region (give region=… once per region)"]),
    (["knee"] * 13, ["a drawing holds at most 12 regions; 13 were given"]),
    (["kneee", "grion"], ["no body region called 'kneee' in the graph; did you mean 'knee'?",
                          "no body region called 'grion' in the graph; did you mean 'groin'?"]),
    (["knee", "groin> } ?s ?p ?o . {"],
     ["'groin> } ?s ?p ?o . {' holds characters no region name has ('>?{}'); give a region's name or id"]),
    (["x" * 201], ["a region name is at most 200 characters; one given has 201"]),
    (["elbow"], ["no body region called 'elbow' in the graph"]),
])
def test_every_bad_drawing_is_refused_with_its_reasons(small: OxigraphStore, values: list[str],
                                                       problems: list[str]) -> None:
    with pytest.raises(DrawingError) as caught:
        read_drawing(small, values)
    assert caught.value.problems == problems


def test_a_lay_phrase_may_not_push_a_drawing_past_the_limit(small: OxigraphStore) -> None:
    with pytest.raises(DrawingError) as caught:
        read_drawing(small, ["front of hip", "knee"], limit=2)
    assert caught.value.problems == ["a drawing holds at most 2 regions; the names given stand for 3"]


# ------------------------------------------------------------------------------------ safer suggestions

@pytest.mark.parametrize(("a", "b", "apart"), [
    ("gluteus medius", "gluteus maximus", True),
    ("gluteus medius", "gluteus minimus", True),
    ("adductor longus", "adductor brevis", True),
    ("pectoralis major", "pectoralis minor", True),
    ("serratus posterior superior", "serratus anterior", True),
    ("flexor digitorum superficialis", "flexor digitorum profundus", True),
    ("gluteus maximum", "gluteus minimus", True),  # a misspelt distinguishing word still counts
    ("psoas", "psoas major", False),
    ("grion", "groin", False),
])
def test_distinguishing_words(a: str, b: str, apart: bool) -> None:
    assert distinguished(a, b) is apart


NAMES = [("gluteus maximus", "gluteus maximus"), ("gluteus minimus", "gluteus minimus"),
         ("adductor brevis", "adductor brevis"), ("adductor magnus", "adductor magnus"),
         ("pectoralis minor", "pectoralis minor"), ("serratus anterior", "serratus anterior"),
         ("flexor digitorum profundus", "flexor digitorum profundus")]


@pytest.mark.parametrize(("typed", "offered"), [
    ("gluteus medius", []),
    ("adductor longus", []),
    ("pectoralis major", []),
    ("serratus posterior", []),
    ("flexor digitorum superficialis", []),
    ("gluteus maximum", ["gluteus maximus"]),
    ("adductor brevus", ["adductor brevis"]),
])
def test_no_different_muscle_for_a_distinguishing_word(typed: str, offered: list[str]) -> None:
    assert record_suggestions(typed, NAMES) == offered


HAND = """
PREFIX tp: <https://w3id.org/tpgraph/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
<https://w3id.org/tpgraph/graph/muscle/abductor-digiti-minimi-of-hand> {
  <https://w3id.org/tpgraph/id/muscle/abductor-digiti-minimi-of-hand> a tp:Muscle ;
      rdfs:label "abductor digiti minimi of the hand"@en ; skos:altLabel "abductor digiti minimi manus"@en .
}
"""


@pytest.fixture(scope="module")
def with_hand(built) -> OxigraphStore:
    """The real graph (with the foot's abductor digiti minimi) plus a fixture record for the hand's."""
    store = ox.Store()
    store.bulk_load(path=str(built.out_dir / "tpgraph.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(HAND.encode(), format=ox.RdfFormat.TRIG)
    return OxigraphStore(store)


def test_a_name_two_records_share_offers_both(with_hand: OxigraphStore) -> None:
    with pytest.raises(ParameterError) as caught:
        resolve(with_hand, "muscle", "abductor digiti minimi")
    assert str(caught.value) == ("no muscle called 'abductor digiti minimi' in the graph; did you mean "
                                 "'abductor digiti minimi of the foot' or 'abductor digiti minimi of the hand'?")
    assert resolve(with_hand, "muscle", "abductor digiti minimi pedis") == \
        ox.NamedNode(ID_BASE + "muscle/abductor-digiti-minimi-of-foot")


def test_misses_in_the_real_graph(store: OxigraphStore) -> None:
    with pytest.raises(ParameterError) as caught:
        resolve(store, "muscle", "gluteus maximum")
    assert str(caught.value) == "no muscle called 'gluteus maximum' in the graph; did you mean 'gluteus maximus'?"
    with pytest.raises(ParameterError) as caught:
        resolve(store, "muscle", "adductor longis")
    assert str(caught.value) == "no muscle called 'adductor longis' in the graph; did you mean 'adductor longus'?"
    with pytest.raises(ParameterError) as caught:
        resolve(store, "muscle", "pectoralis majr")
    assert str(caught.value) == "no muscle called 'pectoralis majr' in the graph; did you mean 'pectoralis major'?"


def test_front_of_hip_finds_regions_through_lay_synonyms(store: OxigraphStore) -> None:
    assert [r.value.rsplit("/", 1)[1] for r in resolve_all(store, "region", "Front of the hip")] == \
        ["asis-region", "groin"]


def test_a_lay_phrase_two_regions_share_is_no_quality_problem(store: OxigraphStore) -> None:
    """"front of hip" is a lay synonym of the groin and of the ASIS region; the one-record-per-name check
    (queries/qc/ambiguous-name.rq, and the loader's) looks at labels and synonyms only."""
    shared = store.select('SELECT ?r WHERE { ?r tp:laySynonym ?n FILTER(LCASE(STR(?n)) = "front of hip") }')
    assert sorted(row[0].value.rsplit("/", 1)[1] for row in shared) == ["asis-region", "groin"]
    ambiguous = store.select((REPO / "queries" / "qc" / "ambiguous-name.rq").read_text(encoding="utf-8"))
    assert [row for row in ambiguous if "hip" in str(row[2])] == []
