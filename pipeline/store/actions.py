"""One account's own actions, newest first, for its page: the audit lines it is the actor of
(its login) in every round, and the set-password links it sent (an invitation: the account's
first link; a reset: a later one), which belong to no round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pipeline.store.schema import accounts, audit_log, invitations

INVITE, RESET = "invite", "reset"  # the actions of the links sent


@dataclass(frozen=True)
class ActionRecord:
    """One action: when, what (an audit action, ``invite`` or ``reset``), in which round (None
    for a link), on which unit or account (its login), and the detail of the audit line."""

    at: datetime
    action: str
    round_id: str | None
    target: str | None
    detail: str


class ActionStore:
    """The mixin of ``Store`` for an actor's actions (``_read`` is the store's)."""

    def actions_of(self, actor: str, limit: int = 100) -> list[ActionRecord]:
        """The ``limit`` newest actions of ``actor`` (an account's login), newest first."""
        first = (
            sa.select(invitations.c.account_id, sa.func.min(invitations.c.id).label("first")).group_by(invitations.c.account_id).subquery()
        )
        with self._read() as conn:
            lines = conn.execute(
                sa.select(audit_log.c.at, audit_log.c.action, audit_log.c.round_id, audit_log.c.unit_code, audit_log.c.detail)
                .where(audit_log.c.actor == actor)
                .order_by(audit_log.c.id.desc())
                .limit(limit)
            ).all()
            links = conn.execute(
                sa.select(invitations.c.created_at, invitations.c.id, first.c.first, accounts.c.login)
                .join(accounts, accounts.c.id == invitations.c.account_id)
                .join(first, first.c.account_id == invitations.c.account_id)
                .where(invitations.c.created_by == actor)
                .order_by(invitations.c.id.desc())
                .limit(limit)
            ).all()
        found = [ActionRecord(r.at, r.action, r.round_id, r.unit_code, r.detail) for r in lines]
        found += [ActionRecord(r.created_at, INVITE if r.id == r.first else RESET, None, r.login, "") for r in links]
        return sorted(found, key=lambda a: a.at, reverse=True)[:limit]
