"""Where each unit of a round stands, and the office's review (approve, or return for correction).

A unit's versions are the files it sent: through its link, or dropped by the office and
recognised as its return. The version in use is the approved one (the newest approved), else
the newest accepted. The status, in this order:

- chưa nộp: nothing sent;
- có lỗi: nothing accepted yet (each file sent was rejected), or the version in use has errors;
- đã duyệt / cần sửa: the version in use was approved / returned for correction;
- nộp muộn / đã nộp đúng hạn: received after / by the deadline (no deadline: on time).

Lateness follows ``consolidate.timeliness``: the later of the time saved inside the file
(unless beyond now and ``settings.SAVED_TIME_SLACK``: not trusted) and the time the file was
received, in calendar days after the deadline in Vietnam time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.consolidate.timeliness import days_late
from pipeline.core import settings
from pipeline.core.constants import Channel, ReviewState, RoundStatus, Sender
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.text import visible_text
from pipeline.core.vnformat import format_number, utc_now

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, Store, SubmissionRecord, UnitRecord


@dataclass(frozen=True)
class UnitStatus:
    """One row of the status board. ``late``: days after the deadline (0: on time; None: nothing
    in use or no deadline); ``errors``, ``warnings``: of the version in use, else of the newest
    file sent; ``in_use``: the submission id of the version in use; ``note``: the office's note
    when it was returned for correction; ``pending``: accepted versions the unit sent after the
    approved version in use (that one stays in use until the office approves a newer one)."""

    unit_code: str
    unit_name: str
    level: str
    status: RoundStatus
    received_at: datetime | None
    late: int | None
    errors: int
    warnings: int
    versions: int
    in_use: int | None
    note: str = ""
    pending: int = 0  # accepted versions received after the approved version in use: waiting for review
    # How the version in use came (None: none in use): who sent it, by which channel, from which source.
    sender: Sender | None = None
    channel: Channel | None = None
    source: str = ""

    def as_json(self) -> dict:
        """The unit's row of ``GET /api/rounds/{id}/status``."""
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "status": self.status.value,
            "received_at": self.received_at.isoformat(timespec="seconds") if self.received_at else None,
            "late": self.late,
            "errors": self.errors,
            "warnings": self.warnings,
            "versions": self.versions,
            "in_use": self.in_use,
            "pending": self.pending,
        }


def received_moment(sub: SubmissionRecord, limit: datetime) -> datetime:
    """When a version counts as received: the later of its saved time (unless beyond ``limit``)
    and the time it reached the round."""
    saved = sub.saved_at if sub.saved_at and sub.saved_at <= limit else None
    return max(saved, sub.received_at) if saved else sub.received_at


def sent_by(sub: SubmissionRecord, code: str) -> bool:
    """Whether unit ``code`` sent ``sub``: through its link, or dropped by the office as its return."""
    return sub.link_unit == code if sub.link_unit else sub.unit_code == code


def in_use(subs: list[SubmissionRecord], code: str) -> SubmissionRecord | None:
    """The version in use of unit ``code`` among the round's submissions (oldest first)."""
    usable = [s for s in subs if s.accepted and s.unit_code == code]
    approved = [s for s in usable if s.review is ReviewState.APPROVED]
    return (approved or usable or [None])[-1]


def _state(rnd: RoundRecord, unit: UnitRecord, sent: list[SubmissionRecord], usable: list[SubmissionRecord], limit: datetime) -> UnitStatus:
    """Where ``unit`` stands: ``sent``, the files it sent; ``usable``, the accepted files
    recognised as its return (both oldest first), among which its version in use."""
    used = in_use(usable, unit.code)
    shown = used or (sent[-1] if sent else None)
    base = dict(
        unit_code=unit.code, unit_name=unit.name, level=unit.level, versions=len(sent),
        errors=shown.errors if shown else 0, warnings=shown.warnings if shown else 0,
    )  # fmt: skip
    if used is None:
        state = RoundStatus.ERRORS if sent else RoundStatus.MISSING
        return UnitStatus(status=state, received_at=None, late=None, in_use=None, **base)
    moment = received_moment(used, limit)
    late = days_late(moment, rnd.deadline) if rnd.deadline else None
    if used.review is ReviewState.APPROVED:
        state = RoundStatus.APPROVED
    elif used.review is ReviewState.RETURNED:
        state = RoundStatus.RETURNED
    elif used.errors:
        state = RoundStatus.ERRORS
    else:
        state = RoundStatus.LATE if late else RoundStatus.ON_TIME
    note = used.note if used.review is ReviewState.RETURNED else ""
    after = (used.received_at, used.id)
    newer = [s for s in usable if s.accepted and s.unit_code == unit.code and (s.received_at, s.id) > after]
    pending = len(newer) if used.review is ReviewState.APPROVED else 0
    how = dict(sender=used.sender, channel=used.channel, source=used.source)
    return UnitStatus(status=state, received_at=moment, late=late, in_use=used.id, note=note or "", pending=pending, **how, **base)


