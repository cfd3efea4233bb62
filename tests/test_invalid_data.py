"""Each file in tests/invalid/ is a realistic mistake; each must be refused with its own message and place.

The files are dropped into a copy of the real data and run through ``build`` — the same function
``tpgraph build`` uses — so what a contributor sees is exactly what is asserted here. A mistake that does not
clash with a real muscle is dropped among the shared vocabularies alone (a third of the data), so that the
fixtures stay quick as the muscles grow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tpgraph.build.dist import build
from tpgraph.build.loader import DataError


INVALID = Path(__file__).parent / "invalid"

X = "data/extra/{name}"

EXPECTED: dict[str, list[str]] = {
    "missing-source.yaml": [
        "{file}:6: this facts block names no source: add 'source: <id of a record in data/sources/>' or, "
        "for general knowledge not checked against a source, 'evidence: unverified'"
    ],
    "root-is-a-nerve.yaml": ["{file}:7: 'femoral-nerve' is a nerve, but 'roots' takes a spinal nerve root"],
    "antagonist-is-a-landmark.yaml": [
        "{file}:8: 'lesser-trochanter' is an attachment site, but 'muscle' takes a muscle or muscle group"
    ],
    "own-antagonist.yaml": [
        "{file}:3: 'tensor vastus intermedius' (muscle/tensor-vastus-intermedius): A muscle cannot be its own antagonist: name the muscle that opposes it."
    ],
    "zone-without-region.yaml": ["{file}:12: this referral zone needs 'regions' (leaf body regions the zone covers)"],
    "zone-on-non-leaf-region.yaml": [
        "{file}:15: muscle/tensor-vastus-intermedius#zone-thigh: A zone covers leaf regions only; this region has smaller regions "
        "inside it: list the ones the pain covers. (found 'thigh' (region/thigh))"
    ],
    "misspelt-key.yaml": [
        "{file}:7: unknown key 'orgins' in a facts block of muscle 'tensor-vastus-intermedius' — did you mean 'origins'?"
    ],
    "label-for-slug.yaml": [
        "{file}:7: 'lesser trochanter of the femur' is the label of landmark 'lesser-trochanter'; "
        "write its id 'lesser-trochanter' here"
    ],
    "extent-not-a-number.yaml": [
        "{file}:16: 'extent_min_cm' must be a number, got '3-7' — write a range as two numbers, "
        "e.g. extent_min_cm: 3 and extent_max_cm: 7"
    ],
    "dangling-reference.yaml": ["{file}:7: no nerve with id 'femoral-nerv' — did you mean 'femoral-nerve' or 'perineal-nerve' or "
                                  "'deep-temporal-nerves'?"],
    "duplicate-label.yaml": [
        "data/muscles/psoas-major.yaml:10: label 'psoas major' of muscle 'psoas-major' is already a label or "
        "synonym of muscle 'psoas-major-2' ({file}:3); names must be unique within a type"
    ],
    "zone-view-mismatch.yaml": [
        "{file}:12: muscle/tensor-vastus-intermedius#zone-groin: The zone is charted in one view but covers a region drawn in "
        "another view: split the zone by view. (found 'groin' (region/groin))"
    ],
    "extent-min-above-max.yaml": [
        "{file}:16: muscle/tensor-vastus-intermedius#zone-thigh: extent_min_cm is one positive number of centimetres, "
        "not larger than extent_max_cm. (found 8)"
    ],
    "unknown-intensity.yaml": ["{file}:14: 'intensity' cannot be 'strong' (one of: essential, spillover)"],
    "source-without-address.yaml": [
        "{file}:3: 'Some blog post' (source/some-blog): A source needs the address it was read at ('url') or, "
        "for a book, its 'edition'."
    ],
    "leaf-region-without-view.yaml": [
        "{file}:3: 'inner knee crease' (region/inner-knee-crease): Leaf region (no region is part of it) needs a "
        "'view': anterior, posterior or lateral."
    ],
    "region-cycle.yaml": [
        "{file}:3: 'upper shin' (region/upper-shin): The region hierarchy has a cycle: this region is part of "
        "itself through 'part_of'.",
        "{file}:6: 'lower shin' (region/lower-shin): The region hierarchy has a cycle: this region is part of "
        "itself through 'part_of'.",
    ],
    "duplicate-id.yaml": ["data/muscles/psoas-major.yaml:10: muscle id 'psoas-major' is already used at {file}:3"],
    "claim-outside-facts.yaml": [
        "{file}:5: unknown key 'origins' in muscle 'tensor-vastus-intermedius' — 'origins' is a sourced claim: put it in a facts "
        "block under its source"
    ],
    "two-blocks-one-source.yaml": [
        "{file}:8: a second facts block for source 'nat-treating-psoas' (first at {file}:6); merge them"
    ],
    "not-a-boolean.yaml": ["{file}:8: 'suitable' must be true or false (or yes/no), got 'maybe'"],
    "bad-id.yaml": [
        "{file}:3: muscle id must be a slug of lower-case letters, digits and hyphens (got 'Gracilis_Muscle'; "
        "try 'gracilis-muscle')"
    ],
    "wrong-record-list.yaml": ["{file}:2: unknown record list 'muscle' — did you mean 'muscles'?"],
    "cranial-nerve-with-roots.yaml": [
        "{file}:6: 'branch of the trochlear nerve' (nerve/trochlear-nerve-branch): A cranial nerve, or a branch or "
        "division of one, has no spinal roots: remove 'roots' from this nerve's facts (a muscle's own roots go on "
        "the muscle, where a source states them)."
    ],
    "part-of-a-group.yaml": ["{file}:5: 'iliopsoas' is a muscle group, but 'part_of' takes a muscle"],
    "site-cycle.yaml": [
        "{file}:3: 'upper lip of the crest' (landmark/upper-lip-of-crest): The attachment-site hierarchy has a "
        "cycle: this site is part of itself through 'part_of'.",
        "{file}:6: 'lower lip of the crest' (landmark/lower-lip-of-crest): The attachment-site hierarchy has a "
        "cycle: this site is part of itself through 'part_of'.",
    ],
    "site-part-of-a-muscle.yaml": ["{file}:5: 'psoas-major' is a muscle, but 'part_of' takes an attachment site"],
    "qualified-action-without-condition.yaml": [
        "{file}:8: this qualified action needs 'when' (the condition under which the source says the muscle "
        "performs it)"
    ],
    "broken-yaml.yaml": ["{file}:4: not valid YAML: expected <block end>, but found '<block mapping start>'"],
}


NEEDS_THE_MUSCLES = {"duplicate-id.yaml", "duplicate-label.yaml", "part-of-a-group.yaml", "site-part-of-a-muscle.yaml"}
"""The mistakes that clash with a real muscle or group; the others are dropped among the shared vocabularies
only (regions, nerves, sources, …), which build in a second rather than four."""


def test_every_invalid_file_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)
    assert NEEDS_THE_MUSCLES <= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_file_is_refused_with_its_message(name: str, tmp_path: Path, make_project) -> None:
    paths = make_project(tmp_path, {name: INVALID / name}, vocabularies_only=name not in NEEDS_THE_MUSCLES)
    dist = tmp_path / "dist"
    with pytest.raises(DataError) as caught:
        build(paths, dist)
    expected = [line.format(file=X.format(name=name)) for line in EXPECTED[name]]
    assert [str(p) for p in caught.value.problems] == expected
    assert not dist.exists(), "a refused build must not write anything"
