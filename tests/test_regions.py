"""The finer regions (docs/decisions/20261205-finer-regions-and-insets.md): a zone moved onto a new leaf is found
by the named query for that leaf and, because regions roll up, for every region the leaf is part of; the new
regions answer to their lay names; and a leaf carved out of a coarser one leaves that one a leaf, so zones
written against today's leaves stay valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tpgraph.catalogue.named_queries import load_catalogue
from tpgraph.catalogue.parameters import bind, resolve
from tpgraph.model.namespaces import ID_BASE
from tpgraph.store.embedded import OxigraphStore
from tpgraph.web.bodymap import leaf_views

REPO = Path(__file__).resolve().parents[1]
QUERY = next(q for q in load_catalogue(REPO / "queries") if q.name == "muscles-referring-to-region")


def referring(store: OxigraphStore, region: str) -> set[str]:
    """The muscles muscles-referring-to-region lists for a region (slugs)."""
    rows = store.select(bind(store, QUERY, {"region": region}))
    column = [str(v).lstrip("?") for v in rows.variables].index("muscle")
    return {row[column].value.removeprefix(f"{ID_BASE}muscle/") for row in rows}


@pytest.mark.parametrize(("muscle", "leaf", "broader"), [
    ("flexor-hallucis-brevis", "plantar-big-toe", ["big-toe", "toes", "foot", "lower-limb"]),
    ("flexor-hallucis-brevis", "ball-of-foot", ["plantar-foot", "foot"]),
    ("temporalis", "eyebrow", ["face", "head"]),
    ("sternalis", "sternal-region", ["anterior-chest-wall", "thorax", "trunk"]),
    ("sternalis", "retrosternal-region", ["thorax"]),
    ("subclavius", "infraclavicular-region", ["anterior-chest-wall", "thorax"]),
    ("coracobrachialis", "dorsal-middle-finger", ["middle-finger", "dorsal-fingers", "fingers", "hand"]),
    ("triceps-brachii-medial-head", "palmar-little-finger",
     ["little-finger", "ulnar-fingers", "palmar-fingers"]),
    ("brachialis", "web-of-thumb", ["hand", "upper-limb"]),
    ("brachialis", "radial-side-of-wrist", ["wrist"]),
    ("zygomaticus-major", "bridge-of-nose", ["nasal-region", "face"]),
    ("orbicularis-oculi", "upper-lip", ["face"]),
    ("semitendinosus", "gluteal-fold", ["buttock", "posterior-thigh", "thigh"]),
    ("gastrocnemius", "arch-of-foot", ["plantar-foot", "foot"]),
    ("adductor-magnus", "anal-region", ["pelvic-region"]),
])
def test_a_zone_on_a_new_leaf_answers_for_the_leaf_and_every_broader_region(
        store: OxigraphStore, muscle: str, leaf: str, broader: list[str]) -> None:
    assert muscle in referring(store, leaf)
    for region in broader:
        assert muscle in referring(store, region), region


def test_a_pattern_charted_on_a_group_reaches_its_members_on_a_new_leaf(store: OxigraphStore) -> None:
    """The scalenes' index-finger zones are charted on the group; the members answer for the finger."""
    found = referring(store, "index-finger")
    assert {"anterior-scalene", "middle-scalene", "posterior-scalene"} <= found


@pytest.mark.parametrize(("words", "slug"), [
    ("eyebrow", "eyebrow"), ("supraorbital region", "eyebrow"), ("bridge of the nose", "bridge-of-nose"),
    ("below the collarbone", "infraclavicular-region"), ("behind the breastbone", "retrosternal-region"),
    ("web of the thumb", "web-of-thumb"), ("thumb side of the wrist", "radial-side-of-wrist"),
    ("pinky", "little-finger"), ("ring and little fingers", "ulnar-fingers"), ("big toe", "big-toe"),
    ("hallux", "big-toe"), ("ball of the foot", "ball-of-foot"), ("instep", "arch-of-foot"),
    ("bottom of the foot", "plantar-foot"), ("gluteal crease", "gluteal-fold"),
    ("around the anus", "anal-region"),
    ("deep in the pelvis", "pelvic-floor"), ("tailbone", "coccyx-region"),
])
def test_the_new_regions_answer_to_their_lay_names(store: OxigraphStore, words: str, slug: str) -> None:
    assert resolve(store, "region", words).value == f"{ID_BASE}region/{slug}"


CARVED_BESIDE = ["forehead", "orbital-region", "nose", "mouth-and-chin", "chest", "lateral-forearm",
                 "palmar-wrist", "thumb", "sole", "dorsal-toes", "plantar-toes", "lower-buttock",
                 "upper-posterior-thigh", "perineum"]
"""Leaves that had a finer leaf carved out of them and stay leaves for what is left."""


def test_carved_leaves_stay_leaves_and_only_the_recorded_splits_became_parents(store: OxigraphStore) -> None:
    leaves = leaf_views(store)
    assert all(slug in leaves for slug in CARVED_BESIDE)
    splits = (REPO / "docs" / "whole-body" / "region-splits.md").read_text(encoding="utf-8")
    regions = YAML(typ="safe").load((REPO / "data" / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    was_leaf_now_parent = {"palmar-fingers", "dorsal-fingers"}
    for slug in was_leaf_now_parent:
        assert slug not in leaves and f"`{slug}`" in splits
    parents = {p for r in regions for p in r.get("part_of", [])}
    assert was_leaf_now_parent <= parents
