"""Importing site edits: every bad row reported with its reason, good rows applied and audited, files intact."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from mapapp_cli import run_cli

from mapapp.catalog.edits import csv_text, plan_import
from mapapp.catalog.sites import Gazetteer
from mapapp.layers import load_layer
from mapapp.paths import DATA_DIR
from mapapp.register.changes import all_changes, history
from mapapp.register.store import open_register, site_rows
from mapapp.storage import atomic_write, read_csv_records

CURRENT = read_csv_records(DATA_DIR / "sources" / "sites.csv")
GAZETTEER = Gazetteer(load_layer("prefectures"), load_layer("counties"))


def plan(rows: list[dict], **kw):
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    return plan_import(CURRENT, frame, today="2026-11-21", check_place=GAZETTEER.place, **kw)


def test_good_row_changes_status_and_fills_provenance():
    result = plan([{"id": "fengcheng_circular_economy_park", "circular_retrofit": "completed", "source": "赣发改 2026 通知"}])
    assert result.errors == [] and result.rows_applied == 1
    changed = {c.field: c.new_value for c in result.changes}
    assert changed == {"circular_retrofit": "completed", "circular_retrofit_source": "赣发改 2026 通知",
                       "circular_retrofit_as_of": "2026-11-21"}
    assert next(c for c in result.changes if c.field == "circular_retrofit").old_value == "unknown"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ({"id": "no_such_site", "level": "national"}, "id", "no site with this id"),
        ({"id": "", "level": "national"}, "id", "no site id"),
        ({"id": "guixi_etdz", "circular_retrofit": "finished"}, "circular_retrofit", "not a circular-retrofit status"),
        ({"id": "guixi_etdz", "county_zh": "南昌县"}, "county_zh", "does not belong"),
        ({"id": "guixi_etdz", "area_ha": "lots"}, "area_ha", "valid number"),
        ({"id": "guixi_etdz", "level": "provincial"}, "source", "need a source"),
        ({"id": "guixi_etdz", "circular_retrofit": "planned"}, "", "circular_retrofit_source is required"),
        ({"id": "", "level": ""}, "", "empty row"),
    ],
)
def test_bad_rows_are_reported_and_good_rows_still_apply(row, column, fragment):
    good = {"id": "wanzai_industrial_park", "green_park": "provincial_green_park", "source": "test source"}
    result = plan([good, row])
    assert result.rows_applied == 1
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert fragment in result.errors[0].message


def test_missing_id_column_rejects_everything():
    result = plan([{"name": "x"}])
    assert result.rows_applied == 0 and result.errors[0].message.startswith("the file has no 'id' column")


def test_unknown_columns_are_ignored_and_named():
    result = plan([{"id": "guixi_etdz", "colour": "red", "level": "national"}], default_source="s")
    assert result.ignored_columns == ["colour"] and result.errors == []


def test_atomic_write_leaves_old_file_on_crash(tmp_path: Path):
    target = tmp_path / "sites.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("half of the new ")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind


PASSWORD = "correct horse battery"
REVIEWER = {"MAPAPP_PASSWORD": PASSWORD}


@pytest.fixture
def register_copy(data_copy: Path) -> Path:
    """The data copy with a reviewer account; its register is the SQLite file beside it."""
    made = run_cli(data_copy, "users", "add", "rv", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    return data_copy


def register_of(data_dir: Path):
    return open_register(f"sqlite:///{data_dir.parent / 'var' / 'register.sqlite'}")


def snapshot(data_dir: Path) -> tuple:
    engine = register_of(data_dir)
    try:
        return tuple(tuple(sorted(r.items())) for r in site_rows(engine)), len(all_changes(engine))
    finally:
        engine.dispose()


def test_gbk_import_end_to_end(register_copy: Path, tmp_path: Path):
    upload = tmp_path / "updates.csv"
    upload.write_bytes(
        "id,circular_retrofit,来源\n"
        "pingxiang_etdz,completed,萍乡市发改委 2026 验收公告\n"
        ",,\n"
        "nowhere,completed,x\n"
        "guixi_etdz,almost,x\n".encode("gbk")
    )
    result = run_cli(register_copy, "data", "import", str(upload), "--user", "rv", env=REVIEWER)
    assert result.returncode == 0, result.stderr
    assert "row 2: empty row" in result.stderr
    assert "row 3, column id: no site with this id (value: 'nowhere')" in result.stderr
    assert "row 4, column circular_retrofit" in result.stderr
    assert "1 site(s) applied, 3 row(s) rejected" in result.stderr
    engine = register_of(register_copy)
    rows = {r["id"]: r for r in site_rows(engine)}
    assert rows["pingxiang_etdz"]["circular_retrofit"] == "completed"
    assert rows["pingxiang_etdz"]["circular_retrofit_source"] == "萍乡市发改委 2026 验收公告"
    last = history(engine, "pingxiang_etdz")[-1]
    assert (last.action, last.author, last.state, last.old["record"]["circular_retrofit"]) == ("import", "rv", "approved", "pilot")
    engine.dispose()


def test_dry_run_wrong_password_and_unreadable_file_change_nothing(register_copy: Path, tmp_path: Path):
    before = snapshot(register_copy)
    upload = tmp_path / "u.csv"
    upload.write_text("id,level\nguixi_etdz,provincial\n", encoding="utf-8")
    dry = run_cli(register_copy, "data", "import", str(upload), "--source", "s", "--dry-run", "--user", "rv", env=REVIEWER)
    assert dry.returncode == 0 and "dry run" in dry.stderr
    wrong = run_cli(register_copy, "data", "import", str(upload), "--source", "s", "--user", "rv", stdin="guess\n")
    assert wrong.returncode == 2
    assert wrong.stderr == "mapapp: error: wrong user name or password; nothing was changed\n"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run_cli(register_copy, "data", "import", str(empty), "--user", "rv", env=REVIEWER)
    assert result.returncode == 2 and "empty" in result.stderr
    assert snapshot(register_copy) == before


def test_an_editor_imports_proposals_for_their_prefecture_only(register_copy: Path, tmp_path: Path):
    made = run_cli(register_copy, "users", "add", "yt", "--role", "editor", "--prefecture", "360600", "--password-stdin",
                   stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    upload = tmp_path / "u.csv"
    upload.write_text("id,notes,source\nyingtan_htz,新备注,鹰潭市函\njiujiang_etdz,别处,x\n", encoding="utf-8")
    result = run_cli(register_copy, "data", "import", str(upload), "--user", "yt", env=REVIEWER)
    assert "row 2, column id: jiujiang_etdz lies in Jiujiang, outside the prefectures you may edit (Yingtan)" in result.stderr
    assert "1 site(s) proposed for review, 1 row(s) rejected" in result.stderr
    engine = register_of(register_copy)
    assert {r["id"]: r for r in site_rows(engine)}["yingtan_htz"]["notes"] != "新备注"  # not before review
    assert [(c.action, c.state) for c in history(engine, "yingtan_htz")] == [("seed", "approved"), ("import", "pending")]
    engine.dispose()


def test_a_row_with_an_uncomputed_formula_is_rejected_not_taken_as_unchanged():
    frame = pd.DataFrame([{"id": "guixi_etdz", "level": ""}, {"id": "wanzai_industrial_park", "level": "national"}],
                         dtype=str)
    frame.attrs["uncomputed_formulas"] = [(1, "level")]
    result = plan_import(CURRENT, frame, today="2026-11-21", check_place=GAZETTEER.place, default_source="s")
    assert [(e.row, e.column) for e in result.errors] == [(1, "level")]
    assert "formula without a computed value" in result.errors[0].message
    assert result.rows_applied == 1


def test_excel_import_with_formulas_end_to_end(register_copy: Path, tmp_path: Path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "level", "source"])
    book.active.append(["guixi_etdz", "=C3", "s"])
    book.active.append(["wanzai_industrial_park", "national", "s"])
    book.save(tmp_path / "u.xlsx")
    result = run_cli(register_copy, "data", "import", str(tmp_path / "u.xlsx"), "--user", "rv", env=REVIEWER)
    assert result.returncode == 0, result.stderr
    assert "row 1, column level: the cell holds a formula without a computed value" in result.stderr


def test_a_large_file_of_bad_rows_lists_fifty_and_counts_the_rest(register_copy: Path, tmp_path: Path):
    upload = tmp_path / "u.csv"
    upload.write_text("id,level\n" + "".join(f"nosite_{i},national\n" for i in range(500)), encoding="utf-8")
    result = run_cli(register_copy, "data", "import", str(upload), "--source", "s", "--user", "rv", env=REVIEWER)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 52 and "... and 450 more rows with errors like these" in lines[50]
    assert lines[-1] == "0 site(s) applied, 500 row(s) rejected"


def test_an_impossible_status_date_is_rejected(register_copy: Path, tmp_path: Path):
    upload = tmp_path / "u.csv"
    upload.write_text("id,circular_retrofit,source,circular_retrofit_as_of\nnanchang_etdz,completed,doc,2024-13-45\n",
                      encoding="utf-8")
    result = run_cli(register_copy, "data", "import", str(upload), "--user", "rv", env=REVIEWER)
    assert "'2024-13-45' is not a date" in result.stderr and "0 site(s) applied, 1 row(s) rejected" in result.stderr


def test_a_sites_table_with_a_repeated_id_does_not_seed_a_register(data_copy: Path):
    """Keyed by id, seeding would silently keep one of the two records."""
    sites_csv = data_copy / "sources" / "sites.csv"
    lines = sites_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    sites_csv.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    result = run_cli(data_copy, "users", "list")
    assert result.returncode == 2 and "duplicate id" in result.stderr and result.stderr.count("\n") == 1
    assert "nothing was loaded" in result.stderr


def test_formula_like_cells_are_neutralised_in_what_mapapp_writes():
    text = csv_text([{"id": "a", "name_zh": "=HYPERLINK(\"http://x\")", "notes": "-3.5"},
                     {"id": "b", "name_zh": "@SUM(A1)", "notes": "+86 791"}], ("id", "name_zh", "notes"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name_zh"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert [r["notes"] for r in rows] == ["-3.5", "'+86 791"]  # a number stays a number
