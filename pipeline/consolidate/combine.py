"""Combine the checked returns: pick one per unit, total by level, reconcile the rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.consolidate.collect import list_files, missing_units, read_returns, select_latest
from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL, META_PERIOD, NUMERIC_TYPES, FileStatus, Severity, SubmissionStatus
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, Report, problem
from pipeline.form.definition import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.validate.checks import CheckedReturn, Context
from pipeline.validate.compare import compare_with_prior
from pipeline.validate.reconcile import RELATION_COLUMNS, check_returns, check_totals

VALUE_FRAME_COLUMNS = ["unit_code", "unit_name", "level", "code", "value", "file", "sheet", "cell"]
SUBMISSION_COLUMNS = ["unit_code", "unit_name", "level", "status", "file", "saved_at", "superseded"]
FILE_COLUMNS = ["file", "status", "unit_code", "saved_at", "note"]


@dataclass
class ConsolidationResult:
    form: FormDefinition
    units: list[Unit]
    period: str
    values: pd.DataFrame
    totals: pd.DataFrame
    relations: pd.DataFrame
    submissions: pd.DataFrame
    files: pd.DataFrame
    report: Report
    source: str = ""
    prior: PriorData | None = None
    levels: list[str] = field(default_factory=list)
    # code, level, value, prior, change, ratio, flag: set when a prior period is given.
    comparison: pd.DataFrame | None = None

    @property
    def received(self) -> int:
        return int((self.submissions["status"] == SubmissionStatus.RECEIVED).sum())

    def total(self, code: str, level: str = LEVEL_ALL) -> float | None:
        hit = self.totals[(self.totals["code"] == code) & (self.totals["level"] == level)]
        return None if hit.empty else hit["value"].iloc[0]


def _settle_period(returns: list[CheckedReturn], ctx: Context) -> tuple[str, list[Problem]]:
    """The period: the one asked for, else the most common among the returns; reject others."""
    found = []
    period = ctx.period
    if not period:
        counts = Counter(r.meta.get(META_PERIOD, "") for r in returns if r.accepted)
        period = counts.most_common(1)[0][0] if counts else ctx.form.settings.get("default_period", "")
        for ret in returns:
            if ret.accepted and ret.meta.get(META_PERIOD, "") != period:
                ret.accepted = False
                found.append(
                    problem(
                        Msg.META_004,
                        Severity.WARNING,
                        file=ret.file,
                        unit_code=ret.unit.code,
                        found=ret.meta.get(META_PERIOD),
                        expected=period,
                    )
                )
    return str(period), found


def _value_frame(used: dict[str, CheckedReturn], form: FormDefinition) -> pd.DataFrame:
    """Every value used, a row each, in unit then form order (built column-wise: 10,000 returns)."""
    columns: dict[str, list] = {name: [] for name in VALUE_FRAME_COLUMNS}
    for code, ret in used.items():
        n = len(ret.values)
        columns["unit_code"] += [code] * n
        columns["unit_name"] += [ret.unit.name] * n
        columns["level"] += [ret.unit.level] * n
        columns["file"] += [ret.file] * n
        for name, items in zip(("code", "value", "sheet", "cell"), zip(*ret.values, strict=True), strict=False):
            columns[name] += items
    frame = pd.DataFrame(columns, columns=VALUE_FRAME_COLUMNS)
    order = {code: i for i, code in enumerate(form.indicators)}
    frame["_order"] = frame["code"].map(order)
    return frame.sort_values(["unit_code", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def compute_totals(values: pd.DataFrame, form: FormDefinition, levels: list[str]) -> pd.DataFrame:
    """``code, level, value``: each level's sum and the ``all`` sum, where any unit reported."""
    numeric = [c for c, ind in form.indicators.items() if ind.type in NUMERIC_TYPES]
    frame = values[values["code"].isin(numeric)].copy()
    frame["value"] = pd.to_numeric(frame["value"])
    by_level = frame.groupby(["code", "level"], sort=False)["value"].sum().reset_index()
    overall = frame.groupby("code", sort=False)["value"].sum().reset_index().assign(level=LEVEL_ALL)
    totals = pd.concat([by_level, overall], ignore_index=True)
    level_order = {lv: i for i, lv in enumerate([*levels, LEVEL_ALL])}
    code_order = {c: i for i, c in enumerate(form.indicators)}
    totals = totals.assign(_c=totals["code"].map(code_order), _l=totals["level"].map(level_order))
    totals = totals.sort_values(["_c", "_l"]).drop(columns=["_c", "_l"]).reset_index(drop=True)
    totals["value"] = totals["value"].map(lambda v: int(v) if float(v).is_integer() else float(v))
    return totals[["code", "level", "value"]]


