"""Combine the checked returns: pick one per unit, total by level, reconcile the rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.consolidate.choose import own_forwards, select_latest
from pipeline.consolidate.collect import Kept, list_files, missing_units, pad_unit_codes, read_returns
from pipeline.consolidate.result import (
    FILE_COLUMNS,
    SUBMISSION_COLUMNS,
    VALUE_FRAME_COLUMNS,
    ConsolidationResult,
    PeriodChoice,
)
from pipeline.consolidate.rollup import roll_up
from pipeline.consolidate.sums import compute_totals
from pipeline.consolidate.timeliness import fix_deadline, round_deadline, timeliness, vietnam_time
from pipeline.consolidate.zipped import expand_archives
from pipeline.core import collector, settings
from pipeline.core.constants import FileStatus, Severity, SubmissionStatus
from pipeline.core.errors import Msg
from pipeline.core.findings import Findings, Problem, problem
from pipeline.core.vnformat import utc_now
from pipeline.form.crosswalk import unit_figures
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import Period, period_code, period_label
from pipeline.validate.blocked import rejected_frame
from pipeline.validate.checks import FileOutcome
from pipeline.validate.compare import compare_units, compare_with_prior
from pipeline.validate.context import Context
from pipeline.validate.reconcile import RELATION_COLUMNS, check_returns, check_totals


def _settle_period(returns: list[FileOutcome], ctx: Context) -> tuple[Period, PeriodChoice, dict[str, Problem]]:
    """The period: the one asked for, else the most common among the returns (the current year
    when none names one); the files of other periods are rejected (the finding on each, by name)."""
    if ctx.period:
        return Period.parse(ctx.period), PeriodChoice.ASKED, {}
    counts = Counter(code for r in returns if r.accepted and (code := period_code(r.period)))
    period = Period.parse(counts.most_common(1)[0][0]) if counts else Period.current()
    others = [r for r in returns if r.accepted and period_code(r.period) != period.code]
    found = {
        r.file: problem(
            Msg.META_004,
            Severity.WARNING,
            file=r.file,
            unit_code=r.unit.code,
            found=period_label(r.period),
            expected=period.label,
            note=r.period,
        )
        for r in others
    }
    return period, PeriodChoice.RETURNS if counts else PeriodChoice.CURRENT, found


def _value_frame(used: dict[str, FileOutcome], form: FormDefinition) -> pd.DataFrame:
    """Every value used, a row each, in unit then form order (codes the form lacks last, as read),
    built column-wise (10,000 returns) and sorted only when a return lists its values out of order."""
    columns: dict[str, list] = {name: [] for name in VALUE_FRAME_COLUMNS}
    counts = []
    for code in sorted(used):
        ret = used[code]
        n = len(ret.values)
        counts.append(n)
        columns["unit_code"] += [code] * n
        columns["unit_name"] += [ret.unit.name] * n
        columns["level"] += [ret.unit.level] * n
        columns["file"] += [ret.file] * n
        for name, items in zip(("code", "value", "sheet", "cell"), zip(*ret.values, strict=True), strict=False):
            columns[name] += items
    frame = pd.DataFrame(columns, columns=VALUE_FRAME_COLUMNS)
    position = {code: i for i, code in enumerate(form.indicators)}
    order = np.fromiter(map(position.get, columns["code"], repeat(len(position))), dtype=np.int64, count=len(frame))
    unit = np.repeat(np.arange(len(counts)), counts)
    if ((np.diff(order) >= 0) | (np.diff(unit) > 0)).all():
        return frame
    return frame.take(np.lexsort((order, unit))).reset_index(drop=True)


def _saved_at(ret: FileOutcome | None) -> str:
    """A return's saved time as the CSVs write it, in Vietnam time: ``2023-11-20 14:05``."""
    return vietnam_time(ret.modified).strftime("%Y-%m-%d %H:%M") if ret and ret.modified else ""


