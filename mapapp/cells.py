"""Cells that a spreadsheet would run as formulas (=, +, -, @, tab, CR at the start), made inert
in every CSV or Excel file mapapp writes: a site name '=HYPERLINK(...)' typed by anyone must not
become a link or a command on a colleague's computer (OWASP "CSV injection")."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ARROW_RISKY = r"^[=+\-@\t\r]"
_ARROW_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralise(value: object) -> object:
    """A text that would start a formula gets a leading apostrophe; numbers, "-3.5" included, stay."""
    if isinstance(value, str) and FORMULA_START.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised."""
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
            starts = pc.match_substring_regex(column, _ARROW_RISKY)
            if pc.any(starts).as_py():  # most columns have no cell that starts like a formula: done
                risky = pc.and_(starts, pc.invert(pc.match_substring_regex(column, _ARROW_NUMBER)))
                column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)
