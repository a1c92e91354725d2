"""The site panel's content: attributes, verdicts under both rules, targets in four tables, cited sources."""

from __future__ import annotations

import pandas as pd
import pytest

from mapapp.catalog.catalog import build_catalog
from mapapp.catalog.records import split_list
from mapapp.filters import screen_sites
from mapapp.site_profile import TARGET_SECTIONS, SiteProfile, profile


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


@pytest.fixture(scope="module")
def screened(catalog):
    return {scope: screen_sites(catalog.sites, scope=scope, distance_m=1000).set_index("id") for scope in ("jiangxi", "yangtze")}


def _profile(catalog, screened, site_id: str, lang: str = "zh") -> SiteProfile:
    rows = {}
    for scope, frame in screened.items():
        rows[scope] = frame.loc[site_id].copy()
        rows[scope]["id"] = site_id
    names = dict(zip(catalog.sites["id"], catalog.sites["name_en" if lang == "en" else "name_zh"]))
    return profile(rows["jiangxi"], rows, catalog.indicators, lang, threshold_m=1000, units={"site_names": names})


def _text(p: SiteProfile) -> str:
    tables = " ".join(t.to_csv() for t in p.targets.values())
    return " ".join([p.name, p.other_name, p.note, *(f"{a} {b}" for a, b in p.facts), *(v.said for v in p.verdicts),
                     *p.sources, tables])


def test_a_site_lists_its_targets_in_tables_with_headers(catalog, screened):
    p = _profile(catalog, screened, "yingtan_copper_scrap_base")
    own = p.targets["own"]
    assert list(own.columns) == ["指标", "年份", "目标值", "单位", "基准年", "来源"]
    site = catalog.sites.set_index("id").loc["yingtan_copper_scrap_base"]
    linked = [i for i in split_list(site.indicator_ids)
              if catalog.indicators.set_index("id").loc[i, "scope"] != "prefecture"]
    assert len(own) == len(linked) > 0
    assert set(p.targets) == set(TARGET_SECTIONS)
    assert len(p.targets["province"]) == int(((catalog.indicators.scope == "province")
                                               & (catalog.indicators.jurisdiction == "jiangxi")).sum())
    facts = dict(p.facts)
    assert facts["位置"] == "仅知所在县（市、区），可能在其中任何位置（区划边界精度约 300 米）"  # a range is not a location


def test_both_rules_are_answered_with_distances(catalog, screened):
    p = _profile(catalog, screened, "jiujiang_etdz")
    assert [v.scope for v in p.verdicts] == ["jiangxi", "jiangxi", "yangtze"][: len(p.verdicts)] or \
        {v.scope for v in p.verdicts} == {"jiangxi", "yangtze"}
    for v in p.verdicts:
        assert v.said and v.nearest.endswith("）") and "米" in v.nearest


def test_national_targets_are_context_never_a_sites_own(catalog, screened):
    """003 is a national plan: 再生铜产量 400 万吨 is China's figure, not a Jiangxi copper base's."""
    p = _profile(catalog, screened, "yingtan_copper_scrap_base")
    assert not p.targets["own"]["指标"].str.contains("再生铜产量").any()
    assert p.targets["national"]["指标"].str.contains("再生铜产量").any()


def test_sources_are_cited_by_title_not_file_name(catalog, screened):
    for lang, title in (("zh", "《江西工业绿色发展三年行动计划（2016-2018）》"), ("en", "Jiangxi Three-Year Action Plan")):
        p = _profile(catalog, screened, "fengcheng_circular_economy_park", lang)
        said = _text(p)
        assert ".txt" not in said and title in said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_profile_names_our_files(catalog, screened, lang):
    """Reported facts are cited as the document they report; no panel names facts.md or a seed file."""
    for site_id in catalog.sites["id"]:
        said = _text(_profile(catalog, screened, site_id, lang))
        assert "facts.md" not in said and ".txt" not in said, site_id
    chem = _text(_profile(catalog, screened, "anyi_chemical_zone", lang))
    assert ("江西省第一批认定化工园区名单" if lang == "zh" else "first list of recognised chemical parks") in chem
    assert ("江西安义工业园区" if lang == "zh" else "Anyi") in chem  # the zone that holds it, by name


def test_a_profile_says_how_far_its_statuses_and_level_go(catalog, screened):
    facts = dict(_profile(catalog, screened, "leping_chemical_park").facts)
    assert "指省级认定的化工园区" in facts["级别"]
    assert "工信部第三批" in facts["绿色园区"] and "“未知”不等于不是绿色园区" in facts["绿色园区"]
    assert facts["所在园区"] == "乐平工业园区"
    prefecture = _profile(catalog, screened, "jiujiang_etdz").targets["prefecture"]
    assert len(prefecture) == 1 and "燃煤锅炉" in prefecture["指标"].iloc[0]


def test_text_is_kept_as_text(catalog, screened):
    """The panel renders with markdown_safe; the profile itself keeps what the register holds."""
    site = catalog.sites.set_index("id").loc["yingtan_copper_scrap_base"].copy()
    site["id"] = "yingtan_copper_scrap_base"
    site["notes"] = "<script>alert(1)</script>"
    row = screened["jiangxi"].loc["yingtan_copper_scrap_base"].copy()
    row["id"] = site["id"]
    p = profile(site, {"jiangxi": row}, catalog.indicators, "en", threshold_m=1000, units={})
    assert p.note == "<script>alert(1)</script>" and isinstance(p.targets["own"], pd.DataFrame)


def test_an_uncertain_verdict_says_why_a_unit_only_partly_within_or_the_shoreline():
    from mapapp.site_profile import verdict

    unit = pd.Series({"verdict": "uncertain", "distance_m": 0.0, "max_distance_m": 48_843.0, "location_kind": "range",
                      "shoreline_accuracy_m": 1000.0, "nearest_water": "信江", "location_accuracy_m": 300.0})
    assert verdict(unit, "jiangxi", 1000.0, "zh", {}).said.endswith("（所在区域只有一部分在管控范围内）")
    near = unit.copy()
    near["distance_m"], near["max_distance_m"], near["location_kind"] = 600.0, float("nan"), "point"
    near["location_accuracy_m"] = 0.0
    assert verdict(near, "jiangxi", 1000.0, "en", {}).said.endswith(" (the shoreline data is accurate to about 1,000 m)")
