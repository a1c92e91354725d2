"""The targets tab's tables: filters, whom a target binds, the 2016-2018 table, and where a target applies."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.catalog.catalog import build_catalog
from mapapp.paths import DATA_DIR
from mapapp.plan_targets import TargetFilter, applies_to, over_years, select, table
from mapapp.storage import read_csv_records


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


def test_the_2016_2018_table_has_its_ten_rows_and_three_years(catalog):
    years = over_years(catalog.indicators, "zh", {})
    assert len(years) == 10 and {"2016", "2017", "2018"} <= set(years.columns)
    raw = {r["id"]: float(r["value"]) for r in read_csv_records(DATA_DIR / "sources" / "indicators.csv") if r["value"]}
    solid = years[years["指标"].str.contains("工业固体废弃物综合利用率")].iloc[0]
    assert [solid["2016"], solid["2017"], solid["2018"]] == [raw[f"i000_tbl_solid_waste_util_{y}"] for y in (2016, 2017, 2018)]
    assert solid["各年目标值"] == [59.0, 61.0, 63.0]
    assert "《江西工业绿色发展三年行动计划（2016-2018）》" in solid["来源"] and ".txt" not in solid["来源"]


def test_filters_by_jurisdiction_industry_year_and_document(catalog):
    i = catalog.indicators
    national = select(i, TargetFilter(jurisdictions=("national",)))
    assert len(national) == int((i.scope == "national").sum()) > 0
    steel = select(i, TargetFilter(industries=("steel",)))
    assert len(steel) and (steel.scope == "industry").all() and steel.scope_key.str.contains("steel").all()
    in_2025 = select(i, TargetFilter(years=(2025,), documents=("001_5ab2a8d522d93fe6.txt",)))
    assert len(in_2025) and (in_2025.target_year == 2025).all() and (in_2025.document == "001_5ab2a8d522d93fe6.txt").all()


def test_the_table_names_documents_by_title_and_whom_each_target_binds(catalog):
    shown = table(catalog.indicators, "zh", {"360400": "九江市"})
    assert list(shown.columns[:3]) == ["指标", "适用范围", "年份"]
    assert not shown["来源"].str.contains(r"\.txt").any()
    assert shown.loc["i000_ind_energy_total_2018", "指标"] == "全省规模以上工业能源消费总量"
    assert shown.loc["i000_ind_energy_total_2018", "年份"] == "2018" and not shown.isna().any().any()
    binds = dict(zip(shown.index, shown["适用范围"]))
    assert binds["i000_coal_boiler_threshold_2018"] == "各设区市"
    assert binds["i001_benchmark_share_2025"] == "江西省 · 钢铁、水泥、平板玻璃、合成氨"
    en = table(catalog.indicators, "en", {})
    assert "Indicator" in en.columns and en.loc["i003_recycled_copper_2025", "Applies to"].startswith("China")


def test_a_target_applies_to_its_linked_sites_or_to_all(catalog):
    i = catalog.indicators.set_index("id", drop=False)
    assert applies_to(i.loc["i000_ind_energy_total_2018"], catalog.sites, "zh") is None  # province-wide
    copper = applies_to(i.loc["i000_tbl_copper_energy_2016"], catalog.sites, "zh")
    linked = catalog.sites[catalog.sites.indicator_ids.str.contains("i000_tbl_copper_energy_2016", regex=False)]
    assert copper == sorted(linked.name_zh) and len(copper) > 0


def _page(lang: str) -> None:
    from mapapp.ui.plan_targets import targets_ui  # noqa: PLC0415 - inside the AppTest script

    targets_ui(lang, 0)


@pytest.mark.parametrize(("lang", "header"), [("zh", "适用范围"), ("en", "Applies to")])
def test_the_tab_renders_in_both_languages(lang, header):
    at = AppTest.from_function(_page, args=(lang,), default_timeout=60)
    at.run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    assert header in frames[0].columns and len(frames[1]) == 10
    assert isinstance(frames[0], pd.DataFrame)


def test_an_english_unit_is_the_one_its_value_is_written_in(catalog):
    en = table(catalog.indicators, "en", {})
    row = en.loc["i000_ind_energy_total_2018"]
    assert row["Target"] == "60 Mtce" and row["Unit"] == "Mtce"
    years = over_years(catalog.indicators, "en", {})
    saving = years[years["Indicator"].str.contains("savings achieved in the year")].iloc[0]
    assert saving["2016"] == 160 and saving["Unit"] == "10k tce"  # the plan's own number and unit


def test_a_peak_year_reads_as_a_year_not_a_duration(catalog):
    en = table(catalog.indicators, "en", {})
    assert en.loc["i002_ind_co2_peak", "Target"] == "the year 2030"
    assert table(catalog.indicators, "zh", {}).loc["i002_ind_co2_peak", "目标值"] == "2030 年"
