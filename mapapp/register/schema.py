"""The register's tables (SQLAlchemy Core). Migrations under migrations/ create exactly these.

- `sites`: the approved register, one row per site, the columns of data/sources/sites.csv plus a
  `version` that every applied change raises (two people saving one site: the second is refused).
- `locations`: a located site's boundary or point (data/sources/locations.geojson's columns).
- `changes`: the history, append-only: every proposal, approval, rejection, edit, import and
  restore, with who, when, the site before and after, the source and the reviewer's word.
- `users` and `sessions`: accounts, their role and prefectures, login throttling, sign-ins.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text, false

from mapapp.register.database import Geometry

metadata = MetaData()

# The record's columns, as in sites.csv (mapapp.catalog.sites.SiteRecord); area_ha is the one number.
SITE_TEXT_COLUMNS = (
    "name_zh", "name_en", "kind", "level", "level_basis", "gbt37028_code", "prefecture_zh", "county_zh",
    "county_basis", "within_id", "town_zh", "industries", "circular_retrofit", "circular_retrofit_as_of",
    "circular_retrofit_source", "green_park", "green_park_as_of", "green_park_source", "sources", "notes", "notes_zh",
)

sites = Table(
    "sites", metadata,
    Column("id", String(100), primary_key=True),
    *(Column(name, Text, nullable=False, server_default="") for name in SITE_TEXT_COLUMNS),
    Column("area_ha", Float),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(100), nullable=False),
)

locations = Table(
    "locations", metadata,
    Column("site_id", String(100), ForeignKey("sites.id"), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("accuracy_m", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("datum", String(40), nullable=False),
    Column("captured", String(10), nullable=False, server_default=""),
    Column("added", String(10), nullable=False),
    Column("geom", Geometry(), nullable=False),
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(100), nullable=False, index=True),
    Column("action", String(20), nullable=False),  # seed | create | update | restore | import | locate
    Column("state", String(20), nullable=False, index=True),  # pending | approved | rejected
    Column("author", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("base_version", Integer),  # the site's version the change was made against (None: a new site)
    Column("old", Text),  # JSON snapshot before (None: a new site)
    Column("new", Text, nullable=False),  # JSON snapshot after
    Column("source", Text, nullable=False, server_default=""),
    Column("comment", Text, nullable=False, server_default=""),
    Column("reviewer", String(100)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("review_comment", Text, nullable=False, server_default=""),
)

users = Table(
    "users", metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),  # editor | reviewer | admin
    Column("prefectures", Text, nullable=False, server_default=""),  # ;-joined adcodes, for editors
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the token: a leaked table signs no one in
    Column("user_name", String(100), ForeignKey("users.name"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
