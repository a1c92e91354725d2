"""Reading and writing data files: deterministic GeoJSON, atomic replacement.

GeoPandas is imported where a function needs it, not here: the command line's screening of a table
reads the packaged layers as plain `Features` and so never pays GeoPandas' and pandas' import and
exit (about 0.3 s of a run; tests/test_cli_screen.py checks it stays so)."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping, shape

from mapapp._errors import DataFileError, InputFileError
from mapapp.messages import msg
from mapapp.paths import DATA_DIR

if TYPE_CHECKING:
    import geopandas as gpd


@contextmanager
def atomic_write(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path`, then rename over it.

    A crash or exception mid-write leaves the old file untouched: the rename is atomic on POSIX.
    """
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SyncedWriter:
    """A binary file that hands every `every` bytes written to the disk as it goes (fdatasync, in the
    writing thread): the closing fsync of atomic_write then waits for the last part only, overlapped
    work goes on meanwhile, and a huge output never fills memory with dirty pages."""

    def __init__(self, fh: IO[bytes], *, every: int = 32 << 20) -> None:
        self._fh = fh
        self._every = every
        self._unsynced = 0

    def write(self, data: bytes | memoryview) -> int:
        written = self._fh.write(data)
        self._unsynced += written
        if self._unsynced >= self._every:
            self._fh.flush()
            os.fdatasync(self._fh.fileno())
            self._unsynced = 0
        return written


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in `path`'s folder (created if missing), with ordinary permissions."""
    if path.is_dir():  # os.replace would fail only after all the work: say so now
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short prefix: a name near the 255-byte limit must still leave room for the temporary one.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file the user asked for, never the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
    return fd, tmp


def atomic_write_all(texts: Mapping[Path, str]) -> None:
    """Replace several UTF-8 text files together: every one is written to a temporary file first, so
    a failure (a read-only folder, a full disk) changes none of them; only the renames remain.

    OSError names the target file, never a temporary one.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            fd, tmp = _temp_beside(Path(path))
            staged.append((tmp, Path(path)))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def check_writable(paths: Iterable[Path]) -> None:
    """Raise OSError for the first file that could not be replaced: a folder in its place, or a folder
    this process may not write (checked before anything is written)."""
    for path in map(Path, paths):
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        folder = next(p for p in path.parents if p.exists())
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "the folder is not writable", str(path))


def _round_coords(obj: Any, ndigits: int) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), ndigits) for v in obj]
        return [_round_coords(v, ndigits) for v in obj]
    return obj


def _plain(value: Any) -> Any:
    """Turn numpy/pandas scalars into JSON-native values; NaN becomes null."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    return value


