"""The register: sites, locations, changes (history), users, sessions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from mapapp.register.database import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    "name_zh", "name_en", "kind", "level", "level_basis", "gbt37028_code", "prefecture_zh", "county_zh",
    "county_basis", "within_id", "town_zh", "industries", "circular_retrofit", "circular_retrofit_as_of",
    "circular_retrofit_source", "green_park", "green_park_as_of", "green_park_source", "sources", "notes", "notes_zh",
)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "sites",
        sa.Column("id", sa.String(100), primary_key=True),
        *(sa.Column(name, sa.Text, nullable=False, server_default="") for name in TEXT_COLUMNS),
        sa.Column("area_ha", sa.Float),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "locations",
        sa.Column("site_id", sa.String(100), sa.ForeignKey("sites.id"), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("accuracy_m", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("datum", sa.String(40), nullable=False),
        sa.Column("captured", sa.String(10), nullable=False, server_default=""),
        sa.Column("added", sa.String(10), nullable=False),
        sa.Column("geom", Geometry(), nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(100), nullable=False, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("base_version", sa.Integer),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewer", sa.String(100)),
        sa.Column("reviewed_at", WHEN),
        sa.Column("review_comment", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "users",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("prefectures", sa.Text, nullable=False, server_default=""),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", WHEN),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(100), sa.ForeignKey("users.name"), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    for table in ("sessions", "users", "changes", "locations", "sites"):
        op.drop_table(table)
