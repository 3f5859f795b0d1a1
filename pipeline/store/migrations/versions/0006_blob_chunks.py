"""Kept files in the database on PostgreSQL (issue 23): the ``blob_chunks`` table, and an existing
PostgreSQL store's files moved into it from ``<data>/blobs``, every hash checked (a file missing
or damaged stops the migration, which then changes nothing). The files on disk are left where
they are, never deleted: remove the folder by hand once the store has been checked. On SQLite
the table stays empty: the files stay in the data folder.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import hashlib

import sqlalchemy as sa
from alembic import context, op

from pipeline.core.errors import Msg, StoreError
from pipeline.store.blobs import Blobs
from pipeline.store.blobstore import BLOBS_DIR, insert_chunks

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq", name="pk_blob_chunks"),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_blob_chunks_sha256_blobs"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _move_files(conn, context.config.attributes.get("data_dir"))


def _move_files(conn: sa.Connection, data_dir) -> None:
    """Every blob row's file from ``<data>/blobs`` into ``blob_chunks``, its hash checked."""
    shas = conn.execute(sa.text("SELECT sha256 FROM blobs ORDER BY sha256")).scalars().all()
    if shas and data_dir is None:
        raise RuntimeError("migration 0006 moves the kept files: it runs through Store.open, which names the data folder")
    files = Blobs(data_dir / BLOBS_DIR) if shas else None
    chunks = sa.table("blob_chunks", sa.column("sha256"), sa.column("seq"), sa.column("data"))
    for sha256 in shas:
        path = files.path(sha256)
        try:
            with open(path, "rb") as kept:
                digest = hashlib.sha256()
                while chunk := kept.read(1 << 20):
                    digest.update(chunk)
                if digest.hexdigest() != sha256:
                    raise StoreError(Msg.STORE_103, where=path, sha256=sha256)
                kept.seek(0)
                insert_chunks(conn, sha256, kept, table=chunks)
        except OSError as err:
            raise StoreError(Msg.STORE_102, where=path, sha256=sha256, reason=err.strerror or err) from err


def downgrade() -> None:
    op.drop_table("blob_chunks")
