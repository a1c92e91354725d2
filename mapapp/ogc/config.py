"""The pygeoapi configuration for mapapp's collections, made from the layer registry (pure: a dict)."""

from __future__ import annotations

from mapapp import __version__
from mapapp.geo import JIANGXI_BBOX
from mapapp.layers import LayerSpec
from mapapp.register.store import REGISTER_LAYERS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# Offered on request (?crs=...): WGS 84, CGCS2000, and CGCS2000 3-degree Gauss-Krüger 114°E / 117°E.
CRS_URIS = [CRS84, *(f"http://www.opengis.net/def/crs/EPSG/0/{code}" for code in (4326, 4490, 4547, 4548))]
ID_FIELDS = {"province": "adcode", "prefectures": "adcode", "counties": "adcode", "sites": "id", "clusters": "id",
             "water_areas": "id", "river_lines": "id"}
PROVIDER = "mapapp.ogc.provider.FrameProvider"


def ogc_config(specs: dict[str, LayerSpec], *, host: str, port: int, url: str, database_url: str = "") -> dict:
    """pygeoapi's configuration: every layer a collection; sites and clusters read from the register."""
    resources = {}
    for layer_id, spec in specs.items():
        source = f"register:{layer_id}" if layer_id in REGISTER_LAYERS else f"layer:{layer_id}"
        provider = {"type": "feature", "name": PROVIDER, "data": source, "crs": CRS_URIS, "storage_crs": CRS84,
                    "options": {"database_url": database_url}}
        if layer_id in ID_FIELDS:
            provider["id_field"] = ID_FIELDS[layer_id]
        resources[layer_id] = {
            "type": "collection", "title": {"zh": spec.title_zh, "en": spec.title_en},
            "description": {"zh": f"{spec.title_zh}。来源：{spec.source_text('zh')}", "en": f"{spec.title_en}. Source: {spec.source}"},
            "keywords": ["Jiangxi", "江西", spec.group],
            "extents": {"spatial": {"bbox": list(JIANGXI_BBOX), "crs": CRS84}},
            "providers": [provider],
        }
    return {
        "server": {"bind": {"host": host, "port": port}, "url": url, "mimetype": "application/json; charset=UTF-8",
                   "encoding": "utf-8", "languages": ["zh-CN", "en-US"], "pretty_print": False,
                   "limits": {"default_items": 100, "max_items": 10_000},
                   # The HTML pages' map needs tiles from the internet; the API itself needs none.
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                           "attribution": "© OpenStreetMap contributors"}},
        "logging": {"level": "WARNING"},
        "metadata": {
            "identification": {"title": {"zh": "江西工业绿色发展地图", "en": "Jiangxi Green Industry Map"},
                               "description": {"zh": "园区、基地、产业集群与岸线管控范围（OGC API - Features）",
                                               "en": "Parks, bases, clusters and the shoreline restriction (OGC API - Features)"},
                               "keywords": ["Jiangxi", "green industry", "shoreline"], "url": url,
                               "terms_of_service": "", "version": __version__},
            "license": {"name": "See data/README.md (per-layer licences)", "url": url},
            "provider": {"name": "mapapp", "url": url},
            "contact": {"name": "mapapp"},
        },
        "resources": resources,
    }
