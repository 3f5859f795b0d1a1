"""What the store hands out: frozen records, times timezone-aware in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.core.constants import Channel, ReviewState, Sender


@dataclass(frozen=True)
class RoundRecord:
    """A collection round: which form (folder, id, version), for which period, due when."""

    id: str
    form_dir: str
    form_id: str
    form_version: str
    period: str
    deadline: date | None
    created_at: datetime
    committee_code: str | None = None  # the committee whose round it is; None: the server owner's


@dataclass(frozen=True)
class UnitRecord:
    """A unit of a round's unit list."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class SubmissionRecord:
    """A file received in a round: who sent it through which link, what it was recognised as,
    its check, and the office's latest review (``None`` when none yet)."""

    id: int
    round_id: str
    sha256: str
    filename: str
    sender: Sender
    link_unit: str | None
    unit_code: str | None
    accepted: bool
    errors: int
    warnings: int
    findings: list[dict]
    saved_at: datetime | None
    received_at: datetime
    review: ReviewState | None
    note: str
    channel: Channel = Channel.UPLOAD
    source: str = ""  # where typed figures came from, in the office's words ("theo điện thoại 9/11")


@dataclass(frozen=True)
class AuditRecord:
    """One line of a round's audit log."""

    at: datetime
    actor: str
    action: str
    unit_code: str | None
    detail: str


@dataclass(frozen=True)
class JobRecord:
    """Work done outside a request (``kind``: ``"consolidate"``): who started it and when, where it
    stands (``done`` files read of ``total``; ``updated_at`` is its heartbeat), how it ended
    (``state``: running, done, failed or abandoned; ``result`` or ``error``, in Vietnamese)."""

    id: int
    round_id: str
    kind: str
    actor: str
    state: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    done: int
    total: int | None
    result: str
    error: str


@dataclass(frozen=True)
class DraftRecord:
    """Figures typed on the web form and saved without sending: ``figures`` (indicator code → the
    text as typed), by ``sender`` (the unit, or the office typing for it, ``source`` its note)."""

    round_id: str
    unit_code: str
    sender: Sender
    figures: dict[str, str]
    source: str
    saved_at: datetime
