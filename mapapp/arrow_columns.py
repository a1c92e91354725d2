"""Arrow columns made from numpy arrays and Python strings, and float columns read back, straight
through their buffers.

pyarrow's own conversions (pa.array, to_numpy, pa.scalar) import pandas the first time they run:
0.3 s, and more at exit, in every `mapapp screen` of a table, which never needs pandas. These few
cover what that command's hot path converts; tests/test_arrow_columns.py holds them to pyarrow's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray


def float_values(column: pa.Array | pa.ChunkedArray) -> NDArray[np.float64]:
    """A float64 column's values as a new numpy array, NaN where null."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = [_chunk_floats(chunk) for chunk in chunks]
    return np.concatenate(parts) if parts else np.empty(0)


def _chunk_floats(chunk: pa.Array) -> NDArray[np.float64]:
    if chunk.type != pa.float64():
        raise TypeError(f"expected float64, got {chunk.type}")
    n = len(chunk)
    validity, data = chunk.buffers()
    if n == 0 or data is None:
        return np.full(n, np.nan)
    values = np.frombuffer(data, dtype=np.float64, count=n, offset=chunk.offset * 8).copy()
    if chunk.null_count:
        values[~valid_mask(chunk)] = np.nan
    return values


def valid_mask(array: pa.Array) -> NDArray[np.bool_]:
    """Which of the array's values are not null."""
    validity = array.buffers()[0]
    if validity is None:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


def _validity(valid: NDArray[np.bool_]) -> tuple[pa.Buffer | None, int]:
    nulls = int(len(valid) - np.count_nonzero(valid))
    return (pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None), nulls


def float_column(values: NDArray[np.float64]) -> pa.Array:
    """float64, null where NaN (as pa.array(values, from_pandas=True))."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    validity, nulls = _validity(~np.isnan(values))
    return pa.Array.from_buffers(pa.float64(), len(values), [validity, pa.py_buffer(values)], null_count=nulls)


def bool_column(values: NDArray[np.bool_]) -> pa.Array:
    values = np.asarray(values, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(np.packbits(values, bitorder="little"))])


def int32_column(values: NDArray[np.integer], *, null: NDArray[np.bool_] | None = None) -> pa.Array:
    """int32, null where `null` is true."""
    values = np.ascontiguousarray(values, dtype=np.int32)
    validity, nulls = _validity(~null) if null is not None else (None, 0)
    return pa.Array.from_buffers(pa.int32(), len(values), [validity, pa.py_buffer(values)], null_count=nulls)


def string_column(values: Sequence[str | None] | NDArray[np.object_]) -> pa.Array:
    """UTF-8 strings, null where None (a str subclass is taken as its string value)."""
    values = np.asarray(values, dtype=object).reshape(-1)
    present = ~np.equal(values, None)
    n = len(values)
    if not present.any():  # a result chunk's error column, mostly: no Python loop over its rows
        return pa.nulls(n, pa.string())
    encoded = [str.encode(v, "utf-8") for v in values[present]]
    lengths = np.zeros(n, dtype=np.int64)
    lengths[present] = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ValueError("string_column: more than 2 GB of text in one column")
    validity, nulls = _validity(present)
    return pa.Array.from_buffers(pa.string(), n, [validity, pa.py_buffer(offsets.astype(np.int32)),
                                                  pa.py_buffer(b"".join(encoded))], null_count=nulls)


def dictionary_column(labels: Sequence[str], index: NDArray[np.integer]) -> pa.DictionaryArray:
    """labels[index] as a dictionary column, null where index < 0."""
    index = np.asarray(index)
    return pa.DictionaryArray.from_arrays(int32_column(index, null=index < 0), string_column(list(labels)))
