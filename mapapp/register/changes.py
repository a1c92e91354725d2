"""The one path by which the register changes: submit, approve, reject, restore; and its history.

Every change is one transaction that writes the site, its location and its history row together,
so the register is always either the old or the new state and no change is without its row. Each
site has a version; a change made against an older version than the one stored is refused with
both versions (`Conflict`), so no one silently overwrites another's save.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import shapely
import shapely.geometry
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Row, func, select, text

from mapapp.catalog.records import RowError, validation_errors
from mapapp.catalog.sites import SITE_FIELDS, Gazetteer, SiteRecord
from mapapp.layers import load_layer
from mapapp.locations import LOCATION_FIELDS, LocationRecord, location_problem
from mapapp.messages import Msg, msg
from mapapp.register import schema
from mapapp.register.accounts import AccessDenied, User, now

STATES = ("pending", "approved", "rejected")
ACTIONS = ("seed", "create", "update", "restore", "import", "locate")
STATUS_DATES = {"circular_retrofit": "circular_retrofit_as_of", "green_park": "green_park_as_of"}
KEEP = object()  # "leave the location as it is"
PROVENANCE = tuple(f for f in LOCATION_FIELDS if f != "site_id")  # a location's fields besides its site
# Serialises whole-register writers (imports, seeding) on PostgreSQL; SQLite's BEGIN IMMEDIATE does it there.
_REGISTER_LOCK = 36000012


class Conflict(Exception):
    """Someone saved the site since this change was made: nothing was written; both versions are kept."""

    def __init__(self, site_id: str, yours: dict, theirs: dict | None, version: int | None) -> None:
        self.site_id, self.yours, self.theirs, self.version = site_id, yours, theirs, version
        self.message = msg("“{id}”已被他人修改（现为第 {v} 版），您的保存未写入；请对照两个版本后重新编辑",
                           "{id} was changed by someone else (now version {v}); your save was not written: compare "
                           "both versions and edit again", id=site_id, v=version)
        super().__init__(str(self.message))


class InvalidEdit(Exception):
    """The edited record breaks the schema: `errors` say which field and why; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass(frozen=True)
class Location:
    """A located site's boundary or point in WGS 84 with its provenance (LocationRecord's fields)."""

    record: LocationRecord
    geometry: shapely.Geometry


@dataclass(frozen=True)
class Edit:
    """What someone wants a site to be. `base_version` is the version they saw (None: a new site)."""

    site_id: str
    record: dict[str, Any]
    base_version: int | None
    source: str
    location: Location | None | object = KEEP
    comment: str = ""
    action: str = "update"


@dataclass(frozen=True)
class ChangeRow:
    id: int
    site_id: str
    action: str
    state: str
    author: str
    created_at: datetime
    base_version: int | None
    old: dict | None
    new: dict
    source: str
    comment: str
    reviewer: str | None
    reviewed_at: datetime | None
    review_comment: str

    def changed_fields(self) -> list[str]:
        """The record fields (and "location") that differ between old and new."""
        old, new = self.old or {"record": {}, "location": None}, self.new
        names = [f for f in new["record"] if (old["record"].get(f) or "") != (new["record"].get(f) or "")]
        return names + (["location"] if old.get("location") != new.get("location") else [])


