"""What the page says about one site: its attributes, location, shoreline verdicts, targets and sources.

Pure: it turns a site's row (and its screened rows under each rule) into text and tables in the
page's language; mapapp/ui/panel.py lays them out beside the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mapapp.catalog import vocab
from mapapp.catalog.indicators import format_value, general, national_context, unit_label
from mapapp.catalog.records import split_list
from mapapp.citations import cite
from mapapp.i18n import aside, t, uncertainty_words
from mapapp.screening import uncertain_reasons

UNKNOWN = "unknown"
# The target tables of a site, in the order the panel shows them.
TARGET_SECTIONS = ("own", "prefecture", "province", "national")


@dataclass(frozen=True)
class Verdict:
    """A site's answer under one rule: which waters, what the screening said, and its distances."""

    scope: str
    verdict: str  # within / outside / uncertain / invalid / no_location
    said: str  # the verdict in words, with why it is uncertain
    nearest: str  # '1,234 米（长江）', or ''
    farthest: str  # of a range or boundary, or ''
    overlap: str  # area within the distance, or ''


@dataclass(frozen=True)
class SiteProfile:
    id: str
    name: str
    other_name: str  # the name in the other language
    facts: list[tuple[str, str]]  # (label, text) in the page's language
    verdicts: list[Verdict]
    targets: dict[str, pd.DataFrame]  # TARGET_SECTIONS -> a table with headers in the page's language
    sources: list[str] = field(default_factory=list)
    note: str = ""


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _place(name: object, names: dict[str, str], code: object, lang: str) -> str:
    """A prefecture or county in the page's language; 'unknown' said as such."""
    if isinstance(code, str) and code in names:
        return names[code]
    if not isinstance(name, str) or not name or name == UNKNOWN or name.startswith("("):
        return t("unknown", lang)
    return name


def status_text(site: pd.Series, field_name: str, vocabulary: dict[str, tuple[str, str]], lang: str) -> str:
    """A status with its date and source, or just the label when it is unknown."""
    said = vocab.label(vocabulary, site[field_name], lang)
    extras = [_text(site.get(f"{field_name}_as_of")), cite(_text(site.get(f"{field_name}_source")), lang)]
    extras = [e for e in extras if e and e != UNKNOWN]
    return said + (aside("; ".join(extras), lang) if extras else "")


def location_text(site: pd.Series, lang: str) -> str:
    """The location's kind (for a range, the unit it is), its accuracy, source and date."""
    kind = site.get("location_kind", "none")
    said = t(f"range_{site['location_precision']}", lang) if kind == "range" else vocab.label(vocab.LOCATION_KINDS, kind, lang)
    if pd.notna(site.get("location_accuracy_m")) and kind != "none":
        # A range's accuracy is its unit's boundary's; the site itself may be anywhere in the unit.
        about = "range_anywhere" if kind == "range" else "accuracy_about"
        said += ("，" if lang == "zh" else ", ") + t(about, lang, m=t("metres", lang, n=site["location_accuracy_m"]))
    extras = [_text(site.get(f)) for f in ("location_source", "location_captured") if _text(site.get(f))]
    if kind in ("boundary", "point") and extras:
        said += aside("; ".join(extras), lang)
    return said


