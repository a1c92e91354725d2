"""Formula-like cells made inert in the Arrow tables the batch writer writes, as in every other output."""

from __future__ import annotations

import pyarrow as pa

from mapapp.cells import neutralise, neutralise_table

VALUES = ["=1+1", "-3.5", "-x", "+86 791", "@SUM(A1)", "\tcmd", "\rcmd", "", None, "江西=", "plain", "1e5", "-.5e-3",
          "＝全角", "'=already"]


def test_an_arrow_table_is_neutralised_cell_for_cell_as_a_single_value_is():
    expected = [neutralise(v) for v in VALUES]
    plain = pa.array(VALUES, type=pa.string())
    chunked = pa.chunked_array([plain.slice(0, 5), plain.slice(5, 4), plain.slice(9)])  # slices: buffer offsets
    table = pa.table({"a": plain, "b": pa.array(VALUES, type=pa.large_string()), "c": chunked,
                      "n": pa.array(range(len(VALUES)))})
    out = neutralise_table(table)
    assert out.schema == table.schema
    for name in ("a", "b", "c"):
        assert out.column(name).to_pylist() == expected
    assert out.column("n").to_pylist() == list(range(len(VALUES)))
    assert expected[:4] == ["'=1+1", "-3.5", "'-x", "'+86 791"]


def test_a_table_without_formula_like_cells_is_written_as_it_is():
    table = pa.table({"a": pa.array(["x", None, "", "中"]), "b": pa.array([None, None, None, None], type=pa.string())})
    assert neutralise_table(table).equals(table)
    assert neutralise_table(table.slice(0, 0)).num_rows == 0
