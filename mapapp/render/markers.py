"""Point symbols on the map: the register's sites (clustered, with popups) and screened points.

Both are drawn in the browser from one JSON payload by one element each: folium compiles a
template per Marker, DivIcon, Popup and Tooltip, which made every filter change cost a quarter
of a second.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from branca.element import MacroElement, Template
from folium import plugins
from folium.elements import JSCSSMixin

from mapapp.catalog import vocab
from mapapp.catalog.indicators import format_value, national_context
from mapapp.catalog.records import split_list
from mapapp.citations import cite
from mapapp.geo import JIANGXI_LCC
from mapapp.i18n import field_label, t, uncertainty_text
from mapapp.render.vectors import cell_text
from mapapp.screening import uncertain_reasons

RETROFIT_COLOURS = {
    "completed": "#1a9641", "in_progress": "#66bd63", "pilot": "#4eb3d3", "planned": "#fdae61", "not_started": "#d7191c",
    "unknown": "#8c8c8c",
}
KIND_SYMBOLS = {
    "park": "●", "development_zone": "■", "recycling_base": "▲", "solid_waste_base": "◆",
    "chemical_park": "⬣", "cluster_node": "✚", "plant": "★", "county_base": "⬟",
}
VERDICT_COLOURS = {"within": "#d7191c", "uncertain": "#f59e0b", "outside": "#2b83ba"}
UNKNOWN = "unknown"


def _codes(cell: str, vocabulary: dict[str, tuple[str, str]], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(vocab.label(vocabulary, c, lang) for c in split_list(cell))


def _status(site: pd.Series, field: str, vocabulary: dict[str, tuple[str, str]], lang: str) -> str:
    """A status with its date and source, or just the label when it is unknown."""
    text = html.escape(vocab.label(vocabulary, site[field], lang))
    extras = [cell_text(site.get(f"{field}_as_of")), cell_text(cite(str(site.get(f"{field}_source") or ""), lang))]
    extras = [e for e in extras if e and e != UNKNOWN]
    return text + (f" <span style='color:#666'>({'; '.join(extras)})</span>" if extras else "")


def _aside(text: str) -> str:
    """A grey remark after a value ('' when there is none)."""
    return f" <span style='color:#666'>（{html.escape(text)}）</span>" if text else ""


def _place(name: object, names: dict[str, str], code: object, lang: str) -> str:
    """A prefecture or county in the page's language; 'unknown' said as such."""
    if isinstance(code, str) and code in names:
        return html.escape(names[code])
    if not isinstance(name, str) or not name or name == UNKNOWN or name.startswith("("):
        return html.escape(t("unknown", lang))
    return html.escape(name)


