"""A consolidation becomes the next level's return: the upper committee's template, filled
with the consolidation's totals over all levels, indicator by indicator.

The template is filled, never rebuilt nor re-saved: its zip is copied entry by entry and only
three parts change (the data sheet's value cells and hint line, the custom document properties,
the saved time), so its metadata, styles, validations, protection and the live checks' formulas
stay byte for byte as the upper committee made them. The live checks' saved results are cleared, so that
LibreOffice (which keeps saved results on load) computes them from the figures filled in; Excel
recalculates on load anyway. Loading and saving with openpyxl, measured on our templates, keeps
the metadata, validations and protection too, but rewrites every part (styles renumbered, the
application properties emptied, the protection's attributes spelt out), drops whatever it does
not model (a logo the upper committee added) and takes three times as long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.constants import (
    FINDINGS_COLUMNS,
    FORWARD_REPORT_SUFFIX,
    LEVEL_ALL,
    META_UNIT_CODE,
    META_UNIT_NAME,
    PROVENANCE_PROPERTY,
    TOTALS_CSV,
    Severity,
)
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem, problem
from pipeline.core.settings import SAVED_TIME_ZONE
from pipeline.core.vnformat import utc_now
from pipeline.form.period import format_date, period_code, period_label
from pipeline.forward.cells import CellContent, clear_results, set_cells, set_custom_property, set_modified
from pipeline.forward.coverage import Coverage, coverage, missing_units, rejected_values
from pipeline.forward.identity import check_identity
from pipeline.forward.upper import PROVENANCE, UpperTemplate, read_upper_template
from pipeline.outputs.csvfiles import write_frame
from pipeline.outputs.readback import read_back
from pipeline.templates.stamp import Stamp, StampError

CUSTOM_PART, CORE_PART = "docProps/custom.xml", "docProps/core.xml"


@dataclass(frozen=True)
class ForwardRun:
    """What ``forward`` wrote: the return for the upper committee and the report beside it."""

    path: Path
    report: Path
    unit_code: str  # this committee, as the upper template names it
    unit_name: str
    period: str  # the upper template's period code
    note: str  # the provenance note written on the return
    filled: dict[str, int | float] = field(default_factory=dict)  # indicator code → value written
    problems: list[Problem] = field(default_factory=list)  # warnings first, then the information
    coverage: Coverage = Coverage(0, 0)  # the units whose figures the totals include, of those listed

    def of(self, severity: Severity) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity]


def all_totals(result: ConsolidationResult) -> dict[str, int | float]:
    """Each indicator's total over all levels, whole numbers as integers."""
    rows = result.totals[result.totals["level"] == LEVEL_ALL]
    out = {}
    for code, value in zip(rows["code"], rows["value"], strict=True):
        if pd.notna(value):
            out[code] = int(value) if float(value).is_integer() else float(value)
    return out


def match(
    result: ConsolidationResult, upper: UpperTemplate, out: Path, totals_file: str
) -> tuple[dict[str, CellContent], dict[str, int | float], list[Problem]]:
    """The content of each value cell of the upper template, the values written, and the findings:
    an upper indicator we lack (or that no unit reported) is left blank with a warning; an
    indicator of ours the upper form lacks is listed (information)."""
    totals = all_totals(result)
    contents: dict[str, CellContent] = {}
    filled: dict[str, int | float] = {}
    found: list[Problem] = []
    place = {"file": out.name, "sheet": upper.sheet}
    for slot in upper.slots:
        contents[slot.cell] = totals.get(slot.code)
        if slot.code in totals:
            filled[slot.code] = totals[slot.code]
        elif slot.code in result.form.indicators:
            found.append(problem(Msg.FORWARD_011, Severity.WARNING, cell=slot.cell, code=slot.code, **place))
        else:
            found.append(problem(Msg.FORWARD_010, Severity.WARNING, cell=slot.cell, code=slot.code, label=slot.label, **place))
    theirs = {slot.code for slot in upper.slots}
    for code, ind in result.form.indicators.items():
        if code not in theirs:
            found.append(problem(Msg.FORWARD_012, Severity.INFO, file=totals_file, code=code, label=ind.display_label))
    return contents, filled, found