def _submissions(units: list[Unit], used, superseded, deadline: date | None, limit: datetime) -> pd.DataFrame:
    rows = []
    for unit in units:
        ret = used.get(unit.code)
        rows.append({
            "unit_code": unit.code, "unit_name": unit.name, "level": unit.level,
            "status": (SubmissionStatus.RECEIVED if ret else SubmissionStatus.MISSING).value, "file": ret.file if ret else "",
            "saved_at": _saved_at(ret), "superseded": "; ".join(old.file for old in superseded.get(unit.code, [])),
            **timeliness(ret, deadline, limit),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)


def _files(outcomes: list[FileOutcome], used: dict[str, FileOutcome], rejected: dict[str, Problem], skipped: list[Problem]) -> pd.DataFrame:
    """Every file of the folder and what became of it, by name; a file not used says why (``note``).

    :param rejected: the finding rejecting each accepted return of another period.
    :param skipped: the findings on files never read (lock files, links).
    """
    rows = [
        {"file": p.file, "status": FileStatus.REJECTED.value, "unit_code": "", "saved_at": "", "note": p.message} for p in skipped if p.file
    ]
    used_files = {ret.file for ret in used.values()}
    for item in outcomes:
        kept = item.accepted and item.file not in rejected
        status = (FileStatus.USED if item.file in used_files else FileStatus.SUPERSEDED if kept else FileStatus.REJECTED).value
        saved = _saved_at(item)
        why = (rejected.get(item.file) or next((p for p in item.problems if p.severity != Severity.INFO), None)) if not kept else None
        rows.append({
            "file": item.file, "status": status, "unit_code": item.unit.code if item.unit else "", "saved_at": saved,
            "note": why.message if why else "",
        })  # fmt: skip
    rows.sort(key=lambda row: row["file"])
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def _compare(
    totals: pd.DataFrame, values: pd.DataFrame, ctx: Context, form: FormDefinition, units: list[Unit]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """The comparison of the totals with the prior period's, that of each unit with its own
    prior figures (when the prior has figures per unit), and what was found on the way."""
    prior, factor, crosswalk = ctx.prior, ctx.options.factor, ctx.crosswalk
    if prior is None:
        return None, None, []
    comparison, found = compare_with_prior(totals, prior, form, factor, units, crosswalk)
    own, notes = unit_figures(prior, units, crosswalk)
    by_unit = compare_units(values, own, units, form, factor) if prior.by_unit else None
    return comparison, by_unit, found + notes


def consolidate_returns(
    outcomes: list[FileOutcome], ctx: Context, folder_problems: list[Problem] = (), *, source: str = ""
) -> ConsolidationResult:
    """Pure consolidation of files already read and checked, judged against ``ctx``: its units
    (in the list's order), period, tree, prior figures, crosswalk and options (``context.Options``).

    :param folder_problems: the findings on files never read (lock files, links).
    :param source: where the returns came from (the folder), recorded in the outputs.
    """
    with collector.paused():  # many objects made while the returns read are alive
        return _consolidate(outcomes, ctx, folder_problems, source)


def _consolidate(outcomes: list[FileOutcome], ctx: Context, folder_problems: list[Problem], source: str) -> ConsolidationResult:
    now = utc_now()
    findings = Findings()
    findings.extend(folder_problems)
    units, outcomes, found = pad_unit_codes(ctx.listed, outcomes)
    findings.extend(found)
    forwarded = own_forwards(outcomes, units, ctx.form.levels)  # not returns: their findings are not worth a word either
    period, chosen_by, wrong_period = _settle_period([r for r in outcomes if r.file not in forwarded], ctx)
    form = ctx.form.for_period(period)
    for item in outcomes:
        if not item.readable:
            findings.extend(item.problems)
    findings.extend(wrong_period.values())
    findings.extend(forwarded.values())
    returns = [r for r in outcomes if r.accepted and r.file not in wrong_period and r.file not in forwarded]
    kept = {r.file for r in returns}
    used, superseded, replaced = select_latest(returns, now, form)
    deadline = round_deadline(returns, ctx.options.deadline)
    older = {r.file for group in superseded.values() for r in group} | set(forwarded)  # their findings come with ``replaced``
    for item in outcomes:
        if item.readable and item.file not in older:  # a rejected file's form is not worth a word
            findings.extend(p for p in item.problems if item.file in kept or p.type != Msg.META_006.slug)
    findings.extend(replaced)
    findings.extend(missing_units(units, used))
    levels = list(dict.fromkeys(u.level for u in units))
    values = _value_frame(used, form)
    meta = pd.DataFrame(
        [{"unit_code": c, "level": r.unit.level, "file": r.file} for c, r in used.items()], columns=["unit_code", "level", "file"]
    )
    rejected = rejected_frame(
        {"unit_code": c, "unit_name": r.unit.name, "level": r.unit.level, "file": r.file, **v._asdict()}
        for c, r in used.items()
        for v in r.rejected
    )
    rows, found = check_returns(values, meta, form, rejected)
    findings.extend(found)
    totals = compute_totals(values, form, levels)
    level_rows, found = check_totals(totals, form, levels, rejected)
    findings.extend(found)
    relations = pd.concat([rows, pd.DataFrame(level_rows, columns=RELATION_COLUMNS)], ignore_index=True)
    comparison, unit_comparison, found = _compare(totals, values, ctx, form, units)
    findings.extend(found)
    submissions = _submissions(units, used, superseded, deadline, now + settings.SAVED_TIME_SLACK)
    today = vietnam_time(now).date()
    return ConsolidationResult(
        form=form,
        units=tuple(units),
        period=period.code,
        values=values,
        totals=totals,
        relations=relations,
        submissions=submissions,
        files=_files(outcomes, used, {**wrong_period, **forwarded}, list(folder_problems)),
        findings=findings,
        source=source,
        prior=ctx.prior,
        comparison=comparison,
        period_chosen_by=chosen_by,
        deadline=deadline,
        fix_by=fix_deadline(deadline, ctx.options.fix_days, today),
        consolidated_on=today,
        parents=roll_up(values, form, units, set(used), ctx.tree) if ctx.tree else None,
        unit_comparison=unit_comparison,
    )


def consolidate_folder(
    folder: str | Path, ctx: Context, progress: Callable[[int], None] | None = None, on_files: Callable[[int], None] | None = None
) -> ConsolidationResult:
    """Read every file of ``folder`` (in ``ctx.options.jobs`` processes) and consolidate.

    :param progress: called with the number of files read since the last call (per file or per chunk).
    :param on_files: called once with the number of files found (to size a progress bar).
    """
    folder = Path(folder)
    paths, folder_problems = list_files(folder)
    items = expand_archives(paths, folder)  # the files inside each zip, as if in a subfolder
    if on_files:
        on_files(len(items))
    outcomes = read_returns(items, ctx.reading(), ctx.options.jobs, progress, root=folder)
    return consolidate_returns(outcomes, ctx, folder_problems, source=str(folder))


def consolidate_kept(kept: list[Kept], ctx: Context, progress: Callable[[int], None] | None = None, *, source: str) -> ConsolidationResult:
    """Consolidate files read where they are kept (a round's store), each under its label and
    file time, exactly as ``consolidate_folder`` would a folder of copies of them so named.

    :param progress: called with the number of files read since the last call (per file or per chunk).
    """
    outcomes = read_returns(sorted(kept, key=lambda k: k.label), ctx.reading(), ctx.options.jobs, progress)
    return consolidate_returns(outcomes, ctx, [], source=source)