def geojson_dict(
    gdf: gpd.GeoDataFrame, *, precision: int = 6, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection dict: WGS 84, rounded coordinates, rows in frame order,
    counter-clockwise exterior rings, no `crs` member.

    Six decimals of a degree is about 0.1 m: finer than any source we hold.
    """
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    geoms = shapely.orient_polygons(gdf.geometry.values)
    features = []
    for row, geom in zip(gdf[props].itertuples(index=False), geoms):
        geometry = None
        if geom is not None and not geom.is_empty:
            geometry = mapping(geom)
            geometry = {"type": geometry["type"], "coordinates": _round_coords(geometry["coordinates"], precision)}
        features.append(
            {"type": "Feature", "properties": {k: _plain(v) for k, v in zip(props, row)}, "geometry": geometry}
        )
    out: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        out["metadata"] = metadata
    out["features"] = features
    return out


def write_geojson(
    gdf: gpd.GeoDataFrame, path: Path, *, precision: int = 6, metadata: dict[str, Any] | None = None
) -> None:
    """Write `gdf` as GeoJSON, byte-identical for identical input, replacing `path` atomically."""
    doc = geojson_dict(gdf, precision=precision, metadata=metadata)
    with atomic_write(Path(path)) as fh:
        json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")


_WHAT_ZH = {"vector file": "矢量文件", "waters file": "水域文件", "GeoJSON file": "GeoJSON 文件"}


def gdal_reason(text: str) -> str:
    """GDAL's error text on one line, without the advice and internals that mean nothing to a user."""
    text = re.sub(r"\s*It might help to specify the correct driver explicitly.*$", "", " ".join(text.split()))
    text = re.sub(r"sqlite3_\w+\(.*?\) failed: ", "", text)
    text = re.sub(r"\.?\s*Set SHAPE_RESTORE_SHX config option.*$", "", text)
    return text.rstrip(" ;.") or "unknown format"


def read_vector(path: Path, *, what: str = "vector file") -> gpd.GeoDataFrame:
    """Read any vector file GDAL knows; no CRS means WGS 84. Clear errors for missing or corrupt files."""
    path = Path(path)
    names = {"name": path.name, "what": what, "what_zh": _WHAT_ZH.get(what, what)}
    if not path.is_file():
        raise DataFileError(msg("找不到{what_zh} {name}", "{name}: {what} not found", **names))
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types for corrupt files
        reason = gdal_reason(str(exc).replace(str(path), path.name))
        raise DataFileError(msg("{name} 无法作为{what_zh}读取（{reason}）", "{name}: cannot be read as a {what} ({reason})",
                                reason=reason, **names)) from exc
    if not isinstance(gdf, gpd.GeoDataFrame):  # GDAL read a table without geometry (a CSV, a bare DBF)
        raise DataFileError(msg("{name} 没有几何图形，不能作为{what_zh}", "{name}: has no geometries, so it is no {what}",
                                **names))
    return gdf if gdf.crs is not None else gdf.set_crs(4326)


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """Read a layer file as WGS 84; refuse it if any present geometry is invalid."""
    gdf = read_vector(path, what="GeoJSON file")
    _check_valid(gdf.geometry.values, path)
    return gdf


def _check_valid(geoms: NDArray[np.object_], path: Path) -> None:
    # Null geometry is allowed (a site whose place is unknown); a present but broken one is not.
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        raise DataFileError(f"{path}: {int(bad.sum())} invalid geometries, first at row {int(np.argmax(bad))}")


@dataclass(frozen=True)
class Features:
    """Features without GeoPandas: WGS 84 geometries (None where unknown) and their properties by name."""

    geometry: NDArray[np.object_]
    properties: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.geometry)

    def where(self, keep: NDArray[np.bool_]) -> Features:
        rows = np.nonzero(keep)[0]
        return Features(self.geometry[rows], {k: [v[i] for i in rows] for k, v in self.properties.items()})

    @classmethod
    def concat(cls, parts: list[Features]) -> Features:
        names = list(dict.fromkeys(k for part in parts for k in part.properties))
        return cls(np.concatenate([p.geometry for p in parts]) if parts else np.empty(0, dtype=object),
                   {k: [v for p in parts for v in p.properties.get(k, [None] * len(p))] for k in names})

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame) -> Features:
        """A GeoDataFrame's features in WGS 84 (a frame without a CRS is taken as WGS 84)."""
        frame = (frame if frame.crs is not None else frame.set_crs(4326)).to_crs(4326)
        name = frame.geometry.name
        return cls(np.asarray(frame.geometry.values, dtype=object),
                   {c: frame[c].tolist() for c in frame.columns if c != name})


def read_layer_features(path: Path) -> Features:
    """A layer file as mapapp writes them (RFC 7946 GeoJSON, so WGS 84) read by json and Shapely alone;
    invalid geometries are refused as by read_geojson."""
    path = Path(path)
    try:
        features = json.loads(path.read_bytes())["features"]
        geometry = np.array([shape(f["geometry"]) if f.get("geometry") else None for f in features], dtype=object)
    except FileNotFoundError:
        raise DataFileError(f"{path}: layer file not found") from None
    except (ValueError, KeyError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise DataFileError(f"{path}: not a GeoJSON FeatureCollection ({exc})") from None
    names = list(dict.fromkeys(k for f in features for k in (f.get("properties") or {})))
    properties = {k: [(f.get("properties") or {}).get(k) for f in features] for k in names}
    _check_valid(geometry, path)
    return Features(geometry, properties)


def read_csv_records(path: Path) -> list[dict[str, Any]]:
    """Rows of a UTF-8 CSV as dicts of strings; empty cells become None."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return [{k: (v if v != "" else None) for k, v in row.items()} for row in frame.to_dict("records")]


def check_output(out: Path, *inputs: Path | None) -> None:
    """Refuse, before any work is done, an output that would replace one of the inputs (also through
    a link) or cannot be written: a folder, a missing or unwritable folder. Messages in both languages."""
    out = Path(out)
    for source in (Path(p) for p in inputs if p is not None):
        if out.exists() and source.exists() and os.path.samefile(out, source):
            raise InputFileError(msg("{out}：输出文件就是输入文件 {name}，会覆盖它：请另选输出文件名",
                                     "{out}: the output is the input file itself; choose another --out",
                                     out=out, name=source.name))
    if out.is_dir():
        raise InputFileError(msg("{out}：这是一个文件夹，请给出文件名", "{out}: is a directory; give a file name", out=out))
    if out.resolve().is_relative_to(DATA_DIR.resolve()):  # the map's own layers: never written over by a result
        raise InputFileError(msg("{out}：位于本系统的数据文件夹中，不能作为输出；请另选位置",
                                 "{out}: is in the app's data folder, which a result must not write over; choose "
                                 "another place", out=out))
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputFileError(msg("{parent}：输出文件夹不存在", "{parent}: the output's folder does not exist", parent=parent))
    if not os.access(parent, os.W_OK):
        raise InputFileError(msg("{parent}：输出文件夹不可写", "{parent}: the output's folder is not writable", parent=parent))
