"""The first schema: rounds and their units, unit links, blobs, submissions, reviews, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROUND_ID = sa.String(16)
SHA256 = sa.String(64)


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", ROUND_ID, nullable=False),
        sa.Column("form_dir", sa.Text, nullable=False),
        sa.Column("form_id", sa.Text, nullable=False),
        sa.Column("form_version", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
    )
    op.create_table(
        "round_units",
        sa.Column("round_id", ROUND_ID, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "code", name="pk_round_units"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_round_units_round_id_rounds"),
        sa.UniqueConstraint("round_id", "position", name="uq_round_units_round_id_position"),
    )
    op.create_table(
        "unit_tokens",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("round_id", ROUND_ID, nullable=False),
        sa.Column("unit_code", sa.Text, nullable=False),
        sa.Column("token_sha256", SHA256, nullable=False),
        sa.Column("issued_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_unit_tokens"),
        sa.ForeignKeyConstraint(
            ["round_id", "unit_code"], ["round_units.round_id", "round_units.code"], name="fk_unit_tokens_round_id_unit_code_round_units"
        ),
        sa.UniqueConstraint("token_sha256", name="uq_unit_tokens_token_sha256"),
    )
    op.create_index("ix_unit_tokens_round_id_unit_code", "unit_tokens", ["round_id", "unit_code"])
    op.create_table(
        "blobs",
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("stored_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("round_id", ROUND_ID, nullable=False),
        sa.Column("sha256", SHA256, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("sender", sa.String(10), nullable=False),
        sa.Column("link_unit", sa.Text, nullable=True),
        sa.Column("unit_code", sa.Text, nullable=True),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("saved_at", _time(), nullable=True),
        sa.Column("received_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_submissions_round_id_rounds"),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_submissions_sha256_blobs"),
        sa.ForeignKeyConstraint(
            ["round_id", "link_unit"], ["round_units.round_id", "round_units.code"], name="fk_submissions_round_id_link_unit_round_units"
        ),
        sa.ForeignKeyConstraint(
            ["round_id", "unit_code"], ["round_units.round_id", "round_units.code"], name="fk_submissions_round_id_unit_code_round_units"
        ),
        sa.CheckConstraint("sender IN ('unit', 'office')", name="ck_submissions_sender"),
    )
    op.create_index("ix_submissions_round_id_unit_code", "submissions", ["round_id", "unit_code"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], name="fk_reviews_submission_id_submissions"),
        sa.CheckConstraint("action IN ('approve', 'return')", name="ck_reviews_action"),
    )
    op.create_index("ix_reviews_submission_id", "reviews", ["submission_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("round_id", ROUND_ID, nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("unit_code", sa.Text, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_audit_log_round_id_rounds"),
    )
    op.create_index("ix_audit_log_round_id", "audit_log", ["round_id"])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down: nothing is ever deleted")
