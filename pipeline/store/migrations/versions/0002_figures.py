"""Each submission keeps the figures read from it (indicator code → value, JSON), so the board's
totals and the changes between a unit's versions need not read the files again. Submissions
stored before this revision have none (NULL): their figures are read from the kept file.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submissions", sa.Column("figures", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("figures")