def _submissions(units: list[Unit], used, superseded) -> pd.DataFrame:
    rows = []
    for unit in units:
        ret = used.get(unit.code)
        rows.append({
            "unit_code": unit.code, "unit_name": unit.name, "level": unit.level,
            "status": (SubmissionStatus.RECEIVED if ret else SubmissionStatus.MISSING).value, "file": ret.file if ret else "",
            "saved_at": ret.modified.strftime("%Y-%m-%d %H:%M") if ret and ret.modified else "",
            "superseded": "; ".join(old.file for old in superseded.get(unit.code, [])),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)


def _files(results, used) -> pd.DataFrame:
    rows = []
    used_files = {ret.file for ret in used.values()}
    for item in results:
        if isinstance(item, Problem):
            rows.append({"file": item.file, "status": FileStatus.REJECTED.value, "unit_code": "", "saved_at": "", "note": item.message})
            continue
        status = (FileStatus.USED if item.file in used_files else FileStatus.SUPERSEDED if item.accepted else FileStatus.REJECTED).value
        saved = item.modified.strftime("%Y-%m-%d %H:%M") if item.modified else ""
        rows.append({"file": item.file, "status": status, "unit_code": item.unit.code if item.unit else "", "saved_at": saved, "note": ""})
    return pd.DataFrame(rows, columns=FILE_COLUMNS)


def consolidate_returns(
    results: list[CheckedReturn | Problem], ctx: Context, units: list[Unit], folder_problems: list[Problem] = ()
) -> ConsolidationResult:
    """Pure consolidation of already-read returns."""
    report = Report()
    report.extend(folder_problems)
    returns = [r for r in results if isinstance(r, CheckedReturn)]
    report.extend(r for r in results if isinstance(r, Problem))
    period, found = _settle_period(returns, ctx)
    report.extend(found)
    for ret in returns:
        report.extend(p for p in ret.problems if ret.accepted or p.type != Msg.META_006.slug)
    used, superseded, found = select_latest(returns)
    report.extend(found)
    report.extend(missing_units(units, used))
    levels = list(dict.fromkeys(u.level for u in units))
    values = _value_frame(used, ctx.form)
    meta = pd.DataFrame(
        [{"unit_code": c, "level": r.unit.level, "file": r.file} for c, r in used.items()], columns=["unit_code", "level", "file"]
    )
    rows, found = check_returns(values, meta, ctx.form)
    report.extend(found)
    totals = compute_totals(values, ctx.form, levels)
    level_rows, found = check_totals(totals, ctx.form, levels)
    report.extend(found)
    relations = pd.concat([rows, pd.DataFrame(level_rows, columns=RELATION_COLUMNS)], ignore_index=True)
    return ConsolidationResult(
        ctx.form,
        units,
        period,
        values,
        totals,
        relations,
        _submissions(units, used, superseded),
        _files(results, used),
        report,
        levels=levels,
    )


def consolidate_folder(
    folder: str | Path, form: FormDefinition, units: list[Unit], period: str | None = None, jobs: int = 1,
    progress: Callable[[int], None] | None = None, on_files: Callable[[int], None] | None = None,
) -> ConsolidationResult:  # fmt: skip
    """Read every file of ``folder`` and consolidate.

    :param on_files: called once with the number of files found (to size a progress bar).
    """
    folder = Path(folder)
    paths, folder_problems = list_files(folder)
    if on_files:
        on_files(len(paths))
    ctx = Context(form, {u.code: u for u in units}, str(period) if period else None)
    results = read_returns(paths, ctx, jobs, progress)
    result = consolidate_returns(results, ctx, units, folder_problems)
    result.source = str(folder)
    return result


def attach_comparison(result: ConsolidationResult, prior: PriorData, factor: float = settings.OUTLIER_FACTOR) -> ConsolidationResult:
    """Set ``result.prior`` and ``result.comparison`` and add the outlier warnings to its report."""
    result.prior = prior
    result.comparison, found = compare_with_prior(result.totals, prior, result.form, factor, result.units)
    result.report.extend(found)
    return result