@dataclass
class Outcome:
    """What a submission did: the change rows written and, for a table import, the rows refused."""

    changes: list[ChangeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# --- snapshots: a site as JSON-able data (its record and its location) ---------------------------

def _record_of(row: Row) -> dict[str, Any]:
    values = row._mapping
    return {f: values[f] for f in SITE_FIELDS if f != "id"}


def location_data(fields: Mapping[str, Any], geometry: shapely.Geometry) -> dict:
    """A location as a snapshot holds it: its provenance fields and its geometry as GeoJSON."""
    return {k: fields[k] for k in PROVENANCE} | {"geometry": shapely.geometry.mapping(geometry)}


def _location_json(location: Location | None) -> dict | None:
    return None if location is None else location_data(location.record.model_dump(), location.geometry)


def _location_of(conn: Connection, site_id: str) -> dict | None:
    row = conn.execute(select(schema.locations).where(schema.locations.c.site_id == site_id)).first()
    return None if row is None else location_data(row._mapping, row.geom)


def current(conn: Connection, site_id: str) -> tuple[int, dict] | None:
    """(version, snapshot) of a site as stored, or None."""
    row = conn.execute(select(schema.sites).where(schema.sites.c.id == site_id)).first()
    if row is None:
        return None
    return row.version, {"record": _record_of(row), "location": _location_of(conn, site_id)}


# --- checks ---------------------------------------------------------------------------------------

def check_record(site_id: str, record: dict[str, Any], old: dict | None, row: int = 0) -> SiteRecord:
    """The record as the schema wants it; InvalidEdit with every problem. A changed status needs its
    source and its as-of date (the CSV import fills the date with the day of import)."""
    data = {k: v for k, v in ({"id": site_id} | record).items() if v not in (None, "")}
    try:
        checked = SiteRecord(**data)
    except ValidationError as exc:
        raise InvalidEdit(validation_errors(exc, row, data)) from None
    try:
        _gazetteer().place(checked)  # the prefecture and county must be Jiangxi's and fit together
    except ValueError as exc:
        column, _, message = str(exc).partition(": ")
        raise InvalidEdit([RowError(row, column, str(data.get(column, "")), message)]) from None
    before = (old or {}).get("record", {})
    missing = [RowError(row, date, "", "a changed status needs its as-of date")
               for status, date in STATUS_DATES.items()
               if getattr(checked, status) != before.get(status, "unknown") and getattr(checked, status) != "unknown"
               and not getattr(checked, date)]
    if missing:
        raise InvalidEdit(missing)
    return checked


def check_location(location: Location) -> None:
    problem = location_problem(location.record, location.geometry)
    if problem:
        raise InvalidEdit([RowError(0, "geometry", "", problem)])


@cache
def _gazetteer() -> Gazetteer:
    return Gazetteer(load_layer("prefectures"), load_layer("counties"))


@cache
def prefecture_codes() -> dict[str, str]:
    """Jiangxi's prefecture-level cities: Chinese name -> adcode."""
    frame = load_layer("prefectures")
    return dict(zip(frame.name_zh, frame.adcode))


def prefecture_code(name: str) -> str | None:
    return prefecture_codes().get(name)


def _check_scope(user: User, site_id: str, old: dict | None, new: dict) -> None:
    """An editor may touch only sites in their prefectures, and may not move one out of them."""
    for snapshot in (old, new):
        if snapshot is None:
            continue
        name = snapshot["record"].get("prefecture_zh", "")
        if not user.may_change(prefecture_code(name)):
            raise AccessDenied(_scope_refusal(user, site_id, name))


def _scope_refusal(user: User, site_id: str, prefecture: str) -> Msg:
    if user.role == "admin":
        return msg("管理员账户只管理账户，不能修改园区/基地", "an admin account manages accounts and cannot change sites")
    frame = load_layer("prefectures")
    english = dict(zip(frame.name_zh, frame.name_en))
    chinese = {code: name for name, code in prefecture_codes().items()}
    mine = [chinese.get(code, code) for code in user.prefectures]
    return msg("“{id}”位于{p}，不在您可编辑的设区市范围内（{mine}）", "{id} lies in {p}, outside the prefectures you may "
               "edit ({mine})", id=site_id, p=Msg(english.get(prefecture, prefecture or "?"), prefecture or "?"),
               mine=Msg(", ".join(english.get(m, m) for m in mine) or "—", "、".join(mine) or "—"))


def editors_publish_setting() -> bool:
    """The deployment setting MAPAPP_EDITORS_PUBLISH=1 lets editors publish without review."""
    return os.environ.get("MAPAPP_EDITORS_PUBLISH", "").strip().lower() in ("1", "true", "yes")


def publishes_directly(user: User, editors_publish: bool) -> bool:
    return user.role == "reviewer" or (user.role == "editor" and editors_publish)


# --- writing ----------------------------------------------------------------------------------------

def _insert_change(conn: Connection, **values: Any) -> ChangeRow:
    values = {"created_at": now(), "source": "", "comment": "", "review_comment": ""} | values
    stored = values | {"old": None if values.get("old") is None else json.dumps(values["old"], ensure_ascii=False),
                       "new": json.dumps(values["new"], ensure_ascii=False)}
    new_id = conn.execute(schema.changes.insert().values(**stored).returning(schema.changes.c.id)).scalar_one()
    return _change(conn.execute(select(schema.changes).where(schema.changes.c.id == new_id)).one())


def _change(row: Row) -> ChangeRow:
    values = dict(row._mapping)
    values["old"] = None if values["old"] is None else json.loads(values["old"])
    values["new"] = json.loads(values["new"])
    return ChangeRow(**values)


def _write_site(conn: Connection, site_id: str, snapshot: dict, base_version: int | None, author: str) -> int:
    """Store `snapshot` as the site's next version; Conflict if the stored version is not `base_version`."""
    values = dict(snapshot["record"]) | {"updated_at": now(), "updated_by": author}
    values = {k: ("" if v is None and k != "area_ha" else v) for k, v in values.items()}
    if base_version is None:
        if conn.execute(select(schema.sites.c.id).where(schema.sites.c.id == site_id)).first():
            stored = current(conn, site_id)
            raise Conflict(site_id, snapshot, stored[1], stored[0])
        conn.execute(schema.sites.insert().values(id=site_id, version=1, **values))
        version = 1
    else:
        done = conn.execute(schema.sites.update()
                            .where(schema.sites.c.id == site_id, schema.sites.c.version == base_version)
                            .values(version=base_version + 1, **values)).rowcount
        if done != 1:
            stored = current(conn, site_id)
            raise Conflict(site_id, snapshot, stored and stored[1], stored and stored[0])
        version = base_version + 1
    conn.execute(schema.locations.delete().where(schema.locations.c.site_id == site_id))
    location = snapshot.get("location")
    if location is not None:
        conn.execute(schema.locations.insert().values(
            site_id=site_id, geom=shapely.geometry.shape(location["geometry"]),
            **{k: location[k] for k in PROVENANCE}))
    return version


def _snapshot(edit: Edit, checked: SiteRecord, old: dict | None) -> dict:
    record = checked.model_dump()
    record.pop("id")
    if edit.location is KEEP:
        location = old["location"] if old else None
    else:
        if edit.location is not None:
            check_location(edit.location)  # type: ignore[arg-type]
        location = _location_json(edit.location)  # type: ignore[arg-type]
    return {"record": record, "location": location}


def _submit(conn: Connection, user: User, edit: Edit, *, editors_publish: bool, row: int = 0) -> ChangeRow:
    if not edit.source.strip():
        raise InvalidEdit([RowError(row, "source", "", "a change needs its source (document, survey, letter)")])
    stored = current(conn, edit.site_id)
    old_version, old = (stored if stored else (None, None))
    if edit.base_version != old_version:
        raise Conflict(edit.site_id, edit.record, old, old_version)
    checked = check_record(edit.site_id, edit.record, old, row)
    new = _snapshot(edit, checked, old)
    _check_scope(user, edit.site_id, old, new)
    if new == old:
        raise InvalidEdit([RowError(row, "", "", "nothing would change: the site is like this already")])
    action = "create" if old is None and edit.action == "update" else edit.action
    common = {"site_id": edit.site_id, "action": action, "author": user.name, "base_version": old_version,
              "old": old, "new": new, "source": edit.source.strip(), "comment": edit.comment}
    if publishes_directly(user, editors_publish):
        _write_site(conn, edit.site_id, new, old_version, user.name)
        return _insert_change(conn, state="approved", reviewer=user.name, reviewed_at=now(),
                              review_comment="" if user.role == "reviewer" else "published directly", **common)
    _refuse_duplicate(conn, edit.site_id, new, row)
    return _insert_change(conn, state="pending", **common)


def _refuse_duplicate(conn: Connection, site_id: str, new: dict, row: int) -> None:
    """A proposal that a pending one already makes (a form sent twice) would only be reviewed twice."""
    waiting = conn.execute(select(schema.changes).where((schema.changes.c.site_id == site_id)
                                                        & (schema.changes.c.state == "pending")))
    stored = json.loads(json.dumps(new, ensure_ascii=False))  # as it reads back (lists for tuples)
    same = next((change.id for change in map(_change, waiting) if change.new == stored), None)
    if same is not None:
        raise InvalidEdit([RowError(row, "", "", f"the same change is already waiting for review (#{same})")])


def submit(engine: Engine, user: User, edit: Edit, *, editors_publish: bool = False) -> ChangeRow:
    """Propose (editor) or make (reviewer) one change; refused with AccessDenied, InvalidEdit or Conflict."""
    with engine.begin() as conn:
        return _submit(conn, user, edit, editors_publish=editors_publish)


def submit_many(engine: Engine, user: User, edits: Iterable[tuple[int, Edit]], *, editors_publish: bool = False,
                conn: Connection | None = None) -> Outcome:
    """Several edits (numbered rows of a table) in one transaction: refused rows are reported and
    skipped, the others all land together or, if anything fails unexpectedly, none does."""
    if conn is None:
        with engine.begin() as own:
            return submit_many(engine, user, edits, editors_publish=editors_publish, conn=own)
    outcome = Outcome()
    for number, edit in edits:
        savepoint = conn.begin_nested()
        try:
            outcome.changes.append(_submit(conn, user, edit, editors_publish=editors_publish, row=number))
            savepoint.commit()
        except InvalidEdit as exc:
            savepoint.rollback()
            outcome.errors += exc.errors
        except (AccessDenied, Conflict) as exc:
            savepoint.rollback()
            outcome.errors.append(RowError(number, "id", edit.site_id, str(exc.message)))
    return outcome


def _pending(conn: Connection, change_id: int) -> ChangeRow:
    row = conn.execute(select(schema.changes).where(schema.changes.c.id == change_id)).first()
    if row is None:
        raise ValueError(f"no change {change_id}")
    change = _change(row)
    if change.state != "pending":
        raise AccessDenied(msg("第 {n} 号修改已处理（{s}），不能再审核", "change {n} was already decided ({s})",
                               n=change_id, s=change.state))
    return change


def _require_reviewer(user: User) -> None:
    if user.role != "reviewer":
        raise AccessDenied(msg("只有审核人可以审核或恢复", "only a reviewer may review or restore"))


def approve(engine: Engine, reviewer: User, change_id: int, comment: str = "") -> ChangeRow:
    """Apply a pending change; Conflict (and it stays pending) if the site changed since it was proposed."""
    _require_reviewer(reviewer)
    with engine.begin() as conn:
        change = _pending(conn, change_id)
        _write_site(conn, change.site_id, change.new, change.base_version, change.author)
        return _decide(conn, change, reviewer, "approved", comment)


def reject(engine: Engine, reviewer: User, change_id: int, comment: str) -> ChangeRow:
    _require_reviewer(reviewer)
    if not comment.strip():
        raise InvalidEdit([RowError(0, "review_comment", "", "say why the change is rejected")])
    with engine.begin() as conn:
        return _decide(conn, _pending(conn, change_id), reviewer, "rejected", comment)


def _decide(conn: Connection, change: ChangeRow, reviewer: User, state: str, comment: str) -> ChangeRow:
    done = conn.execute(schema.changes.update()
                        .where(schema.changes.c.id == change.id, schema.changes.c.state == "pending")
                        .values(state=state, reviewer=reviewer.name, reviewed_at=now(), review_comment=comment)).rowcount
    if done != 1:  # decided by another reviewer in the meantime
        raise AccessDenied(msg("第 {n} 号修改已由他人处理", "change {n} was decided by someone else", n=change.id))
    return _change(conn.execute(select(schema.changes).where(schema.changes.c.id == change.id)).one())


def restore(engine: Engine, reviewer: User, change_id: int, comment: str = "") -> ChangeRow:
    """Make a site what an earlier approved change made it (itself a recorded change)."""
    _require_reviewer(reviewer)
    with engine.begin() as conn:
        row = conn.execute(select(schema.changes).where(schema.changes.c.id == change_id)).first()
        if row is None or row.state != "approved":
            raise ValueError(f"change {change_id} is not an approved version")
        earlier = _change(row)
        stored = current(conn, earlier.site_id)
        version = stored[0] if stored else None
        location = earlier.new["location"]
        edit = Edit(earlier.site_id, earlier.new["record"], version, source=f"restore of change {change_id}",
                    location=None if location is None else _as_location(earlier.site_id, location),
                    comment=comment, action="restore")
        return _submit(conn, reviewer, edit, editors_publish=False)


def _as_location(site_id: str, data: dict) -> Location:
    fields = {k: data[k] for k in PROVENANCE}
    return Location(LocationRecord(site_id=site_id, **fields), shapely.geometry.shape(data["geometry"]))


# --- reading -----------------------------------------------------------------------------------------

def history(engine: Engine, site_id: str) -> list[ChangeRow]:
    """Every change of a site, oldest first (pending and rejected ones included)."""
    with engine.connect() as conn:
        rows = conn.execute(select(schema.changes).where(schema.changes.c.site_id == site_id).order_by(schema.changes.c.id))
        return [_change(r) for r in rows]


def all_changes(engine: Engine) -> list[ChangeRow]:
    with engine.connect() as conn:
        return [_change(r) for r in conn.execute(select(schema.changes).order_by(schema.changes.c.id))]


def pending(engine: Engine, user: User | None) -> list[ChangeRow]:
    """Proposals awaiting review: all of them for a reviewer, their own for an editor, none for others."""
    if user is None or user.role not in ("reviewer", "editor"):
        return []
    query = select(schema.changes).where(schema.changes.c.state == "pending").order_by(schema.changes.c.id)
    if user.role == "editor":
        query = query.where(schema.changes.c.author == user.name)
    with engine.connect() as conn:
        return [_change(r) for r in conn.execute(query)]


def overtaken(engine: Engine, waiting: Iterable[ChangeRow]) -> set[int]:
    """The proposals among `waiting` whose site has been saved since they were made: approving them
    would overwrite that save, so they can only be sent back."""
    waiting = list(waiting)
    ids = {c.site_id for c in waiting}
    with engine.connect() as conn:
        versions = dict(conn.execute(select(schema.sites.c.id, schema.sites.c.version).where(schema.sites.c.id.in_(ids))).all())
    return {c.id for c in waiting if versions.get(c.site_id) != c.base_version}


def returned(engine: Engine, user: User | None, *, limit: int = 5) -> list[ChangeRow]:
    """An editor's proposals a reviewer sent back, newest first (the reviewer's comment says why)."""
    if user is None or user.role != "editor":
        return []
    query = (select(schema.changes).where((schema.changes.c.state == "rejected") & (schema.changes.c.author == user.name))
             .order_by(schema.changes.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        return [_change(r) for r in conn.execute(query)]


def revision(engine: Engine) -> int:
    """A number that grows with every applied change: the page rebuilds its layers when it moves."""
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(schema.changes.c.id), 0))
                            .where(schema.changes.c.state == "approved")).scalar_one()


def lock_register(conn: Connection) -> None:
    """Hold the whole register for this transaction (imports, seeding), on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REGISTER_LOCK})
