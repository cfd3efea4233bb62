"""The body map of referred pain: a schematic figure with the leaf body regions a muscle's trigger points refer to.

A referral chart is how clinicians read a referral pattern, so the browsable pages show one beside the zone
table. tpgraph draws the figure itself from simple SVG shapes (polygons and ellipses) kept in one data file,
``bodymap_shapes.yaml`` beside this module: no public-domain body outline was available offline when this was
written, and a schematic drawn from data can be checked against ``data/regions.yaml`` (every leaf region is
exactly one shape, in the view its ``view`` names) and refined without touching code.

The picture has four panels: the front view (anterior), the back view (posterior) and the side view (lateral)
drawn twice, once as the patient's right side and once, mirrored, as the left side. A side view shows only
one side of the body, and drawing both keeps the one rule of the front and back views: a region that lies on
both sides of the body is drawn once per side, so a zone can be shaded on the side its laterality names.

Sides follow the charting convention of the sources: the trigger point is on the patient's RIGHT. An
ipsilateral zone is shaded on the right, a contralateral zone on the left, and a bilateral zone, a midline
zone or a zone with no side stated on both sides. A midline region (sacral region, umbilical region...) is a
single shape and is shaded whatever the side. Left and right are always the patient's own, and each panel says
in words which side is which.

Fingers, toes and the hand and foot are too small on the whole figure for their finer regions (each finger,
the big toe, the ball and the arch of the foot), so the shapes file can draw a leaf in an *inset*: an enlarged
drawing of the hand or foot beside the figure, in the same view, whose tiles are those leaves. The inset's
tiles are given in the inset's own frame and placed (moved and scaled) into the view's frame when the file is
read, so everything else here (mirroring, shading, the tests' overlap check) treats them like any other shape.
On the figure itself the area the inset enlarges is one plain shape, its *stand-in*, shaded (with its own
classes) with the strongest pain of the inset's regions on that side, so the whole figure still shows at a
glance where the pain goes (docs/decisions/20261205-finer-regions-and-insets.md).

Trigger points themselves are not marked: the graph records where a trigger point lies only as free text
(``tp:siteDescription``), with no coordinates to place a dot, so the pages print that text instead.

Everything here is pure: nothing happens at import time, the only input is the shapes file (read by
``load_geometry``) and a store passed in, and ``render_map`` returns the same bytes for the same arguments. The
SVG holds no script and no external reference, and every text in it is XML-escaped.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from tpgraph.model.iris import record_iri

if TYPE_CHECKING:
    from tpgraph.store.interface import Store

VIEWS = ("anterior", "posterior", "lateral")
INTENSITIES = ("essential", "spillover")
LATERALITIES = ("ipsilateral", "contralateral", "bilateral", "midline")
REGION_BASE = record_iri("region", "")
SHAPES_FILE = "bodymap_shapes.yaml"

Point = tuple[float, float]
INSET_MARGIN = 3.0  # between an inset's drawing and its frame


class MapZone(NamedTuple):
    """One leaf region a referral zone covers: region slug, view, intensity and laterality (None: not stated).

    ``view`` is the zone's view; the build checks that it is the region's own view, and the shape is placed
    by the geometry's view of the region.
    """

    region: str
    view: str
    intensity: str
    laterality: str | None = None


@dataclass(frozen=True)
class Shape:
    """A polygon (``points``) or an ellipse (``ellipse`` = cx, cy, rx, ry) in a view's frame."""

    points: tuple[Point, ...] = ()
    ellipse: tuple[float, float, float, float] | None = None

    def mirrored(self) -> Shape:
        """The shape reflected in the midline (x -> -x): the same region on the patient's other side."""
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            return Shape(ellipse=(-cx, cy, rx, ry))
        return Shape(points=tuple((-x, y) for x, y in reversed(self.points)))

    def bounds(self) -> tuple[float, float, float, float]:
        """min x, min y, max x, max y."""
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            return cx - rx, cy - ry, cx + rx, cy + ry
        xs = [x for x, _ in self.points]
        ys = [y for _, y in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies inside (even-odd rule); used by the tests' overlap check."""
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1
        inside = False
        pts = self.points
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside


@dataclass(frozen=True)
class RegionShape:
    """Where a leaf region is drawn: its view, ``paired`` (once per side) or ``midline`` (once), and its shape.

    The shape is the patient's right-side one; lateral regions are all ``paired`` (one per side panel). A
    ``deep`` region (inside the body: the teeth, the rectum) is a marker drawn over the surface tiles.
    """

    slug: str
    view: str
    placement: str
    shape: Shape
    deep: bool = False
    inset: str = ""  # the inset the shape is drawn in ("": the figure itself); the shape is already placed


@dataclass(frozen=True)
class Inset:
    """An enlarged drawing of a small part (a hand, a foot) beside the figure, for the patient's right side.

    ``origin`` and ``scale`` place the inset's own frame into the view's frame (x -> ox + scale * x, likewise
    y). ``stand_in`` is the area of the figure the inset enlarges, in the view's frame: it is drawn on the
    figure instead of the inset's tiles. ``outline`` holds silhouette parts drawn in the inset under its tiles
    (the thumb beside the palm, say), in the inset's frame like the tiles. An inset is drawn once per side,
    like a paired region: the patient's left-side copy is the mirror image (in the lateral view, the mirrored
    side panel draws it mirrored).
    """

    id: str
    view: str
    title: str
    origin: Point
    scale: float
    stand_in: Shape
    outline: tuple[Shape, ...] = ()

    def place(self, shape: Shape) -> Shape:
        """A shape given in the inset's frame, in the view's frame (the patient's right-side copy)."""
        ox, oy = self.origin
        s = self.scale
        if shape.ellipse is not None:
            cx, cy, rx, ry = shape.ellipse
            return Shape(ellipse=(ox + s * cx, oy + s * cy, s * rx, s * ry))
        return Shape(points=tuple((ox + s * x, oy + s * y) for x, y in shape.points))


@dataclass(frozen=True)
class Note:
    """A word written on the figure (e.g. "soles" beside the lifted soles), at x, y in its view's frame."""

    view: str
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Geometry:
    """The shapes file: one RegionShape per leaf region, the outline (silhouette parts that are no region) and
    the notes written on the figure."""

    regions: Mapping[str, RegionShape]
    outline: tuple[RegionShape, ...]
    notes: tuple[Note, ...] = ()
    insets: Mapping[str, Inset] = dataclasses.field(default_factory=dict)

    def in_view(self, view: str) -> list[RegionShape]:
        """The view's regions, surface tiles first and deep markers last, so that markers are drawn on top."""
        return sorted((r for r in self.regions.values() if r.view == view), key=lambda r: (r.deep, r.slug))

    def inset_regions(self, inset: str) -> list[str]:
        """The slugs of the regions drawn in an inset, sorted."""
        return sorted(r.slug for r in self.regions.values() if r.inset == inset)

    def frame(self, inset: Inset) -> tuple[float, float, float, float]:
        """The inset's box in the view's frame (right-side copy): its tiles and outline with a margin round
        them."""
        boxes = [self.regions[slug].shape.bounds() for slug in self.inset_regions(inset.id)]
        boxes += [inset.place(part).bounds() for part in inset.outline]
        if not boxes:
            return inset.stand_in.bounds()
        return (min(b[0] for b in boxes) - INSET_MARGIN, min(b[1] for b in boxes) - INSET_MARGIN,
                max(b[2] for b in boxes) + INSET_MARGIN, max(b[3] for b in boxes) + INSET_MARGIN)


class GeometryError(ValueError):
    """The shapes file is malformed (the message names the entry)."""


def _shape(entry: Mapping, where: str) -> Shape:
    if "polygon" in entry:
        try:
            points = tuple((float(x), float(y)) for x, y in entry["polygon"])
        except (TypeError, ValueError) as err:
            raise GeometryError(f"{where}: polygon must be a list of [x, y] pairs") from err
        if len(points) < 3:
            raise GeometryError(f"{where}: a polygon needs at least three points")
        return Shape(points=points)
    if "ellipse" in entry:
        try:
            cx, cy, rx, ry = (float(v) for v in entry["ellipse"])
        except (TypeError, ValueError) as err:
            raise GeometryError(f"{where}: ellipse must be [cx, cy, rx, ry]") from err
        return Shape(ellipse=(cx, cy, rx, ry))
    raise GeometryError(f"{where}: needs a polygon or an ellipse")


def _region_shape(slug: str, entry: Mapping, where: str,
                  insets: Mapping[str, Inset] | None = None) -> RegionShape:
    if not isinstance(entry, Mapping):
        raise GeometryError(f"{where}: expected a mapping")
    view = entry.get("view")
    if view not in VIEWS:
        raise GeometryError(f"{where}: view must be one of {', '.join(VIEWS)}")
    placement = entry.get("placement", "paired" if view == "lateral" else None)
    if placement not in ("paired", "midline") or (view == "lateral" and placement != "paired"):
        raise GeometryError(f"{where}: placement must be 'paired' or 'midline' (lateral shapes: paired)")
    deep = entry.get("deep", False)
    if not isinstance(deep, bool):
        raise GeometryError(f"{where}: deep must be true or false")
    shape = _shape(entry, where)
    inset_id = entry.get("inset")
    if inset_id is None:
        return RegionShape(slug, view, placement, shape, deep)
    inset = (insets or {}).get(inset_id)
    if inset is None:
        raise GeometryError(f"{where}: no inset called {inset_id!r}")
    if inset.view != view or placement != "paired" or deep:
        raise GeometryError(f"{where}: a region in an inset is a paired surface tile in the inset's view")
    return RegionShape(slug, view, placement, inset.place(shape), deep, inset_id)


def _inset(entry: Mapping, where: str) -> Inset:
    """One entry of the shapes file's ``insets`` list (see Inset)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        raise GeometryError(f"{where}: an inset needs an id")
    view = entry.get("view")
    if view not in VIEWS:
        raise GeometryError(f"{where}: view must be one of {', '.join(VIEWS)}")
    try:
        ox, oy = (float(v) for v in entry["origin"])
        scale = float(entry.get("scale", 1))
    except (KeyError, TypeError, ValueError) as err:
        raise GeometryError(f"{where}: origin must be [x, y] and scale a number") from err
    if scale <= 0:
        raise GeometryError(f"{where}: scale must be positive")
    if not isinstance(entry.get("stand_in"), Mapping):
        raise GeometryError(f"{where}: needs a stand_in shape (the area of the figure the inset enlarges)")
    parts = entry.get("outline") or []
    outline = tuple(_shape(part, f"{where}.outline[{i}]") for i, part in enumerate(parts))
    return Inset(entry["id"], view, str(entry.get("title", entry["id"])), (ox, oy), scale,
                 _shape(entry["stand_in"], f"{where}.stand_in"), outline)


def load_geometry(path: Path | None = None) -> Geometry:
    """Read the shapes file (package data ``bodymap_shapes.yaml``, or ``path``). Raises GeometryError."""
    from ruamel.yaml import YAML

    if path is None:
        text = resources.files("tpgraph.web").joinpath(SHAPES_FILE).read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    if not isinstance(data, Mapping) or not isinstance(data.get("regions"), Mapping):
        raise GeometryError("the shapes file needs a 'regions' mapping")
    insets: dict[str, Inset] = {}
    for i, entry in enumerate(data.get("insets") or []):
        inset = _inset(entry, f"insets[{i}]")
        if inset.id in insets:
            raise GeometryError(f"insets[{i}]: a second inset called {inset.id!r}")
        insets[inset.id] = inset
    regions = {str(slug): _region_shape(str(slug), entry, f"regions.{slug}", insets)
               for slug, entry in data["regions"].items()}
    outline = tuple(_region_shape("", entry, f"outline[{i}]") for i, entry in enumerate(data.get("outline") or []))
    notes = []
    for i, entry in enumerate(data.get("notes") or []):
        try:
            notes.append(Note(str(entry["view"]), float(entry["x"]), float(entry["y"]), str(entry["text"])))
        except (KeyError, TypeError, ValueError) as err:
            raise GeometryError(f"notes[{i}]: needs view, x, y and text") from err
        if notes[-1].view not in VIEWS:
            raise GeometryError(f"notes[{i}]: view must be one of {', '.join(VIEWS)}")
    return Geometry(regions, outline, tuple(notes), insets)


@functools.cache
def packaged_geometry() -> Geometry:
    """The package's shapes, read once per process: the pages draw a map on every muscle page."""
    return load_geometry()


def geometry_problems(geometry: Geometry, leaf_views: Mapping[str, str]) -> list[str]:
    """What keeps the geometry from matching the regions (empty when it matches).

    ``leaf_views`` maps every leaf region slug to its view (``leaf_views(store)``): each needs a shape in
    that view, and no shape may name a region that is not a leaf. Sorted, so a test can compare it.
    """
    problems = []
    for slug, view in leaf_views.items():
        shape = geometry.regions.get(slug)
        if shape is None:
            problems.append(f"{slug}: leaf region ({view} view) has no shape")
        elif shape.view != view:
            problems.append(f"{slug}: shape is in the {shape.view} view, the region in the {view} view")
    for slug in geometry.regions:
        if slug not in leaf_views:
            problems.append(f"{slug}: shape names no leaf region (unknown, or a region with parts)")
    for region in geometry.regions.values():
        if region.placement == "midline":
            x0, _, x1, _ = region.shape.bounds()
            if abs(x0 + x1) > 0.01:
                problems.append(f"{region.slug}: midline shape is not centred on x = 0")
    return sorted(problems)


# ---------------------------------------------------------------------------------------------- graph access

LEAF_VIEWS_QUERY = """
SELECT ?region ?view WHERE {
  ?region a tp:BodyRegion ; tp:inView ?viewTerm .
  ?viewTerm rdfs:label ?view .
  FILTER NOT EXISTS { ?part tp:partOfRegion ?region }
}
"""

LABELS_QUERY = """
SELECT ?region ?label WHERE { ?region a tp:BodyRegion ; rdfs:label ?label . }
"""

ZONES_QUERY = """
SELECT DISTINCT ?muscle ?zone ?region ?view ?intensity ?side WHERE {
  {
    ?muscle a ?kind .
    VALUES ?kind { tp:Muscle tp:MuscleGroup }
    BIND(?muscle AS ?subject)
  } UNION {
    GRAPH ?memberGraph { ?muscle tp:memberOf ?subject }
    ?memberGraph dcterms:source ?source .
  }
  GRAPH ?g {
    ?subject tp:hasTriggerPoint ?triggerPoint .
    ?triggerPoint tp:hasReferralPattern/tp:hasZone ?zone .
    ?zone tp:coversRegion ?region ;
          tp:inView ?viewTerm ;
          tp:hasIntensity ?level .
  }
  ?g dcterms:source ?source .
  ?viewTerm rdfs:label ?view .
  ?level rdfs:label ?intensity .
  OPTIONAL {
    GRAPH ?g { ?zone tp:hasLaterality ?sideTerm }
    ?sideTerm rdfs:label ?side .
  }
}
"""
"""A muscle's zones, with queries/referral-pattern.rq's rule: a claim on a group reaches its members only
through a membership the same source states. ``?muscle`` is projected because pyoxigraph only substitutes
projected variables."""


def _slug(iri: str) -> str:
    return iri.removeprefix(REGION_BASE)


def leaf_views(store: Store) -> dict[str, str]:
    """Every leaf region's slug mapped to its view, from the built graph."""
    rows = store.select(LEAF_VIEWS_QUERY)
    return {_slug(region.value): str(view.value) for region, view in rows}  # type: ignore[union-attr]


def region_labels(store: Store) -> dict[str, str]:
    """Every region's slug mapped to its label (the words the map's titles and description use)."""
    rows = store.select(LABELS_QUERY)
    return {_slug(region.value): str(label.value) for region, label in sorted(rows, key=str)}  # type: ignore[union-attr]


def zones_for(store: Store, muscle_iri: str) -> list[MapZone]:
    """The leaf regions a muscle's (or group's) referral zones cover, one MapZone per zone and region.

    Sorted and without duplicates, so the same graph gives the same map.
    """
    import pyoxigraph as ox

    rows = store.select(ZONES_QUERY, {"muscle": ox.NamedNode(muscle_iri)})
    index = {name: i for i, name in enumerate(rows.variables)}
    zones = set()
    for row in rows:
        side = row[index["side"]]
        zones.add(MapZone(
            region=_slug(row[index["region"]].value),  # type: ignore[union-attr]
            view=str(row[index["view"]].value),  # type: ignore[union-attr]
            intensity=str(row[index["intensity"]].value),  # type: ignore[union-attr]
            laterality=str(side.value) if side is not None else None,
        ))
    return sorted(zones, key=lambda z: (z.region, z.view, z.intensity, z.laterality or ""))


# ---------------------------------------------------------------------------------------------- shading

SIDES_OF = {"ipsilateral": ("right",), "contralateral": ("left",)}
"""Where a zone is shaded, for a trigger point on the patient's right; any other laterality: both sides."""


def shading(zones: Sequence[MapZone], geometry: Geometry) -> dict[tuple[str, str], str]:
    """(region slug, side) -> intensity, where side is "right", "left" or "midline" (a midline shape).

    Essential wins over spillover where zones overlap. Raises ValueError for a region with no shape (not a
    leaf, or unknown), an unknown intensity or an unknown laterality: those are programming errors, since the
    build only lets zones cover leaf regions.
    """
    shaded: dict[tuple[str, str], str] = {}
    for zone in zones:
        if zone.intensity not in INTENSITIES:
            raise ValueError(f"unknown intensity {zone.intensity!r}")
        if zone.laterality is not None and zone.laterality not in LATERALITIES:
            raise ValueError(f"unknown laterality {zone.laterality!r}")
        region = geometry.regions.get(zone.region)
        if region is None:
            raise ValueError(f"no shape for region {zone.region!r} (the map draws leaf regions only)")
        if region.placement == "midline":
            sides: tuple[str, ...] = ("midline",)
        else:
            sides = SIDES_OF.get(zone.laterality or "", ("right", "left"))
        for side in sides:
            if shaded.get((zone.region, side)) != "essential":
                shaded[(zone.region, side)] = zone.intensity
    return shaded


def stand_in_shading(shaded: Mapping[tuple[str, str], str], geometry: Geometry) -> dict[tuple[str, str], str]:
    """(inset id, side) -> the strongest intensity shaded in the inset on that side ("right" or "left").

    The figure draws the stand-in of an inset where the inset's tiles would be, so a shaded finger also shows
    on the whole figure; essential wins over spillover, as it does between zones.
    """
    result: dict[tuple[str, str], str] = {}
    for (slug, side), level in shaded.items():
        inset = geometry.regions[slug].inset
        if inset and result.get((inset, side)) != "essential":
            result[(inset, side)] = level
    return result


SIDE_WORDS = {"right": "patient's right", "left": "patient's left", "both": "both sides"}


def describe(shaded: Mapping[tuple[str, str], str], labels: Mapping[str, str]) -> str:
    """The shading in words, for the <desc> (and a page's text alternative): regions by label, with sides."""
    parts = []
    for intensity, heading in (("essential", "Essential pain"), ("spillover", "Spillover pain")):
        sides: dict[str, set[str]] = {}
        for (slug, side), level in shaded.items():
            if level == intensity:
                sides.setdefault(labels.get(slug, slug), set()).add(side)
        items = []
        for label in sorted(sides):
            where = sides[label]
            if where == {"midline"}:
                items.append(label)
            else:
                items.append(f"{label} ({SIDE_WORDS['both' if len(where) == 2 else next(iter(where))]})")
        if items:
            parts.append(f"{heading}: {', '.join(items)}.")
    if not parts:
        parts.append("No referred pain is shaded.")
    return " ".join(parts)


CONVENTION = ("Sides are the patient's own, for a trigger point on the patient's right: ipsilateral pain is "
              "shaded on the right, contralateral pain on the left, bilateral pain and pain with no side stated "
              "on both sides.")

# ---------------------------------------------------------------------------------------------- drawing

STYLE = """
.bodymap .region, .bodymap .swatch { fill: #ffffff; stroke: #a8a8a8; stroke-width: 0.6; }
.bodymap .region.essential, .bodymap .swatch-essential { fill: #c62828; stroke: #7f1616; }
.bodymap .region.spillover, .bodymap .swatch-spillover { fill: #f4a3a3; stroke: #b35b5b; }
.bodymap .region.drawn { fill: #1f5fa8; stroke: #0d3463; }
.bodymap .region.deep { stroke-dasharray: 1.2 0.8; stroke: #555555; }
.bodymap .outline { fill: #f1f1f1; stroke: #c4c4c4; stroke-width: 0.6; }
.bodymap text { font-family: sans-serif; fill: #222222; }
.bodymap .panel-title { font-size: 13px; font-weight: bold; }
.bodymap .side-label { font-size: 9px; fill: #444444; }
.bodymap .legend { font-size: 11px; }
.bodymap .note { font-size: 10px; fill: #444444; }
.bodymap .inset-frame { fill: none; stroke: #c4c4c4; stroke-width: 0.6; stroke-dasharray: 2 1; }
.bodymap .inset-stand-in { fill: #ffffff; stroke: #a8a8a8; stroke-width: 0.6; stroke-dasharray: 1.5 0.8; }
.bodymap .inset-stand-in.stand-in-essential { fill: #c62828; stroke: #7f1616; }
.bodymap .inset-stand-in.stand-in-spillover { fill: #f4a3a3; stroke: #b35b5b; }
.bodymap .inset-title { font-size: 8px; fill: #444444; }
"""
"""Scoped to the map's own class, so an SVG inlined in a page styles nothing else there. The legend's swatches
have their own classes, so ``.essential``/``.spillover`` select shaded regions only."""

MARGIN = 14.0
TOP = 34.0  # the figures are moved down by this much, leaving room for the panel titles
BOTTOM = 534.0  # panel frame: the side captions, below the lowest shape
GAP = 22.0


@dataclass(frozen=True)
class Panel:
    """One drawn figure: a view, whether it is the mirror image of the data, and what its sides are."""

    view: str
    title: str
    mirror: bool  # lateral only: draw the right-side data mirrored (the left side)
    side: str | None  # lateral panels: the side they show
    left_caption: str  # under the viewer's left
    right_caption: str  # under the viewer's right


PANELS = (
    Panel("anterior", "Front", False, None, "patient's right", "patient's left"),
    Panel("posterior", "Back", False, None, "patient's left", "patient's right"),
    Panel("lateral", "Patient's right side", False, "right", "back", "front"),
    Panel("lateral", "Patient's left side", True, "left", "front", "back"),
)


def _num(value: float) -> str:
    """A coordinate in the SVG: at most two decimals, no trailing zeros, no "-0" (deterministic output)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _shape_element(shape: Shape, attrs: str, inner: str = "") -> str:
    if shape.ellipse is not None:
        cx, cy, rx, ry = shape.ellipse
        geometry = f'cx="{_num(cx)}" cy="{_num(cy)}" rx="{_num(rx)}" ry="{_num(ry)}"'
        tag = "ellipse"
    else:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in shape.points)
        geometry = f'points="{points}"'
        tag = "polygon"
    if inner:
        return f"<{tag} {attrs} {geometry}>{inner}</{tag}>"
    return f"<{tag} {attrs} {geometry}/>"


def _placed(region: RegionShape, panel: Panel) -> list[tuple[str, Shape]]:
    """(side, shape) pairs to draw for a region in a panel."""
    if region.view == "lateral":
        return [(panel.side or "right", region.shape.mirrored() if panel.mirror else region.shape)]
    if region.placement == "midline":
        return [("midline", region.shape)]
    return [("right", region.shape), ("left", region.shape.mirrored())]


def _inset_copies(inset: Inset, panel: Panel) -> list[tuple[str, bool]]:
    """(side, mirrored) for each copy of an inset a panel draws: one per side in the front and back views, the
    panel's own side in a side view."""
    if inset.view == "lateral":
        return [(panel.side or "right", panel.mirror)]
    return [("right", False), ("left", True)]


def _frame_box(geometry: Geometry, inset: Inset, mirrored: bool) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = geometry.frame(inset)
    return (-x1, y0, -x0, y1) if mirrored else (x0, y0, x1, y1)


def _extent(geometry: Geometry, panel: Panel) -> tuple[float, float]:
    """The panel's leftmost and rightmost x, in the panel's frame (after mirroring), insets included."""
    xs = []
    for region in [*geometry.in_view(panel.view), *(o for o in geometry.outline if o.view == panel.view)]:
        for _, shape in _placed(region, panel):
            x0, _, x1, _ = shape.bounds()
            xs += [x0, x1]
    for inset in (i for i in geometry.insets.values() if i.view == panel.view):
        for _, mirrored in _inset_copies(inset, panel):
            x0, _, x1, _ = _frame_box(geometry, inset, mirrored)
            xs += [x0, x1]
    return min(xs, default=-50.0) - 6.0, max(xs, default=50.0) + 6.0


def _inset_elements(geometry: Geometry, inset: Inset, panel: Panel, levels: Mapping[tuple[str, str], str],
                    id_prefix: str) -> list[str]:
    """An inset's frame, title and outline, and its stand-in on the figure, for each copy the panel draws. The
    inset's tiles are ordinary region shapes, drawn with the others. The title names the part only ("palm"):
    the copy stands beside its own side of the figure, under that side's caption, and the stand-in's <title>
    names the side in words."""
    elements = []
    for side, mirrored in _inset_copies(inset, panel):
        x0, y0, x1, y1 = _frame_box(geometry, inset, mirrored)
        elements.append(f'<rect class="inset-frame" x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" '
                        f'height="{_num(y1 - y0)}"/>')
        elements.append(f'<text class="inset-title" x="{_num((x0 + x1) / 2)}" y="{_num(y0 - 2)}" '
                        f'text-anchor="middle">{escape(inset.title)}</text>')
        for part in inset.outline:
            shape = inset.place(part)
            elements.append(_shape_element(shape.mirrored() if mirrored else shape, 'class="outline"'))
        level = levels.get((inset.id, side))
        classes = "inset-stand-in" + (f" stand-in-{level}" if level else "")
        attrs = (f'id={quoteattr(f"{id_prefix}inset-{inset.id}-{side}")} class="{classes}" '
                 f"data-inset={quoteattr(inset.id)} data-side={quoteattr(side)}")
        words = f"{inset.title} ({SIDE_WORDS[side]}): drawn enlarged beside the figure"
        stand_in = inset.stand_in.mirrored() if mirrored else inset.stand_in
        elements.append(_shape_element(stand_in, attrs, f"<title>{escape(words)}</title>"))
    return elements


def render_map(zones: Sequence[MapZone], labels: Mapping[str, str], title: str, *,
               geometry: Geometry | None = None, id_prefix: str = "",
               link: Callable[[str], str] | None = None, picked: Collection[str] = ()) -> str:
    """The body map as a standalone SVG document (a string), shading ``zones``.

    ``labels`` maps region slugs to the words shown (``region_labels(store)``); ``title`` names the map (e.g.
    "Referred pain of psoas major"). Each region is one shape with ``id="region-<slug>"`` (suffixed ``-right``
    or ``-left`` for a region drawn on each side), ``data-region``, ``data-side`` and a <title> holding its
    label; a shaded shape has the class ``essential`` or ``spillover``. The document is scalable (viewBox
    only), says in its <desc> what is shaded, and carries its own style. ``id_prefix`` is put before every
    id, for a page that inlines more than one map; ``geometry`` defaults to the package's shapes file. With
    ``link``, each region is also a link to ``link(slug)`` (the "where does it hurt?" page picks regions so).
    The insets (hand, foot) are drawn beside the figure in their panels; each has a stand-in on the figure
    with ``id="inset-<inset>-<side>"``, ``data-inset`` and ``data-side``, classed ``stand-in-essential`` or
    ``stand-in-spillover`` when one of its regions is shaded on that side (not ``essential``/``spillover``,
    which mark regions only); a region in ``picked`` (the regions of the drawing) has the class ``drawn``.
    """
    geometry = geometry or packaged_geometry()
    shaded = shading(zones, geometry)
    stand_ins = stand_in_shading(shaded, geometry)
    description = f"{describe(shaded, labels)} {CONVENTION}"

    body: list[str] = []
    x = MARGIN
    for panel in PANELS:
        left, right = _extent(geometry, panel)
        cx = x - left
        body.append(f'<g class="panel" data-view="{panel.view}"'
                    + (f' data-side="{panel.side}"' if panel.side else "")
                    + f' transform="translate({_num(cx)} {_num(TOP)})">')
        body.append(f'<text class="panel-title" x="{_num((left + right) / 2)}" y="-14" text-anchor="middle">'
                    f"{escape(panel.title)}</text>")
        for part in (o for o in geometry.outline if o.view == panel.view):
            for _, shape in _placed(part, panel):
                body.append(_shape_element(shape, 'class="outline"'))
        in_panel = sorted((i for i in geometry.insets.values() if i.view == panel.view), key=lambda i: i.id)
        for inset in in_panel:
            body.extend(_inset_elements(geometry, inset, panel, stand_ins, id_prefix))
        for region in geometry.in_view(panel.view):
            label = labels.get(region.slug, region.slug)
            for side, shape in _placed(region, panel):
                level = shaded.get((region.slug, side))
                classes = "region" + (" deep" if region.deep else "") + (f" {level}" if level else "") \
                    + (" drawn" if region.slug in picked else "")
                suffix = "" if side == "midline" else f"-{side}"
                side_text = "" if side == "midline" else f" ({SIDE_WORDS[side]})"
                attrs = (f'id={quoteattr(f"{id_prefix}region-{region.slug}{suffix}")} class="{classes}" '
                         f"data-region={quoteattr(region.slug)} data-side={quoteattr(side)}")
                element = _shape_element(shape, attrs, f"<title>{escape(label + side_text)}</title>")
                if link is not None:
                    element = f"<a href={quoteattr(link(region.slug))}>{element}</a>"
                body.append(element)
        for note in (n for n in geometry.notes if n.view == panel.view):
            nx = -note.x if panel.mirror else note.x
            body.append(f'<text class="note" x="{_num(nx)}" y="{_num(note.y)}" text-anchor="middle">'
                        f"{escape(note.text)}</text>")
        body.append(f'<text class="side-label" x="{_num(left + 2)}" y="{_num(BOTTOM)}" text-anchor="start">'
                    f"{escape(panel.left_caption)}</text>")
        body.append(f'<text class="side-label" x="{_num(right - 2)}" y="{_num(BOTTOM)}" text-anchor="end">'
                    f"{escape(panel.right_caption)}</text>")
        body.append("</g>")
        x = cx + right + GAP
    width = x - GAP + MARGIN

    legend_y = TOP + BOTTOM + 28
    swatches = (("essential", "essential pain"), ("spillover", "spillover pain"), ("", "not referred"))
    legend = ['<g class="legend">']
    lx = MARGIN
    for level, words in swatches:
        classes = "swatch" + (f" swatch-{level}" if level else "")
        legend.append(f'<rect class="{classes}" x="{_num(lx)}" y="{_num(legend_y - 10)}" width="14" height="12"/>')
        legend.append(f'<text x="{_num(lx + 19)}" y="{_num(legend_y)}">{escape(words)}</text>')
        lx += 130
    legend.append("</g>")
    notes = [
        "Sides are the patient's own. The map assumes a trigger point on the patient's RIGHT: ipsilateral pain is",
        "shaded on the right, contralateral on the left, bilateral pain and pain with no side stated on both sides.",
        "Schematic figure; trigger-point sites are not marked.",
    ]
    for i, line in enumerate(notes):
        legend.append(f'<text class="note" x="{_num(MARGIN)}" y="{_num(legend_y + 18 + 13 * i)}">'
                      f"{escape(line)}</text>")
    height = legend_y + 18 + 13 * len(notes)

    labelled_by = quoteattr(f"{id_prefix}bodymap-title {id_prefix}bodymap-desc")
    head = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby={labelled_by} '
         f'viewBox="0 0 {_num(width)} {_num(height)}" class="bodymap">'),
        f"<title id={quoteattr(id_prefix + 'bodymap-title')}>{escape(title)}</title>",
        f"<desc id={quoteattr(id_prefix + 'bodymap-desc')}>{escape(description)}</desc>",
        f"<style>{STYLE}</style>",
    ]
    return "\n".join([*head, *body, *legend, "</svg>"]) + "\n"
