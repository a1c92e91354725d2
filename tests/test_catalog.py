"""The thematic catalogue: schema and vocabularies, coverage, placement, and links between tables."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from mapapp.catalog import vocab
from mapapp.catalog.catalog import build_catalog, stale_layers
from mapapp.catalog.indicators import applicable, validate_indicator_rows
from mapapp.catalog.records import split_list
from mapapp.catalog.sites import SITE_FIELDS, Gazetteer, SiteRecord, validate_site_rows
from mapapp.filters import SiteFilter, matches
from mapapp.locations import RANGE_ACCURACY_M
from mapapp.paths import DATA_DIR

GOOD_ROW = {
    "id": "test_park", "name_zh": "测试园区", "name_en": "Test park", "kind": "park", "level": "provincial",
    "prefecture_zh": "鹰潭市", "county_zh": "贵溪市", "industries": "copper", "sources": "000_x.txt 二(四)",
}


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


def test_committed_sources_are_valid_and_layers_current(catalog):
    assert catalog.ok, {table: [str(e) for e in errs] for table, errs in catalog.errors.items() if errs}
    assert stale_layers(catalog) == [], "run scripts/build_sites.py"


def test_schema_is_pinned():
    assert SITE_FIELDS == (
        "id", "name_zh", "name_en", "kind", "level", "level_basis", "gbt37028_code", "prefecture_zh", "county_zh",
        "county_basis", "within_id", "town_zh", "industries",
        "circular_retrofit", "circular_retrofit_as_of", "circular_retrofit_source", "green_park",
        "green_park_as_of", "green_park_source", "area_ha", "sources", "notes", "notes_zh",
    )
    assert set(vocab.RETROFIT_STATUSES) == {"completed", "in_progress", "pilot", "planned", "not_started", "unknown"}
    assert {"copper", "tungsten", "rare_earth", "photovoltaic", "lithium", "LED", "aviation"} <= set(vocab.INDUSTRIES)


def test_every_gbt37028_zone_is_a_site_exactly_once(catalog):
    """The standard's 100 Jiangxi zones (read independently of the merge script) each on one row."""
    lines = [line for line in (DATA_DIR / "sources" / "gbt37028_jiangxi.csv").read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    zones = {row["code"]: row for row in csv.DictReader(lines)}
    assert len(zones) == 100
    coded = catalog.sites[catalog.sites.gbt37028_code != ""]
    assert sorted(coded.gbt37028_code) == sorted(zones) and coded.gbt37028_code.is_unique
    national = coded[coded.gbt37028_code.str[2] == "1"]
    assert set(national.level) == {"national"}
    for row in coded.itertuples():
        zone = zones[row.gbt37028_code]
        if zone["parent_adcode"]:  # the standard places national zones in their prefecture
            assert row.prefecture_adcode == zone["parent_adcode"].ljust(6, "0"), row.id
        assert f"GB/T 37028-2018《全国主要经济功能区分类与代码》, code {row.gbt37028_code}" in row.sources
        if row.id.startswith("zone_"):  # new rows claim nothing the standard does not give
            assert row.industries == "unknown" and row.circular_retrofit == "unknown" and row.green_park == "unknown"
            assert row.county_basis == ("zone_name" if row.county_zh != "unknown" else "")


def test_a_county_inferred_from_a_zone_name_is_that_name(catalog):
    inferred = catalog.sites[catalog.sites.county_basis == "zone_name"]
    assert len(inferred) > 40
    for row in inferred.itertuples():
        stem = row.county_zh[:-1] if len(row.county_zh) > 2 else row.county_zh
        assert stem in row.name_zh, (row.id, row.county_zh)


def test_no_status_is_stronger_than_its_source(catalog):
    """A pilot designation is not evidence that retrofit is under way (issue 10): nothing says it is."""
    sites = catalog.sites
    assert not (sites.circular_retrofit == "in_progress").any()
    pilots = sites[sites.circular_retrofit == "pilot"]
    assert len(pilots) == 9 and pilots.circular_retrofit_source.str.len().gt(0).all()


def test_the_chemical_filter_finds_every_chemical_park(catalog):
    sites = catalog.sites
    chemical_parks = set(sites.loc[sites.kind == "chemical_park", "id"])
    assert len(chemical_parks) == 22
    found = set(sites.loc[matches(sites, SiteFilter(industries=("chemicals",))), "id"])
    assert chemical_parks <= found


def test_a_chemical_park_without_the_chemical_industry_is_refused():
    row = GOOD_ROW | {"kind": "chemical_park", "industries": "salt_chemicals"}
    _, errors = validate_site_rows([row])
    assert errors and "chemicals" in errors[0].message


def test_coverage_of_named_places(catalog):
    names = " ".join(catalog.sites.name_zh)
    for place in ["丰城", "鹰潭", "赣州", "新余", "贵溪", "上饶", "萍乡", "万载", "永丰"]:
        assert place in names, place
    kinds = catalog.sites.kind.value_counts()
    assert len(catalog.sites) > 60 and kinds["chemical_park"] == 22
    assert (catalog.sites.level == "national").sum() >= 20  # 11 ETDZs + 9 high-tech zones
    assert catalog.sites.sources.str.len().min() > 5


def test_every_status_claim_cites_a_source(catalog):
    sites = catalog.sites
    claimed = sites[sites.circular_retrofit != "unknown"]
    assert len(claimed) > 0 and claimed.circular_retrofit_source.str.len().min() > 5
    green = sites[sites.green_park != "unknown"]
    assert green.green_park_source.str.len().min() > 5
    # Nobody has told us a retrofit is complete: no such status may appear without a new source.
    assert "completed" not in set(sites.circular_retrofit)


def test_filter_by_industry_copper(catalog):
    copper = catalog.sites[catalog.sites.industries.map(lambda s: "copper" in split_list(s))]
    assert {"鹰潭市", "上饶市"} <= set(copper.prefecture_zh)
    assert "贵溪市" in set(copper.county_zh)


def test_nothing_is_placed_more_precisely_than_known(catalog):
    """No public source gives a park's boundary or point: every site is the unit its record names."""
    sites = catalog.sites
    assert set(sites.location_kind) <= {"range", "none"}
    assert set(sites.location_precision) <= {"county", "prefecture", "none"}
    ranges = sites[sites.location_kind == "range"]
    assert ranges.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()  # a county is never a point
    assert (ranges.location_accuracy_m == RANGE_ACCURACY_M).all() and (ranges.location_datum == "gcj02").all()
    assert sites[sites.location_kind == "none"].geometry.isna().all()


def test_every_range_is_its_stated_county_or_prefecture(catalog, counties, prefectures):
    by_county = counties.set_index("adcode").geometry
    by_prefecture = prefectures.set_index("adcode").geometry
    for site in catalog.sites.itertuples():
        if site.location_precision == "county":
            assert by_county[site.county_adcode].equals(site.geometry), site.id
        if site.location_precision == "prefecture":
            assert by_prefecture[site.prefecture_adcode].equals(site.geometry), site.id


def test_clusters_link_to_sites_and_contain_them(catalog):
    clusters, sites = catalog.clusters, catalog.sites.set_index("id")
    assert {"yingtan_world_copper_capital", "ganzhou_rare_metal_valley", "shangrao_pv_cluster"} <= set(clusters.id)
    for cluster in clusters.itertuples():
        for site_id in split_list(cluster.member_site_ids):
            point = sites.geometry[site_id]
            if cluster.geometry is not None and point is not None:
                assert cluster.geometry.covers(point), (cluster.id, site_id)


def test_indicator_table_pins_known_values(catalog):
    table = catalog.indicators.set_index("id")
    assert table.loc["i000_tbl_solid_waste_util_2018", "value"] == 63
    assert table.loc["i000_tbl_water_reuse_2016", "value"] == 82.5
    assert table.loc["i003_co2_intensity_2025", "value"] == -18
    assert (table.filter(like="i000_tbl_", axis=0).target_year.isin([2016, 2017, 2018])).all()
    assert catalog.indicators.document.str.endswith(".txt").all() and catalog.indicators.clause.str.len().min() >= 1


def test_sites_link_to_industry_indicators(catalog):
    sites = catalog.sites.set_index("id")
    for site_id, row in sites.iterrows():
        linked = set(split_list(row.indicator_ids))
        expected = set(applicable(catalog.indicators, industries=split_list(row.industries), site_id=site_id).id)
        assert expected <= linked, site_id
    copper_site = sites.loc["yingtan_copper_scrap_base"]
    assert "i000_tbl_copper_energy_2018" in split_list(copper_site.indicator_ids)


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"kind": "factory"}, "kind", "not a site kind"),
        ({"circular_retrofit": "done"}, "circular_retrofit", "not a circular-retrofit status"),
        ({"circular_retrofit": "completed"}, "", "circular_retrofit_source is required"),
        ({"circular_retrofit_as_of": "last year"}, "circular_retrofit_as_of", "not a date"),
        ({"industries": "copper;gold"}, "industries", "'gold' is not a industry"),
        ({"id": "Bad Id"}, "id", "pattern"),
        ({"area_ha": "-3"}, "area_ha", "greater than 0"),
        ({"colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_site_validation_reports_row_column_and_reason(change, column, fragment):
    records, errors = validate_site_rows([GOOD_ROW, GOOD_ROW | {"id": "second"} | change])
    assert [r.id for r in records] == ["test_park"]
    assert len(errors) == 1 and errors[0].row == 2 and errors[0].column == column
    assert fragment in errors[0].message


def test_duplicate_ids_are_reported():
    _, errors = validate_site_rows([GOOD_ROW, GOOD_ROW])
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "id", "duplicate id")]


