"""Alembic environment: migrations run on the connection `mapapp.register.database.upgrade` passes in."""

from alembic import context
from sqlalchemy import text

from mapapp.register.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
if connection.dialect.name == "postgresql":
    # Two app processes starting at once: one migrates, the other waits and then finds nothing to do.
    connection.execute(text("SELECT pg_advisory_xact_lock(36000011)"))
with context.begin_transaction():
    context.run_migrations()
