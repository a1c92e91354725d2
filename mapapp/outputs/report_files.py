"""A site-check report (mapapp.outputs.site_check.CheckReport) as a PDF (reportlab) or a Word file
(python-docx), with a map excerpt drawn by matplotlib. Both carry the same sections in the same order."""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from xml.sax.saxutils import escape

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.figure import Figure

from mapapp.i18n import t
from mapapp.layers import LayerSpec
from mapapp.outputs import Progress, no_progress
from mapapp.outputs.cartography import Extent, cjk_text, draw_layer, north_arrow, project, scale_bar
from mapapp.outputs.fonts import cjk_font
from mapapp.outputs.site_check import CheckReport
from mapapp.site_profile import TARGET_SECTIONS

REPORT_FORMATS = ("pdf", "docx")
EXCERPT_MIN_M = 14_000.0  # the excerpt shows at least this much ground, so the 5 km zone is in view


# --- the map excerpt ----------------------------------------------------------------------------


def excerpt_png(report: CheckReport, layers: dict[str, tuple[LayerSpec, gpd.GeoDataFrame]], *, dpi: int = 160) -> bytes:
    """The subject in red over the counties, the waters and the 1 km and 5 km zones, with the line to the
    nearest water, a scale bar and a north arrow."""
    with cjk_text():
        fig = Figure(figsize=(6.4, 4.4))
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
        subject = project(report.subject.geometry)
        extent = Extent.around(subject, aspect=6.4 / 4.4, margin=0.15, min_size_m=EXCERPT_MIN_M)
        extent.apply(ax)
        for _layer_id, (spec, frame) in sorted(layers.items(), key=lambda item: item[1][0].z):
            draw_layer(ax, frame, spec, extent, spec.title(report.lang))
        gpd.GeoSeries([subject]).plot(ax=ax, facecolor="none" if subject.geom_type != "Point" else "#d7191c",
                                      edgecolor="#d7191c", linewidth=1.6, markersize=40, zorder=25)
        if report.nearest_line:
            line = project(shapely.LineString(report.nearest_line))
            ax.plot(*line.xy, linestyle="--", color="#111111", linewidth=1.0, zorder=26)
        extent.apply(ax)
        scale_bar(ax, extent)
        north_arrow(ax, extent, "北" if report.lang == "zh" else "N")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# --- the sections, as (kind, payload) blocks both writers lay out --------------------------------


def _blocks(report: CheckReport, excerpt: bytes) -> Iterator[tuple[str, object]]:
    lang = report.lang
    sep = "：" if lang == "zh" else ": "
    yield "title", t("report_title", lang)
    yield "table", pd.DataFrame(report.facts, columns=["", " "])
    yield "heading", t("report_verdicts", lang)
    verdicts = pd.DataFrame([{
        t("report_scope", lang): t(f"scope_{c.scope}", lang),
        t("report_distance", lang): t("metres", lang, n=c.distance_m),
        t("report_verdict", lang): c.verdict.said,
        t("panel_nearest", lang): c.verdict.nearest,
        t("report_farthest", lang): c.verdict.farthest,
        t("report_overlap", lang): c.verdict.overlap,
    } for c in report.checks])
    yield "table", verdicts.loc[:, (verdicts != "").any()]  # a point has no farthest point nor area
    yield "heading", t("report_nearest_water", lang)
    nearest = (t("report_nearest_text", lang, water=report.nearest_water, distance=t("metres", lang, n=report.nearest_m))
               if report.nearest_m is not None else t("unknown", lang))
    if report.nearest_m == 0:
        nearest += sep + t("report_in_water", lang)
    yield "text", nearest
    yield "heading", t("report_map", lang)
    yield "image", excerpt
    yield "heading", t("report_rules", lang)
    for rule in report.rules:
        document = rule.document_zh if lang == "zh" else rule.document_en
        said = f"“{rule.quote_zh}”" if rule.quoted else rule.quote_zh + t("report_rule_summary", lang)
        yield "text", f"{document} {rule.clause}{sep}{said}"
        if lang == "en":
            yield "note", rule.gloss_en
        reliability = rule.reliability_zh if lang == "zh" else rule.reliability_en
        if reliability:
            yield "note", reliability
    yield "heading", t("report_targets", lang)
    for section in TARGET_SECTIONS:
        table = report.targets.get(section)
        if table is None:
            continue
        yield "subheading", t(f"panel_targets_{section}", lang, n=len(table))
        yield ("table", table) if len(table) else ("text", t("panel_no_targets", lang))
    yield "heading", t("report_sources", lang)
    for source in report.sources:
        yield "text", source
    yield "heading", t("report_reproduce", lang)
    rows = [(t("report_created", lang), report.created.strftime("%Y-%m-%d %H:%M:%S")),
            (t("report_version", lang), f"mapapp {report.version}"),
            *((t("report_checksum", lang, scope=t(f"scope_{scope}", lang)), digest)
              for scope, digest in report.checksums.items())]
    if report.subject.command:
        rows.append((t("report_command", lang), f"mapapp report {report.subject.command} --lang {lang} --out report.pdf"))
    yield "table", pd.DataFrame(rows, columns=["", " "])
    yield "note", t("report_caveat", lang)