def check_period(result: ConsolidationResult, upper: UpperTemplate, force: bool) -> list[Problem]:
    """Nothing when the periods agree; else ``FORWARD_002`` raised, or with ``force`` a warning.

    :raises PipelineError: ``FORWARD_002`` the template is for another period.
    """
    if period_code(upper.period) == period_code(result.period) and period_code(result.period):
        return []
    fields = {"template_period": period_label(upper.period), "period": period_label(result.period)}
    if not force:
        raise PipelineError(Msg.FORWARD_002, where=str(upper.path), **fields)
    return [problem(Msg.FORWARD_013, Severity.WARNING, file=upper.path.name, **fields)]


def provenance(result: ConsolidationResult, today: date) -> str:
    """The note on the return: how many units' returns were consolidated (of how many listed,
    when some are missing: ``5/8``), and when."""
    return PROVENANCE.format(count=coverage(result).text, day=format_date(result.consolidated_on or today))


def render(upper: UpperTemplate, contents: dict[str, CellContent], note: str, now: datetime) -> bytes:
    """The template's bytes with the value cells filled, the note written and the saved time set.

    :raises PipelineError: ``FORWARD_001`` the sheet lacks a cell the reader found.
    """
    cells = {**contents, **({upper.note_cell: note} if upper.note_cell else {})}
    edits = {
        upper.part: lambda xml: clear_results(set_cells(xml, cells)),
        CUSTOM_PART: lambda xml: set_custom_property(xml, PROVENANCE_PROPERTY, note),
        CORE_PART: lambda xml: set_modified(xml, now),
    }
    try:
        return Stamp(upper.data, (), tuple(edits)).render({}, edits)
    except KeyError as err:
        raise PipelineError(Msg.FORWARD_001, where=str(upper.path), reason=f"không thấy ô {err.args[0]} trong tệp") from err
    except StampError as err:
        reason = "không chép lại được các phần của tệp nén (tệp đã được lưu bằng một chương trình lạ)"
        raise PipelineError(Msg.FORWARD_001, where=str(upper.path), reason=reason) from err


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def forward_consolidation(
    out_dir: str | Path, template: str | Path, out: str | Path, *, force: bool = False, now: datetime | None = None
) -> ForwardRun:
    """Fill the upper committee's ``template`` with the totals of the consolidation in ``out_dir``
    and write it to ``out`` (the template itself is never changed), with the findings beside it
    (``<out>_ghi_chu.csv``).

    :param force: fill a template of another period or committee (a warning) instead of refusing.
    :raises PipelineError: the folder is not a consolidation (``REPORT_001``), the template is not
        one (``FORWARD_001``), is for another period (``FORWARD_002``) or another committee than
        the one that consolidated (``FORWARD_020``), ``out`` is the template (``FORWARD_003``).
    :raises OutputError: ``out`` or the report cannot be written.
    """
    now = now or utc_now()
    template, out = Path(template), Path(out)
    if _same_file(template, out):
        raise PipelineError(Msg.FORWARD_003, where=str(out))
    read = read_back(out_dir)  # a hand-edited or rounded figure is said before it goes up
    result = read.result
    upper = read_upper_template(template)
    found = list(read.warnings) + check_period(result, upper, force) + check_identity(result, upper, force)
    found += missing_units(result) + rejected_values(result)
    contents, filled, matched = match(result, upper, out, str(Path(out_dir) / TOTALS_CSV))
    note = provenance(result, now.astimezone(SAVED_TIME_ZONE).date())
    data = render(upper, contents, note, now)
    report = out.with_name(out.stem + FORWARD_REPORT_SUFFIX)
    problems = sorted(found + matched, key=lambda p: p.severity.rank)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    write_frame(pd.DataFrame([{c: getattr(p, c) or "" for c in FINDINGS_COLUMNS} for p in problems], columns=FINDINGS_COLUMNS), report)
    meta = upper.meta
    return ForwardRun(
        path=out,
        report=report,
        unit_code=meta.get(META_UNIT_CODE, ""),
        unit_name=meta.get(META_UNIT_NAME, ""),
        period=upper.period,
        note=note,
        filled=filled,
        problems=problems,
        coverage=coverage(result),
    )
