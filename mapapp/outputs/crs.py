"""The coordinate systems an export can be written in: WGS 84 and CGCS2000 (China's legal datum
since 2008, in use everywhere since 2018), geographic or 3-degree Gauss-Krüger."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from mapapp._errors import OptionError
from mapapp.messages import msg


@dataclass(frozen=True)
class OutputCrs:
    epsg: int
    label_zh: str
    label_en: str
    projected: bool  # metres (X northing, Y easting in survey terms), else degrees

    @property
    def code(self) -> str:
        return f"EPSG:{self.epsg}"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    @property
    def axis_names(self) -> tuple[str, str]:
        """The coordinate columns of a table export: lon/lat, or easting/northing in metres."""
        return ("x_easting_m", "y_northing_m") if self.projected else ("lon", "lat")


# Jiangxi spans 113.6°E-118.5°E: the 114°E zone (EPSG:4547) suits the west of the province, the
# 117°E zone (EPSG:4548) the east; both carry no zone number in the easting (false easting 500 km).
OUTPUT_CRS: dict[str, OutputCrs] = {
    "4326": OutputCrs(4326, "WGS 84 经纬度（EPSG:4326）", "WGS 84 lon/lat (EPSG:4326)", False),
    "4490": OutputCrs(4490, "CGCS2000 经纬度（EPSG:4490）", "CGCS2000 lon/lat (EPSG:4490)", False),
    "4547": OutputCrs(4547, "CGCS2000 3度带高斯-克吕格，中央经线114°E（EPSG:4547）",
                      "CGCS2000 3-degree Gauss-Krüger, CM 114°E (EPSG:4547)", True),
    "4548": OutputCrs(4548, "CGCS2000 3度带高斯-克吕格，中央经线117°E（EPSG:4548）",
                      "CGCS2000 3-degree Gauss-Krüger, CM 117°E (EPSG:4548)", True),
}
_ALIASES = {"wgs84": "4326", "cgcs2000": "4490", "gk114": "4547", "gk117": "4548"}


def output_crs(text: str | int) -> OutputCrs:
    """The CRS named by `4490`, `EPSG:4490`, `epsg:4547`, `cgcs2000`, `gk114`, ...; a clear error otherwise."""
    key = str(text).strip().lower().removeprefix("epsg:")
    key = _ALIASES.get(key, key)
    if key not in OUTPUT_CRS:
        raise OptionError(msg("不支持的坐标系 {crs}：可选 {known}", "unsupported CRS {crs}: choose one of {known}",
                                 crs=text, known=", ".join(f"EPSG:{k}" for k in OUTPUT_CRS)))
    return OUTPUT_CRS[key]


def to_output_crs(frame: gpd.GeoDataFrame, crs: OutputCrs) -> gpd.GeoDataFrame:
    """The frame in `crs`. WGS 84 and CGCS2000 agree to well under a metre here, so the datum step is
    the identity (as pyproj's own 4326 -> 4490 transformation is)."""
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(crs.epsg)
