"""Returns typed on the unit's page (issue 21): each submission says how it came (``channel``:
an uploaded file, the web form, or a lower round's consolidation forwarded) and where its figures
came from, in the office's words (``source``: "theo điện thoại 9/11"); the figures a unit (or the
office for it) typed and saved without sending are a draft, one per unit and sender.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("channel", sa.String(10), nullable=False, server_default="upload"))
        batch.add_column(sa.Column("source", sa.Text, nullable=False, server_default=""))
        batch.create_check_constraint("channel", "channel IN ('upload', 'form', 'forward')")
    op.create_table(
        "drafts",
        sa.Column("round_id", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.Text, nullable=False),
        sa.Column("sender", sa.String(10), nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "unit_code", "sender", name="pk_drafts"),
        sa.ForeignKeyConstraint(
            ["round_id", "unit_code"], ["round_units.round_id", "round_units.code"], name="fk_drafts_round_id_round_units"
        ),
        sa.CheckConstraint("sender IN ('unit', 'office')", name="ck_drafts_sender"),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint("ck_submissions_channel", type_="check")
        batch.drop_column("source")
        batch.drop_column("channel")
