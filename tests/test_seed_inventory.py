"""Every item of the psoas page, listed by hand in seed_inventory.yaml, is in the built graph as structure."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tpgraph.store.embedded import OxigraphStore

INVENTORY = YAML(typ="safe").load((Path(__file__).parent / "seed_inventory.yaml").read_text(encoding="utf-8"))
SOURCE = f"source:{INVENTORY['source']}"
ITEMS = [(section, item) for section, items in INVENTORY["sections"].items() for item in items]

# The counts the page itself gives; a shrinking inventory would silently weaken the test.
EXPECTED_COUNTS = {
    "etymology": 3,
    "origin": 7,
    "action": 4,
    "functional_movement": 2,
    "referral": 4,
    "indications": 7,
    "causes": 17,
    "differential_diagnosis": 12,
    "associated_trigger_points": 13,
    "self_help": 6,
    "techniques": 7,
}


def test_inventory_has_every_item_of_the_page() -> None:
    counts = {section: len(items) for section, items in INVENTORY["sections"].items()}
    for section, expected in EXPECTED_COUNTS.items():
        assert counts[section] == expected, section
    causes = INVENTORY["sections"]["causes"]
    facet = next(c for c in causes if c["item"].startswith("facet"))
    assert len(facet["vocabulary"]) == 4, "the four kinds of facet/spinal joint issue"
    hernia = next(d for d in INVENTORY["sections"]["differential_diagnosis"] if d["item"].startswith("hernia"))
    assert len(hernia["triples"]) == 2, "hernia counts as inguinal and femoral"


def _query(item: dict) -> str:
    """ASK for the item: an ``ask`` pattern inside one page-sourced graph, or each triple in such a graph."""
    if "ask" in item:
        return f"ASK {{ GRAPH ?g {{ {item['ask']} }} ?g dcterms:source {SOURCE} . }}"
    parts = [
        f"GRAPH ?g{i} {{ {' '.join(triple)} }} ?g{i} dcterms:source {SOURCE} ."
        for i, triple in enumerate(item["triples"])
    ]
    return "ASK { " + " ".join(parts) + " }"


@pytest.mark.parametrize(("section", "item"), ITEMS, ids=[f"{s}: {i['item']}" for s, i in ITEMS])
def test_item_is_in_the_graph_with_the_page_as_source(store: OxigraphStore, section: str, item: dict) -> None:
    assert store.ask(_query(item)), f"{section}: {item['item']!r} not found by {_query(item)!r}"
    for triple in item.get("vocabulary", []):
        assert store.ask(f"ASK {{ {' '.join(triple)} }}"), triple


def test_the_disclaimer_travels_with_the_source(store: OxigraphStore) -> None:
    rows = store.select(f"SELECT ?d WHERE {{ {SOURCE} tp:disclaimer ?d }}")
    assert len(rows) == 1
    text = rows.rows[0][0].value
    assert "not a medical diagnosis" in text and "physician" in text


def test_a_wrong_item_is_not_found(store: OxigraphStore) -> None:
    """The check can fail: a root the page does not give, or a true fact credited to another source."""
    assert not store.ask(_query({"triples": [["muscle:psoas-major", "tp:innervatedByRoot", "root:l5"]]}))
    wrong_source = _query({"triples": [["muscle:iliacus", "tp:innervatedByRoot", "root:l2"]]}).replace(
        SOURCE, "source:wikimsk-psoas-major")
    assert not store.ask(wrong_source)
