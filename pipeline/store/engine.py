"""Which database a store opens (SQLite in the data folder, or PostgreSQL by URL) and how SQLite
is set up so that a few writers queue instead of failing."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from pipeline.core.errors import Msg, StoreError

SQLITE_FILE = "tonghop.sqlite3"
BUSY_TIMEOUT_S = 30


def database_url(data_dir: Path, url: str | None) -> URL:
    if url is None:
        return URL.create("sqlite+pysqlite", database=str(data_dir / SQLITE_FILE))
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(Msg.STORE_008, url=url) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(Msg.STORE_008, url=parsed.render_as_string(hide_password=True))


def sqlite_engine(url: URL) -> sa.Engine:
    """SQLite in WAL mode with foreign keys on; transactions that write take the write lock at
    their start (``BEGIN IMMEDIATE``) and wait for it, so a few concurrent writers, threads or
    processes, queue instead of failing."""
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver leaves transactions to us (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a commit is on disk before the sender is answered
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        write = connection.get_execution_options().get("tonghop_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
