"""A printed map of a region (PDF or PNG, A4 or A3, either way up), made on the server without a
browser: title, the layers and filter in use, legend, scale bar, north arrow, the region, the data
sources and their accuracy, and the date. For 汇报材料 and for the wall."""

from __future__ import annotations

import io
import textwrap
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import geopandas as gpd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from mapapp import __version__
from mapapp._errors import OptionError
from mapapp.catalog import vocab
from mapapp.export import Region, select
from mapapp.i18n import aside, t
from mapapp.layers import LayerSpec
from mapapp.messages import msg
from mapapp.outputs import Progress, no_progress
from mapapp.outputs.cartography import (
    KIND_MARKERS,
    DrawnSites,
    Extent,
    cjk_text,
    draw_layer,
    draw_sites,
    in_window,
    north_arrow,
    project,
    scale_bar,
)
from mapapp.render.markers import RETROFIT_COLOURS

PAPERS_MM = {"A4": (210, 297), "A3": (297, 420)}  # portrait width, height
ORIENTATIONS = ("landscape", "portrait")
PRINT_FORMATS = ("pdf", "png")
MM_PER_INCH = 25.4
SITE_NUMBER_LIMIT = 40  # sites numbered on the map and named beside it; more would not fit the list


@dataclass(frozen=True)
class PrintOptions:
    paper: str = "A4"
    orientation: str = "landscape"
    fmt: str = "pdf"
    lang: str = "zh"
    dpi: int = 200  # PNG only; PDF is vector
    title: str = ""  # default: the region and the date

    def __post_init__(self) -> None:
        for value, allowed, what in ((self.paper, PAPERS_MM, "paper"), (self.orientation, ORIENTATIONS, "orientation"),
                                     (self.fmt, PRINT_FORMATS, "format")):
            if value not in allowed:
                raise OptionError(msg("不支持的{what} {value}：可选 {known}", "unsupported {what} {value}: choose one of {known}",
                                      what=what, value=value, known=", ".join(allowed)))

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = PAPERS_MM[self.paper]
        if self.orientation == "landscape":
            w, h = h, w
        return w / MM_PER_INCH, h / MM_PER_INCH


@dataclass(frozen=True)
class MapContent:
    """What goes on the sheet. `layers`: layer id -> (spec, full-resolution frame), drawn in order;
    `sites`: the sites to show (already filtered), or None; `place`: the region in the sheet's language."""

    region: Region
    place: str
    layers: dict[str, tuple[LayerSpec, gpd.GeoDataFrame]]
    sites: gpd.GeoDataFrame | None = None
    filter_text: str = ""
    units: gpd.GeoDataFrame | None = None  # counties (or prefectures) to name on the map
    day: date = field(default_factory=date.today)


def print_map(content: MapContent, options: PrintOptions, *, progress: Progress = no_progress) -> bytes:
    """The sheet as PDF or PNG bytes."""
    lang = options.lang
    with cjk_text():
        fig = Figure(figsize=options.size_inches)
        landscape = options.orientation == "landscape"
        map_rect = (0.03, 0.07, 0.68, 0.83) if landscape else (0.05, 0.33, 0.90, 0.58)
        ax = fig.add_axes(map_rect)
        region_lcc = project(content.region.geometry)
        w_in, h_in = options.size_inches
        extent = Extent.around(region_lcc, aspect=(map_rect[2] * w_in) / (map_rect[3] * h_in))
        extent.apply(ax)
        progress(0.1, "layers")
        handles = _draw_layers(ax, content, extent, lang, progress)
        _fade_outside(ax, region_lcc, extent)
        _name_units(ax, content.units, extent, lang)
        drawn = DrawnSites(set(), [])
        if content.sites is not None:
            progress(0.7, "sites")
            chosen = select(content.sites, content.region, clip=False)
            drawn = draw_sites(ax, chosen, extent, numbers=len(chosen) <= SITE_NUMBER_LIMIT,
                               name_column="name_en" if lang == "en" else "name_zh")
        extent.apply(ax)  # plotting may have moved the limits or named the axes
        scale_bar(ax, extent)
        north_arrow(ax, extent, "北" if lang == "zh" else "N")
        title = options.title or t("print_title", lang, place=content.place)
        fig.text(0.03 if landscape else 0.05, 0.955, title, fontsize=16 if options.paper == "A4" else 22,
                 va="top")
        panel = (0.73, 0.07, 0.25, 0.83) if landscape else (0.05, 0.03, 0.90, 0.28)
        _side_panel(fig, panel, handles + _site_handles(drawn.keys, lang), content, drawn.numbered, lang)
        progress(0.85, options.fmt)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=options.fmt, dpi=options.dpi if options.fmt == "png" else 72,
                    metadata=_file_metadata(title, options.fmt))
    progress(1.0, "done")
    return buffer.getvalue()


def _file_metadata(title: str, fmt: str) -> dict[str, str]:
    if fmt == "pdf":
        return {"Title": title, "Creator": f"mapapp {__version__}"}
    return {"Title": title, "Software": f"mapapp {__version__}"}


def _draw_layers(ax: Axes, content: MapContent, extent: Extent, lang: str, progress: Progress) -> list:
    handles = []
    ordered = sorted(content.layers.items(), key=lambda item: item[1][0].z)
    for n, (_layer_id, (spec, frame)) in enumerate(ordered):
        progress(0.1 + 0.6 * n / max(len(ordered), 1), spec.id)
        handle = draw_layer(ax, frame, spec, extent, spec.title(lang))
        if handle is not None:
            handles.append(handle)
    return handles


