"""`tpgraph check`: HermiT consistency, and the narrowing of a clash to the smallest set of records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, URIRef

from tpgraph.build.infer import infer
from tpgraph.build.loader import load
from tpgraph.model.iris import record_key_of_graph
from tpgraph.model.namespaces import GRAPH_BASE, ID_BASE, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, TP
from tpgraph.paths import ProjectPaths
from tpgraph.build.reasoner import check_dataset, quickxplain
from tpgraph.cli import main


needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


pytestmark = [pytest.mark.java, pytest.mark.slow]

FEW_RECORDS = ("muscle/psoas-major", "muscle/iliacus", "muscle/tensor-vastus-intermedius", "region/groin", "landmark/lesser-trochanter")
"""The records the clash-narrowing tests keep: the clashing ones and a few innocent ones to narrow them from."""


def few_records(dataset: Dataset, keep: tuple[str, ...] = FEW_RECORDS) -> Dataset:
    """A small fixture graph cut from the loaded data: the ontology, the provenance and a few records' graphs,
    so that narrowing a clash runs HermiT over a handful of records instead of all of them."""
    small = Dataset()
    for graph in dataset.graphs():
        if graph.identifier == PROVENANCE_GRAPH:  # only what describes the kept records' graphs
            target = small.graph(graph.identifier)
            for triple in graph:
                if record_key_of_graph(str(triple[0])) in keep:
                    target.add(triple)
        elif graph.identifier == ONTOLOGY_GRAPH or record_key_of_graph(str(graph.identifier)) in keep:
            target = small.graph(graph.identifier)
            for triple in graph:
                target.add(triple)
    return small


def test_quickxplain_finds_a_minimal_conflict() -> None:
    """A clash needs both 'b' and 'e'; every other item is innocent."""
    items = list("abcdefgh")
    calls: list[tuple[str, ...]] = []

    def consistent(keys) -> bool:
        calls.append(tuple(keys))
        return not {"b", "e"} <= set(keys)

    assert sorted(quickxplain(items, consistent)) == ["b", "e"]
    assert len(calls) < len(items) * 2


def test_quickxplain_on_consistent_items_makes_one_call() -> None:
    calls = []
    assert quickxplain(["a", "b"], lambda keys: calls.append(keys) or True) == []
    assert len(calls) == 1


@needs_java
def test_real_data_is_consistent(repo_paths: ProjectPaths) -> None:
    loaded = load(repo_paths.data, repo_paths.ontology)
    infer(loaded.dataset)
    result = check_dataset(loaded.dataset)
    assert result.consistent and result.clash == ()


@needs_java
def test_self_antagonist_is_inconsistent_and_named(tmp_path: Path, make_project) -> None:
    """SHACL refuses this at build time; HermiT catches it too, through the irreflexive antagonist link."""
    paths = make_project(tmp_path, {"own-antagonist.yaml": Path(__file__).parent / "invalid" / "own-antagonist.yaml"},
                         vocabularies_only=True)
    loaded = load(paths.data, paths.ontology)
    infer(loaded.dataset)
    result = check_dataset(few_records(loaded.dataset))
    assert not result.consistent
    assert result.clash == ("muscle/tensor-vastus-intermedius",)


@needs_java
def test_clash_between_two_records_names_both(repo_paths: ProjectPaths) -> None:
    """Two records that type the same individual with disjoint classes: the clash is exactly those two."""
    loaded = load(repo_paths.data, repo_paths.ontology)
    dataset: Dataset = few_records(loaded.dataset)
    shared = URIRef(ID_BASE + "landmark/lesser-trochanter")
    dataset.graph(URIRef(GRAPH_BASE + "region/groin/extra")).add((shared, RDF.type, TP.BodyRegion))
    result = check_dataset(dataset)
    assert not result.consistent
    assert sorted(result.clash) == ["landmark/lesser-trochanter", "region/groin"]


@needs_java
def test_check_command_runs_the_profile_check_beside_hermit(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            make_small_project) -> None:
    """`tpgraph check` on a one-record project: both verdicts, in order, exit 0 (the profile JVM runs on a thread)."""
    root = make_small_project(tmp_path / "project").root
    assert main(["--root", str(root), "check"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["OWL 2 DL profile: no violations", "HermiT: ontology and data are consistent"]
    assert err == ""
