"""Arrow columns written as JSON text read back as the same values (json.loads is the judge)."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pyarrow as pa
import pytest

from mapapp.json_text import features_text, json_points, json_values

AWKWARD_TEXT = ["普通", 'say "hi"', "back\\slash", "line\nbreak\ttab", "\x00\x1f", "", None, "/ and é 🚗"]


def _loaded(values: pa.Array) -> list[object]:
    return [json.loads(v) for v in json_values(values).to_pylist()]


def test_text_survives_quotes_backslashes_control_characters_and_unicode():
    assert _loaded(pa.array(AWKWARD_TEXT)) == AWKWARD_TEXT


def test_numbers_are_shortest_exact_and_not_finite_ones_null():
    values = [53596.9, 0.1 + 0.2, 1e21, 1e-7, -0.0, 116.0, math.nan, math.inf, None]
    back = _loaded(pa.array(values, pa.float64()))
    assert back[:6] == values[:6] and back[6:] == [None, None, None]
    assert json_values(pa.array([53596.9])).to_pylist() == ["53596.9"]  # not 53596.900000000001455
    assert _loaded(pa.array([1, -2, None], pa.int64())) == [1, -2, None]
    assert _loaded(pa.array([True, False, None])) == [True, False, None]


def test_categories_and_chunked_columns():
    words = pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], pa.int8()), pa.array(["赣江", 'x"y']))
    assert _loaded(words) == ['x"y', "赣江", None, 'x"y']
    assert _loaded(pa.chunked_array([["a"], ["b", None]])) == ["a", "b", None]


def test_types_it_does_not_write_are_left_to_the_general_path():
    assert json_values(pa.array([dt.date(2024, 1, 2)])) is None
    assert json_values(pa.array([[1, 2]])) is None


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_features_read_back_as_geojson(rows):
    x, y = np.array([116.1234567, 117.0, np.nan])[:rows], np.array([28.7654321, 29.5, np.nan])[:rows]
    present = np.array([True, True, False])[:rows]
    properties = {"名称": json_values(pa.array(AWKWARD_TEXT[:rows])), 'a"b': json_values(pa.array([1.5, None, 2.0][:rows]))}
    text = bytes(features_text(properties, json_points(x, y, present)))
    features = json.loads("[" + text[2:].decode() + "]") if rows else []
    assert text[:2] == (b",\n" if rows else b"")
    assert [f["properties"] for f in features] == [{"名称": n, 'a"b': v} for n, v in
                                                   zip(AWKWARD_TEXT, [1.5, None, 2.0])][:rows]
    assert [f["geometry"] for f in features] == [{"type": "Point", "coordinates": [116.123457, 28.765432]},
                                                 {"type": "Point", "coordinates": [117, 29.5]}, None][:rows]
