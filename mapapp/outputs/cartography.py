"""Drawing map layers on a matplotlib axes in the Jiangxi Lambert projection (true to scale), with a
scale bar and a north arrow: shared by printed maps and the map excerpt of a site-check report.

Uses matplotlib's object API (Figure, not pyplot), so that page sessions drawing at the same time do
not share state."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import shapely
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from shapely.geometry.base import BaseGeometry

from mapapp.geo import JIANGXI_LCC, WGS84
from mapapp.ground import from_lcc_xy, to_lcc_xy
from mapapp.layers import LayerSpec
from mapapp.outputs.fonts import cjk_font
from mapapp.render.markers import RETROFIT_COLOURS, VERDICT_COLOURS

matplotlib.use("Agg")  # no display on a server

# Site kinds as matplotlib markers, echoing the page's glyphs (● ■ ▲ ◆ ⬣ ✚ ★ ⬟; customs zones ●
# on the page, a downward triangle here so that the legend tells them from parks).
KIND_MARKERS = {"park": "o", "development_zone": "s", "customs_zone": "v", "recycling_base": "^",
                "solid_waste_base": "D", "chemical_park": "h", "cluster_node": "P", "plant": "*", "county_base": "p"}


@contextmanager
def cjk_text() -> Iterator[str]:
    """Matplotlib settings for Chinese text, with fonts embedded as TrueType (text stays selectable)."""
    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    with matplotlib.rc_context({"font.family": [name, "DejaVu Sans"], "pdf.fonttype": 42, "axes.unicode_minus": False}):
        yield name


def to_lcc(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(JIANGXI_LCC) if frame.crs is not None else frame.set_crs(WGS84).to_crs(JIANGXI_LCC)


def project(geom: BaseGeometry) -> BaseGeometry:
    """A WGS 84 geometry in the Jiangxi Lambert projection (metres)."""
    return shapely.transform(geom, to_lcc_xy, interleaved=False)


@dataclass(frozen=True)
class Extent:
    """The map's window in projected metres."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @classmethod
    def around(cls, geom: BaseGeometry, aspect: float, margin: float = 0.06, min_size_m: float = 4000.0) -> Extent:
        """The window showing `geom` (projected) with a margin, widened to the axes' width/height `aspect`."""
        xmin, ymin, xmax, ymax = geom.bounds
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        w = max(xmax - xmin, min_size_m) * (1 + 2 * margin)
        h = max(ymax - ymin, min_size_m) * (1 + 2 * margin)
        if w / h < aspect:
            w = h * aspect
        else:
            h = w / aspect
        return cls(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    @property
    def box(self) -> BaseGeometry:
        return shapely.box(self.xmin, self.ymin, self.xmax, self.ymax)

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    def apply(self, ax: Axes) -> None:
        ax.set_xlim(self.xmin, self.xmax)
        ax.set_ylim(self.ymin, self.ymax)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")  # geopandas names the projected axes; a map needs no such label
        ax.set_ylabel("")


def in_window(frame: gpd.GeoDataFrame, extent: Extent) -> gpd.GeoDataFrame:
    """The projected rows that reach into the window, cut to a little more than it (drawing is faster)."""
    frame = frame[frame.geometry.notna()]
    if frame.empty:
        return frame
    frame = to_lcc(frame)
    grown = extent.box.buffer(extent.width * 0.05)
    frame = frame[frame.intersects(grown)]
    return frame.set_geometry(frame.geometry.intersection(grown))


def draw_layer(ax: Axes, frame: gpd.GeoDataFrame, spec: LayerSpec, extent: Extent, label: str) -> Patch | Line2D | None:
    """One base, water, zone or cluster layer in its map style; returns its legend handle."""
    shown = in_window(frame, extent)
    if shown.empty:
        return None
    style = spec.style
    colour = style.get("color", "#555555")
    width = float(style.get("weight", 1.0)) * 0.6
    polygonal = shown.geom_type.isin(["Polygon", "MultiPolygon"]).any()
    if polygonal and style.get("fill", True) is not False and "fill_color" in style:
        shown.plot(ax=ax, facecolor=style["fill_color"], edgecolor=colour, linewidth=width,
                   alpha=float(style.get("fill_opacity", 0.4)), zorder=5 + spec.z / 10)
        return Patch(facecolor=style["fill_color"], edgecolor=colour, alpha=float(style.get("fill_opacity", 0.4)),
                     label=label)
    (shown.boundary if polygonal else shown).plot(ax=ax, color=colour, linewidth=width, zorder=6)
    return Line2D([], [], color=colour, linewidth=max(width, 0.8), label=label)


@dataclass(frozen=True)
class DrawnSites:
    keys: set[tuple[str, str]]  # (kind, colour key) pairs, for the legend
    numbered: list[tuple[int, str]]  # (number on the map, name), when numbered


def draw_sites(ax: Axes, sites: gpd.GeoDataFrame, extent: Extent, *, colour_by: str = "retrofit",
               numbers: bool = False, name_column: str = "name_zh") -> DrawnSites:
    """Each site as a symbol at a point inside its place (hollow when only its county or prefecture is
    known, as on the page). Sites sharing a point (a county's) are spread on a small ring around it.
    With `numbers`, each symbol gets a number and the names are returned for a list beside the map."""
    located = sites[sites.geometry.notna()]
    keys: set[tuple[str, str]] = set()
    numbered: list[tuple[int, str]] = []
    if located.empty:
        return DrawnSites(keys, numbered)
    anchors = to_lcc(gpd.GeoDataFrame(located.drop(columns=located.geometry.name),
                                      geometry=located.geometry.representative_point(), crs=located.crs))
    inside = anchors[anchors.within(extent.box)]
    ring = extent.width * 0.02
    groups = inside.groupby([inside.geometry.x.round(0), inside.geometry.y.round(0)], sort=False)
    colours = VERDICT_COLOURS if colour_by == "verdict" else RETROFIT_COLOURS
    for (_x, _y), group in groups:
        for i, (_, row) in enumerate(group.iterrows()):
            angle = 2 * math.pi * i / len(group)
            x = row.geometry.x + (ring * math.cos(angle) if len(group) > 1 else 0)
            y = row.geometry.y + (ring * math.sin(angle) if len(group) > 1 else 0)
            key = str(row.get("verdict")) if colour_by == "verdict" else str(row.get("circular_retrofit", "unknown"))
            colour = colours.get(key, "#8c8c8c")
            hollow = row.get("location_kind") == "range"
            ax.plot(x, y, marker=KIND_MARKERS.get(str(row.get("kind")), "o"), markersize=7, zorder=20,
                    markerfacecolor="white" if hollow else colour, markeredgecolor=colour, markeredgewidth=1.4)
            if numbers:
                numbered.append((len(numbered) + 1, str(row.get(name_column, ""))))
                ax.annotate(str(len(numbered)), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=6,
                            zorder=21, color="#111111")
            keys.add((str(row.get("kind")), key))
    return DrawnSites(keys, numbered)


def scale_bar(ax: Axes, extent: Extent, *, unit_km: str = "km") -> None:
    """A bar of a round length, about a fifth of the map's width, in the lower left."""
    target = extent.width / 5
    exponent = 10 ** math.floor(math.log10(target))
    length = max(step * exponent for step in (1, 2, 5) if step * exponent <= target)
    x0 = extent.xmin + extent.width * 0.04
    y0 = extent.ymin + (extent.ymax - extent.ymin) * 0.04
    height = (extent.ymax - extent.ymin) * 0.008
    for i in range(2):
        ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, height, facecolor="black" if i == 0 else "white",
                               edgecolor="black", linewidth=0.6, zorder=30))
    label = f"{length / 1000:g} {unit_km}" if length >= 1000 else f"{length:g} m"
    ax.text(x0, y0 + height * 1.8, "0", fontsize=6, ha="center", zorder=30)
    ax.text(x0 + length, y0 + height * 1.8, label, fontsize=6, ha="center", zorder=30)


def north_arrow(ax: Axes, extent: Extent, label: str = "N") -> None:
    """An arrow to true north at the map's centre (the projection's grid turns up to ~2° from it)."""
    cx, cy = (extent.xmin + extent.xmax) / 2, (extent.ymin + extent.ymax) / 2
    lon, lat = from_lcc_xy(cx, cy)
    nx, ny = to_lcc_xy(lon, lat + 0.05)
    angle = math.atan2(nx - cx, ny - cy)
    size = (extent.ymax - extent.ymin) * 0.07
    x, y = extent.xmax - extent.width * 0.06, extent.ymax - (extent.ymax - extent.ymin) * 0.16
    ax.add_patch(FancyArrow(x, y, size * math.sin(angle), size * math.cos(angle), width=size * 0.12,
                            head_width=size * 0.4, head_length=size * 0.4, length_includes_head=True,
                            color="black", zorder=30))
    ax.text(x + size * 1.2 * math.sin(angle), y + size * 1.2 * math.cos(angle), label, fontsize=9, ha="center",
            va="bottom", zorder=30)