# --- PDF ----------------------------------------------------------------------------------------


@cache
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("mapapp-cjk", str(cjk_font()), subfontIndex=0))
    return "mapapp-cjk"


def report_pdf(report: CheckReport, excerpt: bytes) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _pdf_font()
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    styles = {"title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, spaceAfter=6),
              "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=17, spaceBefore=9, spaceAfter=3),
              "subheading": ParagraphStyle("sub", parent=base, fontSize=10, leading=14, spaceBefore=5, spaceAfter=2),
              "text": base, "note": ParagraphStyle("note", parent=base, fontSize=8, leading=11,
                                                   textColor=colors.HexColor("#555555"))}
    cell = ParagraphStyle("cell", parent=base, fontSize=7.5, leading=10)
    width = A4[0] - 36 * mm
    story: list = []
    for kind, payload in _blocks(report, excerpt):
        if kind == "image":  # kept on one page with its heading
            story.append(KeepTogether([story.pop(), Image(io.BytesIO(payload), width=width, height=width * 4.4 / 6.4)]))
        elif kind == "table":
            frame: pd.DataFrame = payload  # type: ignore[assignment]
            header = [] if all(not str(c).strip() for c in frame.columns) else [list(frame.columns)]
            rows = [[Paragraph(escape(str(v)), cell) for v in row] for row in header + frame.astype(str).values.tolist()]
            table = Table(rows, colWidths=_widths(frame, width), repeatRows=1 if header else 0)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       *([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))] if header else [])]))
            story += [table, Spacer(1, 4)]
        else:
            story.append(Paragraph(escape(str(payload)), styles[kind]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=t("report_title", report.lang), author="mapapp")
    doc.build(story)
    return buffer.getvalue()


def _widths(frame: pd.DataFrame, width: float) -> list[float]:
    """Columns in proportion to their longest text, none narrower than a tenth of the page."""
    lengths = [max([len(str(c))] + [len(str(v)) for v in frame[c]]) for c in frame.columns]
    shares = [min(max(n, 8), 60) for n in lengths]
    return [width * s / sum(shares) for s in shares]


# --- Word ---------------------------------------------------------------------------------------


def report_docx(report: CheckReport, excerpt: bytes) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # Word's own Chinese font
    for kind, payload in _blocks(report, excerpt):
        if kind == "title":
            document.add_heading(str(payload), level=0)
        elif kind in ("heading", "subheading"):
            document.add_heading(str(payload), level=1 if kind == "heading" else 2)
        elif kind == "image":
            document.add_picture(io.BytesIO(payload), width=Cm(16))  # type: ignore[arg-type]
        elif kind == "table":
            frame: pd.DataFrame = payload  # type: ignore[assignment]
            header = any(str(c).strip() for c in frame.columns)
            table = document.add_table(rows=0, cols=len(frame.columns))
            table.style = "Table Grid"
            for row in ([list(frame.columns)] if header else []) + frame.astype(str).values.tolist():
                cells = table.add_row().cells
                for target, value in zip(cells, row):
                    target.text = str(value)
        else:
            paragraph = document.add_paragraph(str(payload))
            if kind == "note":
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_file(report: CheckReport, layers: dict[str, tuple[LayerSpec, gpd.GeoDataFrame]], fmt: str, *,
                progress: Progress = no_progress) -> bytes:
    """The report as `fmt` ("pdf" or "docx")."""
    progress(0.4, "map")
    excerpt = excerpt_png(report, layers)
    progress(0.7, fmt)
    data = report_pdf(report, excerpt) if fmt == "pdf" else report_docx(report, excerpt)
    progress(1.0, "done")
    return data
