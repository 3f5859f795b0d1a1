"""Read a consolidation folder back into the ``ConsolidationResult`` its files were written from,
so the Word appendix renders the same type whether it runs right after ``consolidate`` or later.
The CSVs may have been opened and saved again in Excel, or edited: each is read whatever its
encoding, separator and number format (``readfiles``), and what they hold is checked (``crosscheck``).

What the files do not keep comes back empty: the list of files seen (``files``) when an older
run wrote no ``files.csv``, and the findings' rows and types beyond what ``findings.csv`` says
(a finding's type is its rule's slug, or ``relation-failed`` for a rule of the form; a row
summarising many files is one finding).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.consolidate.result import FILE_COLUMNS, ConsolidationResult
from pipeline.core.constants import (
    FILES_CSV,
    FINDINGS_COLUMNS,
    FINDINGS_CSV,
    RELATIONS_CSV,
    TOTALS_COLUMNS,
    TOTALS_CSV,
    TYPE_TEXT,
    VALUES_COLUMNS,
    VALUES_CSV,
)
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Findings, Problem
from pipeline.form.definition import load_form
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.outputs.crosscheck import check_read_back
from pipeline.outputs.csvfiles import COMPARISON_CSV, RUN_JSON, SUBMISSIONS_CSV
from pipeline.outputs.readfiles import listed_codes, read_output
from pipeline.validate.compare import COMPARISON_COLUMNS
from pipeline.validate.reconcile import RELATION_COLUMNS

REQUIRED = (RUN_JSON, TOTALS_CSV, VALUES_CSV, FINDINGS_CSV, RELATIONS_CSV)
# Each CSV read back: the columns it must have and its columns of figures.
SHAPES = {
    TOTALS_CSV: (TOTALS_COLUMNS, ("value",)),
    VALUES_CSV: (VALUES_COLUMNS, ("value",)),
    FINDINGS_CSV: (FINDINGS_COLUMNS, ()),
    RELATIONS_CSV: (RELATION_COLUMNS, ("lhs", "rhs", "difference")),
    SUBMISSIONS_CSV: (("unit_code", "status"), ()),
    FILES_CSV: (FILE_COLUMNS, ()),
    COMPARISON_CSV: (COMPARISON_COLUMNS, ("value", "prior", "change", "ratio")),
}
NUMERIC = {TOTALS_CSV: ("value",), "comparison": ("value", "prior", "change", "ratio")}


@dataclass(frozen=True)
class ReadBack:
    """A consolidation folder read back, and the warnings on what its files hold (``crosscheck``),
    which are among the result's findings too."""

    result: ConsolidationResult
    warnings: list[Problem]


def _numbers(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") for c in columns if c in frame.columns})


def _findings(frame: pd.DataFrame, form: FormDefinition, more: list[Problem]) -> Findings:
    rules = {rule.id for rule in form.rules}
    found = Findings(limit=len(frame) + len(more) + 1)  # listed as written: a summary row stays one finding
    for row in frame.to_dict("records"):
        kind = "relation-failed" if row["rule"] in rules else row["rule"]
        fields = {k: row.get(k, "") for k in ("file", "sheet", "cell", "code", "level", "unit_code")}
        found.add(Problem(kind, row["severity"], row["rule"], row["message"], **fields))
    found.extend(more)
    return found


def _values(frame: pd.DataFrame, units: list[Unit]) -> pd.DataFrame:
    """values.csv with each unit's name and level, as the consolidation held it."""
    names = {u.code: u.name for u in units}
    levels = {u.code: u.level for u in units}
    frame = frame.assign(unit_name=frame["unit_code"].map(names).fillna(""), level=frame["unit_code"].map(levels).fillna(""))
    return frame[["unit_code", "unit_name", "level", "code", "value", "file", "sheet", "cell"]]


def _run(folder: Path) -> dict:
    """run.json, with the units it lists and its period."""
    try:
        run = json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
        run["units"] = [Unit(u["code"], u["name"], u["level"]) for u in run["units"]]
        run["period"] = str(run["period"])
        return run
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=f"{RUN_JSON} ({err})")) from err


def read_back(folder: str | Path) -> ReadBack:
    """Read back a consolidation folder (its CSVs and run.json), however Excel saved the CSVs
    again, and check what they hold (``crosscheck``).

    The form is the one recorded in run.json, or the bundled one when that folder is gone.
    :raises PipelineError: the folder is not a consolidation, or one of its files cannot be read
        (named with its line).
    """
    folder = Path(folder)
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=", ".join(missing)))
    run = _run(folder)
    units, period = run["units"], run["period"]
    comparison_name = run.get("comparison") or ""
    names = [*REQUIRED[1:], *(n for n in (SUBMISSIONS_CSV, FILES_CSV, comparison_name) if n and (folder / n).is_file())]
    form = load_form(run["form"]) if run.get("form") and Path(run["form"]).is_dir() else load_form()
    form = form.for_period(period)
    text_codes = frozenset(code for code, ind in form.indicators.items() if ind.type == TYPE_TEXT)
    read = {name: read_output(folder / name, *SHAPES.get(name, SHAPES[COMPARISON_CSV]), text_codes=text_codes) for name in names}
    frames = {name: listed_codes(item.frame, units) for name, item in read.items()}
    values = replace(read[VALUES_CSV], frame=frames[VALUES_CSV])
    warnings = check_read_back(form, units, read[TOTALS_CSV], values)
    comparison = frames.get(comparison_name)
    if comparison is not None and "flag" in comparison.columns:  # Excel writes TRUE for True
        comparison = comparison.assign(flag=comparison["flag"].str.capitalize())
    result = ConsolidationResult(
        form=form,
        units=tuple(units),
        period=period,
        values=_values(frames[VALUES_CSV], units),
        totals=_numbers(frames[TOTALS_CSV], NUMERIC[TOTALS_CSV]),
        relations=frames[RELATIONS_CSV],
        submissions=frames.get(SUBMISSIONS_CSV, pd.DataFrame(columns=["unit_code", "unit_name", "level", "status"])),
        files=frames.get(FILES_CSV, pd.DataFrame(columns=FILE_COLUMNS)),
        findings=_findings(frames[FINDINGS_CSV], form, warnings),
        source=str(run.get("source") or ""),
        prior=PriorData(period=run.get("prior_period")) if run.get("prior_period") or comparison is not None else None,
        comparison=None if comparison is None else _numbers(comparison, NUMERIC["comparison"]),
        deadline=_day(run.get("deadline")),
        fix_by=_day(run.get("fix_by")),
        consolidated_on=_day(run.get("consolidated_on")),
    )
    return ReadBack(result, warnings)


def read_consolidation(folder: str | Path) -> ConsolidationResult:
    """The result of ``read_back``: a consolidation folder read back, its checks among the findings.

    :raises PipelineError: as ``read_back``.
    """
    return read_back(folder).result


def _day(text: object) -> date | None:
    """A date run.json wrote (ISO), None when absent (an older run) or unreadable."""
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
