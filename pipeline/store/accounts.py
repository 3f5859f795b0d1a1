"""The store's office accounts: an account belongs to one committee with a role; its password
kept only as an argon2id hash (made by ``pipeline.accounts.passwords``), its one-time
set-password invitations only as the sha256 of their token, and every login attempt kept (the
lockout reads them). What an account may do is not decided here (``pipeline.accounts.scope``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pipeline.core.errors import Msg, StoreError
from pipeline.core.vnformat import utc_now
from pipeline.store.schema import accounts, committees, invitations, login_attempts

ROLES = ("office", "viewer")
OUTCOMES = ("success", "failure", "locked")


@dataclass(frozen=True)
class AccountRecord:
    """An office account. ``login`` is kept case-folded; ``session_epoch`` grows each time the
    password is set, and a session made under an older epoch is over."""

    id: int
    login: str
    display_name: str
    committee_code: str
    role: str
    password_hash: str | None
    created_at: datetime
    created_by: str
    disabled_at: datetime | None
    session_epoch: int

    @property
    def name(self) -> str:
        """The name to show beside the login: "" when none was given (an account made without
        one keeps its login as ``display_name``, which is not a person's name)."""
        return "" if login_key(self.display_name) == self.login else self.display_name

    @property
    def active(self) -> bool:
        """It can log in: a password is set and the account is not disabled."""
        return self.password_hash is not None and self.disabled_at is None


@dataclass(frozen=True)
class InvitationRecord:
    """A one-time set-password link of an account (its token kept only as a sha256)."""

    id: int
    account_id: int
    token_sha256: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    created_by: str


def _account(row: sa.Row) -> AccountRecord:
    return AccountRecord(**{column.name: getattr(row, column.name) for column in accounts.columns})


def _invitation(row: sa.Row) -> InvitationRecord:
    return InvitationRecord(**{column.name: getattr(row, column.name) for column in invitations.columns})


def login_key(login: str) -> str:
    """A login as kept and matched: without surrounding spaces, case-folded."""
    return str(login).strip().casefold()


class AccountStore:
    """The accounts' methods of ``Store`` (which provides ``_write`` and ``_read``)."""

    def add_account(self, login: str, display_name: str, committee_code: str, role: str, created_by: str) -> AccountRecord:
        """A new account without a password (its invitation sets one).

        :raises StoreError: the login is taken (``ACCOUNT_002``), no such committee (``ACCOUNT_003``).
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        values = dict(login=login_key(login), display_name=display_name, committee_code=str(committee_code), role=role,
                      password_hash=None, created_at=utc_now(), created_by=created_by, disabled_at=None, session_epoch=0)  # fmt: skip
        with self._write() as conn:
            if conn.execute(sa.select(committees.c.code).where(committees.c.code == values["committee_code"])).first() is None:
                raise StoreError(Msg.ACCOUNT_003, code=committee_code)
            if conn.execute(sa.select(accounts.c.id).where(accounts.c.login == values["login"])).first() is not None:
                raise StoreError(Msg.ACCOUNT_002, login=values["login"])
            account_id = conn.execute(accounts.insert().values(**values)).inserted_primary_key[0]
        return AccountRecord(id=account_id, **values)

    def account(self, account_id: int) -> AccountRecord | None:
        """The account ``account_id``; None when there is none."""
        with self._read() as conn:
            row = conn.execute(accounts.select().where(accounts.c.id == int(account_id))).first()
        return None if row is None else _account(row)

    def account_by_login(self, login: str) -> AccountRecord | None:
        """The account of ``login`` (any case); None when there is none."""
        with self._read() as conn:
            row = conn.execute(accounts.select().where(accounts.c.login == login_key(login))).first()
        return None if row is None else _account(row)

    def accounts(self, committee_code: str | None = None) -> list[AccountRecord]:
        """Every account (of ``committee_code`` only, if given), by committee then login."""
        query = accounts.select().order_by(accounts.c.committee_code, accounts.c.login)
        if committee_code is not None:
            query = query.where(accounts.c.committee_code == str(committee_code))
        with self._read() as conn:
            return [_account(row) for row in conn.execute(query)]

    def set_password_hash(self, account_id: int, password_hash: str, *, new_password: bool = True) -> None:
        """Keep the account's password hash. ``new_password``: the password itself changed, so
        every session of the account ends (its epoch grows); False for the same password hashed
        again with newer parameters."""
        values: dict = {"password_hash": password_hash}
        if new_password:
            values["session_epoch"] = accounts.c.session_epoch + 1
        with self._write() as conn:
            conn.execute(accounts.update().where(accounts.c.id == int(account_id)).values(**values))

    def disable_account(self, account_id: int, at: datetime | None = None) -> None:
        """The account can no longer log in, and its sessions end (kept, never deleted)."""
        with self._write() as conn:
            conn.execute(
                accounts.update()
                .where(accounts.c.id == int(account_id), accounts.c.disabled_at.is_(None))
                .values(disabled_at=at or utc_now(), session_epoch=accounts.c.session_epoch + 1)
            )

    # -- invitations ---------------------------------------------------------------------------

    def add_invitation(self, account_id: int, token_sha256: str, created_by: str, created_at: datetime, expires_at: datetime) -> int:
        """Keep a set-password invitation (the sha256 of its token); returns its id. The account's
        earlier invitations not used yet stop working (marked used when this one is made)."""
        values = dict(account_id=int(account_id), token_sha256=token_sha256, created_at=created_at, expires_at=expires_at,
                      used_at=None, created_by=created_by)  # fmt: skip
        with self._write() as conn:
            conn.execute(
                invitations.update()
                .where(invitations.c.account_id == int(account_id), invitations.c.used_at.is_(None))
                .values(used_at=created_at)
            )
            return conn.execute(invitations.insert().values(**values)).inserted_primary_key[0]

    def invitation(self, token_sha256: str) -> InvitationRecord | None:
        """The invitation whose token has this sha256; None when there is none."""
        with self._read() as conn:
            row = conn.execute(invitations.select().where(invitations.c.token_sha256 == token_sha256)).first()
        return None if row is None else _invitation(row)

    def open_invitations(self) -> dict[int, datetime]:
        """``{account id: expiry}`` of each account's invitation not used yet (an account has at
        most one: a new one closes the earlier)."""
        query = sa.select(invitations.c.account_id, sa.func.max(invitations.c.expires_at).label("expires_at"))
        query = query.where(invitations.c.used_at.is_(None)).group_by(invitations.c.account_id)
        with self._read() as conn:
            return {row.account_id: row.expires_at for row in conn.execute(query)}

    def use_invitation(self, invitation_id: int, password_hash: str, at: datetime) -> bool:
        """Mark the invitation used and set its account's password (every session of the account
        ends), in one transaction; False when it was used already (by a request just before)."""
        with self._write() as conn:
            done = conn.execute(
                invitations.update().where(invitations.c.id == invitation_id, invitations.c.used_at.is_(None)).values(used_at=at)
            )
            if done.rowcount != 1:
                return False
            account_id = conn.execute(sa.select(invitations.c.account_id).where(invitations.c.id == invitation_id)).scalar_one()
            conn.execute(
                accounts.update()
                .where(accounts.c.id == account_id)
                .values(password_hash=password_hash, session_epoch=accounts.c.session_epoch + 1)
            )
        return True

    # -- login attempts ------------------------------------------------------------------------

    def add_login_attempt(self, account_id: int | None, address: str, outcome: str, at: datetime) -> None:
        """Keep one login attempt (never the password): ``success``, ``failure``, or ``locked``
        (refused without looking at the password)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        with self._write() as conn:
            conn.execute(login_attempts.insert().values(account_id=account_id, address=str(address), outcome=outcome, at=at))

    def login_attempts(self, *, since: datetime, account_id: int | None = None, address: str | None = None) -> list[tuple[datetime, str]]:
        """``(at, outcome)`` of the attempts since ``since`` on the account, or from the address, oldest first."""
        if (account_id is None) == (address is None):
            raise ValueError("give either account_id or address")
        key = login_attempts.c.account_id == account_id if address is None else login_attempts.c.address == address
        query = (
            sa.select(login_attempts.c.at, login_attempts.c.outcome)
            .where(key, login_attempts.c.at >= since)
            .order_by(login_attempts.c.at, login_attempts.c.id)
        )
        with self._read() as conn:
            return [(row.at, row.outcome) for row in conn.execute(query)]