def test_gazetteer_rejects_county_outside_prefecture(prefectures, counties):
    gazetteer = Gazetteer(prefectures, counties)
    with pytest.raises(ValueError, match="does not belong"):
        gazetteer.place(SiteRecord(**(GOOD_ROW | {"prefecture_zh": "赣州市"})))
    placed = gazetteer.place(SiteRecord(**GOOD_ROW))
    assert placed.precision == "county" and placed.county_adcode == "360681"


def test_indicator_validation_rejects_unknown_document():
    row = {"id": "x", "indicator_zh": "x", "indicator_en": "x", "scope": "province", "scope_key": "jiangxi",
           "unit": "percent", "target_year": "2025", "value": "5", "direction": "reach",
           "document": "999.txt", "clause": "一"}
    records, errors = validate_indicator_rows([row, row | {"id": "y", "document": "001_5ab2a8d522d93fe6.txt"}])
    assert [r.id for r in records] == ["y"] and errors[0].column == "document"


def test_the_retrofit_target_is_there_and_the_power_targets_reach_the_plants(catalog):
    ind = catalog.indicators.set_index("id")
    target = ind.loc["i001_dev_zone_circular_retrofit_2025"]
    assert "全部实施循环化改造" in target.indicator_zh and target.clause == "二(二)"
    plants = catalog.sites[catalog.sites.industries.map(lambda s: "coal_power" in split_list(s))]
    assert len(plants) == 6
    for ids in plants.indicator_ids:
        assert "i000_tbl_power_coal_2016" in split_list(ids)
    assert not [i for i in ind.index if i.endswith("_16fyp")]


