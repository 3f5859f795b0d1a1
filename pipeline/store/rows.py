"""The store's rows as records, and the few queries every change starts with (the round exists,
the unit is the round's) or ends with (its audit line)."""

from __future__ import annotations

import json
import secrets
import string
from datetime import datetime

import sqlalchemy as sa

from pipeline.core.constants import Channel, ReviewState, Sender
from pipeline.core.errors import Msg, StoreError
from pipeline.store.records import RoundRecord, SubmissionRecord
from pipeline.store.schema import audit_log, round_units, rounds

ROUND_ID_ALPHABET = string.ascii_lowercase + string.digits
ROUND_ID_LENGTH = 10


def new_round_id(conn: sa.Connection) -> str:
    while True:
        candidate = "".join(secrets.choice(ROUND_ID_ALPHABET) for _ in range(ROUND_ID_LENGTH))
        if conn.execute(sa.select(rounds.c.id).where(rounds.c.id == candidate)).first() is None:
            return candidate


def round_row(conn: sa.Connection, round_id: str) -> sa.Row:
    row = conn.execute(rounds.select().where(rounds.c.id == str(round_id))).first()
    if row is None:
        raise StoreError(Msg.STORE_001, round_id=round_id)
    return row


def check_unit(conn: sa.Connection, round_id: str, code: str) -> None:
    found = conn.execute(sa.select(round_units.c.code).where(round_units.c.round_id == round_id, round_units.c.code == code)).first()
    if found is None:
        raise StoreError(Msg.STORE_002, round_id=round_id, code=code)


def audit_line(conn: sa.Connection, round_id: str, actor: str, action: str, unit_code: str | None, detail: str, at: datetime) -> None:
    """One line of the round's audit log; ``actor`` and ``action`` kept as plain text (a ``Sender`` as its value)."""
    values = dict(round_id=round_id, at=at, actor=str(actor), action=str(action), unit_code=unit_code, detail=detail)
    conn.execute(audit_log.insert().values(**values))


def round_record(row: sa.Row) -> RoundRecord:
    return RoundRecord(row.id, row.form_dir, row.form_id, row.form_version, row.period, row.deadline, row.created_at, row.committee_code)


def submission_record(row: sa.Row, review: ReviewState | None, note: str) -> SubmissionRecord:
    return SubmissionRecord(
        id=row.id,
        round_id=row.round_id,
        sha256=row.sha256,
        filename=row.filename,
        sender=Sender(row.sender),
        link_unit=row.link_unit,
        unit_code=row.unit_code,
        accepted=bool(row.accepted),
        errors=row.errors,
        warnings=row.warnings,
        findings=json.loads(row.findings),
        saved_at=row.saved_at,
        received_at=row.received_at,
        review=review,
        note=note,
        channel=Channel(row.channel),
        source=row.source,
    )
