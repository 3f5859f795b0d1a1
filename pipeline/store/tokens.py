"""The store's unit links: each unit's link token, kept only as its sha256. Setting a token and
looking one up both go through ``_holder`` (whose token is this, and is it still its current
one); a unit's current token is its newest, an earlier one stops working."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa

from pipeline.core.errors import Msg, StoreError
from pipeline.core.vnformat import utc_now
from pipeline.store.rows import audit_line, check_unit, round_row
from pipeline.store.schema import unit_tokens

TOKEN_BYTES = 24  # 192 bits from ``secrets``
MAX_TOKEN_CHARS = 256  # a longer "token" is not one of ours: not even hashed
ACTION_ISSUE_TOKEN = "issue_token"  # what the audit log calls it


def token_hash(token: str) -> str:
    """What the store keeps of a link token (its sha256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _well_formed(token: object) -> bool:
    return isinstance(token, str) and bool(token) and len(token) <= MAX_TOKEN_CHARS


def _holder(conn: sa.Connection, wanted: str) -> tuple[str, str, bool] | None:
    """``(round_id, unit_code, current)`` of the unit that has (or had) the token whose sha256 is
    ``wanted``; ``current``: it is still the unit's newest token. None: no unit's token."""
    row = conn.execute(
        sa.select(unit_tokens.c.id, unit_tokens.c.round_id, unit_tokens.c.unit_code, unit_tokens.c.token_sha256).where(
            unit_tokens.c.token_sha256 == wanted
        )
    ).first()
    if row is None or not hmac.compare_digest(row.token_sha256, wanted):
        return None
    newest = conn.execute(
        sa.select(sa.func.max(unit_tokens.c.id)).where(unit_tokens.c.round_id == row.round_id, unit_tokens.c.unit_code == row.unit_code)
    ).scalar_one()
    return row.round_id, row.unit_code, newest == row.id


class TokenStore:
    """The unit links' methods of ``Store`` (which provides ``_write`` and ``_read``)."""

    token_hash = staticmethod(token_hash)

    def issue_token(self, round_id: str, unit_code: str) -> str:
        """A new random link token for the unit; any earlier token of the unit stops working. Only
        the token's sha256 is kept: the token itself is returned once and never again."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.set_tokens(round_id, {unit_code: token})
        return token

    def set_token(self, round_id: str, unit_code: str, token: str, actor: str = "office") -> bool:
        """Make ``token`` (made by the caller, e.g. derived from a secret) the unit's current link
        token; any earlier token of the unit stops working. Only its sha256 is kept. Idempotent:
        setting the unit's current token again changes nothing and returns False; True when the
        token was new.

        :raises StoreError: the token is already another unit's, or an earlier token (``STORE_012``).
        """
        return bool(self.set_tokens(round_id, {unit_code: token}, actor))

    def set_tokens(self, round_id: str, tokens: dict[str, str], actor: str = "office") -> set[str]:
        """``set_token`` for many units in one transaction (a round of thousands of units gets
        its links at once, not one disk write each); returns the units whose token was new.

        :raises StoreError: a unit is not the round's, or a token is already another unit's or
            an earlier one (``STORE_012``): then no token is set.
        """
        if not all(_well_formed(token) for token in tokens.values()):
            raise ValueError(f"a token is a non-empty string of at most {MAX_TOKEN_CHARS} characters")
        at = utc_now()
        new: set[str] = set()
        with self._write() as conn:
            round_row(conn, round_id)
            for unit_code, token in tokens.items():
                check_unit(conn, round_id, unit_code)
                wanted = token_hash(token)
                held = _holder(conn, wanted)
                if held == (round_id, unit_code, True):
                    continue
                if held is not None:
                    raise StoreError(Msg.STORE_012, round_id=round_id, code=unit_code)
                conn.execute(unit_tokens.insert().values(round_id=round_id, unit_code=unit_code, token_sha256=wanted, issued_at=at))
                audit_line(conn, round_id, actor, ACTION_ISSUE_TOKEN, unit_code, "Cấp đường dẫn nộp báo cáo mới", at)
                new.add(unit_code)
        return new

    def unit_for_token(self, token: str) -> tuple[str, str] | None:
        """``(round_id, unit_code)`` of the unit whose current link token is ``token``; ``None``
        for anything else (unknown, replaced, malformed)."""
        if not _well_formed(token):
            return None
        with self._read() as conn:
            held = _holder(conn, token_hash(token))
        return held[:2] if held is not None and held[2] else None

    def tokens_issued(self, round_id: str, unit_code: str) -> int:
        """How many link tokens the unit has had (0: none yet)."""
        with self._read() as conn:
            round_row(conn, round_id)
            check_unit(conn, round_id, unit_code)
            return conn.execute(
                sa.select(sa.func.count())
                .select_from(unit_tokens)
                .where(unit_tokens.c.round_id == round_id, unit_tokens.c.unit_code == unit_code)
            ).scalar_one()

    def current_tokens(self, round_id: str) -> dict[str, tuple[int, str]]:
        """For each unit of the round that has had a link token: how many it has had and the
        sha256 of its current one (compare with ``token_hash``); one query for the whole round."""
        newest = (
            sa.select(unit_tokens.c.unit_code, sa.func.count().label("issued"), sa.func.max(unit_tokens.c.id).label("newest"))
            .where(unit_tokens.c.round_id == round_id)
            .group_by(unit_tokens.c.unit_code)
            .subquery()
        )
        query = sa.select(newest.c.unit_code, newest.c.issued, unit_tokens.c.token_sha256).join(
            unit_tokens, unit_tokens.c.id == newest.c.newest
        )
        with self._read() as conn:
            round_row(conn, round_id)
            return {row.unit_code: (row.issued, row.token_sha256) for row in conn.execute(query)}
