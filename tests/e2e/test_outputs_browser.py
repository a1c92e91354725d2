"""Taking things away, in a real browser: a prefecture exported as a GBK Shapefile in Gauss-Krüger and
read by GDAL, a printed PDF of the prefecture, and a site-check report for a clicked point that says
what the page says."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pyogrio
import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from conftest import MapPage

pytestmark = pytest.mark.e2e


def test_jiujiang_as_a_gbk_shapefile_in_gauss_kruger_then_printed(app: MapPage, tmp_path: Path) -> None:
    app.open()
    panel = app.tab("导出与打印")
    app.rerun(panel.get_by_text("设区市", exact=True).click)  # the region radio
    app.pick(panel, "设区市", "九江", "九江市")
    app.pick(panel, "格式", "Shape", "Shapefile（zip 压缩包）")
    app.pick(panel, "坐标系", "117", "CGCS2000 3度带高斯-克吕格，中央经线117°E（EPSG:4548）")
    app.rerun(panel.get_by_text("GBK", exact=True).click)
    download = app.make_and_download(panel, ".zip")
    assert re.match(r"江西_九江市_sites-water_areas-river_lines_EPSG4548_\d{8}\.zip$", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sites = pyogrio.read_dataframe(f"/vsizip/{path}", layer="sites")
    assert sites.crs.to_epsg() == 4548 and "九江经开区" in set(sites["name_zh"])
    info = subprocess.run(["ogrinfo", "-ro", "-so", f"/vsizip/{path}", "sites"], capture_output=True, text=True,
                          check=True).stdout
    assert 'ID["EPSG",4548]' in info
    expect(panel.get_by_text("超过 DBF 的 254 字节上限", exact=False)).to_be_visible()  # said, not hidden

    # The same region printed as a PDF (the second 生成文件 button is the print's).
    printed = app.make_and_download(panel, ".pdf", nth=1)
    pdf = tmp_path / "print.pdf"
    printed.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "九江市绿色工业地图" in text and "图例" in text


def test_report_for_a_clicked_point_says_what_the_page_says(app: MapPage, tmp_path: Path) -> None:
    lon, lat = 116.0, 29.73  # 九江 city, about 600 m from the Yangtze
    app.open(f"?view={lat},{lon},12")
    app.map_iframe().scroll_into_view_if_needed()
    x, y = app.point_of(lon, lat)
    assert app.map_action(lambda: app.page.mouse.click(x, y)), "a map click must rerun the page"
    said = app.page.get_by_test_id("stMain").get_by_test_id("stAlertContentInfo")
    expect(said).to_contain_text("核查点")
    page_verdict = re.search(r"(在管控范围内|在管控范围外|无法确定)", said.inner_text()).group(1)
    page_distance = re.search(r"([\d,]+) ?米", said.inner_text()).group(1)

    panel = app.tab("选址核查")
    expect(panel.get_by_text("报告针对最后核查的点", exact=False)).to_be_visible()
    download = app.make_and_download(panel, ".pdf")
    assert re.match(r"选址核查报告_11[56]\.\d{6}_29\.7\d{5}_\d{8}\.pdf$", download.suggested_filename)
    path = tmp_path / "report.pdf"
    download.save_as(path)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert page_verdict in text and f"{page_distance}米" in text and "长江（江西段）" in text
    assert "严禁在长江干支流岸线1公里范围内新建" in text and "SHA-256" in text


def test_a_point_typed_after_a_map_click_is_the_one_shown_and_reported(app: MapPage) -> None:
    """Regression: the report was for the earlier map click while the check tab showed the typed
    point; and the map, still reporting its last click, replaced a typed or searched point with it."""
    app.open()
    box = app.map_iframe().bounding_box()
    assert app.map_action(lambda: app.page.mouse.click(box["x"] + 200, box["y"] + 300))
    panel = app.tab("选址核查")
    panel.get_by_role("textbox", name="经度").fill("116.0")
    panel.get_by_role("textbox", name="纬度").fill("29.73")
    app.rerun(panel.get_by_role("button", name="核查", exact=True).click)
    app.settle()
    beside_map = app.panel().get_by_test_id("stAlertContentInfo").first
    expect(beside_map).to_contain_text("核查点 116.000000, 29.730000")
    expect(panel.get_by_test_id("stAlertContentWarning")).to_contain_text("核查点 116.000000, 29.730000")
    download = app.make_and_download(panel, ".pdf")
    assert download.suggested_filename.startswith("选址核查报告_116.000000_29.730000_")
    app.assert_clean()
