"""The round's deadline and when each unit's return came: on time, late by how many days, or missing.

A return's received time is the later of the saved time written inside the file and the file's
own time (when the office got it, e.g. the time a Zalo download was written): a file saved
before the deadline but sent days after it is late. A saved time in the future is not trusted
(``choose.select_latest``): the file's time stands in. Days late are calendar days after the
deadline day, counted in Vietnam time (``settings.SAVED_TIME_ZONE``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from pipeline.core import settings
from pipeline.core.constants import META_DEADLINE, ReceivedFrom, Timeliness
from pipeline.core.errors import PipelineError
from pipeline.core.vnformat import vietnam_today
from pipeline.form.period import parse_deadline
from pipeline.validate.checks import FileOutcome

TIMELINESS_COLUMNS = ["received_at", "received_from", "deadline", "days_late", "timeliness"]


def vietnam_time(moment: datetime) -> datetime:
    """``moment`` in Vietnam time (UTC+7), as users read it."""
    return moment.astimezone(settings.SAVED_TIME_ZONE)


def _carried_deadline(ret: FileOutcome) -> date | None:
    try:
        return parse_deadline(ret.meta.get(META_DEADLINE) or None)
    except PipelineError:  # a damaged template's deadline is no deadline
        return None


def round_deadline(returns: Iterable[FileOutcome], asked: date | None = None) -> date | None:
    """The round's deadline: the one asked for (``--deadline``), else the one most returns carry
    in their metadata (the deadline printed on the templates), else none."""
    if asked:
        return asked
    counts = Counter(day for ret in returns if (day := _carried_deadline(ret)))
    return counts.most_common(1)[0][0] if counts else None


def fix_deadline(deadline: date | None, fix_days: int, today: date | None = None) -> date:
    """When a corrected return is due: ``fix_days`` after the consolidation's date, or after the
    round's deadline when that is later (a unit is never asked to fix before the round closes)."""
    start = today or vietnam_today()
    return max(start, deadline or start) + timedelta(days=fix_days)


def received(ret: FileOutcome, limit: datetime) -> tuple[datetime, ReceivedFrom]:
    """When a return came and which time that is: the later of its saved time (unless later than
    ``limit``: not trusted) and the file's own time; the file's on a tie."""
    file_time = datetime.fromtimestamp(ret.file_mtime, tz=timezone.utc)
    saved = ret.modified if ret.modified and ret.modified <= limit else None
    if saved and saved > file_time:
        return vietnam_time(saved), ReceivedFrom.SAVED
    return vietnam_time(file_time), ReceivedFrom.FILE


def days_late(moment: datetime, deadline: date) -> int:
    """Calendar days from the deadline day to the day of ``moment`` in Vietnam (0: on time)."""
    return max(0, (vietnam_time(moment).date() - deadline).days)


def timeliness(ret: FileOutcome | None, deadline: date | None, limit: datetime) -> dict[str, object]:
    """The ``TIMELINESS_COLUMNS`` of one unit's row of submissions.csv."""
    row: dict[str, object] = {"received_at": "", "received_from": "", "deadline": deadline.isoformat() if deadline else ""}
    if ret is None:
        return {**row, "days_late": "", "timeliness": Timeliness.MISSING.value}
    at, source = received(ret, limit)
    row |= {"received_at": at.isoformat(timespec="seconds"), "received_from": source.value}
    if deadline is None:
        return {**row, "days_late": "", "timeliness": Timeliness.NO_DEADLINE.value}
    late = days_late(at, deadline)
    return {**row, "days_late": late, "timeliness": (Timeliness.LATE if late else Timeliness.ON_TIME).value}
