"""The appendix's date when none is given: today, unless the period is long past. A 2023 report
written out again in 2026 is dated at the round's deadline (or the period's end), never 2026
without a word; the reason is returned so the command can say it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.core.errors import Msg
from pipeline.form.period import Period, format_date

STALE_DAYS = 60  # today more than this many days after the deadline (or the period's end): long after


@dataclass(frozen=True)
class ReportDate:
    """The document's date and, in Vietnamese, why that date (``CLI_016`` … ``CLI_019``)."""

    day: date
    why: str


def given_date(day: date) -> ReportDate:
    return ReportDate(day, Msg.CLI_016.render(day=format_date(day)))


def default_report_date(period: Period | None, deadline: date | None, today: date) -> ReportDate:
    """Today, or the deadline (when known) or else the period's end when today is more than
    ``STALE_DAYS`` after it.

    :param period: the consolidated period (``None``: unknown, today is used).
    :param deadline: the round's deadline, if the consolidation knows it.
    """
    if deadline is not None and (today - deadline).days > STALE_DAYS:
        return ReportDate(deadline, Msg.CLI_018.render(day=format_date(deadline), today=format_date(today), days=STALE_DAYS))
    if deadline is None and period is not None and (today - period.end).days > STALE_DAYS:
        return ReportDate(
            period.end,
            Msg.CLI_019.render(day=format_date(period.end), period=period.label, today=format_date(today), days=STALE_DAYS),
        )
    return ReportDate(today, Msg.CLI_017.render(day=format_date(today)))
