"""Printed maps and site-check reports, read back with poppler (pdftotext, pdfinfo, pdffonts) and python-docx."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from mapapp.cli import main
from mapapp.export import resolve_region
from mapapp.i18n import t
from mapapp.layers import load_layer, load_specs
from mapapp.outputs import fonts
from mapapp.outputs.mapprint import MapContent, PrintOptions, _figure_box, _numbered_list, print_map
from mapapp.outputs.report_files import report_file
from mapapp.outputs.site_check import (
    SCOPES,
    build_report,
    load_report_data,
    point_subject,
    site_subject,
)
from mapapp.paths import ROOT
from mapapp.pointcheck import check
from mapapp.register.store import open_register, register_catalog
from mapapp.rules import RULES

NEAR_YANGTZE = (116.0, 29.73)  # 九江 city, about 600 m from the Yangtze
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def sites():
    return register_catalog(open_register()).sites


@pytest.fixture(scope="module")
def report_data(sites):
    return load_report_data(sites)


# --- printed maps -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yingtan(prefectures, counties, province):
    return resolve_region("鹰潭市", prefectures=prefectures, counties=counties, province=province)


@pytest.fixture(scope="module")
def yingtan_content(yingtan, sites, counties):
    specs = load_specs()
    layers = {i: (specs[i], load_layer(i)) for i in ("counties", "water_areas", "river_lines", "zone_jiangxi_1000m")}
    return MapContent(yingtan, "鹰潭市", layers, sites, "行业：铜", units=counties, day=date(2026, 12, 5))


@needs_poppler
def test_pdf_print_of_yingtan_is_a4_landscape_with_its_parts_in_chinese(yingtan_content, tmp_path):
    path = tmp_path / "yingtan.pdf"
    path.write_bytes(print_map(yingtan_content, PrintOptions(paper="A4", orientation="landscape", fmt="pdf")))
    assert "841.89 x 595.276 pts (A4)" in pdf_info(path)
    text = pdf_text(path)
    for part in ("鹰潭市绿色工业地图", "图例", "岸线1公里管控范围", "北", "20 km", "贵溪", "行业：铜", "GSHHG",
                 "2026-12-05", "数据来源与精度"):
        assert part in text, part
    fonts_used = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts_used and " yes yes yes " in fonts_used  # embedded, subset, with a Unicode map


@needs_poppler
def test_pdf_print_renders_as_a_picture_with_a_map_on_it(yingtan_content, tmp_path):
    path = tmp_path / "yingtan.pdf"
    path.write_bytes(print_map(yingtan_content, PrintOptions(fmt="pdf")))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    picture = Image.open(tmp_path / "page-1.png").convert("RGB")
    colours = {picture.getpixel((x, y)) for x in range(0, picture.width, 4) for y in range(0, picture.height, 4)}
    assert picture.width > picture.height and len(colours) > 50  # landscape, and drawn on


def test_png_print_a3_portrait_has_the_papers_pixels_in_english(yingtan_content):
    data = print_map(yingtan_content, PrintOptions(paper="A3", orientation="portrait", fmt="png", dpi=60, lang="en"))
    picture = Image.open(io.BytesIO(data))
    assert picture.size == (int(297 / 25.4 * 60), int(420 / 25.4 * 60))


def test_the_numbered_names_shrink_to_stay_above_the_notes():
    """Regression: on an English sheet the list of numbered sites ran into the notes below it."""
    fig = Figure(figsize=(11.69, 8.27))
    renderer = FigureCanvasAgg(fig).get_renderer()
    entries = ["Numbers on the map", *(f"{n}  A long English site name, number {n}" for n in range(1, 20))]
    _numbered_list(fig, renderer, (0.73, 0.40), 0.20, entries)
    [listed] = fig.texts
    assert _figure_box(fig, listed, renderer).y0 >= 0.20 and listed.get_fontsize() < 5.5


def test_an_english_sheets_legend_stays_on_the_sheet(yingtan_content):
    data = print_map(yingtan_content, PrintOptions(paper="A4", orientation="landscape", fmt="png", dpi=60, lang="en"))
    picture = Image.open(io.BytesIO(data)).convert("L")
    right_edge = [picture.getpixel((picture.width - 1, y)) for y in range(picture.height)]
    assert min(right_edge) > 200  # nothing dark drawn at the paper's edge (the long layer name is wrapped)


def test_print_options_are_checked():
    from mapapp._errors import OptionError

    with pytest.raises(OptionError, match="unsupported paper A5"):
        PrintOptions(paper="A5")


def test_missing_font_is_a_clear_message(monkeypatch, yingtan_content):
    monkeypatch.setattr(fonts, "CANDIDATES", ("/nonexistent/font.ttc",))
    fonts.cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontMissingError, match="fonts-wqy-microhei"):
            print_map(yingtan_content, PrintOptions(fmt="png", dpi=30))
    finally:
        fonts.cjk_font.cache_clear()


def test_cli_print_writes_the_sheet_with_progress_and_refuses_other_suffixes(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["print", "--region", "鹰潭市", "--out", str(out), "--dpi", "50"]) == 0
    err = capsys.readouterr().err
    assert "print: 100% done" in err and "wrote" in err and Image.open(out).size == (int(297 / 25.4 * 50),
                                                                                       int(210 / 25.4 * 50))
    assert main(["print", "--region", "鹰潭市", "--out", str(tmp_path / "map.svg")]) == 2
    assert "a print is a .pdf or .png file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


# --- site-check reports -------------------------------------------------------------------------


def test_report_for_a_point_says_what_the_page_says(report_data, counties):
    report = build_report(point_subject(*NEAR_YANGTZE), report_data, lang="zh")
    assert [(c.scope, c.distance_m) for c in report.checks] == [(s, d) for s in SCOPES for d in (1000.0, 5000.0)]
    for c in report.checks:
        page = check(*NEAR_YANGTZE, datum="wgs84", scope=c.scope, threshold_m=c.distance_m, counties=counties)
        assert c.verdict.verdict == page.verdict
        assert c.verdict.nearest.startswith(t("metres", "zh", n=page.distance_m))
    assert report.nearest_water == "长江（江西段）" and report.nearest_m == pytest.approx(614, abs=2)
    assert report.nearest_line is not None and set(report.checksums) == set(SCOPES)
    assert ("设区市 / 县（市、区）", "九江市 / 濂溪区") in report.facts or any("九江市" in v for _, v in report.facts)


@needs_poppler
def test_report_pdf_holds_verdicts_rules_targets_sources_and_checksums(report_data, tmp_path):
    report = build_report(point_subject(*NEAR_YANGTZE), report_data, lang="zh")
    path = tmp_path / "report.pdf"
    path.write_bytes(report_file(report, report_data.layers, "pdf"))
    text = "".join(pdf_text(path).split())  # the layout breaks lines anywhere
    for part in ("选址核查报告", "无法确定", "长江（江西段）", "严禁在长江干支流岸线1公里范围内新建", "《江西省工业领域碳达峰实施方案》三（一）3",
                 "专栏2", "据转载", "全省目标", "GSHHG", report.checksums["jiangxi"][:40],
                 f"mapapp report --point {NEAR_YANGTZE[0]:.6f},{NEAR_YANGTZE[1]:.6f}"):
        assert part.replace(" ", "") in text, part


def test_report_docx_for_a_site_has_its_attributes_and_tables(report_data, sites, tmp_path):
    site = sites.set_index("id", drop=False).loc["jiujiang_petrochemical_industrial_park"]
    report = build_report(site_subject(site), report_data, lang="en")
    document = docx.Document(io.BytesIO(report_file(report, report_data.layers, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    assert "Site-check report" in text and "Jiujiang Petrochemical Industrial Park" in cells
    assert "Jiujiang Economic and Technological Development Zone" in cells  # the zone holding it, by name
    assert any(c.startswith("Uncertain") for c in cells)  # known only to its prefecture
    assert len(document.inline_shapes) == 1  # the map excerpt


def test_cli_report_for_a_boundary_file_and_its_errors(tmp_path, capsys):
    boundary = tmp_path / "plot.geojson"
    boundary.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[115.99, 29.72], [116.01, 29.72], [116.01, 29.735], [115.99, 29.735], [115.99, 29.72]]]}}), encoding="utf-8")
    out = tmp_path / "plot.docx"
    assert main(["report", "--boundary", str(boundary), "--out", str(out), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "report: 100% done" in err and "jiangxi 1000 m: within" in err
    cells = {c.text for table in docx.Document(out).tables for row in table.rows for c in row.cells}
    assert any("ha" in c and "%" in c for c in cells)  # the area within, as a share
    for args, fragment in ((["--site", "no_such_site"], "no site with id no_such_site"),
                           (["--point", "116,29.7", "--out", str(tmp_path / "r.txt")], "a report is a .pdf or .docx"),
                           (["--point", "200,29"], "far from Jiangxi")):
        full = ["report", *args] + ([] if "--out" in args else ["--out", str(tmp_path / "r.pdf")])
        assert main(full) == 2
        assert fragment in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.docx", "plot.geojson"]


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the plan texts (shared/seeds) are not beside this checkout")
def test_quoted_rules_are_the_plans_own_words():
    plans = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    quoted = [r for r in RULES if r.quoted]
    assert quoted and all(r.quote_zh in plans for r in quoted)


def test_a_boundary_outside_jiangxi_is_not_checked_and_the_report_says_why(report_data):
    import shapely

    from mapapp.outputs.site_check import boundary_subject

    report = build_report(boundary_subject(shapely.box(115.95, 29.85, 115.98, 29.87), label="湖北一侧"), report_data,
                          lang="zh")  # across the Yangtze from 九江: Hubei
    assert {c.verdict.verdict for c in report.checks} == {"invalid"}
    assert all("在江西省外" in c.verdict.said for c in report.checks) and report.nearest_m is None