def _targets_table(linked: pd.DataFrame, lang: str, css: str = "site-indicators") -> str:
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("target_indicator", "target_year", "target_value", "target_source"))
    rows = "".join(
        f"<tr><td>{cell_text(r.indicator_zh if lang == 'zh' else r.indicator_en)}</td>"
        f"<td>{'' if pd.isna(r.target_year) else int(r.target_year)}</td>"
        f"<td>{cell_text(format_value(r.value, r.unit, lang))}</td><td>{cell_text(cite(f'{r.document} {r.clause}', lang))}</td></tr>"
        for r in linked.itertuples()
    ) or "<tr><td colspan=4>—</td></tr>"
    return (f"<table class='{css}' border=1 style='border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def site_popup_html(site: pd.Series, indicators: pd.DataFrame, lang: str,
                    units: dict[str, dict[str, str]] | None = None, threshold_m: float | None = None) -> str:
    """The popup: what the site is, how sure its location is, its statuses, targets and sources.

    `units` maps "prefectures"/"counties" to {adcode: name in `lang`} (names fall back to the source's
    text), "waters" to {Chinese water name: name in `lang`} and "site_names" to {site id: name in `lang`}.
    """
    units = units or {}
    name = site["name_zh"] if lang == "zh" else site["name_en"]
    other = site["name_en"] if lang == "zh" else site["name_zh"]
    place = (f"{_place(site.get('prefecture_zh'), units.get('prefectures', {}), site.get('prefecture_adcode'), lang)} / "
             f"{_place(site.get('county_zh'), units.get('counties', {}), site.get('county_adcode'), lang)}")
    if site.get("county_basis") == "zone_name":
        place += _aside(t("county_from_name", lang))
    rows = [
        (t("kind", lang), html.escape(vocab.label(vocab.SITE_KINDS, site["kind"], lang))
         + (f" <span style='color:#666'>GB/T 37028: {cell_text(site['gbt37028_code'])}</span>"
            if cell_text(site.get("gbt37028_code")) else "")),
        (t("level", lang), html.escape(vocab.label(vocab.LEVELS, site["level"], lang)) + _aside(
            vocab.label(vocab.LEVEL_BASES, site["level_basis"], lang) if cell_text(site.get("level_basis")) else "")),
        (t("prefecture", lang) + " / " + t("county", lang), place),
        (t("industry", lang), html.escape(_codes(site["industries"], vocab.INDUSTRIES, lang))),
        (t("retrofit", lang), _status(site, "circular_retrofit", vocab.RETROFIT_STATUSES, lang)),
        (t("green_park", lang), _status(site, "green_park", vocab.GREEN_PARK_STATUSES, lang)
         + _aside(t("green_park_batches", lang))),
        (t("location", lang), _location(site, lang)),
    ]
    holder = cell_text(site.get("within_id"))
    if holder:
        rows.insert(3, (t("within", lang), html.escape((units.get("site_names") or {}).get(holder, holder))))
    if "verdict" in site and pd.notna(site.get("distance_m")):
        rows += _restriction_rows(site, units, lang, threshold_m)
    if pd.notna(site.get("area_ha")):
        rows.append((t("area", lang), t("hectares", lang, n=site["area_ha"])))
    note = cell_text(site.get("notes_zh" if lang == "zh" else "notes"))
    if note:
        rows.append((field_label("notes", lang), note))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    linked = indicators[indicators["id"].isin(split_list(site.get("indicator_ids")))]
    own, of_prefecture = linked[linked["scope"] != "prefecture"], linked[linked["scope"] == "prefecture"]
    prefecture_html = (f"<b>{t('prefecture_targets', lang)}</b>{_targets_table(of_prefecture, lang, 'site-prefecture')}"
                       if len(of_prefecture) else "")
    national = national_context(indicators, industries=split_list(site["industries"]))
    national_html = (f"<b>{t('national_context', lang)}</b>{_targets_table(national, lang, 'site-national')}"
                     if len(national) else "")
    sources = "".join(f"<li>{cell_text(cite(s, lang))}</li>" for s in split_list(site["sources"]))
    return (
        f"<div class='site-popup' data-site-id='{cell_text(site['id'])}' style='font-size:12px;max-height:360px;overflow:auto'>"
        f"<b style='font-size:14px'>{cell_text(name)}</b><br><i>{cell_text(other)}</i>"
        f"<table class='site-attrs'>{table}</table>"
        f"<b>{t('indicators', lang)}</b>{_targets_table(own, lang)}{prefecture_html}{national_html}"
        f"<div style='color:#666'>+ {t('general_indicators', lang)}</div>"
        f"<b>{t('sources', lang)}</b><ul style='padding-left:16px;margin:0'>{sources}</ul></div>"
    )


def _location(site: pd.Series, lang: str) -> str:
    """The location's kind (for a range, the unit it is), its accuracy, source and date."""
    kind = site.get("location_kind", "none")
    said = vocab.label(vocab.LOCATION_KINDS, kind, lang)
    if kind == "range":
        said = t(f"range_{site['location_precision']}", lang)
    parts = [html.escape(said)]
    if pd.notna(site.get("location_accuracy_m")) and kind != "none":
        parts.append(t("accuracy_about", lang, m=t("metres", lang, n=site["location_accuracy_m"])))
    extras = [cell_text(site.get(f)) for f in ("location_source", "location_captured") if cell_text(site.get(f))]
    if kind in ("boundary", "point") and extras:
        parts.append(f"<span style='color:#666'>({'; '.join(extras)})</span>")
    return ("，" if lang == "zh" else ", ").join(parts[:2]) + (" " + parts[2] if len(parts) > 2 else "")


