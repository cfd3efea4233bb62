"""The body map: its geometry matches the regions, and maps from the real build and from a fixture shade exactly
the expected shapes, on the expected sides, with safe and deterministic SVG."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tpgraph.web.bodymap import (
    GeometryError,
    MapZone,
    geometry_problems,
    leaf_views,
    load_geometry,
    region_labels,
    render_map,
    zones_for,
)
from tpgraph.build.dist import build
from tpgraph.model.namespaces import ID_BASE
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def shaded_shapes(svg: str) -> dict[str, str]:
    """id -> intensity class of every shaded region shape in a rendered map."""
    root = ET.fromstring(svg)
    shaded = {}
    for element in root.iter():
        classes = (element.get("class") or "").split()
        if "region" in classes and element.get("id"):
            levels = [c for c in classes if c in ("essential", "spillover")]
            if levels:
                shaded[element.get("id")] = levels[0]
    return shaded


# ---------------------------------------------------------------------------------------------- geometry


def test_geometry_covers_exactly_the_leaf_regions_each_in_its_view(store: OxigraphStore) -> None:
    leaves = leaf_views(store)
    assert len(leaves) == 131
    assert sorted(leaves.values()).count("anterior") == 59
    assert sorted(leaves.values()).count("posterior") == 47
    assert sorted(leaves.values()).count("lateral") == 25
    geometry = load_geometry()
    assert geometry_problems(geometry, leaves) == []
    assert {slug: shape.view for slug, shape in geometry.regions.items()} == leaves


def test_deep_regions_are_exactly_the_markers(store: OxigraphStore) -> None:
    """A region marked deep in data/regions.yaml is drawn as a marker, and only those are."""
    rows = store.select("SELECT ?r WHERE { ?r tp:deepRegion true }")
    deep = sorted(r[0].value.rsplit("/", 1)[-1] for r in rows)
    assert deep == ["deep-coccyx", "inner-ear", "lower-teeth", "maxillary-sinus", "oral-cavity", "pelvic-floor",
                    "rectum", "retro-orbital-region", "retrosternal-region", "temporomandibular-joint-region",
                    "throat", "upper-teeth", "vagina"]
    assert sorted(slug for slug, shape in load_geometry().regions.items() if shape.deep) == deep


def test_a_deep_zone_is_a_dashed_marker_drawn_over_the_surface() -> None:
    zones = [MapZone("upper-teeth", "anterior", "essential", None)]
    svg = render_map(zones, {"upper-teeth": "upper teeth"}, "teeth")
    panel = next(e for e in ET.fromstring(svg).iter() if e.get("data-view") == "anterior")
    drawn = [e.get("data-region") for e in panel.iter() if e.get("data-region")]
    assert drawn.index("upper-teeth") > drawn.index("mouth-and-chin")
    marker = next(e for e in panel.iter() if e.get("data-region") == "upper-teeth")
    assert marker.get("class") == "region deep essential"


def test_geometry_problems_name_missing_misplaced_and_unknown_shapes() -> None:
    geometry = load_geometry()
    leaves = {slug: shape.view for slug, shape in geometry.regions.items()}
    del leaves["groin"]
    leaves["knee"] = "anterior"
    leaves["heel"] = "lateral"
    assert geometry_problems(geometry, leaves) == [
        "groin: shape names no leaf region (unknown, or a region with parts)",
        "heel: shape is in the posterior view, the region in the lateral view",
        "knee: leaf region (anterior view) has no shape",
    ]


@pytest.mark.parametrize("deep", [False, True], ids=["surface", "deep"])
@pytest.mark.parametrize("view", ["anterior", "posterior", "lateral"])
def test_shapes_do_not_overlap_within_a_view(view: str, deep: bool) -> None:
    """Sampled on a 1-unit grid (off the round coordinates the shapes use): no point lies in two surface tiles,
    nor in two deep markers (a marker lies over the surface by design). The tiles of the insets are placed in
    the view's frame, so they are checked here too, and an inset's stand-in on the figure is a surface tile like
    any other (it takes the place of the tiles the inset enlarges)."""
    geometry = load_geometry()
    shapes = []
    for region in (r for r in geometry.in_view(view) if r.deep == deep):
        shapes.append((f"{region.slug}", region.shape))
        if region.placement == "paired" and view != "lateral":
            shapes.append((f"{region.slug} (mirrored)", region.shape.mirrored()))
    if not deep:
        for inset in (i for i in geometry.insets.values() if i.view == view):
            shapes.append((f"stand-in of {inset.id}", inset.stand_in))
            if view != "lateral":
                shapes.append((f"stand-in of {inset.id} (mirrored)", inset.stand_in.mirrored()))
    boxes = [(name, shape, shape.bounds()) for name, shape in shapes]
    left = min(-120, int(min(b[0] for _, _, b in boxes)) - 1)
    right = max(120, int(max(b[2] for _, _, b in boxes)) + 1)
    bottom = max(540, int(max(b[3] for _, _, b in boxes)) + 1)
    overlaps = set()
    for i in range(left, right):
        x = i + 0.37
        for j in range(bottom):
            y = j + 0.61
            inside = [name for name, shape, (x0, y0, x1, y1) in boxes
                      if x0 <= x <= x1 and y0 <= y <= y1 and shape.contains(x, y)]
            if len(inside) > 1:
                overlaps.add(tuple(inside))
    assert overlaps == set()


def test_midline_shapes_are_drawn_once_and_paired_shapes_on_each_side() -> None:
    svg = render_map([], {}, "empty")
    ids = [e.get("id") for e in ET.fromstring(svg).iter() if e.get("data-region")]
    assert len(ids) == len(set(ids))
    assert "region-sacral-region" in ids and "region-sacral-region-right" not in ids
    assert {"region-groin-right", "region-groin-left", "region-lateral-knee-right",
            "region-lateral-knee-left"} <= set(ids)
    geometry = load_geometry()
    midline = sum(1 for r in geometry.regions.values() if r.placement == "midline")
    assert len(geometry.regions) == 131
    assert len(ids) == 2 * len(geometry.regions) - midline


# ---------------------------------------------------------------------------------------------- insets


def test_the_insets_hold_the_fine_leaves_of_the_hand_and_foot() -> None:
    geometry = load_geometry()
    assert {i.id: i.view for i in geometry.insets.values()} == {
        "palmar-hand": "anterior", "dorsal-foot": "anterior",
        "dorsal-hand": "posterior", "plantar-foot": "posterior",
    }
    assert geometry.inset_regions("palmar-hand") == [
        "palm", "palmar-index-finger", "palmar-little-finger", "palmar-middle-finger", "palmar-ring-finger",
        "palmar-wrist", "ulnar-side-of-wrist"]
    assert geometry.inset_regions("dorsal-hand") == [
        "back-of-hand", "dorsal-index-finger", "dorsal-little-finger", "dorsal-middle-finger",
        "dorsal-ring-finger", "dorsal-wrist"]
    assert geometry.inset_regions("dorsal-foot") == ["dorsal-big-toe", "dorsal-little-toe", "dorsal-toes",
                                                     "dorsum-of-foot"]
    assert geometry.inset_regions("plantar-foot") == ["arch-of-foot", "ball-of-foot", "plantar-big-toe",
                                                      "plantar-little-toe", "plantar-toes", "sole"]


def _on_the_figure(geometry, view: str) -> list:
    """Every shape drawn on the figure itself in a view (tiles, markers, stand-ins, outline), both sides."""
    shapes = []
    for region in geometry.in_view(view):
        if not region.inset:
            shapes.append(region.shape)
            if region.placement == "paired" and view != "lateral":
                shapes.append(region.shape.mirrored())
    for part in (o for o in geometry.outline if o.view == view):
        shapes.append(part.shape)
        if part.placement == "paired" and view != "lateral":
            shapes.append(part.shape.mirrored())
    for inset in (i for i in geometry.insets.values() if i.view == view):
        shapes += [inset.stand_in, inset.stand_in.mirrored()]
    return shapes


@pytest.mark.parametrize("view", ["anterior", "posterior", "lateral"])
def test_inset_frames_stand_clear_of_the_figure_and_of_each_other(view: str) -> None:
    """An inset's frame (its tiles and outline with a margin, on each side) holds nothing drawn on the figure
    and meets no other inset's frame, so an enlarged finger is never read as a place on the body."""
    geometry = load_geometry()
    frames = []
    for inset in (i for i in geometry.insets.values() if i.view == view):
        x0, y0, x1, y1 = geometry.frame(inset)
        frames += [(f"{inset.id} (right)", (x0, y0, x1, y1)), (f"{inset.id} (left)", (-x1, y0, -x0, y1))]
        for slug in geometry.inset_regions(inset.id):
            bx0, by0, bx1, by1 = geometry.regions[slug].shape.bounds()
            assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1, slug
    for i, (name, a) in enumerate(frames):
        for other, b in frames[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (name, other)
    figure = [(shape, shape.bounds()) for shape in _on_the_figure(geometry, view)]
    for name, (x0, y0, x1, y1) in frames:
        hits = set()
        for i in range(int(x0), int(x1) + 1):
            for j in range(int(y0), int(y1) + 1):
                x, y = i + 0.37, j + 0.61
                if x0 <= x <= x1 and y0 <= y <= y1:
                    hits.update(k for k, (shape, (a, b, c, d)) in enumerate(figure)
                                if a <= x <= c and b <= y <= d and shape.contains(x, y))
        assert not hits, name


def test_a_shaded_finger_shades_its_tile_in_the_inset_and_the_stand_in_on_the_figure() -> None:
    zones = [MapZone("palmar-index-finger", "anterior", "essential", "ipsilateral"),
             MapZone("palm", "anterior", "spillover", "contralateral"),
             MapZone("plantar-big-toe", "posterior", "spillover", None)]
    svg = render_map(zones, {}, "t")
    assert shaded_shapes(svg) == {
        "region-palmar-index-finger-right": "essential",
        "region-palm-left": "spillover",
        "region-plantar-big-toe-right": "spillover",
        "region-plantar-big-toe-left": "spillover",
    }
    root = ET.fromstring(svg)
    stand_ins = {e.get("id"): e.get("class") for e in root.iter() if e.get("data-inset")}
    assert stand_ins == {
        "inset-palmar-hand-right": "inset-stand-in stand-in-essential",
        "inset-palmar-hand-left": "inset-stand-in stand-in-spillover",
        "inset-dorsal-foot-right": "inset-stand-in",
        "inset-dorsal-foot-left": "inset-stand-in",
        "inset-dorsal-hand-right": "inset-stand-in",
        "inset-dorsal-hand-left": "inset-stand-in",
        "inset-plantar-foot-right": "inset-stand-in stand-in-spillover",
        "inset-plantar-foot-left": "inset-stand-in stand-in-spillover",
    }
    titles = [e.text for e in root.iter(f"{SVG}text") if "inset-title" in (e.get("class") or "")]
    assert sorted(titles) == ["back of hand", "back of hand", "palm", "palm", "sole", "sole", "top of foot",
                              "top of foot"]
    words = {e.get("id"): e.find(f"{SVG}title").text for e in root.iter() if e.get("data-inset")}
    assert words["inset-palmar-hand-left"] == "palm (patient's left): drawn enlarged beside the figure"


def test_a_region_in_an_unknown_inset_is_refused(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.yaml"
    shapes.write_text("regions:\n  palm: {view: anterior, placement: paired, inset: hand, "
                      "polygon: [[0, 0], [1, 0], [1, 1]]}\n", encoding="utf-8")
    with pytest.raises(GeometryError, match="no inset called 'hand'"):
        load_geometry(shapes)


# ---------------------------------------------------------------------------------------------- psoas major


def test_iliopsoas_map_from_the_real_build(store: OxigraphStore) -> None:
    """Expected from data/groups/iliopsoas.yaml (the NAT page's claims on the group, which reach psoas major)."""
    zones = zones_for(store, f"{ID_BASE}group/iliopsoas")
    assert zones == [
        MapZone("asis-region", "anterior", "spillover", None),
        MapZone("groin", "anterior", "spillover", None),
        MapZone("lateral-lumbar-region", "posterior", "spillover", "ipsilateral"),
        MapZone("lumbar-paraspinal-region", "posterior", "essential", "ipsilateral"),
        MapZone("upper-anterior-thigh", "anterior", "essential", None),
        MapZone("upper-anterior-thigh", "anterior", "spillover", None),
    ]
    labels = region_labels(store)
    svg = render_map(zones, labels, "Referred pain: psoas major")
    assert shaded_shapes(svg) == {
        "region-lumbar-paraspinal-region-right": "essential",
        "region-lateral-lumbar-region-right": "spillover",
        "region-upper-anterior-thigh-right": "essential",
        "region-upper-anterior-thigh-left": "essential",
        "region-asis-region-right": "spillover",
        "region-asis-region-left": "spillover",
        "region-groin-right": "spillover",
        "region-groin-left": "spillover",
    }
    desc = ET.fromstring(svg).find(f"{SVG}desc")
    assert desc is not None and desc.text == (
        "Essential pain: lumbar paraspinal region (patient's right), upper anterior thigh (both sides). "
        "Spillover pain: anterior superior iliac spine region (both sides), groin (both sides), "
        "lateral lumbar region (patient's right). "
        "Sides are the patient's own, for a trigger point on the patient's right: ipsilateral pain is shaded on "
        "the right, contralateral pain on the left, bilateral pain and pain with no side stated on both sides."
    )
    assert svg == render_map(list(reversed(zones)), dict(labels), "Referred pain: psoas major")


def test_the_groups_map_is_part_of_its_members(store: OxigraphStore) -> None:
    """Psoas major's map holds the group's zones and its own: Biology Insights' spread to the sacroiliac region."""
    group = zones_for(store, f"{ID_BASE}group/iliopsoas")
    member = zones_for(store, f"{ID_BASE}muscle/psoas-major")
    assert set(group) < set(member)
    assert MapZone("sacroiliac-region", "posterior", "spillover", None) in set(member) - set(group)
    assert zones_for(store, f"{ID_BASE}muscle/no-such-muscle") == []


def test_preview_command_writes_the_map(built, capsys: pytest.CaptureFixture[str]) -> None:
    from tpgraph.cli import preview_bodymap as main

    assert main(["--muscle", "psoas-major", "--dist", str(built.out_dir)]) == 0
    out = capsys.readouterr().out
    assert ET.fromstring(out).find(f"{SVG}title").text == "Referred pain: psoas major"
    assert main(["--muscle", "no-such-muscle", "--dist", str(built.out_dir)]) == 1


# ---------------------------------------------------------------------------------------------- fixture muscle

FIXTURE_SOURCE = """\
sources:
  - id: bodymap-test-source
    label: Body map test source
    title: A source that exists only in the body map tests
    url: https://example.org/bodymap-test
    publisher: tpgraph tests
"""

FIXTURE = """\
muscles:
  - id: mappable
    label: mappable muscle
    definition: A muscle that exists only in the body map tests.
    facts:
      - source: bodymap-test-source
        trigger_points:
          - id: central
            pattern:
              id: central
              zones:
                - id: knee-front
                  view: anterior
                  intensity: essential
                  side: contralateral
                  regions: [patellar-region, medial-knee]
                - id: knee-side
                  view: lateral
                  intensity: essential
                  side: contralateral
                  regions: [lateral-knee]
                - id: knee-back
                  view: posterior
                  intensity: essential
                  side: contralateral
                  regions: [posterior-knee]
                - id: knee-back-near
                  view: posterior
                  intensity: spillover
                  side: ipsilateral
                  regions: [posterior-knee]
                - id: buttock
                  view: posterior
                  intensity: spillover
                  side: bilateral
                  regions: [upper-buttock, lower-buttock]
                - id: sacrum
                  view: posterior
                  intensity: spillover
                  side: ipsilateral
                  regions: [sacral-region]
"""


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory, make_small_project) -> OxigraphStore:
    """The one-record project, the real regions (the map's geometry names them) and the fixture muscle: the
    map reads the zones and region labels only, so the rest of the data is not needed (a build in a second)."""
    tmp = tmp_path_factory.mktemp("bodymap")
    paths = make_small_project(tmp / "project")
    shutil.copy(REPO / "data" / "regions.yaml", paths.data / "regions.yaml")
    (paths.data / "extra").mkdir()
    (paths.data / "extra" / "mappable.yaml").write_text(FIXTURE, encoding="utf-8")
    (paths.data / "extra" / "mappable-source.yaml").write_text(FIXTURE_SOURCE, encoding="utf-8")
    result = build(paths, tmp / "dist")
    return OxigraphStore.from_dist(result.out_dir)


def test_a_fixture_muscle_gets_its_exact_map(fixture_store: OxigraphStore) -> None:
    zones = zones_for(fixture_store, f"{ID_BASE}muscle/mappable")
    svg = render_map(zones, region_labels(fixture_store), "Referred pain: mappable muscle")
    assert shaded_shapes(svg) == {
        # contralateral to a trigger point on the right: the patient's left only
        "region-patellar-region-left": "essential",
        "region-medial-knee-left": "essential",
        "region-lateral-knee-left": "essential",
        # essential on the left, spillover on the right
        "region-posterior-knee-left": "essential",
        "region-posterior-knee-right": "spillover",
        # bilateral: both sides
        "region-upper-buttock-right": "spillover",
        "region-upper-buttock-left": "spillover",
        "region-lower-buttock-right": "spillover",
        "region-lower-buttock-left": "spillover",
        # a midline region is one shape, whatever the side
        "region-sacral-region": "spillover",
    }
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert desc.startswith(
        "Essential pain: lateral knee (patient's left), medial knee (patient's left), patellar region "
        "(patient's left), posterior knee (patient's left). Spillover pain: lower buttock (both sides), "
        "posterior knee (patient's right), sacral region, upper buttock (both sides). "
    )
    lateral = ET.fromstring(svg).find(f".//{SVG}*[@id='region-lateral-knee-left']/..")
    assert lateral is not None and lateral.get("data-side") == "left"


# ---------------------------------------------------------------------------------------------- safety


def test_labels_and_title_are_escaped() -> None:
    labels = {"groin": "groin <script>alert(1)</script> & more", "sacral-region": 'sacrum "quoted"'}
    svg = render_map([MapZone("groin", "anterior", "essential", "ipsilateral")], labels,
                     "Pain </title><script>x</script> & co")
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Pain </title><script>x</script> & co"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "groin <script>alert(1)</script> & more (patient's right)" in titles
    assert 'sacrum "quoted"' in titles
    assert root.find(f"{SVG}desc").text.startswith(
        "Essential pain: groin <script>alert(1)</script> & more (patient's right). Sides")


def test_the_svg_is_self_contained_and_scalable() -> None:
    svg = render_map([MapZone("sole", "posterior", "spillover", None)], {}, "t")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
    assert "script" not in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "@import" not in svg and "url(" not in svg and "href" not in svg
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for words in ("patient's right", "patient's left", "essential pain", "spillover pain", "not referred"):
        assert words in texts
    assert render_map([MapZone("sole", "posterior", "spillover", None)], {}, "t") == svg


def test_unknown_regions_and_terms_are_refused() -> None:
    with pytest.raises(ValueError, match="knee"):
        render_map([MapZone("knee", "anterior", "essential", None)], {}, "t")
    with pytest.raises(ValueError, match="intensity"):
        render_map([MapZone("groin", "anterior", "severe", None)], {}, "t")
    with pytest.raises(ValueError, match="laterality"):
        render_map([MapZone("groin", "anterior", "essential", "upper")], {}, "t")


def test_the_shapes_file_ships_with_the_package() -> None:
    import tpgraph.web

    assert (Path(tpgraph.web.__file__).parent / "bodymap_shapes.yaml").is_file()


def test_an_id_prefix_keeps_two_inlined_maps_apart() -> None:
    root = ET.fromstring(render_map([MapZone("groin", "anterior", "essential", None)], {}, "t", id_prefix="m2-"))
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert "m2-region-groin-right" in ids and "m2-bodymap-desc" in ids
    assert all(i.startswith("m2-") for i in ids)
    assert root.get("aria-labelledby") == "m2-bodymap-title m2-bodymap-desc"


def test_only_region_shapes_carry_the_intensity_classes(store: OxigraphStore) -> None:
    """A page can select the shaded regions with `.essential, .spillover` (the legend uses other classes)."""
    svg = render_map(zones_for(store, f"{ID_BASE}group/iliopsoas"), region_labels(store), "t")
    marked = [e for e in ET.fromstring(svg).iter()
              if {"essential", "spillover"} & set((e.get("class") or "").split())]
    assert len(marked) == 8 and all(e.get("data-region") for e in marked)
