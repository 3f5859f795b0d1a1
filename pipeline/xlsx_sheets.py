"""The data sheets of the consolidated workbook: ``Theo đơn vị`` (sheet 2) and ``Nguồn số
liệu`` (sheet 6), the two that grow with the number of units. Each writes its rows top to
bottom (``constant_memory``)."""

from __future__ import annotations

from pipeline.consolidate import ConsolidationResult
from pipeline.constants import TYPE_DECIMAL
from pipeline.vnformat import format_number
from pipeline.xlsx_formats import marked
from pipeline.xlsx_layout import (
    Col,
    Comments,
    fit,
    form_columns,
    form_rows,
    set_height,
    setup_sheet,
    text,
    write_header,
    write_indicator_labels,
    write_section_row,
    write_text,
    write_title,
    write_value,
)  # fmt: skip

SHEET_UNITS = "Theo đơn vị"
SHEET_SOURCES = "Nguồn số liệu"
EXCEL_MAX_ROWS = 1_048_576
WIDE_FIT_UNITS = 12  # up to this many unit columns, "Theo đơn vị" prints one page wide
TABLE_HEADER_ROW = 2  # title, explanation, then the header


def write_units(workbook, fmt: dict, result: ConsolidationResult, marks, long_after: int) -> None:
    """Sheet 2: a column per unit, or (more than ``long_after`` units) a row per unit and indicator."""
    ws = workbook.add_worksheet(SHEET_UNITS)
    if len(result.units) > long_after:
        _write_units_long(ws, fmt, result, marks)
    else:
        _write_units_wide(ws, fmt, result, marks)


def _write_units_wide(ws, fmt: dict, result: ConsolidationResult, marks) -> None:
    form = result.form
    received = set(result.submissions.loc[result.submissions["status"] == "received", "unit_code"])
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
    row = TABLE_HEADER_ROW
    for section, item in form_rows(form):
        row += 1
        if item is None:
            write_section_row(ws, fmt, row, section, cols)
            continue
        number, ind = item
        write_indicator_labels(ws, fmt, row, number, ind, cols)
        for col, unit in enumerate(result.units, start=4):
            problems = marks.units.get((unit.code, ind.code), [])
            mark = marks.mark(problems)
            num = marked("dec" if ind.type == TYPE_DECIMAL else "num", mark)
            write_value(ws, row, col, values.get((unit.code, ind.code)), fmt[num], fmt[marked("dec", mark)], fmt[marked("wrap", mark)])
            comments.add(row, col, marks.note(problems))


def _write_units_long(ws, fmt: dict, result: ConsolidationResult, marks) -> None:
    form = result.form
    v = result.values.head(EXCEL_MAX_ROWS - 2)
    labels = {code: ind.label for code, ind in form.indicators.items()}
    cols = [
        Col("Mã đơn vị", fit("Mã đơn vị", v["unit_code"].head(5000), hi=14), "col_text"),
        Col("Tên đơn vị", fit("Tên đơn vị", v["unit_name"].head(5000), hi=30), "col_text"),
        Col("Cấp", fit("Cấp", [form.level_label(lv) for lv in form.levels], hi=20), "col_text"),
        Col("Mã", max((len(c) for c in form.indicators), default=4) + 2, "col_text"),
        Col("Chỉ tiêu", 60, "col_text"),
        Col("Số liệu", 18, "col_num"),
    ]  # fmt: skip
    setup_sheet(ws, cols, 0, col_formats={i: fmt[c.style] for i, c in enumerate(cols)})
    write_header(ws, fmt, 0, cols, style="col_th")
    ws.autofilter(0, 0, len(v), len(cols) - 1)
    level_labels = {lv: form.level_label(lv) for lv in form.levels}
    comments = Comments(ws)
    rows = zip(v["unit_code"], v["unit_name"], v["level"], v["code"], v["value"], strict=True)
    for row, (unit_code, name, level, code, value) in enumerate(rows, start=1):
        problems = marks.units.get((unit_code, code)) if marks.units else None
        mark = marks.mark(problems) if problems else None
        text_fmt = fmt[marked("col_text", mark)] if mark else None
        write_text(ws, row, 0, unit_code, text_fmt)
        write_text(ws, row, 1, name, text_fmt)
        write_text(ws, row, 2, level_labels.get(level, level), text_fmt)
        write_text(ws, row, 3, code, text_fmt)
        write_text(ws, row, 4, labels.get(code, ""), text_fmt)
        write_value(ws, row, 5, value, fmt[marked("col_num", mark)] if mark else None, fmt[marked("col_dec", mark)], text_fmt)
        if problems:
            comments.add(row, 5, marks.note(problems))
    _note_cut(ws, fmt, len(result.values), len(v))


def _note_cut(ws, fmt: dict, total: int, written: int) -> None:
    if written < total:
        ws.write_string(
            written + 1,
            0,
            f"Chỉ ghi {format_number(written)}/{format_number(total)} dòng (giới hạn của Excel); xem đủ trong tệp values.csv.",
            fmt["hint"],
        )


def write_sources(workbook, fmt: dict, result: ConsolidationResult) -> None:
    """Sheet 6: where every value was read (unit, code, value, file, sheet, cell): column formats only."""
    ws = workbook.add_worksheet(SHEET_SOURCES)
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
