"""Table rows checked against a pydantic model: every problem reported by row and column, good rows kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def is_date(text: str) -> bool:
    """'2017', '2017-06' or '2017-06-30', and a real one (not '2024-13-45')."""
    if not _DATE.match(text):
        return False
    year, month, day = (text.split("-") + ["01", "01"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class RowError:
    """A problem with one input row: 1-based data row number (header not counted), column, message."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}" + (f" (value: {self.value!r})" if self.value else "")


def split_list(value: Any) -> list[str]:
    """`a;b` cells as a list; blanks and None give []."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def check_code(value: str, allowed: Collection[str], what: str) -> str:
    """`value` if it is one of `allowed`; else a ValueError naming the value and the choices."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not a {what}; allowed: {', '.join(allowed)}")
    return value


def check_codes(cell: str, allowed: Collection[str], what: str) -> str:
    """A `;`-separated cell whose every code is allowed, normalised to `a;b`."""
    return ";".join(check_code(code, allowed, what) for code in split_list(cell))


def validation_errors(exc: ValidationError, row: int, data: dict[str, Any]) -> list[RowError]:
    errors = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else ""
        message = err["msg"].removeprefix("Value error, ")
        errors.append(RowError(row, column, str(data.get(column, "") or ""), message))
    return errors


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


def validate_rows(
    model: type[M], rows: list[dict[str, Any]], *, check: Callable[[M], RowError | None] | None = None
) -> tuple[list[M], list[RowError]]:
    """Validate every row (blank cells take the model's defaults); ids must be unique.

    Returns the good records and every problem found, all of them rather than the first.
    `check` may reject a valid record for a reason outside the model (e.g. a dangling reference).
    """
    records: list[M] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        data = {k: v for k, v in raw.items() if _present(v)}
        try:
            record = model(**data)
        except ValidationError as exc:
            errors.extend(validation_errors(exc, number, data))
            continue
        record_id = getattr(record, "id", None)
        problem = RowError(number, "id", record_id, "duplicate id") if record_id in seen else None
        if problem is None and check is not None:
            problem = check(record)
            problem = problem and RowError(number, problem.column, problem.value, problem.message)
        if problem is not None:
            errors.append(problem)
            continue
        seen.add(record_id)
        records.append(record)
    return records, errors