def test_leping_zone_and_its_chemical_park_are_two_rows(catalog):
    """The 2024 expansion's 1779.06 ha is the zone's; the recognised chemical park inside it has no known area."""
    sites = catalog.sites.set_index("id")
    zone, chem = sites.loc["leping_industrial_park"], sites.loc["leping_chemical_park"]
    assert zone.kind == "park" and zone.area_ha == 1779.06 and zone.gbt37028_code == "36299011"
    assert chem.kind == "chemical_park" and pd.isna(chem.area_ha) and chem.within_id == "leping_industrial_park"
    assert "chemicals" in split_list(chem.industries) and zone.industries == "unknown"


def test_levels_no_source_states_are_marked(catalog):
    sites = catalog.sites.set_index("id")
    assert sites.loc["shanggao_htz", "level_basis"] == sites.loc["xinfeng_htz", "level_basis"] == "inferred"
    # A chemical park's "provincial" is its recognition by the province, unless the standard gives the zone's level.
    chem = sites[(sites.kind == "chemical_park") & (sites.gbt37028_code == "")]
    assert set(chem.level_basis) == {"chemical_park_recognition"}
    assert sites.loc["hukou_htz", "level_basis"] == ""  # GB/T 37028: a provincial high-tech park


def test_chemical_zones_name_the_zone_that_holds_them(catalog):
    sites = catalog.sites.set_index("id")
    held = sites[sites.within_id != ""]
    assert len(held) >= 14 and held.within_id.isin(sites.index).all()
    assert sites.loc["jiujiang_petrochemical_industrial_park", "within_id"] == "jiujiang_etdz"