def _fade_outside(ax: Axes, region_lcc: shapely.Geometry, extent: Extent) -> None:
    """The region stands out: what lies outside it is washed pale, and its edge is drawn."""
    outside = extent.box.buffer(extent.width * 0.05).difference(region_lcc)
    gpd.GeoSeries([outside]).plot(ax=ax, facecolor="white", edgecolor="none", alpha=0.6, zorder=15)
    gpd.GeoSeries([region_lcc]).boundary.plot(ax=ax, color="#222222", linewidth=1.4, zorder=16)


def _name_units(ax: Axes, units: gpd.GeoDataFrame | None, extent: Extent, lang: str) -> None:
    if units is None:
        return
    shown = in_window(units, extent)
    column = "name_en" if lang == "en" else "name_zh"
    for name, point in zip(shown[column], shown.geometry.representative_point()):
        if extent.box.contains(point):
            ax.text(point.x, point.y, str(name), fontsize=6.5, color="#555555", ha="center", va="center", zorder=17)


def _site_handles(drawn: set[tuple[str, str]], lang: str) -> list:
    handles = [Line2D([], [], linestyle="", marker=KIND_MARKERS.get(kind, "o"), markerfacecolor="#8c8c8c",
                      markeredgecolor="#8c8c8c", label=vocab.label(vocab.SITE_KINDS, kind, lang))
               for kind in sorted({k for k, _ in drawn})]
    handles += [Line2D([], [], linestyle="", marker="s", markerfacecolor=RETROFIT_COLOURS.get(status, "#8c8c8c"),
                       markeredgecolor="none", label=t("retrofit", lang) + ("：" if lang == "zh" else ": ") +
                       vocab.label(vocab.RETROFIT_STATUSES, status, lang))
                for status in sorted({s for _, s in drawn})]
    if drawn:
        handles.append(Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="#8c8c8c",
                              label=t("print_hollow", lang)))
    return handles


def _side_panel(fig: Figure, rect: tuple[float, float, float, float], handles: list, content: MapContent,
                numbered: list[tuple[int, str]], lang: str) -> None:
    """Legend and the numbered sites' names above; the region, filter, sources, accuracy and date below."""
    x, y, w, h = rect
    wide = w > 0.5
    renderer = FigureCanvasAgg(fig).get_renderer()  # to measure the texts: the list must not run into the notes
    legend_ax = fig.add_axes((x, y + h * 0.45, w / 2 if wide else w, h * 0.55))
    legend_ax.axis("off")
    legend_bottom = y + h * 0.45
    label_chars = int((w / 2 if wide else w) * fig.get_figwidth() * 72 / 3.5 * 0.9) - 6  # 7 pt, after the symbol
    for handle in handles:  # a long layer name (in English) would run off the sheet
        handle.set_label(wrap(handle.get_label(), label_chars))
    if handles:
        legend = legend_ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False, title=t("legend", lang),
                                  title_fontsize=9, alignment="left")
        legend_bottom = _figure_box(fig, legend, renderer).y0
    width_chars = int(w * fig.get_figwidth() * 72 / 3.25 * 0.9)  # columns of half a 6.5 pt character
    lines = [
        (t("print_region", lang), content.place + (aside(content.region.adcode, lang) if content.region.adcode else "")),
        (t("print_filter", lang), content.filter_text or t("print_no_filter", lang)),
        (t("print_sources", lang), t("accuracy_note", lang)),
        (t("print_crs", lang), t("print_crs_text", lang)),
        (t("print_made", lang), f"{content.day:%Y-%m-%d} · mapapp {__version__}"),
    ]
    body = "\n".join(wrap(f"{label}：{value}" if lang == "zh" else f"{label}: {value}", width_chars) for label, value in lines)
    notes = fig.text(x, y, body, fontsize=6.5, va="bottom", ha="left", linespacing=1.5)
    if numbered:
        entries = [t("print_numbered", lang), *(f"{n}  {name}" for n, name in numbered)]
        if wide:
            _numbered_list(fig, renderer, (x + w / 2, y + h), y, entries)
        else:
            _numbered_list(fig, renderer, (x, legend_bottom - 0.01), _figure_box(fig, notes, renderer).y1 + 0.01, entries)


def _numbered_list(fig: Figure, renderer: Any, top_left: tuple[float, float], floor: float, entries: list[str]) -> None:
    """The numbered sites' names from `top_left` down, in the largest type (5.5 to 3.5 pt) that ends
    above `floor` (figure fractions)."""
    for size in (5.5, 5.0, 4.5, 4.0, 3.5):
        listed = fig.text(*top_left, "\n".join(entries), fontsize=size, va="top", ha="left", linespacing=1.35)
        if size == 3.5 or _figure_box(fig, listed, renderer).y0 >= floor:
            return
        listed.remove()


def _figure_box(fig: Figure, artist: Any, renderer: Any) -> Bbox:
    """Where an artist is drawn, in figure fractions."""
    return artist.get_window_extent(renderer).transformed(fig.transFigure.inverted())


def wrap(text: str, width: int) -> str:
    """Wrap mixed Chinese and Latin text to `width` columns (a Chinese character takes two); Latin-only
    text breaks between words."""
    if not any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text):
        return textwrap.fill(text, width)
    out, line, used = [], "", 0
    for ch in text:
        cost = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + cost > width:
            out.append(line)
            line, used = "", 0
        line += ch
        used += cost
    return "\n".join([*out, line])
