"""The register on SQLite and on PostGIS: rights, review, history, restore, conflicts, sign-in.

Every refusal is checked to change nothing: the register's state (sites, locations, history) is the
same before and after.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
import sqlalchemy as sa

from mapapp.locations import LocationRecord
from mapapp.register import schema
from mapapp.register.accounts import (
    AccessDenied,
    add_user,
    authenticate,
    disable_user,
    session_user,
    start_session,
)
from mapapp.register.changes import (
    Conflict,
    Edit,
    InvalidEdit,
    Location,
    approve,
    current,
    history,
    overtaken,
    pending,
    reject,
    restore,
    returned,
    revision,
    submit,
)
from mapapp.register.database import connect
from mapapp.register.seed import seed
from mapapp.register.store import open_register, register_catalog, site_rows

PASSWORD = "correct horse battery"
YINGTAN_SITE, JIUJIANG_SITE = "yingtan_htz", "jiujiang_etdz"


@pytest.fixture
def register(register_url):
    engine = open_register(register_url)
    yield engine
    engine.dispose()


@pytest.fixture
def people(register):
    return {
        "editor": add_user(register, "yt_editor", "editor", PASSWORD, ("360600",)),
        "reviewer": add_user(register, "province_reviewer", "reviewer", PASSWORD),
        "admin": add_user(register, "it_admin", "admin", PASSWORD),
    }


def state(engine) -> tuple:
    """Everything a refused action must leave as it was."""
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(t).order_by(*t.primary_key.columns)).all()
                     for t in (schema.sites, schema.locations, schema.changes))


def record(engine, site_id: str) -> tuple[int, dict]:
    with engine.connect() as conn:
        version, snapshot = current(conn, site_id)
    return version, dict(snapshot["record"])


def edit(engine, site_id: str, source: str = "鹰潭市工信局 2026-11 函", **changes) -> Edit:
    version, values = record(engine, site_id)
    return Edit(site_id, values | changes, version, source=source)


def test_a_new_register_is_seeded_once_from_the_curated_tables(register):
    assert len(site_rows(register)) == 162
    assert revision(register) == 162 and {c.action for c in history(register, YINGTAN_SITE)} == {"seed"}
    assert seed(register) == 0  # a second start loads nothing
    assert register_catalog(register).ok


def test_an_editors_change_is_a_proposal_until_a_reviewer_approves_it(register, people):
    before = record(register, YINGTAN_SITE)
    proposal = submit(register, people["editor"], edit(register, YINGTAN_SITE, circular_retrofit="planned",
                                                       circular_retrofit_as_of="2026-11",
                                                       circular_retrofit_source="鹰潭市工信局 2026-11 函"))
    assert proposal.state == "pending" and record(register, YINGTAN_SITE) == before
    assert [c.id for c in pending(register, people["editor"])] == [proposal.id]
    assert pending(register, None) == []  # a visitor sees only the approved register
    approved = approve(register, people["reviewer"], proposal.id, "checked against the letter")
    version, values = record(register, YINGTAN_SITE)
    assert approved.state == "approved" and approved.reviewer == "province_reviewer" and version == before[0] + 1
    assert values["circular_retrofit"] == "planned"
    last = history(register, YINGTAN_SITE)[-1]
    assert (last.author, last.old["record"]["circular_retrofit"], last.new["record"]["circular_retrofit"]) == (
        "yt_editor", "unknown", "planned")
    assert last.review_comment == "checked against the letter" and last.changed_fields()[0] == "circular_retrofit"


def test_an_editor_cannot_touch_a_site_outside_their_prefectures(register, people):
    before = state(register)
    with pytest.raises(AccessDenied, match="outside the prefectures") as refused:
        submit(register, people["editor"], edit(register, JIUJIANG_SITE, notes="x"))
    assert "九江市" in refused.value.message.zh
    with pytest.raises(AccessDenied, match="outside the prefectures"):  # nor move one of theirs out
        submit(register, people["editor"], edit(register, YINGTAN_SITE, prefecture_zh="九江市"))
    assert state(register) == before


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_only_a_reviewer_approves_and_an_admin_edits_no_site(register, people, who):
    proposal = submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="新备注"))
    before = state(register)
    with pytest.raises(AccessDenied, match="only a reviewer"):
        approve(register, people[who], proposal.id)
    if who == "admin":
        with pytest.raises(AccessDenied, match="manages accounts"):
            submit(register, people["admin"], edit(register, YINGTAN_SITE, notes="x"))
    assert state(register) == before


def test_two_saves_of_one_site_the_second_is_refused_with_both_versions(register, people):
    first = edit(register, YINGTAN_SITE, notes="first")
    second = edit(register, YINGTAN_SITE, notes="second")  # made from the same version
    submit(register, people["reviewer"], first)
    before = state(register)
    with pytest.raises(Conflict) as refused:
        submit(register, people["reviewer"], second)
    assert refused.value.theirs["record"]["notes"] == "first" and refused.value.yours["notes"] == "second"
    assert state(register) == before and record(register, YINGTAN_SITE)[1]["notes"] == "first"


def test_a_proposal_overtaken_by_another_change_cannot_be_approved(register, people):
    proposal = submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="editor's"))
    submit(register, people["reviewer"], edit(register, YINGTAN_SITE, notes="reviewer's"))
    before = state(register)
    with pytest.raises(Conflict):
        approve(register, people["reviewer"], proposal.id)
    assert state(register) == before and pending(register, people["reviewer"])[0].id == proposal.id


def test_a_proposal_sent_twice_is_refused_the_second_time_and_a_different_one_is_not(register, people):
    """A form pressed twice must not make two proposals for the reviewer (the second would be out of
    date as soon as the first is approved)."""
    proposal = submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="once"))
    before = state(register)
    with pytest.raises(InvalidEdit, match=f"already waiting for review \\(#{proposal.id}\\)"):
        submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="once"))
    assert state(register) == before
    other = submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="twice"))
    assert [c.id for c in pending(register, people["reviewer"])] == [proposal.id, other.id]
    assert overtaken(register, pending(register, people["reviewer"])) == set()
    approve(register, people["reviewer"], proposal.id)
    # The other proposal was made on the version before: it is marked out of date, and stays pending.
    assert overtaken(register, pending(register, people["reviewer"])) == {other.id}


def test_a_rejection_says_why_and_a_decision_is_made_once(register, people):
    proposal = submit(register, people["editor"], edit(register, YINGTAN_SITE, notes="x"))
    with pytest.raises(InvalidEdit, match="say why"):
        reject(register, people["reviewer"], proposal.id, " ")
    rejected = reject(register, people["reviewer"], proposal.id, "no source for this")
    assert rejected.state == "rejected" and record(register, YINGTAN_SITE)[1]["notes"] != "x"
    with pytest.raises(AccessDenied, match="already decided"):
        approve(register, people["reviewer"], proposal.id)
    # The editor is told: their proposals sent back, with the reviewer's comment; no one else's.
    [back] = returned(register, people["editor"])
    assert (back.id, back.review_comment, back.reviewer) == (proposal.id, "no source for this", "province_reviewer")
    assert returned(register, people["reviewer"]) == [] and returned(register, None) == []


def test_a_restore_brings_back_an_earlier_version_and_is_recorded(register, people):
    seeded = history(register, YINGTAN_SITE)[0]
    submit(register, people["reviewer"], edit(register, YINGTAN_SITE, level="national", notes="wrong"))
    back = restore(register, people["reviewer"], seeded.id, "the old values were right")
    assert back.action == "restore" and record(register, YINGTAN_SITE)[1] == seeded.new["record"]
    assert [c.action for c in history(register, YINGTAN_SITE)] == ["seed", "update", "restore"]
    with pytest.raises(InvalidEdit, match="nothing would change"):
        restore(register, people["reviewer"], seeded.id)


def test_every_field_is_checked_like_the_import(register, people):
    before = state(register)
    with pytest.raises(InvalidEdit) as bad:
        submit(register, people["reviewer"], edit(register, YINGTAN_SITE, circular_retrofit="done"))
    assert bad.value.errors[0].column == "circular_retrofit"
    with pytest.raises(InvalidEdit) as undated:  # a status needs its source and its as-of date
        submit(register, people["reviewer"], edit(register, YINGTAN_SITE, green_park="provincial_green_park",
                                                 green_park_source="赣工信 2026 名单"))
    assert undated.value.errors[0].column == "green_park_as_of"
    with pytest.raises(InvalidEdit) as misplaced:
        submit(register, people["reviewer"], edit(register, YINGTAN_SITE, county_zh="湖口县"))
    assert "county_zh" in misplaced.value.errors[0].column
    with pytest.raises(InvalidEdit, match="needs its source"):
        submit(register, people["reviewer"], edit(register, YINGTAN_SITE, source="", notes="x"))
    assert state(register) == before


def test_an_editor_adds_a_site_with_a_boundary_in_their_prefecture(register, people):
    boundary = shapely.box(117.05, 28.20, 117.07, 28.22)
    location = Location(LocationRecord(site_id="yujiang_new_park", kind="boundary", accuracy_m=5, source="余江区勘测定界图",
                                       datum="EPSG:4490", added="2026-12-05"), boundary)
    new = Edit("yujiang_new_park", {"name_zh": "余江新园区", "name_en": "Yujiang New Park", "kind": "park",
                                    "prefecture_zh": "鹰潭市", "county_zh": "余江区", "sources": "鹰潭市政府 2026 批复"},
               None, source="鹰潭市政府 2026 批复", location=location)
    proposal = submit(register, people["editor"], new)
    assert proposal.action == "create" and proposal.state == "pending"
    approve(register, people["reviewer"], proposal.id)
    sites = register_catalog(register).sites.set_index("id")
    assert sites.loc["yujiang_new_park", "location_kind"] == "boundary"
    assert sites.loc["yujiang_new_park"].geometry.equals_exact(boundary, 1e-9)


def test_sign_in_refusals(register, people):
    assert authenticate(register, "yt_editor", PASSWORD).role == "editor"
    with pytest.raises(AccessDenied, match="wrong user name or password"):
        authenticate(register, "yt_editor", "guess")
    with pytest.raises(AccessDenied, match="wrong user name or password"):
        authenticate(register, "nobody", PASSWORD)
    for _ in range(4):
        with pytest.raises(AccessDenied):
            authenticate(register, "yt_editor", "guess")
    with pytest.raises(AccessDenied, match="locked"):  # five wrong in a row: even the right one waits
        authenticate(register, "yt_editor", PASSWORD)
    token = start_session(register, people["reviewer"])
    assert session_user(register, token).name == "province_reviewer"
    with register.begin() as conn:
        conn.execute(schema.sessions.update().values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    with pytest.raises(AccessDenied, match="expired"):
        session_user(register, token)
    with pytest.raises(AccessDenied, match="not signed in"):
        session_user(register, "made-up-token")
    disable_user(register, "it_admin")
    with pytest.raises(AccessDenied, match="disabled"):
        authenticate(register, "it_admin", PASSWORD)


def test_a_second_process_sees_an_approved_change_at_once(register_url, register, people):
    other = connect(register_url)  # another app process: its own engine and connections
    seen = revision(other)
    submit(register, people["reviewer"], edit(register, YINGTAN_SITE, notes="visible everywhere"))
    assert revision(other) > seen
    assert {r["id"]: r for r in site_rows(other)}[YINGTAN_SITE]["notes"] == "visible everywhere"
    other.dispose()
