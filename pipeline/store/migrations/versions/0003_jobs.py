"""Long work done outside a request (a round's consolidation) is a job: who started it and when,
where it stands (files read of how many), and how it ended. A job still marked running whose
heartbeat is old was left by a process that was stopped; at most one job of a kind runs per round.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=True),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_jobs_round_id_rounds"),
        sa.CheckConstraint("state IN ('running', 'done', 'failed', 'abandoned')", name="ck_jobs_state"),
    )
    op.create_index("ix_jobs_round_id_kind", "jobs", ["round_id", "kind"])
    op.create_index(
        "ix_jobs_running",
        "jobs",
        ["round_id", "kind"],
        unique=True,
        sqlite_where=sa.text("state = 'running'"),
        postgresql_where=sa.text("state = 'running'"),
    )


def downgrade() -> None:
    op.drop_table("jobs")
