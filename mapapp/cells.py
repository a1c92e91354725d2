"""Cells that a spreadsheet would run as formulas (=, +, -, @, tab, CR at the start), made inert
in every CSV or Excel file mapapp writes: a site name '=HYPERLINK(...)' typed by anyone must not
become a link or a command on a colleague's computer (OWASP "CSV injection")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mapapp.arrow_columns import bool_column, valid_mask

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_RISKY_BYTE = np.zeros(256, dtype=bool)  # by a cell's first byte
_RISKY_BYTE[np.frombuffer(b"=+-@\t\r", dtype=np.uint8)] = True
_ARROW_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralise(value: object) -> object:
    """A text that would start a formula gets a leading apostrophe; numbers, "-3.5" included, stay."""
    if isinstance(value, str) and FORMULA_START.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def neutralise_table(table: pa.Table) -> pa.Table:
    """The same for an Arrow table (the batch writer's chunks), column by column, vectorised."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            starts = pa.chunked_array([_starts_risky(chunk) for chunk in column.chunks], type=pa.bool_())
            if pc.any(starts).as_py():  # most columns have no cell that starts like a formula: done
                risky = pc.and_(starts, pc.invert(pc.match_substring_regex(column, _ARROW_NUMBER)))
                column = pc.if_else(risky, pc.utf8_replace_slice(column, start=0, stop=0, replacement="'"), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _starts_risky(array: pa.Array) -> pa.Array:
    """Which cells start with a formula character: their first bytes read straight from the Arrow
    buffers (the characters are ASCII, so a UTF-8 cell starts with one only if its first byte is it);
    a regular expression per cell took ten times as long."""
    n = len(array)
    _, offsets_buf, data_buf = array.buffers()
    if n == 0 or data_buf is None:
        return bool_column(np.zeros(n, dtype=bool))
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=offset_type)[array.offset:array.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    if len(data) == 0:
        return bool_column(np.zeros(n, dtype=bool))
    first = np.take(data, offsets[:-1], mode="clip")  # an empty cell's offset may be the data's end
    risky = np.take(_RISKY_BYTE, first) & (offsets[1:] > offsets[:-1])
    if array.null_count:
        risky &= valid_mask(array)
    return bool_column(risky)
