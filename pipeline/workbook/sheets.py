"""The data sheets of the consolidated workbook: ``Theo đơn vị`` (sheet 2) and ``Nguồn số
liệu`` (sheet 6), the two that grow with the number of units. Each writes its rows top to
bottom (``constant_memory``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import TYPE_DECIMAL, SubmissionStatus
from pipeline.core.vnformat import format_number
from pipeline.templates.table import form_rows, write_form_rows
from pipeline.workbook.formats import marked
from pipeline.workbook.layout import (
    Col,
    Comments,
    fit,
    form_columns,
    set_height,
    setup_sheet,
    text,
    write_header,
    write_title,
    write_value,
)  # fmt: skip
from pipeline.workbook.rowxml import RowWriter, put

SHEET_UNITS = "Theo đơn vị"
SHEET_SOURCES = "Nguồn số liệu"
EXCEL_MAX_ROWS = 1_048_576
WIDE_FIT_UNITS = 12  # up to this many unit columns, "Theo đơn vị" prints one page wide
TABLE_HEADER_ROW = 2  # title, explanation, then the header


def write_units(workbook, fmt: dict, result: ConsolidationResult, marks, long_after: int) -> None:
    """Sheet 2: a column per unit, or (more than ``long_after`` units) a row per unit and indicator."""
    ws = workbook.add_worksheet(SHEET_UNITS)
    if len(result.units) > long_after:
        _write_units_rows(ws, fmt, result, marks)
    else:
        _write_units_wide(ws, fmt, result, marks)


def _write_units_wide(ws, fmt: dict, result: ConsolidationResult, marks) -> None:
    form = result.form
    received = set(result.submissions.loc[result.submissions["status"] == SubmissionStatus.RECEIVED, "unit_code"])
    cols = [*form_columns(form), *(Col(f"{u.name}\n({u.code})", fit(u.name, lo=14, hi=22), "num") for u in result.units)]
    setup_sheet(ws, cols, TABLE_HEADER_ROW, freeze_cols=2, fit_width=len(result.units) <= WIDE_FIT_UNITS)
    write_title(
        ws, fmt, "Số liệu theo đơn vị", "Cột có tên nền đỏ: đơn vị chưa nộp báo cáo. Ô có nền màu: có vấn đề, di chuột vào ô để xem.", cols
    )
    set_height(ws, TABLE_HEADER_ROW, *((c.header, c.width) for c in cols), bold=True)
    for i, col in enumerate(cols):
        missing = i >= 4 and result.units[i - 4].code not in received
        ws.write_string(TABLE_HEADER_ROW, i, col.header, fmt["th_missing" if missing else "th"])
    ws.autofilter(TABLE_HEADER_ROW, 0, TABLE_HEADER_ROW + sum(1 for _ in form_rows(form)), len(cols) - 1)
    v = result.values
    values = dict(zip(zip(v["unit_code"], v["code"], strict=True), v["value"], strict=True))
    comments = Comments(ws)
    for row, ind in write_form_rows(ws, fmt, form, [c.width for c in cols], TABLE_HEADER_ROW + 1):
        for col, unit in enumerate(result.units, start=4):
            problems = marks.units.get((unit.code, ind.code), [])
            mark = marks.mark(problems)
            num = marked("dec" if ind.type == TYPE_DECIMAL else "num", mark)
            write_value(ws, row, col, values.get((unit.code, ind.code)), fmt[num], fmt[marked("dec", mark)], fmt[marked("wrap", mark)])
            comments.add(row, col, marks.note(problems))


def _write_units_rows(ws, fmt: dict, result: ConsolidationResult, marks) -> None:
    """A row per unit and a column per indicator: 10,000 units x 68 indicators fit Excel easily."""
    form = result.form
    codes = list(form.indicators)
    cols = [
        Col("Mã đơn vị", fit("Mã đơn vị", [u.code for u in result.units[:5000]], hi=14), "col_text"),
        Col("Tên đơn vị", fit("Tên đơn vị", [u.name for u in result.units[:5000]], hi=30), "col_text"),
        Col("Cấp", fit("Cấp", [form.level_label(lv) for lv in form.levels], hi=20), "col_text"),
        *(Col(code, max(12, min(len(code) + 2, 24)), "col_num") for code in codes),
    ]  # fmt: skip
    setup_sheet(ws, cols, 1, freeze_cols=2, col_formats={i: fmt[c.style] for i, c in enumerate(cols)})
    write_header(ws, fmt, 0, cols, style="col_th")
    ws.write_string(1, 0, "Chỉ tiêu:", fmt["hint"])
    for col, code in enumerate(codes, start=3):
        ws.write_string(1, col, form.indicators[code].display_label, fmt["wrap"])
    ws.autofilter(1, 0, 1 + len(result.units), len(cols) - 1)
    grid = _value_grid(result, codes, fmt["col_num"], fmt["col_dec"])
    received = set(result.submissions.loc[result.submissions["status"] == SubmissionStatus.RECEIVED, "unit_code"])
    level_labels = {lv: form.level_label(lv) for lv in form.levels}
    flagged = _marked_columns(marks, codes)
    comments = Comments(ws)
    rows = RowWriter(ws)
    write_number = ws.write_number
    for row, unit in enumerate(result.units[: EXCEL_MAX_ROWS - 3], start=2):
        name_fmt = None if unit.code in received else fmt["th_missing"]
        head = ((0, text(unit.code), name_fmt), (1, text(unit.name), name_fmt), (2, text(level_labels.get(unit.level, unit.level)), None))
        numbers, styles = grid.get(unit.code, ((), ()))
        problems_at = flagged.get(unit.code)
        if not problems_at:  # most rows: written whole
            rows.row(
                row, [*head, *((col, v, s) for col, v, s in zip(range(3, 3 + len(codes)), numbers, styles, strict=False) if s is not None)]
            )
            continue
        for col, value, style in head:
            put(ws, row, col, value, style)
        for col, value, style in zip(range(3, 3 + len(codes)), numbers, styles, strict=False):
            if col in problems_at:
                continue
            if style is not None:
                write_number(row, col, value, style)
        for col, problems in problems_at.items():  # in column order: the cells and their comments
            mark = marks.mark(problems)
            value = numbers[col - 3] if numbers else None
            write_value(ws, row, col, value, fmt[marked("col_num", mark)], fmt[marked("col_dec", mark)], None)
            comments.add(row, col, marks.note(problems))
    _note_cut(ws, fmt, len(result.units), min(len(result.units), EXCEL_MAX_ROWS - 3))


def _marked_columns(marks, codes: list[str]) -> dict[str, dict[int, list]]:
    """unit code -> {column: findings} of the cells findings concern, columns in order."""
    column = {code: col for col, code in enumerate(codes, start=3)}
    found: dict[str, dict[int, list]] = {}
    for (unit_code, code), problems in marks.units.items():
        if problems and code in column:
            found.setdefault(unit_code, {})[column[code]] = problems
    return {unit: dict(sorted(cols.items())) for unit, cols in found.items()}


def _value_grid(result: ConsolidationResult, codes: list[str], whole, decimal) -> dict[str, tuple[list, list]]:
    """unit code -> its numbers in ``codes`` order (NaN where blank) and each one's format (whole,
    decimal, None for a blank); text values left out."""
    v = result.values
    numeric = v[pd.to_numeric(v["value"], errors="coerce").notna()]
    if numeric.empty:
        return {}
    units, grid = _pivot(numeric, codes)
    with np.errstate(invalid="ignore"):
        styles = np.where(np.isnan(grid), None, np.where(np.isfinite(grid) & (np.floor(grid) == grid), whole, decimal))
    return dict(zip(units, zip(grid.tolist(), styles.tolist(), strict=True), strict=True))


def _pivot(numeric: pd.DataFrame, codes: list[str]) -> tuple[list[str], np.ndarray]:
    """The values as a unit x ``codes`` array of floats (NaN where blank), as ``DataFrame.pivot``
    makes it (which is used when a unit has a code twice or a key is blank: it refuses or drops)."""
    unit_ids, units = pd.factorize(numeric["unit_code"])
    code_ids, found = pd.factorize(numeric["code"])
    if (unit_ids < 0).any() or (code_ids < 0).any() or pd.Series(unit_ids * len(found) + code_ids).duplicated().any():
        wide = numeric.pivot(index="unit_code", columns="code", values="value").reindex(columns=codes).astype(float)
        return wide.index.tolist(), wide.to_numpy()
    column = {code: i for i, code in enumerate(codes)}
    where = np.array([column.get(code, -1) for code in found], dtype=np.int64)[code_ids]
    keep = where >= 0
    grid = np.full((len(units), len(codes)), np.nan)
    grid[unit_ids[keep], where[keep]] = numeric["value"].astype(float).to_numpy()[keep]
    return units.tolist(), grid


def _note_cut(ws, fmt: dict, total: int, written: int) -> None:
    if written < total:
        ws.write_string(
            written + 1,
            0,
            f"Chỉ ghi {format_number(written)}/{format_number(total)} dòng (giới hạn của Excel); xem đủ trong tệp values.csv.",
            fmt["hint"],
        )


def write_sources(workbook, fmt: dict, result: ConsolidationResult, compact_after: int) -> None:
    """Sheet 6: where every value was read. Up to ``compact_after`` units one row per value
    (unit, code, value, file, sheet, cell), column formats only; beyond, one row per file,
    each value's own cell being in ``values.csv``."""
    ws = workbook.add_worksheet(SHEET_SOURCES)
    if len(result.units) > compact_after:
        _write_sources_by_file(ws, fmt, result)
        return
    v = result.values.head(EXCEL_MAX_ROWS - 2)
    sample = v.head(5000)
    cols = [
        Col("Mã đơn vị", fit("Mã đơn vị", sample["unit_code"], hi=14), "col_text"), Col("Tên đơn vị", fit("Tên đơn vị", sample["unit_name"], hi=30), "col_text"),
        Col("Mã chỉ tiêu", max((len(c) for c in result.form.indicators), default=4) + 2, "col_text"), Col("Số liệu", 18, "col_num"),
        Col("Tệp", fit("Tệp", sample["file"], hi=45), "col_text"), Col("Trang tính", fit("Trang tính", sample["sheet"], hi=20), "col_text"), Col("Ô", 7, "col_text"),
    ]  # fmt: skip
    setup_sheet(ws, cols, 0, col_formats={i: fmt[c.style] for i, c in enumerate(cols)})
    write_header(ws, fmt, 0, cols, style="col_th")
    ws.autofilter(0, 0, len(v), len(cols) - 1)
    dec = fmt["col_dec"]
    rows = zip(v["unit_code"], v["unit_name"], v["code"], v["value"], v["file"], v["sheet"], v["cell"], strict=True)
    for row, (unit_code, name, code, value, file, sheet, cell) in enumerate(rows, start=1):
        ws.write_string(row, 0, text(unit_code))
        ws.write_string(row, 1, text(name))
        ws.write_string(row, 2, text(code))
        write_value(ws, row, 3, value, None, dec)
        ws.write_string(row, 4, text(file))
        ws.write_string(row, 5, text(sheet))
        ws.write_string(row, 6, text(cell))
    _note_cut(ws, fmt, len(result.values), len(v))


