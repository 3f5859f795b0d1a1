"""Alembic's entry point: migrates the connection the store hands over (see ``schema.upgrade``),
inside the transaction the store opened, so a migration applies whole or not at all."""

from alembic import context
from sqlalchemy import text

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the store's migrations run through pipeline.store (Store.open), with its connection")

context.configure(connection=connection, transactional_ddl=True, render_as_batch=connection.dialect.name == "sqlite")
if connection.dialect.name == "postgresql":
    # Two servers opening the same new database at once: one migrates, the other then finds it done.
    connection.execute(text("SELECT pg_advisory_xact_lock(7420211712)"))
with context.begin_transaction():
    context.run_migrations()