def facts(site: pd.Series, lang: str, units: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """The site's attributes as (label, text). `units`: "prefectures"/"counties" {adcode: name},
    "site_names" {site id: name}, all in the page's language."""
    place = (f"{_place(site.get('prefecture_zh'), units.get('prefectures', {}), site.get('prefecture_adcode'), lang)} / "
             f"{_place(site.get('county_zh'), units.get('counties', {}), site.get('county_adcode'), lang)}")
    if site.get("county_basis") == "zone_name":
        place += aside(t("county_from_name", lang), lang)
    kind = vocab.label(vocab.SITE_KINDS, site["kind"], lang)
    if _text(site.get("gbt37028_code")):
        kind += f" · GB/T 37028: {site['gbt37028_code']}"
    level = vocab.label(vocab.LEVELS, site["level"], lang)
    if _text(site.get("level_basis")):
        level += aside(vocab.label(vocab.LEVEL_BASES, site["level_basis"], lang), lang)
    rows = [(t("kind", lang), kind), (t("level", lang), level),
            (t("prefecture", lang) + " / " + t("county", lang), place)]
    holder = _text(site.get("within_id"))
    if holder:
        rows.append((t("within", lang), units.get("site_names", {}).get(holder, holder)))
    sep = "、" if lang == "zh" else ", "
    rows += [
        (t("industry", lang), sep.join(vocab.label(vocab.INDUSTRIES, c, lang) for c in split_list(site["industries"]))),
        (t("retrofit", lang), status_text(site, "circular_retrofit", vocab.RETROFIT_STATUSES, lang)),
        (t("green_park", lang), status_text(site, "green_park", vocab.GREEN_PARK_STATUSES, lang)
         + aside(t("green_park_batches", lang), lang)),
        (t("location", lang), location_text(site, lang)),
    ]
    if pd.notna(site.get("area_ha")):
        rows.append((t("area", lang), t("hectares", lang, n=site["area_ha"])))
    return rows


def verdict(screened: pd.Series, scope: str, threshold_m: float, lang: str, water_names: dict[str, str]) -> Verdict:
    """The site's answer under one rule, with why it is uncertain and how far its farthest point is."""
    code = str(screened.get("verdict") or "no_location")
    if pd.isna(screened.get("distance_m")):
        return Verdict(scope, code, t(f"verdict_{code}", lang), "", "", "")
    said = t(f"verdict_{code}", lang)
    if code == "uncertain":
        shore = float(screened.get("shoreline_accuracy_m") or 0.0)
        own = float(screened["location_accuracy_m"]) if pd.notna(screened.get("location_accuracy_m")) else 0.0
        unit = float(screened.get("max_distance_m", np.nan)) if screened.get("location_kind") == "range" else None
        reasons = uncertain_reasons(float(screened["distance_m"]), threshold_m, own, shore, unit_farthest_m=unit)
        said += aside(uncertainty_words(reasons, lang, shoreline_m=shore), lang) if reasons else ""
    water = water_names.get(screened["nearest_water"], screened["nearest_water"])
    nearest = t("metres", lang, n=screened["distance_m"]) + aside(_text(water), lang)
    farthest = t("metres", lang, n=screened["max_distance_m"]) if pd.notna(screened.get("max_distance_m")) else ""
    overlap = ""
    if pd.notna(screened.get("overlap_ha")):
        share = screened.get("overlap_share")
        overlap = t("hectares", lang, n=screened["overlap_ha"]) + (f" ({share * 100:.1f}%)" if pd.notna(share) else "")
    return Verdict(scope, code, said, nearest, farthest, overlap)


def target_table(targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Targets as people read them: indicator, target year, value, unit, base year and the document's clause."""
    zh = lang == "zh"
    return pd.DataFrame({
        t("target_indicator", lang): targets["indicator_zh" if zh else "indicator_en"].astype(str),
        t("target_year", lang): targets["target_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        t("target_value", lang): [format_value(v, u, lang) for v, u in zip(targets["value"], targets["unit"])],
        t("target_unit", lang): targets["unit"].map(lambda u: unit_label(u, lang)),
        t("target_baseline", lang): targets["baseline_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        t("target_source", lang): [cite(f"{d} {c}", lang) for d, c in zip(targets["document"], targets["clause"])],
    })


def site_targets(site: pd.Series, indicators: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The targets that bear on a site: its own (by industry or by name), its prefecture's, the
    province's (every site's) and the national ones for its industries (context)."""
    linked = indicators[indicators["id"].isin(split_list(site.get("indicator_ids")))]
    province = general(indicators)
    national = pd.concat([national_context(indicators, industries=split_list(site["industries"])),
                          province[province["jurisdiction"] == "china"]]).drop_duplicates("id")
    return {"own": linked[linked["scope"] != "prefecture"], "prefecture": linked[linked["scope"] == "prefecture"],
            "province": province[province["jurisdiction"] == "jiangxi"], "national": national}


def profile(site: pd.Series, screened: dict[str, pd.Series], indicators: pd.DataFrame, lang: str, *,
            threshold_m: float, units: dict[str, dict[str, str]]) -> SiteProfile:
    """Everything the panel shows of a site. `screened`: {scope: the site's row screened under that
    rule}; `units` as for `facts`, plus "waters" {Chinese water name: name in `lang`}."""
    zh = lang == "zh"
    verdicts = [verdict(row, scope, threshold_m, lang, units.get("waters", {})) for scope, row in screened.items()]
    tables = {k: target_table(v, lang) for k, v in site_targets(site, indicators).items()}
    return SiteProfile(
        id=str(site["id"]), name=_text(site["name_zh" if zh else "name_en"]),
        other_name=_text(site["name_en" if zh else "name_zh"]), facts=facts(site, lang, units), verdicts=verdicts,
        targets=tables, sources=[cite(s, lang) for s in split_list(site["sources"])],
        note=_text(site.get("notes_zh" if zh else "notes")))
