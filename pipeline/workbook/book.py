"""The consolidated workbook (``tong_hop.xlsx``) a city officer hands to the report drafter.

Sheets, in order: ``Tổng hợp`` (the form with a total per level, each total carrying a
comment of what every unit contributed), ``Theo đơn vị``, ``Theo đơn vị cấp trên`` (only when
the unit list has a ``parent`` column), ``Đối soát``, ``Tình trạng
nộp``, ``Các vấn đề``, ``Nguồn số liệu`` and, when the form has charts (``charts.csv``) with
figures to show, ``Biểu đồ``. Cells concerned by a finding are filled (red: error, orange:
warning) and carry the finding's message as a comment.

Number format. Numbers are written as numbers with the format ``[$-42A]#,##0`` (decimals
``[$-42A]#,##0.0#``). ``[$-42A]`` is the Vietnamese locale id: LibreOffice then shows
862.796.456 and 1,5 whatever the machine's locale (checked by rendering with LibreOffice
in C and German locales; plain ``#,##0`` shows 862,796,456 under en-US). Excel keeps the
locale id but takes the separators from Windows' regional settings, so it shows 862.796.456
on a Vietnamese Windows and 862,796,456 on an en-US one. A format with literal dots
(``#\\.###\\.##0``) would force dots in Excel too, but breaks on negative numbers and on
numbers of another size, so it is not used; the comments list contributions already
written the Vietnamese way (``vnformat.format_number``).

Scale. Up to ``LONG_FORMAT_UNITS`` units ``Theo đơn vị`` has a column per unit, beyond that
a row per unit (10,000 units fit), and ``Nguồn số liệu`` a row per file instead of one per
value (each value's own cell stays in ``values.csv``). Above ``CONSTANT_MEMORY_ROWS`` values the workbook is
written in xlsxwriter's ``constant_memory`` mode; every sheet writer therefore writes its
rows top to bottom, each row (and its comments) complete before the next.
"""

from __future__ import annotations

import math
import numbers
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, TYPE_DECIMAL, RuleScope, Severity, SubmissionStatus
from pipeline.core.errors import Msg, OutputError
from pipeline.core.findings import Problem
from pipeline.core.sheetlayout import lines_needed, set_height
from pipeline.core.vnformat import format_number
from pipeline.templates.table import form_rows, write_form_rows
from pipeline.workbook.charts import write_charts
from pipeline.workbook.formats import FLAG, WORKBOOK_OPTIONS, add_formats, marked
from pipeline.workbook.layout import (
    Col,
    Comments,
    form_columns,
    setup_sheet,
    worst,
    write_header,
)  # fmt: skip
from pipeline.workbook.parents import write_parents
from pipeline.workbook.review import write_files, write_findings, write_relations
from pipeline.workbook.sheets import write_sources, write_units
from pipeline.workbook.unitprior import write_unit_prior

SHEET_TOTALS = "Tổng hợp"
HEADER_PRIOR = "Cùng kỳ"
HEADER_CHANGE = "Tăng/giảm"
LONG_FORMAT_UNITS = 200  # more units: a row per unit in "Theo đơn vị", a row per file in "Nguồn số liệu"
CONSTANT_MEMORY_ROWS = 50_000  # more values than this: constant_memory mode
CONTRIBUTORS_LIMIT = 40  # units listed in a total's comment
MISSING_LISTED = 10  # missing units named in the heading
TOTALS_HEADER_ROW = 5


@dataclass
class Marks:
    """Findings by the cell they concern: a level's total or a unit's value."""

    totals: dict[tuple[str, str], list[Problem]] = field(default_factory=lambda: defaultdict(list))  # (code, level)
    units: dict[tuple[str, str], list[Problem]] = field(default_factory=lambda: defaultdict(list))  # (unit_code, code)

    @staticmethod
    def note(problems: list[Problem]) -> str:
        return "\n".join(f"{Severity(p.severity).label}: {p.message}" for p in problems)

    @staticmethod
    def mark(problems: list[Problem]) -> str | None:
        return worst(p.severity for p in problems)


@dataclass
class TotalsLayout:
    """Where ``Tổng hợp`` put each code (row) and level (column), for the charts."""

    rows: dict[str, int]
    cols: dict[str, int]