def _restriction_rows(site: pd.Series, units: dict[str, dict[str, str]], lang: str,
                      threshold_m: float | None) -> list[tuple[str, str]]:
    """The verdict and why it is uncertain, the nearest and farthest distances, the area within."""
    water = units.get("waters", {}).get(site["nearest_water"], site["nearest_water"])
    said = t("verdict_" + str(site["verdict"]), lang)
    if site["verdict"] == "uncertain" and threshold_m is not None:
        shore = float(site.get("shoreline_accuracy_m") or 0.0)
        site_u = float(site["location_accuracy_m"]) if pd.notna(site.get("location_accuracy_m")) else 0.0
        if site.get("location_kind") == "range" and float(site["distance_m"]) <= threshold_m < float(
                site.get("max_distance_m", np.nan)):
            said += t("why_range", lang)  # part of the unit is within, part is not
        else:
            said += uncertainty_text(uncertain_reasons(float(site["distance_m"]), threshold_m, site_u, shore), lang,
                                     shoreline_m=shore)
    rows = [(t("restriction", lang), html.escape(said) +
             t("distance_to", lang, distance=t("metres", lang, n=site["distance_m"]), water=cell_text(water)))]
    if pd.notna(site.get("max_distance_m")):
        rows.append((t("max_distance_label", lang), t("metres", lang, n=site["max_distance_m"])))
    if pd.notna(site.get("overlap_ha")):
        share = site.get("overlap_share")
        rows.append((t("overlap_label", lang), t("hectares", lang, n=site["overlap_ha"]) +
                     (f" ({share * 100:.1f}%)" if pd.notna(share) else "")))
    return rows


def site_popups(sites: gpd.GeoDataFrame, indicators: pd.DataFrame, lang: str,
                units: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Popup HTML per site id (built once per language and rule, not on every filter change)."""
    threshold = sites.attrs.get("threshold_m")  # set by filters.screen_sites: says why a verdict is uncertain
    names = dict(zip(sites["id"], sites["name_en" if lang == "en" else "name_zh"]))
    units = (units or {}) | {"site_names": names}  # a site's holder is named, not given by its id
    return {site["id"]: site_popup_html(site, indicators, lang, units, threshold) for _, site in sites.iterrows()}


class SiteMarkers(MacroElement):
    """All sites as clustered symbols. Cluster bubbles are neutral grey-blue (the colours belong to
    the retrofit status); a bubble whose sites share one point (a county's representative point)
    spreads them out instead of zooming the map in onto an empty canvas."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var cluster = L.markerClusterGroup({
                maxClusterRadius: 40, zoomToBoundsOnClick: false, spiderfyOnMaxZoom: true,
                iconCreateFunction: function (c) {
                    return L.divIcon({html: '<div>' + c.getChildCount() + '</div>', className: 'marker-cluster site-cluster',
                                      iconSize: [36, 36]});
                }
            });
            cluster.on('clusterclick', function (e) {
                var b = e.layer.getBounds();
                var m = cluster._map;
                if (b.getNorthEast().equals(b.getSouthWest(), 1e-6) || m.getBoundsZoom(b) > 12) { e.layer.spiderfy(); }
                else { e.layer.zoomToBounds({padding: [30, 30]}); }
            });
            var group = {{ this._parent.get_name() }};
            {{ this.sites|tojson }}.forEach(function (s) {
                // A range is not a location: its symbol is hollow, and its unit is outlined while the popup is open.
                var style = s.range ? "color:#fff;-webkit-text-stroke:1.5px " + s.colour + ";opacity:.9"
                                    : "color:" + s.colour + ";text-shadow:0 0 2px #000,0 0 1px #000";
                var icon = L.divIcon({
                    html: "<div class='site-marker" + (s.range ? " site-range" : "") + "' data-site-id='" + s.id +
                          "' style='font-size:20px;line-height:20px;" + style + "'>" + s.glyph + "</div>",
                    className: "", iconSize: [20, 20], iconAnchor: [10, 10]});
                var marker = L.marker([s.lat, s.lon], {icon: icon}).bindTooltip(s.tooltip).bindPopup(s.popup, {maxWidth: 460});
                if (s.outline && s.range) {
                    var unit = L.geoJSON(s.outline, {interactive: false, className: 'site-range-outline',
                        style: {color: s.colour, weight: 2, dashArray: '6 4', fillOpacity: 0.08}});
                    marker.on('popupopen', function () { unit.addTo(group); });
                    marker.on('popupclose', function () { group.removeLayer(unit); });
                } else if (s.outline) {
                    L.geoJSON(s.outline, {className: 'site-boundary', style: {color: s.colour, weight: 2, fillOpacity: 0.25}})
                        .bindPopup(s.popup, {maxWidth: 460}).addTo(group);
                }
                marker.addTo(cluster);
            });
            cluster.addTo(group);
        })();
        {% endmacro %}
    """)

    def __init__(self, sites: list[dict]) -> None:
        super().__init__()
        self._name = "SiteMarkers"
        self.sites = sites


# Outlines sent to the browser are simplified by this much (metres): a range's outline only shows
# which unit the site lies in; a boundary keeps its shape to well within a symbol's width.
OUTLINE_TOLERANCE_M = {"range": 150.0, "boundary": 5.0}


def site_shapes(sites: gpd.GeoDataFrame) -> dict[str, dict]:
    """Per located site: where its symbol goes (a point, or a point inside its area) and, for an area,
    its simplified outline as GeoJSON. Built once per basemap: simplifying is the costly part."""
    located = sites[sites.geometry.notna()]
    metric = located.geometry.to_crs(JIANGXI_LCC)
    shapes = {}
    for sid, geom, flat, kind in zip(located["id"], located.geometry, metric, located["location_kind"]):
        anchor = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
        outline = None
        if geom.geom_type != "Point":
            simple = shapely.simplify(flat, OUTLINE_TOLERANCE_M.get(kind, 5.0), preserve_topology=True)
            outline = shapely.geometry.mapping(gpd.GeoSeries([simple], crs=JIANGXI_LCC).to_crs(4326).iloc[0])
        shapes[sid] = {"lon": round(anchor.x, 6), "lat": round(anchor.y, 6), "outline": _rounded(outline)}
    return shapes


def _rounded(geojson: dict | None) -> dict | None:
    """GeoJSON coordinates to 5 decimals (about 1 m), which is all a drawn outline needs."""
    if geojson is None:
        return None
    return json.loads(json.dumps(geojson), parse_float=lambda v: round(float(v), 5))


def site_payload(sites: gpd.GeoDataFrame, shapes: dict[str, dict], popups: dict[str, str], lang: str) -> list[dict]:
    """What the browser needs per located site: position, outline, symbol, colour, tooltip and popup."""
    located = sites[sites.geometry.notna()]
    names = located["name_zh" if lang == "zh" else "name_en"]
    kinds = located["location_kind"].map(lambda k: vocab.label(vocab.LOCATION_KINDS, k, lang))
    return [
        shapes[sid] | {"id": html.escape(sid), "popup": popups[sid], "range": where == "range",
                       "tooltip": html.escape(f"{name} · {kind_label}"),
                       "colour": RETROFIT_COLOURS.get(status, RETROFIT_COLOURS["unknown"]),
                       "glyph": KIND_SYMBOLS.get(kind, "●")}
        for sid, name, kind_label, where, status, kind in zip(
            located["id"], names, kinds, located["location_kind"], located["circular_retrofit"], located["kind"])
    ]


def sites_group(sites: gpd.GeoDataFrame, shapes: dict[str, dict], popups: dict[str, str], lang: str, *,
                name: str) -> folium.FeatureGroup:
    """The sites as a feature group: a symbol each (clusters spread those sharing a point), boundaries
    drawn as areas, and a range's unit outlined while its popup is open."""
    group = folium.FeatureGroup(name=name)
    SiteMarkers(site_payload(sites, shapes, popups, lang)).add_to(group)
    return group


