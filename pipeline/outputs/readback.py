"""Read a consolidation folder back into the ``ConsolidationResult`` its files were written from,
so the Word appendix renders the same type whether it runs right after ``consolidate`` or later.

What the files do not keep comes back empty: the list of files seen (``files``) when an older
run wrote no ``files.csv``, and the findings' rows and types beyond what ``findings.csv`` says
(a finding's type is its rule's slug, or ``relation-failed`` for a rule of the form; a row
summarising many files is one finding).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.consolidate.result import FILE_COLUMNS, ConsolidationResult
from pipeline.core.constants import FILES_CSV, FINDINGS_CSV, RELATIONS_CSV, TOTALS_CSV, VALUES_CSV
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Findings, Problem
from pipeline.form.definition import load_form
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.outputs.csvfiles import RUN_JSON, SUBMISSIONS_CSV, read_frame

REQUIRED = (RUN_JSON, TOTALS_CSV, VALUES_CSV, FINDINGS_CSV, RELATIONS_CSV)
NUMERIC = {TOTALS_CSV: ("value",), "comparison": ("value", "prior", "change", "ratio")}


def _numbers(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") for c in columns})


def _findings(frame: pd.DataFrame, form: FormDefinition) -> Findings:
    rules = {rule.id for rule in form.rules}
    found = Findings(limit=len(frame) + 1)  # listed as written: a summary row stays one finding
    for row in frame.to_dict("records"):
        kind = "relation-failed" if row["rule"] in rules else row["rule"]
        fields = {k: row.get(k, "") for k in ("file", "sheet", "cell", "code", "level", "unit_code")}
        found.add(Problem(kind, row["severity"], row["rule"], row["message"], **fields))
    return found


def _values(frame: pd.DataFrame, units: list[Unit]) -> pd.DataFrame:
    """values.csv with each unit's name and level, as the consolidation held it."""
    names = {u.code: u.name for u in units}
    levels = {u.code: u.level for u in units}
    frame = frame.assign(unit_name=frame["unit_code"].map(names).fillna(""), level=frame["unit_code"].map(levels).fillna(""))
    return frame[["unit_code", "unit_name", "level", "code", "value", "file", "sheet", "cell"]]


def read_consolidation(folder: str | Path) -> ConsolidationResult:
    """Read back a consolidation folder (its CSVs and run.json).

    The form is the one recorded in run.json, or the bundled one when that folder is gone.
    :raises PipelineError: the folder is not a consolidation.
    """
    folder = Path(folder)
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=", ".join(missing)))
    try:
        run = json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
        frames = {name: read_frame(folder / name) for name in REQUIRED[1:]}
        optional = {
            name: read_frame(folder / name)
            for name in (SUBMISSIONS_CSV, FILES_CSV, run.get("comparison") or "")
            if name and (folder / name).is_file()
        }
        units = [Unit(u["code"], u["name"], u["level"]) for u in run["units"]]
        period = str(run["period"])
    except (OSError, ValueError, KeyError, TypeError, pd.errors.ParserError) as err:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=f"{RUN_JSON} ({err})")) from err
    form = load_form(run["form"]) if run.get("form") and Path(run["form"]).is_dir() else load_form()
    form = form.for_period(period)
    comparison = optional.get(run.get("comparison") or "")
    return ConsolidationResult(
        form=form,
        units=tuple(units),
        period=period,
        values=_values(frames[VALUES_CSV], units),
        totals=_numbers(frames[TOTALS_CSV], NUMERIC[TOTALS_CSV]),
        relations=frames[RELATIONS_CSV],
        submissions=optional.get(SUBMISSIONS_CSV, pd.DataFrame(columns=["unit_code", "unit_name", "level", "status"])),
        files=optional.get(FILES_CSV, pd.DataFrame(columns=FILE_COLUMNS)),
        findings=_findings(frames[FINDINGS_CSV], form),
        source=str(run.get("source") or ""),
        prior=PriorData(period=run.get("prior_period")) if run.get("prior_period") or comparison is not None else None,
        comparison=None if comparison is None else _numbers(comparison, NUMERIC["comparison"]),
        deadline=_day(run.get("deadline")),
        fix_by=_day(run.get("fix_by")),
        consolidated_on=_day(run.get("consolidated_on")),
    )


def _day(text: object) -> date | None:
    """A date run.json wrote (ISO), None when absent (an older run) or unreadable."""
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