def find_marks(result: ConsolidationResult) -> Marks:
    """Index the findings: those with a level and a code mark that level's total (a rule
    across levels marks every total it names); those with a unit and a code mark the unit's value,
    when they are findings of the return used (never of a superseded one). A value rejected (an
    error on a unit's cell) also marks the totals it is missing from: its level's and the grand total."""
    marks = Marks()
    rules = {rule.id: rule for rule in result.form.rules}
    used = dict(zip(result.submissions["unit_code"], result.submissions["file"], strict=True))
    level_of = {u.code: u.level for u in result.units}
    for p in result.findings.problems:
        if p.level and p.code:
            marks.totals[(p.code, p.level)].append(p)
            rule = rules.get(p.relation_id)
            if rule is not None and rule.scope == RuleScope.LEVELS:
                for code, level in rule.expression.refs:
                    if level and (code, level) != (p.code, p.level):
                        marks.totals[(code, level)].append(p)
        elif p.unit_code and p.code and (not p.file or p.file == used.get(p.unit_code)):
            marks.units[(p.unit_code, p.code)].append(p)
            if p.severity == Severity.ERROR and p.type != Msg.RELATION_001.slug and p.unit_code in level_of:
                for level in (level_of[p.unit_code], LEVEL_ALL):  # a rejected value: the totals lack it
                    marks.totals[(p.code, level)].append(p)
    return marks


def write_workbook(result: ConsolidationResult, path: Path) -> Path:
    """Write the consolidated workbook to ``path`` atomically.

    :param result: what ``consolidate_folder`` computed.
    :param path: the ``.xlsx`` file to write (replaced in one step).
    :raises OutputError: the file cannot be written.
    """
    path = Path(path)
    options = {**WORKBOOK_OPTIONS, "constant_memory": len(result.values) > CONSTANT_MEMORY_ROWS}
    with atomic_path(path) as tmp:
        try:
            workbook = xlsxwriter.Workbook(str(tmp), options)
            fmt = add_formats(workbook)
            title = result.form.title_for()
            workbook.set_properties({"title": title, "company": result.form.committee, "author": result.form.committee})
            marks = find_marks(result)
            layout = _write_totals(workbook.add_worksheet(SHEET_TOTALS), fmt, result, marks)
            write_units(workbook, fmt, result, marks, LONG_FORMAT_UNITS)
            write_unit_prior(workbook, fmt, result)
            write_parents(workbook, fmt, result, marks)
            write_relations(workbook, fmt, result)
            write_files(workbook, fmt, result)
            write_findings(workbook, fmt, result)
            write_sources(workbook, fmt, result, LONG_FORMAT_UNITS)
            write_charts(workbook, fmt, result, SHEET_TOTALS, layout)
            workbook.close()
        except XlsxWriterException as err:
            raise OutputError(Msg.OUTPUT_005, where=path, reason=err) from err
    return path