_FILE_KEYS = ["unit_code", "unit_name", "file", "sheet"]


def _file_summary(values: pd.DataFrame) -> dict[str, list]:
    """A row per (unit, file, sheet) in order of appearance: ``count``, ``first`` and ``last`` cell
    read (as ``groupby(...).agg``). The values frame lists each file's values together, so the
    groups are its runs; a frame where they are not (or with blanks) is grouped by pandas."""
    columns = [*_FILE_KEYS, "cell"]
    if len(values) and not values[columns].isna().to_numpy().any():
        arrays = [values[c].to_numpy(dtype=object) for c in columns]
        change = np.zeros(len(values) - 1, dtype=bool)
        for array in arrays[:4]:
            change |= array[1:] != array[:-1]
        starts = np.concatenate(([0], np.flatnonzero(change) + 1))
        ends = np.append(starts[1:], len(values)) - 1
        keys = [array[starts].tolist() for array in arrays[:4]]
        if len(set(zip(*keys, strict=True))) == len(starts):
            cells = arrays[4]
            return dict(zip(_FILE_KEYS, keys, strict=True)) | {
                "count": (ends - starts + 1).tolist(), "first": cells[starts].tolist(), "last": cells[ends].tolist()
            }  # fmt: skip
    summary = values.groupby(_FILE_KEYS, sort=False)["cell"].agg(["count", "first", "last"]).reset_index()
    return {name: summary[name].tolist() for name in [*_FILE_KEYS, "count", "first", "last"]}


