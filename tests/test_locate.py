"""`mapapp data locate`: boundaries and points brought in from the files surveyors and planners hold,
in the CRS and encodings they come in, attached to sites with every bad row refused and named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from mapapp_cli import run_cli
from pyproj import Transformer
from shapely.geometry import Polygon

from mapapp.geo import GEOD
from mapapp.layers import load_layer
from mapapp.register.changes import history
from mapapp.register.store import located_sites, open_register, register_catalog

SITE = "yingtan_copper_scrap_base"  # registered in 贵溪市
OTHER = "guixi_etdz"


def square(lon: float, lat: float, side_m: float = 400.0) -> Polygon:
    """A square of `side_m` with its south-west corner at (lon, lat), sides measured on the ellipsoid."""
    east = GEOD.fwd(lon, lat, 90, side_m)[:2]
    north = GEOD.fwd(lon, lat, 0, side_m)[:2]
    return Polygon([(lon, lat), (east[0], lat), (east[0], north[1]), (lon, north[1])])


@pytest.fixture(scope="module")
def guixi_point() -> tuple[float, float]:
    counties = load_layer("counties")
    p = counties.loc[counties.name_zh == "贵溪市", "geometry"].item().representative_point()
    return p.x, p.y


def zipped(archive: Path, files: list[Path]) -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for file in files:
            z.write(file, file.name)
    return archive


PASSWORD = "correct horse battery"


def register_of(data_dir: Path):
    return open_register(f"sqlite:///{data_dir.parent / 'var' / 'register.sqlite'}")


def located(data_dir: Path) -> gpd.GeoDataFrame:
    """The sites as the register now places them."""
    engine = register_of(data_dir)
    try:
        return register_catalog(engine).sites.set_index("id")
    finally:
        engine.dispose()


def locate(data_dir: Path, *args: str):
    """`mapapp data locate ARGS` by a reviewer of the data copy's register (made on first use)."""
    made = run_cli(data_dir, "users", "add", "rv", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0 or "exists already" in made.stderr, made.stderr
    return run_cli(data_dir, "data", "locate", *args, "--user", "rv", env={"MAPAPP_PASSWORD": PASSWORD})


def test_a_geojson_boundary_by_id_is_stored_with_its_provenance_and_audited(data_copy, tmp_path, guixi_point):
    park = square(*guixi_point)
    upload = tmp_path / "parks.geojson"
    gpd.GeoDataFrame({"site_id": [SITE], "accuracy_m": [5.0]}, geometry=[park], crs=4326).to_file(upload)
    done = locate(data_copy, str(upload), "--source", "贵溪市自然资源局 2025 年勘测定界图",
                   "--captured", "2025-06")
    assert done.returncode == 0, done.stderr
    assert f"{SITE}: range -> boundary" in done.stdout
    site = located(data_copy).loc[SITE]
    assert site.location_kind == "boundary" and site.location_accuracy_m == 5.0
    assert site.location_source == "贵溪市自然资源局 2025 年勘测定界图" and site.location_captured == "2025-06"
    assert _max_vertex_gap_m(site.geometry, park) < 0.2  # stored to 6 decimals of a degree
    engine = register_of(data_copy)
    last = history(engine, SITE)[-1]
    engine.dispose()
    assert (last.action, last.author, last.old["location"], last.new["location"]["kind"]) == ("locate", "rv", None, "boundary")


def test_bad_rows_are_refused_by_row_and_reason_and_the_good_ones_applied(data_copy, tmp_path, guixi_point):
    lon, lat = guixi_point
    bow_tie = Polygon([(lon, lat), (lon + 0.01, lat + 0.01), (lon + 0.01, lat), (lon, lat + 0.01)])
    nanchang = (115.9, 28.68)
    rows = [
        ({"site_id": SITE}, square(lon, lat)),
        ({"site_id": "no_such_site"}, square(lon, lat)),
        ({"site_id": OTHER}, bow_tie),
        ({"site_id": "pingxiang_etdz"}, square(*nanchang)),  # registered in Pingxiang, drawn in Nanchang
    ]
    upload = tmp_path / "mixed.geojson"
    gpd.GeoDataFrame([r for r, _ in rows], geometry=[g for _, g in rows], crs=4326).to_file(upload)
    before = located(data_copy)
    done = locate(data_copy, str(upload), "--source", "test survey", "--accuracy", "2")
    assert done.returncode == 1
    assert "row 2: no site with id 'no_such_site'" in done.stderr
    assert "row 3: invalid boundary" in done.stderr and "0.1%" in done.stderr
    assert "row 4: the location lies about" in done.stderr and "outside the county or prefecture" in done.stderr
    after = located(data_copy)
    assert after.loc[SITE, "location_kind"] == "boundary"
    for sid in (OTHER, "pingxiang_etdz"):
        assert after.loc[sid, "location_kind"] == "range"
        assert after.loc[sid, "geometry"].equals(before.loc[sid, "geometry"])


def test_no_accuracy_means_no_location(data_copy, tmp_path, guixi_point):
    upload = tmp_path / "p.geojson"
    gpd.GeoDataFrame({"site_id": [SITE]}, geometry=[square(*guixi_point)], crs=4326).to_file(upload)
    done = locate(data_copy, str(upload), "--source", "x survey")
    assert done.returncode == 1 and "--accuracy" in done.stderr
    assert located(data_copy).loc[SITE, "location_kind"] == "range"


def test_a_gbk_shapefile_in_gauss_kruger_without_cpg_lands_within_a_metre(data_copy, tmp_path, guixi_point):
    park = square(*guixi_point)
    name = located(data_copy).loc[SITE, "name_zh"]
    shp = tmp_path / "shp" / "parks.shp"
    shp.parent.mkdir()
    gpd.GeoDataFrame({"name_zh": [name]}, geometry=[park], crs=4326).to_crs(4548).to_file(shp, encoding="GBK")
    for cpg in shp.parent.glob("*.cpg"):
        cpg.unlink()
    assert name.encode("gbk") in shp.with_suffix(".dbf").read_bytes()
    upload = zipped(tmp_path / "parks.zip", list(shp.parent.iterdir()))
    done = locate(data_copy, str(upload), "--source", "规划图", "--accuracy", "1")
    assert done.returncode == 0, done.stderr
    site = located(data_copy).loc[SITE]
    assert site.location_datum == "EPSG:4548"
    assert _max_vertex_gap_m(site.geometry, park) < 1.0


def test_a_dxf_needs_its_crs_named(data_copy, tmp_path, guixi_point):
    park = square(*guixi_point)
    dxf = tmp_path / "plan.dxf"
    projected = gpd.GeoSeries([park], crs=4326).to_crs(4527).iloc[0]  # zone 39 with the prefix
    gpd.GeoDataFrame({"Layer": [SITE]}, geometry=[projected]).to_file(dxf, driver="DXF")
    refused = locate(data_copy, str(dxf), "--source", "CAD 图", "--accuracy", "1")
    assert refused.returncode == 2 and "--crs" in refused.stderr
    done = locate(data_copy, str(dxf), "--source", "CAD 图", "--accuracy", "1", "--zone", "39")
    assert done.returncode == 0, done.stderr
    assert _max_vertex_gap_m(located(data_copy).loc[SITE].geometry, park) < 1.0


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_kml_and_kmz_by_name(data_copy, tmp_path, guixi_point, suffix):
    park = square(*guixi_point)
    name = located(data_copy).loc[SITE, "name_zh"]
    kml = tmp_path / "doc.kml"
    gpd.GeoDataFrame({"Name": [name]}, geometry=[park], crs=4326).to_file(kml, driver="KML")
    upload = kml
    if suffix == ".kmz":
        upload = zipped(tmp_path / "parks.kmz", [kml])
    done = locate(data_copy, str(upload), "--source", "奥维地图标注", "--accuracy", "10")
    assert done.returncode == 0, done.stderr
    assert _max_vertex_gap_m(located(data_copy).loc[SITE].geometry, park) < 1.0


def test_survey_coordinate_text_in_zone_39_lands_within_a_metre(data_copy, tmp_path, guixi_point):
    park = square(*guixi_point)
    to_gk = Transformer.from_crs(4326, 4527, always_xy=True)
    name = located(data_copy).loc[SITE, "name_zh"]
    lines = ["[属性描述]", "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米", "带号=39",
             "[地块坐标]", f"5,16.0000,1,{name},面,,工业用地,,@"]
    ring = list(park.exterior.coords)
    for i, (lon, lat) in enumerate(ring, start=1):
        east, north = to_gk.transform(lon, lat)
        lines.append(f"J{i if i < len(ring) else 1},1,{north:.3f},{east:.3f}")
    upload = tmp_path / "界址点.txt"
    upload.write_bytes("\r\n".join(lines).encode("gbk"))
    done = locate(data_copy, str(upload), "--source", "报批坐标文件", "--accuracy", "0.05")
    assert done.returncode == 0, done.stderr
    site = located(data_copy).loc[SITE]
    assert site.location_datum == "EPSG:4527"
    assert _max_vertex_gap_m(site.geometry, park) < 1.0


def test_a_point_table_in_gcj02_is_converted(data_copy, tmp_path, guixi_point):
    from mapapp.datum import from_wgs84

    lon, lat = guixi_point
    glon, glat = from_wgs84(lon, lat, "gcj02")
    upload = tmp_path / "points.csv"
    upload.write_text(f"site_id,经度,纬度,accuracy_m\n{SITE},{float(glon):.7f},{float(glat):.7f},30\n", encoding="utf-8")
    done = locate(data_copy, str(upload), "--source", "高德地图拾取", "--datum", "gcj02")
    assert done.returncode == 0, done.stderr
    site = located(data_copy).loc[SITE]
    assert site.location_kind == "point" and site.location_datum == "gcj02"
    assert GEOD.inv(site.geometry.x, site.geometry.y, lon, lat)[2] < 0.5


def test_a_dry_run_writes_nothing(data_copy, tmp_path, guixi_point):
    upload = tmp_path / "p.geojson"
    gpd.GeoDataFrame({"site_id": [SITE], "accuracy_m": [1]}, geometry=[square(*guixi_point)], crs=4326).to_file(upload)
    done = locate(data_copy, str(upload), "--source", "x survey", "--dry-run")
    assert done.returncode == 0 and "dry run" in done.stderr
    engine = register_of(data_copy)
    assert len(located_sites(engine)) == 0 and [c.action for c in history(engine, SITE)] == ["seed"]
    engine.dispose()


def _max_vertex_gap_m(got: shapely.Geometry, want: Polygon) -> float:
    """The largest ground distance from a vertex of `want` to the nearest vertex of `got`."""
    ours = shapely.get_coordinates(got)
    worst = 0.0
    for lon, lat in want.exterior.coords:
        worst = max(worst, min(GEOD.inv(lon, lat, x, y)[2] for x, y in ours))
    return worst


def test_a_damaged_locations_file_is_not_loaded(data_copy, tmp_path, guixi_point):
    """Loading would drop the rows it cannot read: the register is not seeded from it, and says why."""
    stored = data_copy / "sources" / "locations.geojson"
    bad = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "site_id": OTHER, "kind": "boundary", "accuracy_m": 1, "source": "hand edit", "datum": "wgs84", "added": "2026"},
        "geometry": {"type": "Point", "coordinates": [117.2, 28.2]}}]}
    stored.write_text(json.dumps(bad), encoding="utf-8")
    upload = tmp_path / "p.geojson"
    gpd.GeoDataFrame({"site_id": [SITE], "accuracy_m": [1]}, geometry=[square(*guixi_point)], crs=4326).to_file(upload)
    done = run_cli(data_copy, "data", "locate", str(upload), "--source", "x survey", "--user", "rv",
                   env={"MAPAPP_PASSWORD": PASSWORD})
    assert done.returncode == 2 and "nothing was loaded" in done.stderr and "row 1" in done.stderr
    assert json.loads(stored.read_text(encoding="utf-8")) == bad


def test_a_point_with_a_height_and_named_columns(data_copy, tmp_path, guixi_point):
    lon, lat = guixi_point
    upload = tmp_path / "gps.csv"
    upload.write_text(f"编号,E,N,精度\n{SITE},{lon},{lat},8\n", encoding="utf-8")
    plain = locate(data_copy, str(upload), "--source", "GPS")
    assert plain.returncode == 2 and "--lon-col" in plain.stderr
    done = locate(data_copy, str(upload), "--source", "GPS", "--lon-col", "E", "--lat-col", "N")
    assert done.returncode == 0, done.stderr
    site = located(data_copy).loc[SITE]
    assert site.location_kind == "point" and site.location_accuracy_m == 8 and not site.geometry.has_z
