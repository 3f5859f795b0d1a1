"""``tonghop report``: the drafter's Word appendix from a consolidation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline.api.base import PathLike
from pipeline.appendix.dating import ReportDate, default_report_date, given_date
from pipeline.appendix.document import DOCX_NAME, write_appendix
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.core.vnformat import vietnam_today
from pipeline.form.period import Period
from pipeline.outputs.readback import read_back


def _report_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise PipelineError(Msg.REPORT_002, value=text) from None


@dataclass(frozen=True)
class AppendixRun:
    """The Word appendix written: its path, its date with why that date, and the warnings on
    the figures read back (a hand-edited or Excel-saved ``totals.csv``), also in the appendix."""

    path: Path
    date: ReportDate
    warnings: tuple[Problem, ...] = ()


def write_report(
    consolidated_dir: PathLike,
    *,
    out: PathLike | None = None,
    when: str | date | None = None,
    number: str | None = None,
    today: date | None = None,
) -> AppendixRun:
    """Write the Word appendix "PHỤ LỤC SỐ LIỆU" of a consolidation folder.

    :param out: the .docx to write (default: ``consolidated_dir/phu_luc_so_lieu.docx``).
    :param when: the document's date, ``DD/MM/YYYY`` or a ``date``; by default today, or the
        round's deadline (else the period's end) when today is long after it (``default_report_date``).
    :param number: the document's number, e.g. ``481/BC-MTTQ-BTT``.
    :raises PipelineError: the folder is not a consolidation (or one of its files cannot be read,
        named with its line), the date is invalid, or the file cannot be written.
    """
    day = _report_date(when)
    read = read_back(consolidated_dir)
    result = read.result
    if day is not None:
        dated = given_date(day)
    else:
        period = result.form.period or Period.parse(result.period)
        dated = default_report_date(period, getattr(result, "deadline", None), today or vietnam_today())
    path = write_appendix(result, Path(out) if out else Path(consolidated_dir) / DOCX_NAME, dated.day, number)
    return AppendixRun(path=path, date=dated, warnings=tuple(read.warnings))


def make_report(
    consolidated_dir: PathLike, *, out: PathLike | None = None, when: str | date | None = None, number: str | None = None
) -> Path:
    """``write_report``, returning only the path of the file written."""
    return write_report(consolidated_dir, out=out, when=when, number=number).path
