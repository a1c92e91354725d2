"""Arrow columns built through their buffers equal what pyarrow's own (pandas-importing) conversions give."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from mapapp.arrow_columns import (
    bool_column,
    dictionary_column,
    float_column,
    float_values,
    int32_column,
    string_column,
    valid_mask,
)
from mapapp.messages import Msg
from mapapp.paths import ROOT

FLOATS = np.array([1.5, np.nan, -0.0, np.inf, 1e300, 5e-324, np.nan, 3.0, 4.0, 5.0, 6.0])


def test_float_columns_match_pyarrow_in_both_directions():
    column = float_column(FLOATS)
    assert column.equals(pa.array(FLOATS, from_pandas=True))
    assert column.null_count == 2
    back = float_values(pa.chunked_array([column.slice(0, 3), column.slice(3), pa.array([], pa.float64())]))
    assert np.array_equal(back, FLOATS, equal_nan=True) and np.signbit(back[2])
    assert np.array_equal(float_values(column.slice(5, 4)), FLOATS[5:9], equal_nan=True)  # a slice: buffer offset
    assert float_values(pa.chunked_array([], pa.float64())).size == 0
    with pytest.raises(TypeError):
        float_values(pa.array([1, 2]))


def test_integer_boolean_and_string_columns_match_pyarrow():
    index = np.array([0, -1, 2, 1, -1, 0, 0, 1, 2])
    assert int32_column(index, null=index < 0).equals(pa.array(index.astype(np.int32), mask=index < 0))
    flags = np.array([True, False, True] * 5)
    assert bool_column(flags).equals(pa.array(flags))
    texts = [None, "", "甲厂", Msg("bad row", "坏行"), "x" * 300, None, "🌊"]
    assert string_column(texts).equals(pa.array([None, "", "甲厂", "bad row", "x" * 300, None, "🌊"], pa.string()))
    assert string_column([]).equals(pa.array([], pa.string()))
    assert string_column([None] * 3).null_count == 3
    labels = ["长江", "鄱阳湖", "赣江"]
    assert dictionary_column(labels, index).to_pylist() == [labels[i] if i >= 0 else None for i in index]


def test_valid_mask_reads_the_validity_bits_of_a_slice():
    column = pa.array([1, None, 3, None, 5, 6, None, 8, 9, 10])
    for start in range(5):
        part = column.slice(start, 5)
        assert valid_mask(part).tolist() == [v is not None for v in part.to_pylist()]
    assert valid_mask(pa.array([1, 2])).tolist() == [True, True]


def test_the_conversions_do_not_import_pandas():
    probe = ("import sys, numpy as np, pyarrow as pa\n"
             "from mapapp.arrow_columns import float_column, float_values, string_column, dictionary_column\n"
             "float_values(float_column(np.array([1.0, np.nan])))\n"
             "string_column(['a', None]); dictionary_column(['a'], np.array([0, -1]))\n"
             "print('pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"
