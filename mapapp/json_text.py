"""Arrow columns as JSON text, a whole column at a time: what writing a million GeoJSON features
needs (Arrow's C++ kernels do the formatting; a Python loop or pandas' to_json took 7 s)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_CONTROL = "[\\x00-\\x1f]"  # JSON forbids these raw inside a string


def json_values(column: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """Each value as JSON text (null as `null`); None for a type not handled here (the caller then
    takes the general path). Numbers are written shortest-exact; NaN and infinity as null."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind = array.type
    if pa.types.is_dictionary(kind):
        words = json_values(array.dictionary)
        return None if words is None else pc.fill_null(words.take(array.indices), "null")
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.binary_join_element_wise('"', _escaped(array), '"', "")
    elif pa.types.is_floating(kind):
        finite = pc.is_finite(array)
        text = pc.cast(pc.if_else(finite, array, pa.scalar(None, kind)), pa.string())
    elif pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        text = pc.cast(array, pa.string())
    elif pa.types.is_null(kind):
        text = pa.array(["null"] * len(array), pa.string())
    else:
        return None
    return pc.fill_null(text, "null")


def _escaped(strings: pa.Array) -> pa.Array:
    """The strings' JSON escapes, without the quotes (UTF-8 kept as is, like ensure_ascii=False)."""
    strings = strings.cast(pa.string())
    out = pc.replace_substring(pc.replace_substring(strings, "\\", "\\\\"), '"', '\\"')
    control = pc.fill_null(pc.match_substring_regex(strings, _CONTROL), False)
    if pc.any(control).as_py():  # rare (a line break in a cell): those few through json.dumps
        rows = np.nonzero(control.to_numpy(zero_copy_only=False))[0]
        fixed = [json.dumps(v, ensure_ascii=False)[1:-1] for v in strings.take(rows).to_pylist()]
        out = pc.replace_with_mask(out, control, pa.array(fixed, pa.string()))
    return out


def json_points(x: np.ndarray, y: np.ndarray, present: np.ndarray, *, decimals: int = 6) -> pa.Array:
    """GeoJSON Point geometries as text, `null` where `present` is False."""
    xs = pc.cast(pa.array(np.round(x, decimals)), pa.string())
    ys = pc.cast(pa.array(np.round(y, decimals)), pa.string())
    points = pc.binary_join_element_wise('{"type":"Point","coordinates":[', xs, ",", ys, "]}", "")
    return pc.if_else(pa.array(present), points, "null")


def features_text(properties: dict[str, pa.Array], geometry: pa.Array) -> bytes | memoryview:
    """The features as GeoJSON text, each preceded by ',\\n' (the caller drops the very first)."""
    parts: list[object] = [',\n{"type":"Feature","properties":{']
    for i, (name, values) in enumerate(properties.items()):
        parts += [("," if i else "") + json.dumps(name, ensure_ascii=False) + ":", values]
    parts += ['},"geometry":', geometry, "}"]
    if len(geometry) == 0:
        return b""
    lines = pc.binary_join_element_wise(*parts, "")
    return _joined(lines)


def _joined(strings: pa.Array) -> memoryview:
    """A string array's values back to back: Arrow already stores them so (no copy)."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[strings.offset: strings.offset + len(strings) + 1]
    return memoryview(strings.buffers()[2])[offsets[0]: offsets[-1]]