def test_a_holder_that_is_not_a_site_is_refused():
    _, errors = validate_site_rows([GOOD_ROW, GOOD_ROW | {"id": "inner", "within_id": "no_such_zone"}])
    assert [(e.row, e.column, e.message) for e in errors] == [(2, "within_id", "no such site")]
    _, errors = validate_site_rows([GOOD_ROW | {"within_id": "test_park"}])
    assert errors and "itself" in errors[0].message


def test_the_plants_due_to_close_their_125mw_units_say_so(catalog):
    sites = catalog.sites.set_index("id")
    for sid in ("pingxiang_power_plant", "jingdezhen_power_plant"):
        assert "125 MW-class units" in sites.loc[sid, "notes"] and "125MW级别机组" in sites.loc[sid, "notes_zh"]


def test_every_note_is_written_for_both_pages(catalog):
    for frame in (catalog.sites, catalog.clusters):
        written = frame[frame.notes.str.len() > 0]
        assert (written.notes_zh.str.len() > 0).all(), list(written.loc[written.notes_zh == "", "id"])
        assert not written.notes_zh.str.contains("facts.md|_[0-9a-f]{16}\\.txt").any()


def test_targets_reach_the_places_their_clause_names(catalog):
    """000 三(二): 各设区市建成区 (each prefecture's target); 001 二(一): 钢铁、水泥、平板玻璃、合成氨."""
    ind = catalog.indicators.set_index("id")
    assert (ind.loc["i000_coal_boiler_threshold_2018", "scope"], ind.loc["i000_coal_boiler_threshold_2018", "scope_key"]) == (
        "prefecture", "all")
    sites = catalog.sites.set_index("id")
    assert "i000_coal_boiler_threshold_2018" in split_list(sites.loc["jiujiang_etdz", "indicator_ids"])
    steel = sites[sites.industries.map(lambda s: "steel" in split_list(s))]
    assert len(steel) and all("i001_benchmark_share_2025" in split_list(ids) for ids in steel.indicator_ids)
    copper = sites.loc["yingtan_copper_scrap_base"]
    assert "i001_benchmark_share_2025" not in split_list(copper.indicator_ids)


def test_a_prefecture_target_must_name_a_prefecture():
    row = {"id": "x", "indicator_zh": "x", "indicator_en": "x", "scope": "prefecture", "scope_key": "jiangxi",
           "unit": "percent", "target_year": "2025", "value": "5", "direction": "reach",
           "document": "001_5ab2a8d522d93fe6.txt", "clause": "一"}
    records, errors = validate_indicator_rows([row, row | {"id": "y", "scope_key": "九江市"}])
    assert [r.id for r in records] == ["y"] and "prefecture" in errors[0].message