def _write_sources_by_file(ws, fmt: dict, result: ConsolidationResult) -> None:
    summary = _file_summary(result.values)
    cols = [
        Col("Mã đơn vị", 14, "col_text"), Col("Tên đơn vị", fit("Tên đơn vị", summary["unit_name"][:5000], hi=30), "col_text"),
        Col("Tệp", fit("Tệp", summary["file"][:5000], hi=45), "col_text"), Col("Trang tính", 16, "col_text"),
        Col("Các ô đã đọc", 16, "col_text"), Col("Số chỉ tiêu", 12, "col_num"),
    ]  # fmt: skip
    setup_sheet(ws, cols, 1, col_formats={i: fmt[c.style] for i, c in enumerate(cols)})
    note = f"{format_number(len(result.units))} đơn vị: mỗi dòng là một tệp đã dùng; địa chỉ ô của từng chỉ tiêu có trong tệp values.csv."
    ws.write_string(0, 0, note, fmt["hint"])
    write_header(ws, fmt, 1, cols, style="col_th")
    ws.autofilter(1, 0, 1 + len(summary["file"]), len(cols) - 1)
    columns = ("unit_code", "unit_name", "file", "sheet", "first", "last", "count")
    rows = RowWriter(ws)
    for row, (code, name, file, sheet, first, last, count) in enumerate(zip(*(summary[c] for c in columns), strict=True), start=2):
        cells = [(col, text(value), None) for col, value in enumerate((code, name, file, sheet, f"{first}:{last}"))]
        rows.row(row, [*cells, (5, int(count), None)])
