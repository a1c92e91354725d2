"""Files into the register: a table of site edits (CSV or Excel, keyed by id) and a file of surveyed
boundaries or points, through the same checks, rights and history as an edit in the page: one
transaction for the whole file, holding the register so that two imports queue instead of losing
each other's updates."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from mapapp.catalog.edits import ImportPlan, plan_import
from mapapp.catalog.records import RowError
from mapapp.catalog.sites import SITE_FIELDS
from mapapp.locate import LocateOptions, LocatePlan
from mapapp.locations import LocationRecord
from mapapp.register import schema
from mapapp.register.accounts import User
from mapapp.register.changes import Edit, Location, Outcome, current, lock_register, submit_many


@dataclass
class ImportResult:
    plan: ImportPlan
    outcome: Outcome

    @property
    def errors(self) -> list[RowError]:
        return sorted(self.plan.errors + self.outcome.errors, key=lambda e: e.row)

    def summary(self, proposed: bool) -> str:
        rejected = len({e.row for e in self.errors})
        done = "proposed for review" if proposed else "applied"
        return f"{len(self.outcome.changes)} site(s) {done}, {rejected} row(s) rejected"


def import_table(engine: Engine, user: User, updates: pd.DataFrame, *, default_source: str = "",
                 editors_publish: bool = False, dry_run: bool = False) -> ImportResult:
    """Check every row against the register as it is inside the transaction, then write the good ones."""
    with engine.begin() as conn:
        lock_register(conn)
        stored = conn.execute(select(schema.sites).order_by(schema.sites.c.id)).mappings().all()
        current = [{f: row[f] for f in SITE_FIELDS} for row in stored]
        versions = {row["id"]: row["version"] for row in stored}
        plan = plan_import(current, updates, default_source=default_source)
        changed = {c.site_id: c for c in reversed(plan.changes)}  # the first change's row and source, per site
        after = {row["id"]: row for row in plan.rows}
        edits = [(c.row, Edit(site_id, {k: v for k, v in after[site_id].items() if k != "id"}, versions[site_id],
                              source=c.source, action="import"))
                 for site_id, c in sorted(changed.items(), key=lambda kv: kv[1].row)]
        outcome = submit_many(engine, user, edits, editors_publish=editors_publish, conn=conn)
        if dry_run:
            conn.rollback()
    return ImportResult(plan, outcome)


def locate_sites(engine: Engine, user: User, plan: LocatePlan, options: LocateOptions, *,
                 editors_publish: bool = False, dry_run: bool = False) -> Outcome:
    """Give the plan's sites their boundary or point, each a change of the register (with its
    history row), all in one transaction; refused sites are reported by their input rows."""
    with engine.begin() as conn:
        lock_register(conn)
        edits = []
        for loc in plan.located:
            stored = current(conn, loc.site_id)
            if stored is None:
                continue  # plan_locate only names sites of the register
            version, snapshot = stored
            record = LocationRecord(site_id=loc.site_id, kind=loc.kind, accuracy_m=loc.accuracy_m, source=options.source,
                                    datum=options.datum, captured=options.captured, added=options.today)
            edits.append((loc.rows[0], Edit(loc.site_id, snapshot["record"], version, source=options.source,
                                            location=Location(record, loc.geometry), action="locate")))
        outcome = submit_many(engine, user, edits, editors_publish=editors_publish, conn=conn)
        if dry_run:
            conn.rollback()
    return outcome
