"""``tonghop check``: returns checked one by one, as an officer does before sending."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.api.base import PathLike
from pipeline.api.context import load_context
from pipeline.consolidate.collect import Kept, list_files, process_file
from pipeline.consolidate.zipped import expand_archives
from pipeline.core.constants import Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.form.definition import load_form
from pipeline.form.period import Period
from pipeline.validate.context import Context
from pipeline.validate.reconcile import one_return_problems


@dataclass(frozen=True)
class FileCheck:
    """The verdict on one return checked on its own."""

    file: str
    unit_code: str = ""
    unit_name: str = ""
    period: str = ""
    problems: list[Problem] = field(default_factory=list)
    accepted: bool = False  # recognised as the return of a listed unit for this form and period
    saved_at: datetime | None = None  # the saved time inside the file, else the file's own time
    values: dict[str, object] = field(default_factory=dict)  # indicator code → value read (accepted returns)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems)


def check_context(*, form_path: PathLike | None = None, units_path: PathLike | None = None, period: str | None = None) -> Context:
    """What ``check_files`` judges returns against: the form, the unit list (none given: any
    unit is taken at its word) and the period, loaded and checked once (``load_context``). A
    caller that checks files as they arrive makes it once and passes it to each ``check_files``."""
    if units_path:
        return load_context(form_path=form_path, units_path=units_path, period=period)
    chosen = Period.parse(period) if period else None
    form = load_form(form_path)
    return Context(form.for_period(chosen) if chosen else form, None, chosen.code if chosen else None)


def check_files(
    paths: list[PathLike | Kept],
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | None = None,
    context: Context | None = None,
) -> list[FileCheck]:
    """Check returns one by one, as an officer does before sending: identity, values, rules.

    A folder stands for every return in it and its subfolders, found as ``consolidate`` finds
    them (Office lock files skipped; a link is a verdict of its own), named by their path in it;
    a zip for every file inside it (``Báo cáo.zip/BC.xlsx``), as ``consolidate`` reads them; a
    ``Kept`` file is read where it lies, under its label and file time (a round's upload).

    :param context: made by ``check_context``; then ``form_path``, ``units_path`` and ``period`` are not used.
    :raises PipelineError: a folder has no file at all (``CLI_015``).
    """
    ctx = context or check_context(form_path=form_path, units_path=units_path, period=period)
    verdicts: list[FileCheck] = []
    for given in paths:
        path = given if isinstance(given, Kept) else Path(given)
        if isinstance(path, Kept) or not path.is_dir():
            verdicts += [_check_file(item, ctx) for item in expand_archives([path])]
            continue
        files, found = list_files(path)
        if not files and not found:
            raise PipelineError(Msg.CLI_015, where=str(path))
        verdicts += [FileCheck(p.file, problems=[p]) for p in found if p.severity != Severity.INFO]
        verdicts += [_check_file(item, ctx, path) for item in expand_archives(files, path)]
    return verdicts


def _check_file(item: Path | Kept, ctx: Context, root: Path | None = None) -> FileCheck:
    if isinstance(item, Kept):  # a file inside a zip
        outcome = process_file(item.path, ctx, severity=Severity.ERROR, kept=item)
    else:
        outcome = process_file(item, ctx, severity=Severity.ERROR, root=root)
    problems = list(outcome.problems)
    read: dict[str, object] = {}
    if outcome.accepted:
        read = {v.code: v.value for v in outcome.values}
        unit = outcome.unit
        problems += one_return_problems(list(outcome.values), unit.code, unit.level, outcome.file, ctx.form, list(outcome.rejected))
    meta = outcome.meta
    return FileCheck(
        file=outcome.file,
        unit_code=meta.get("unit_code", ""),
        unit_name=meta.get("unit_name", ""),
        period=meta.get("period", ""),
        problems=problems,
        accepted=outcome.accepted,
        saved_at=outcome.modified,
        values=read,
    )
