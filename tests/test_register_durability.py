"""Nothing lost: concurrent imports both land, and a process killed (-9) in the middle of an import
leaves the register either as it was or with the whole import, every change with its history row."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from mapapp.paths import ROOT
from mapapp.register import schema
from mapapp.register.accounts import add_user, authenticate
from mapapp.register.imports import import_table
from mapapp.register.store import open_register, site_rows

PASSWORD = "correct horse battery"


def _notes_table(ids: list[str], text: str) -> pd.DataFrame:
    return pd.DataFrame({"id": ids, "notes": [f"{text} {i}" for i in ids], "source": "test import"})


def _consistent(engine) -> None:
    """Each site's version is one more than its applied changes after the seed, and no applied
    change is missing from the history."""
    with engine.connect() as conn:
        versions = dict(conn.execute(sa.select(schema.sites.c.id, schema.sites.c.version)).all())
        applied = conn.execute(sa.select(schema.changes.c.site_id, sa.func.count()).where(
            schema.changes.c.state == "approved").group_by(schema.changes.c.site_id)).all()
    assert {site: n for site, n in applied} == versions


def test_two_imports_at_once_both_land(register_url):
    engine = open_register(register_url)
    add_user(engine, "rv", "reviewer", PASSWORD)
    ids = [r["id"] for r in site_rows(engine)]
    tables = [_notes_table(ids[:80], "first"), _notes_table(ids[40:120], "second")]
    results, errors = [], []

    def run(table: pd.DataFrame) -> None:
        own = open_register(register_url)  # as two app processes would: their own connections
        try:
            results.append(import_table(own, authenticate(own, "rv", PASSWORD), table))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(t,)) for t in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(len(r.outcome.changes) for r in results) == [80, 80]
    notes = {r["id"]: r["notes"] for r in site_rows(engine)}
    assert all(notes[i].startswith("first") for i in ids[:40]) and all(notes[i].startswith("second") for i in ids[80:120])
    assert all(notes[i].split()[0] in ("first", "second") for i in ids[40:80])  # the later import wins, both recorded
    _consistent(engine)
    engine.dispose()


def test_a_killed_import_leaves_the_old_or_the_new_register(register_url, tmp_path: Path):
    engine = open_register(register_url)
    add_user(engine, "rv", "reviewer", PASSWORD)
    ids = [r["id"] for r in site_rows(engine)]
    env = os.environ | {"MAPAPP_DATABASE_URL": register_url, "MAPAPP_PASSWORD": PASSWORD}
    rng = random.Random(11)
    outcomes = []
    for round_number in range(8):
        upload = tmp_path / f"round{round_number}.csv"
        _notes_table(ids, f"round{round_number}").to_csv(upload, index=False)
        process = subprocess.Popen([sys.executable, "-m", "mapapp", "data", "import", str(upload), "--user", "rv"],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.0))  # the command takes ~1.7 s: some kills land inside the import
        process.send_signal(signal.SIGKILL)
        process.wait()
        notes = [r["notes"] for r in site_rows(engine)]
        landed = sum(n.startswith(f"round{round_number} ") for n in notes)
        assert landed in (0, len(ids)), f"round {round_number}: {landed} of {len(ids)} sites changed"
        outcomes.append(landed == len(ids))
        _consistent(engine)
    engine.dispose()
    print("imports that finished before the kill:", outcomes)