class ClusterAssets(JSCSSMixin, MacroElement):
    """Loads the marker-cluster plugin with the static map.

    streamlit-folium collects script links from the static map only; the sites arrive later as a
    dynamic feature group, whose cluster layer would otherwise find no plugin loaded.
    """

    default_js = plugins.MarkerCluster.default_js
    default_css = plugins.MarkerCluster.default_css
    # The bubbles' style lives here too: a dynamic group's own header is never rendered.
    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .site-cluster div { width: 30px; height: 30px; margin: 3px; border-radius: 15px; background: #3f5873;
                              color: #fff; font: bold 12px/30px sans-serif; text-align: center;
                              box-shadow: 0 0 0 3px rgba(63,88,115,.35); }
        </style>
        {% endmacro %}
    """)


class PointMarkers(MacroElement):
    """Screened points (an uploaded file, the point last clicked) as circles coloured by verdict."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            {{ this.points|tojson }}.forEach(function (p) {
                L.circleMarker([p.lat, p.lon], {radius: p.radius || 6, color: '#222', weight: 1, fillColor: p.colour,
                                               fillOpacity: 0.9, bubblingMouseEvents: true})
                    .bindTooltip(p.tooltip, {direction: 'auto'}).addTo(group);  // left of the point near the right edge
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, points: list[dict]) -> None:
        super().__init__()
        self._name = "PointMarkers"
        self.points = points


def points_group(points: list[dict], *, name: str) -> folium.FeatureGroup:
    """`points`: dicts with lat, lon, verdict and an (unescaped) tooltip text."""
    group = folium.FeatureGroup(name=name)
    payload = [{"lat": round(p["lat"], 6), "lon": round(p["lon"], 6), "tooltip": html.escape(p["tooltip"]),
                "colour": VERDICT_COLOURS.get(p["verdict"], "#8c8c8c"), "radius": p.get("radius")} for p in points]
    PointMarkers(payload).add_to(group)
    return group
