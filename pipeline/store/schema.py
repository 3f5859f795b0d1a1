"""The tables as the code uses them, and the migrations that build them.

The tables here mirror what the migrations in ``migrations/versions/`` create (a test compares
the two); a change of schema is a new migration plus the matching change here, never an edit of
an applied migration.
"""

from __future__ import annotations

import ast
import contextlib
import functools
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (and the SQL dialects it loads, about 80 ms) is imported only to migrate: opening a
# store that is up to date reads its revision and the newest migration's without it.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware time kept in UTC: ``timestamptz`` on PostgreSQL, UTC text on SQLite
    (which keeps no zone); naive times are refused on the way in, given back aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


metadata = sa.MetaData(naming_convention=NAMING)

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("form_dir", sa.Text, nullable=False),
    sa.Column("form_id", sa.Text, nullable=False),
    sa.Column("form_version", sa.Text, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("deadline", sa.Date, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # The committee whose round it is; NULL: a round of the server owner made before accounts (0005).
    sa.Column("committee_code", sa.Text, sa.ForeignKey("committees.code"), nullable=True),
)

round_units = sa.Table(
    "round_units",
    metadata,
    sa.Column("round_id", sa.String(16), sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("level", sa.Text, nullable=False),
    sa.UniqueConstraint("round_id", "position"),
)

unit_tokens = sa.Table(
    "unit_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(16), nullable=False),
    sa.Column("unit_code", sa.Text, nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(["round_id", "unit_code"], ["round_units.round_id", "round_units.code"]),
    sa.Index(None, "round_id", "unit_code"),
)

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("stored_at", UTCDateTime, nullable=False),
)

# The content of each blob on PostgreSQL (0006), in chunks of ``blobstore.CHUNK_BYTES``; empty on SQLite,
# whose blobs are files in the data folder.
blob_chunks = sa.Table(
    "blob_chunks",
    metadata,
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(16), sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("sender", sa.String(10), nullable=False),
    sa.Column("link_unit", sa.Text, nullable=True),
    sa.Column("unit_code", sa.Text, nullable=True),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("saved_at", UTCDateTime, nullable=True),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("figures", sa.Text, nullable=True),  # JSON {indicator code: value}; NULL before 0002 or when not accepted
    sa.Column("channel", sa.String(10), nullable=False, server_default="upload"),  # core.constants.Channel
    sa.Column("source", sa.Text, nullable=False, server_default=""),  # where the figures came from, in words
    sa.CheckConstraint("sender IN ('unit', 'office')", name="sender"),
    sa.CheckConstraint("channel IN ('upload', 'form', 'forward')", name="channel"),
    sa.ForeignKeyConstraint(["round_id", "link_unit"], ["round_units.round_id", "round_units.code"]),
    sa.ForeignKeyConstraint(["round_id", "unit_code"], ["round_units.round_id", "round_units.code"]),
    sa.Index(None, "round_id", "unit_code"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.CheckConstraint("action IN ('approve', 'return')", name="action"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(16), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("unit_code", sa.Text, nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
)

drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("round_id", sa.String(16), primary_key=True),
    sa.Column("unit_code", sa.Text, primary_key=True),
    sa.Column("sender", sa.String(10), primary_key=True),  # the unit (its link) or the office typing for it
    sa.Column("figures", sa.Text, nullable=False),  # JSON {indicator code: text as typed}
    sa.Column("source", sa.Text, nullable=False),  # the office's note of where the figures came from
    sa.Column("saved_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(["round_id", "unit_code"], ["round_units.round_id", "round_units.code"]),
    sa.CheckConstraint("sender IN ('unit', 'office')", name="sender"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(16), sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),  # the heartbeat: old while running means abandoned
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("done", sa.Integer, nullable=False),  # files read so far
    sa.Column("total", sa.Integer, nullable=True),  # files to read (None: not known yet)
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.CheckConstraint("state IN ('running', 'done', 'failed', 'abandoned')", name="state"),
    sa.Index(None, "round_id", "kind"),
    # One running job of a kind per round, even when two requests start one at the same moment.
    sa.Index(
        "ix_jobs_running",
        "round_id",
        "kind",
        unique=True,
        sqlite_where=sa.text("state = 'running'"),
        postgresql_where=sa.text("state = 'running'"),
    ),  # fmt: skip
)

# -- committees and their office accounts (0005) ------------------------------------------------

committees = sa.Table(
    "committees",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),  # the official code ("12", "03408") or the unit list's
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("level", sa.Text, nullable=False),  # central, province, commune, village, or the list's level
    sa.Column("parent_code", sa.Text, sa.ForeignKey("committees.code"), nullable=True, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.Text, nullable=False, unique=True),  # kept case-folded: matched without case
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("committee_code", sa.Text, sa.ForeignKey("committees.code"), nullable=False, index=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=True),  # argon2id; NULL until the invitation is used
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),  # an account's login, or "server"
    sa.Column("disabled_at", UTCDateTime, nullable=True),
    sa.Column("session_epoch", sa.Integer, nullable=False),  # bumped when the password changes: sessions end
    sa.CheckConstraint("role IN ('office', 'viewer')", name="role"),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime, nullable=True),
    sa.Column("created_by", sa.Text, nullable=False),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),  # NULL: no such login
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),  # success, failure, or locked (refused unheard)
    sa.Column("at", UTCDateTime, nullable=False),
    sa.CheckConstraint("outcome IN ('success', 'failure', 'locked')", name="outcome"),
    sa.Index(None, "account_id", "at"),
    sa.Index(None, "address", "at"),
)


def alembic_config(connection: sa.Connection | None = None, data_dir: Path | None = None) -> Config:
    """The Alembic configuration of the shipped migrations; ``connection`` (inside a transaction)
    is the one ``migrations/env.py`` migrates, ``data_dir`` the store's data folder (0006 reads
    the blob files in it)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["data_dir"] = data_dir
    return config


@functools.lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration this version of the code knows: the one no other revises, read from
    the migrations' ``revision`` and ``down_revision`` (as Alembic reads them, which decides
    whenever they are not one plain chain)."""
    revises: dict[object, object] = {}
    scripts = [path for path in sorted((MIGRATIONS / "versions").glob("*.py")) if path.name != "__init__.py"]
    for path in scripts:
        found = dict(_assigned(ast.parse(path.read_text(encoding="utf-8"))))
        if "revision" in found:
            revises[found["revision"]] = found.get("down_revision")
    heads = set(revises) - set(revises.values())
    plain = len(revises) == len(scripts) and all(isinstance(v, str | None) for v in [*revises, *revises.values()])
    if plain and len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _assigned(module: ast.Module) -> Iterator[tuple[str, object]]:
    """The names a module assigns a literal to at its top (``revision = "0006"``, annotated or not)."""
    for node in module.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(node, "target", None)
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(target, ast.Name) and node.value is not None:
            with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                yield target.id, ast.literal_eval(node.value)


def current_revision(connection: sa.Connection) -> str | None:
    """The migration the database is at; ``None`` for an empty database."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(found) <= 1:
        return found[0] if found else None
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()  # several heads: Alembic says so


def upgrade(connection: sa.Connection, revision: str = "head", data_dir: Path | None = None) -> None:
    """Bring the database on ``connection`` (inside a transaction) to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(connection, data_dir), revision)