def _contributions(result: ConsolidationResult) -> dict[tuple[str, str], list[str]]:
    """``(code, level) -> ["Phường Quyết Thắng: 12.500.000", ...]`` for every level and ``all``,
    at most ``CONTRIBUTORS_LIMIT`` lines each (the first in unit order), then how many more units."""
    numeric = [c for c, ind in result.form.indicators.items() if ind.type in NUMERIC_TYPES]
    v = result.values[result.values["code"].isin(numeric)]
    v = v.assign(value=pd.to_numeric(v["value"], errors="coerce")).dropna(subset=["value"])
    code_ids, codes = pd.factorize(v["code"])
    level_ids, levels = pd.factorize(v["level"])
    names, values = v["unit_name"].tolist(), v["value"].tolist()
    lines: dict[tuple[str, str], list[str]] = defaultdict(list)
    for keys, by_level in ((np.where(level_ids < 0, -1, code_ids * len(levels) + level_ids), True), (code_ids, False)):
        rank = _rank_in_group(keys)
        for i in np.flatnonzero((keys >= 0) & (rank < CONTRIBUTORS_LIMIT)).tolist():
            lines[(codes[code_ids[i]], levels[level_ids[i]] if by_level else LEVEL_ALL)].append(f"{names[i]}: {format_number(values[i])}")
        counts = np.bincount(keys[keys >= 0])
        for key in np.flatnonzero(counts > CONTRIBUTORS_LIMIT).tolist():
            code, level = (codes[key // len(levels)], levels[key % len(levels)]) if by_level else (codes[key], LEVEL_ALL)
            lines[(code, level)].append(f"… và {format_number(int(counts[key]) - CONTRIBUTORS_LIMIT)} đơn vị khác")
    return lines


def _rank_in_group(keys: np.ndarray) -> np.ndarray:
    """Each element's position among the elements of its key, in order (``groupby.cumcount``)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    return rank


def _comparison(result: ConsolidationResult) -> dict[str, tuple]:
    """``code -> (prior, change, flag, ratio)`` at the ``all`` level, when a prior period was given."""
    frame = result.comparison
    if frame is None or frame.empty:
        return {}
    rows = frame[frame["level"] == LEVEL_ALL]
    return {r.code: (r.prior, r.change, isinstance(r.flag, (bool, np.bool_)) and bool(r.flag), r.ratio) for r in rows.itertuples()}


def _totals_columns(result: ConsolidationResult) -> tuple[list[Col], list[str]]:
    form = result.form
    levels = [*result.levels, LEVEL_ALL]
    biggest = max((abs(v) for v in result.totals["value"] if isinstance(v, numbers.Real) and math.isfinite(v)), default=0)
    number_width = max(14.0, len(format_number(biggest)) * 1.1 + 3)
    cols = [*form_columns(form), *(Col(form.level_label(level), number_width, "num") for level in levels)]
    if result.comparison is not None:
        cols += [Col(HEADER_PRIOR, number_width, "num"), Col(HEADER_CHANGE, number_width, "signed")]
    return cols, levels


def _write_totals_heading(ws, fmt: dict, result: ConsolidationResult, cols: list[Col]) -> None:
    """Committee, title, how many units reported (and which did not), and how to read the colours."""
    last, width = len(cols) - 1, sum(c.width for c in cols)
    missing = result.submissions[result.submissions["status"] != SubmissionStatus.RECEIVED]
    received = f"Số đơn vị đã nộp: {result.received}/{len(result.units)}"
    if len(missing):
        names = ", ".join(missing["unit_name"].head(MISSING_LISTED))
        more = f" và {len(missing) - MISSING_LISTED} đơn vị khác" if len(missing) > MISSING_LISTED else ""
        received += f" (chưa nộp: {names}{more}; xem trang “Tình trạng nộp”)"
    hint = (
        "Di chuột vào ô số liệu để xem số liệu của từng đơn vị. Ô nền đỏ: có lỗi; ô nền cam: có cảnh báo "
        "(chi tiết ở trang “Các vấn đề” và “Đối soát”)."
    )
    if result.comparison is not None:
        hint += " Ô nền vàng ở cột “Tăng/giảm”: thay đổi lớn so với cùng kỳ."
    title = result.form.title_for()
    ws.merge_range(0, 0, 0, last, result.form.committee, fmt["committee"])
    ws.set_row(1, 21 * lines_needed(title, width * 0.8, bold=True) + 12)  # 14pt
    ws.merge_range(1, 0, 1, last, title, fmt["title"])
    set_height(ws, 2, (received, width))
    ws.merge_range(2, 0, 2, last, received, fmt["info"])
    set_height(ws, 3, (hint, width))
    ws.merge_range(3, 0, 3, last, hint, fmt["hint"])


def _write_totals(ws, fmt: dict, result: ConsolidationResult, marks: Marks) -> TotalsLayout:
    """Sheet 1: the form's rows with a total per level (and the prior period when given)."""
    form = result.form
    cols, levels = _totals_columns(result)
    setup_sheet(ws, cols, TOTALS_HEADER_ROW, freeze_cols=2)
    _write_totals_heading(ws, fmt, result, cols)
    write_header(ws, fmt, TOTALS_HEADER_ROW, cols)
    ws.autofilter(TOTALS_HEADER_ROW, 0, TOTALS_HEADER_ROW + sum(1 for _ in form_rows(form)), len(cols) - 1)
    totals = {(r.code, r.level): r.value for r in result.totals.itertuples()}
    contributions = _contributions(result)
    comparison = _comparison(result)
    comments = Comments(ws)
    layout = TotalsLayout({}, {level: 4 + i for i, level in enumerate(levels)})
    for row, ind in write_form_rows(ws, fmt, form, [c.width for c in cols], TOTALS_HEADER_ROW + 1):
        style = "dec" if ind.type == TYPE_DECIMAL else "num"
        for level, col in layout.cols.items():
            problems = marks.totals.get((ind.code, level), [])
            _write_total(ws, fmt, row, col, totals.get((ind.code, level)), marked(style, Marks.mark(problems)))
            lines = contributions.get((ind.code, level), [])
            comments.add(row, col, "\n".join(lines) + ("\n\n" if lines and problems else "") + Marks.note(problems))
        if result.comparison is not None:
            _write_prior(ws, fmt, row, len(levels) + 4, comparison.get(ind.code), comments)
        layout.rows[ind.code] = row
    return layout


def _write_total(ws, fmt: dict, row: int, col: int, value, style: str) -> None:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value):
        ws.write_number(row, col, value, fmt[style])
    else:
        ws.write_blank(row, col, None, fmt[style])


def _write_prior(ws, fmt: dict, row: int, col: int, found: tuple | None, comments: Comments) -> None:
    """``Cùng kỳ`` and ``Tăng/giảm`` of one indicator; a flagged change is filled and explained."""
    prior, change, flag, ratio = found or (None, None, False, None)
    _write_total(ws, fmt, row, col, prior, "num")
    _write_total(ws, fmt, row, col + 1, change, marked("signed", FLAG if flag else None))
    if flag:
        finite = isinstance(ratio, numbers.Real) and math.isfinite(ratio)
        times = f" (bằng {format_number(ratio, 2)} lần cùng kỳ)" if finite else ""
        comments.add(row, col + 1, f"Thay đổi lớn so với cùng kỳ{times}. Hãy xác nhận lại với đơn vị báo cáo.")
