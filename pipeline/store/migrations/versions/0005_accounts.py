"""One server for a province (issue 22): the committees (the official tree of the registry, or a
unit list's), office accounts belonging to one committee with a role, one-time set-password
invitations (kept only as hashes), every login attempt (for the lockout), and each round's
committee (NULL for the rounds of the server owner made before accounts).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "committees",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("parent_code", sa.Text, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_committees"),
        sa.ForeignKeyConstraint(["parent_code"], ["committees.code"], name="fk_committees_parent_code_committees"),
    )
    op.create_index("ix_committees_parent_code", "committees", ["parent_code"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("committee_code", sa.Text, nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("disabled_at", TIME, nullable=True),
        sa.Column("session_epoch", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("login", name="uq_accounts_login"),
        sa.ForeignKeyConstraint(["committee_code"], ["committees.code"], name="fk_accounts_committee_code_committees"),
        sa.CheckConstraint("role IN ('office', 'viewer')", name="ck_accounts_role"),
    )
    op.create_index("ix_accounts_committee_code", "accounts", ["committee_code"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_sha256", name="uq_invitations_token_sha256"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_invitations_account_id_accounts"),
    )
    op.create_index("ix_invitations_account_id", "invitations", ["account_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_login_attempts_account_id_accounts"),
        sa.CheckConstraint("outcome IN ('success', 'failure', 'locked')", name="ck_login_attempts_outcome"),
    )
    op.create_index("ix_login_attempts_account_id_at", "login_attempts", ["account_id", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    # Added in place, not by copying the table (batch mode): SQLite refuses to drop ``rounds`` while
    # other tables' rows point at it, and takes a REFERENCES clause on ADD COLUMN.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE rounds ADD COLUMN committee_code TEXT REFERENCES committees (code)")
    else:
        op.add_column("rounds", sa.Column("committee_code", sa.Text, nullable=True))
        op.create_foreign_key("fk_rounds_committee_code_committees", "rounds", "committees", ["committee_code"], ["code"])


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint("fk_rounds_committee_code_committees", type_="foreignkey")
        batch.drop_column("committee_code")
    op.drop_table("login_attempts")
    op.drop_table("invitations")
    op.drop_table("accounts")
    op.drop_table("committees")