def by_unit(subs: list[SubmissionRecord]) -> tuple[dict[str, list[SubmissionRecord]], dict[str, list[SubmissionRecord]]]:
    """The round's submissions (oldest first) grouped once: by the unit that sent each
    (``sent_by``), and the accepted ones by the unit each was recognised as (what ``in_use``
    chooses from)."""
    sent: dict[str, list[SubmissionRecord]] = {}
    usable: dict[str, list[SubmissionRecord]] = {}
    for sub in subs:
        sender = sub.link_unit or sub.unit_code
        if sender:
            sent.setdefault(sender, []).append(sub)
        if sub.accepted and sub.unit_code:
            usable.setdefault(sub.unit_code, []).append(sub)
    return sent, usable


def versions_in_use(subs: list[SubmissionRecord], units: list[UnitRecord]) -> list[SubmissionRecord]:
    """The version in use of each of ``units`` that has one, in their order, from the round's
    submissions (oldest first): what ``status`` says is in use, without the rest of the board."""
    _sent, usable = by_unit(subs)
    return [used for unit in units if (used := in_use(usable.get(unit.code, []), unit.code)) is not None]


def status(store: Store, round_id: str, now: datetime | None = None) -> list[UnitStatus]:
    """Every unit of the round, in the list's order, with where it stands."""
    rnd = store.round(round_id)
    sent, usable = by_unit(store.submissions(round_id))
    limit = (now or utc_now()) + settings.SAVED_TIME_SLACK
    return [_state(rnd, unit, sent.get(unit.code, []), usable.get(unit.code, []), limit) for unit in store.units(round_id)]


def unit_status(store: Store, round_id: str, unit_code: str, now: datetime | None = None) -> UnitStatus:
    """Where one unit of the round stands (``ROUND_102`` for a code not in the round)."""
    rnd = store.round(round_id)
    unit = round_unit(store, round_id, unit_code)
    limit = (now or utc_now()) + settings.SAVED_TIME_SLACK
    subs = store.submissions(round_id, of_unit=unit.code)
    return _state(rnd, unit, [s for s in subs if sent_by(s, unit.code)], subs, limit)


def round_unit(store: Store, round_id: str, unit_code: str) -> UnitRecord:
    """Unit ``unit_code`` of the round (``ROUND_102`` for a code not in the round)."""
    unit = store.unit(round_id, unit_code)
    if unit is None:
        raise PipelineError(Msg.ROUND_102, round=round_id, code=unit_code)
    return unit


def review(
    store: Store,
    round_id: str,
    unit_code: str,
    action: str,
    note: str = "",
    *,
    submission_id: int | None = None,
    actor: str = "office",
    errors_seen: bool = False,
) -> UnitStatus:
    """Approve a unit's return, or return it for correction with a note saying what to fix
    (the unit sees it on its page). By default the version in use; ``submission_id`` picks
    another accepted version of the unit. Returns where the unit then stands. The note is kept
    as ``visible_text`` shows it, at most ``settings.LIMIT_NOTE_CHARS`` long.

    :param errors_seen: the office saw the errors of the version it approves; a version with
        errors is approved only then.
    :raises PipelineError: an unknown unit (``ROUND_102``) or action (``ROUND_103``), nothing
        to review (``ROUND_104``), a version not of the unit (``ROUND_105``), a return without
        a note (``ROUND_106``), a note too long (``ROUND_130``), a version with errors not seen
        (``ROUND_131``) or already approved (``ROUND_132``).
    """
    state = ReviewState.of_action(action)
    if state is None:
        raise PipelineError(Msg.ROUND_103, action=action)
    unit = round_unit(store, round_id, unit_code)
    note = visible_text(note or "", lines=True).strip()
    if state is ReviewState.RETURNED and not note:
        raise PipelineError(Msg.ROUND_106)
    if len(note) > settings.LIMIT_NOTE_CHARS:
        raise PipelineError(Msg.ROUND_130, length=format_number(len(note)), limit=format_number(settings.LIMIT_NOTE_CHARS))
    target = _target(store.submissions(round_id, unit_code), unit, submission_id)
    if state is ReviewState.APPROVED and target.review is ReviewState.APPROVED:
        raise PipelineError(Msg.ROUND_132)
    if state is ReviewState.APPROVED and target.errors and not errors_seen:
        raise PipelineError(Msg.ROUND_131, errors=target.errors)
    store.review(round_id, target.id, action, note, actor=actor)
    return unit_status(store, round_id, unit_code)


def _target(subs: list[SubmissionRecord], unit: UnitRecord, submission_id: int | None) -> SubmissionRecord:
    """The version to review: ``submission_id``, an accepted version of ``unit``, else the version in use."""
    if submission_id is None:
        target = in_use(subs, unit.code)
        if target is None:
            raise PipelineError(Msg.ROUND_104, code=unit.code, name=unit.name)
        return target
    target = next((s for s in subs if s.id == submission_id and s.accepted and s.unit_code == unit.code), None)
    if target is None:
        raise PipelineError(Msg.ROUND_105, submission=submission_id, code=unit.code)
    return target
