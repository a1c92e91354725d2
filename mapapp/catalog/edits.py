"""Editing sites by importing a table keyed by site id: check every cell, say what would change.

`plan_import` is pure: it says what would change and what is wrong, row by row;
`mapapp.register.imports` applies the good rows to the register, each with its history row.
`csv_text` writes rows as CSV (formula-like cells neutralised).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from pydantic import ValidationError

from mapapp._errors import DataFileError
from mapapp.catalog.records import RowError, validation_errors
from mapapp.catalog.sites import SITE_FIELDS, SiteRecord
from mapapp.cells import neutralise
from mapapp.messages import msg
from mapapp.tables import UNCOMPUTED_FORMULAS

EDITABLE = tuple(f for f in SITE_FIELDS if f != "id")
SOURCE_COLUMNS = ("source", "来源")
# A status change carries its provenance: which column holds the source and the date for which status.
STATUS_PROVENANCE = {
    "circular_retrofit": ("circular_retrofit_source", "circular_retrofit_as_of"),
    "green_park": ("green_park_source", "green_park_as_of"),
}


@dataclass(frozen=True)
class Change:
    row: int
    site_id: str
    field: str
    old_value: str
    new_value: str
    source: str


@dataclass
class ImportPlan:
    rows: list[dict[str, Any]]  # the whole sites table after the good rows are applied
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows_applied: int = 0

    def summary(self) -> str:
        rejected = len({e.row for e in self.errors})
        return (
            f"{self.rows_applied} row(s) applied, {rejected} row(s) rejected, {len(self.changes)} value(s) changed"
            + (f"; ignored column(s): {', '.join(self.ignored_columns)}" if self.ignored_columns else "")
        )


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _row_source(row: dict[str, str], default: str) -> str:
    return next((row[c] for c in SOURCE_COLUMNS if row.get(c)), default)


def _fill_provenance(new: dict[str, Any], given: dict[str, str], old: dict[str, Any], source: str, today: str) -> None:
    """A changed status without its own source or date takes the row's source and today's date."""
    for status, (source_col, date_col) in STATUS_PROVENANCE.items():
        if new.get(status) != old.get(status):
            if not given.get(source_col) and source:
                new[source_col] = source
            if not given.get(date_col):
                new[date_col] = today


def plan_import(
    current: list[dict[str, Any]],
    updates: pd.DataFrame,
    *,
    default_source: str = "",
    today: str | None = None,
    check_place: Callable[[SiteRecord], object] | None = None,
) -> ImportPlan:
    """Apply `updates` (one row per site id; blank cells leave a value as it is) to `current`.

    Row numbers are 1-based data rows of the update file (the header is not counted).
    `check_place` raises ValueError("column: message") if a record's prefecture/county do not resolve.
    A row with an Excel formula saved without its value (read_table lists them in
    `updates.attrs`) is rejected: its blank cell does not mean "unchanged".
    """
    today = today or datetime.now(UTC).date().isoformat()
    ids = Counter(row["id"] for row in current)
    if twice := sorted(i for i, n in ids.items() if n > 1):  # keyed by id, one of them would be lost
        raise DataFileError(msg("园区/基地表中编号重复（{ids}）：请先修正数据文件，本次未做任何更改",
                                "the sites table holds the same id more than once ({ids}); fix the data file first "
                                "(mapapp data validate); nothing was changed", ids=", ".join(twice)))
    by_id = {row["id"]: dict(row) for row in current}
    columns = [str(c).strip() for c in updates.columns]
    plan = ImportPlan(rows=[])
    plan.ignored_columns = [c for c in columns if c not in EDITABLE and c != "id" and c not in SOURCE_COLUMNS]
    if "id" not in columns:
        plan.errors.append(RowError(0, "id", "", "the file has no 'id' column: rows cannot be matched to sites"))
        plan.rows = list(by_id.values())
        return plan
    seen: set[str] = set()
    formulas = _formula_cells(updates)
    for number, values in enumerate(updates.itertuples(index=False), start=1):
        given = {c: _cell(v) for c, v in zip(columns, values)}
        site_id = given.get("id", "")
        if number in formulas:
            plan.errors.append(RowError(number, formulas[number], "", "the cell holds a formula without a computed "
                                        "value: open and save the file in Excel or WPS, then import it again"))
            continue
        if not any(given.values()):
            plan.errors.append(RowError(number, "", "", "empty row, skipped"))
            continue
        if not site_id:
            plan.errors.append(RowError(number, "id", "", "no site id"))
            continue
        if site_id not in by_id:
            plan.errors.append(RowError(number, "id", site_id, "no site with this id"))
            continue
        if site_id in seen:
            plan.errors.append(RowError(number, "id", site_id, "this id was already updated by an earlier row"))
            continue
        seen.add(site_id)
        old = by_id[site_id]
        source = _row_source(given, default_source)
        new = dict(old) | {c: v for c, v in given.items() if c in EDITABLE and v}
        _fill_provenance(new, given, old, source, today)
        try:
            record = SiteRecord(**{k: v for k, v in new.items() if v not in (None, "")})
            if check_place is not None:
                check_place(record)
        except ValidationError as exc:
            plan.errors.extend(validation_errors(exc, number, new))
            continue
        except ValueError as exc:
            column, _, message = str(exc).partition(": ")
            plan.errors.append(RowError(number, column, str(new.get(column, "")), message))
            continue
        changed = [f for f in EDITABLE if _cell(new.get(f)) != _cell(old.get(f))]
        if changed and not source:
            plan.errors.append(RowError(number, "source", "", "changes need a source: add a 'source' column or pass --source"))
            continue
        by_id[site_id] = new
        plan.rows_applied += 1
        plan.changes.extend(Change(number, site_id, f, _cell(old.get(f)), _cell(new.get(f)), source) for f in changed)
    plan.rows = list(by_id.values())
    return plan


def _formula_cells(updates: pd.DataFrame) -> dict[int, str]:
    """Row number -> the first column holding a formula saved without its value."""
    cells: dict[int, str] = {}
    for row, column in updates.attrs.get(UNCOMPUTED_FORMULAS, []):
        cells.setdefault(row, str(column).strip())
    return cells


def csv_text(rows: list[dict[str, Any]], fieldnames: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fieldnames), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise(_cell(row.get(k))) for k in fieldnames} for row in rows)
    return out.getvalue()


