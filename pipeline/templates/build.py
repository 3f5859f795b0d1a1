"""Write the Excel template each commune, ward or the city fills in (xlsxwriter).

A template has three sheets: ``Báo cáo`` (the table officers fill in, with a check block
of live formulas), ``Hướng dẫn`` (how to fill it in, written by ``guide``) and the hidden
``_tonghop`` (metadata the consolidation reads, also stored as custom document properties). Ingest finds the
table by its header cells ``Mã`` and ``Số liệu``, never by position. The data sheet is marked
twice, its name in the metadata and a workbook-wide defined name on it, so that a copy of it
(a draft) is told apart from it.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.core import constants as C
from pipeline.core.atomic import atomic_path
from pipeline.core.errors import TemplateError
from pipeline.core.sheetlayout import set_height
from pipeline.core.vnformat import format_number
from pipeline.form.model import FormDefinition, Indicator, Unit
from pipeline.form.prior import PriorData
from pipeline.form.units import unit_file_stem
from pipeline.templates.checks import (
    DIFFERENCE,
    RESULT_FAIL,
    RESULT_OK,
    RESULT_REVIEW,
    UNREADABLE,
    cached_results,
    difference_formula,
    rule_formulas,
    value_formula,
)
from pipeline.templates.formats import PROTECT_OPTIONS, WIDTHS, WORKBOOK_OPTIONS, add_formats, input_style, vietnamese_tiers
from pipeline.templates.guide import write_guide
from pipeline.templates.heading import heading_heights, issuing_bodies
from pipeline.templates.job import TemplateJob, check_written
from pipeline.templates.table import CELL_PADDING_WIDTH, write_form_rows

NOTE_FONT_RATIO = 12 / 11  # the check block's notes are 11pt: more of them fit a column
HOW_TO = "Chỉ nhập số vào các ô màu vàng ở cột Số liệu; không sửa cột Mã."
DATA_PART = "xl/worksheets/sheet1.xml"  # XlsxWriter numbers the sheets in the order added: the data sheet first


def template_filename(unit: Unit) -> str:
    """``03386_Phuong_Quyet_Thang.xlsx``: the unit code and an ASCII slug of its name."""
    return unit_file_stem(unit) + ".xlsx"


def build_template(
    form: FormDefinition,
    unit: Unit,
    path: Path,
    period: str,
    deadline: str | None = None,
    prior: PriorData | None = None,
    *,
    size_as: str = "",
) -> Path:
    """Write the template of ``unit`` to ``path`` atomically (temp file, then rename).

    :param period: the reporting period, e.g. ``"2023"`` or ``"2024-H1"``; the form's labels are filled for it.
    :param deadline: shown in the heading and the guide when given.
    :param prior: adds a column with the unit's prior values (``by_unit``), headed by their period.
    :param size_as: size the heading rows for a unit of this name (a stamp's placeholder unit).
    :raises TemplateError: if writing fails; ``path`` is then left as it was.
    """
    path = Path(path)
    form = form.for_period(period)
    write_job(TemplateJob(form, unit, form.period.code, deadline, prior, path.name, size_as or unit.name), path)
    return path


def write_job(job: TemplateJob, path: Path) -> TemplateJob:
    """Write the template ``job`` describes to ``path`` atomically; returns ``job``, which has
    noted where the prior values went (``prior_cells``, in ``DATA_PART``).

    :raises TemplateError: if writing fails; ``path`` is then left as it was.
    """
    with atomic_path(path, error=TemplateError.not_written, make_folder=False) as tmp:
        try:
            _write_workbook(job, str(tmp))
        except (XlsxWriterException, ValueError) as err:
            raise TemplateError.not_written(path, err) from err
    return job


def _write_workbook(job: TemplateJob, filename: str) -> None:
    with xlsxwriter.Workbook(filename, WORKBOOK_OPTIONS) as wb:
        fmt = add_formats(wb)
        _write_data_sheet(wb.add_worksheet(C.DATA_SHEET), fmt, job)
        write_guide(wb.add_worksheet(C.GUIDE_SHEET), fmt, job)
        _write_meta(wb.add_worksheet(C.META_SHEET), fmt, job)
        wb.worksheets()[0].activate()
        quoted = C.DATA_SHEET.replace("'", "''")
        check_written(wb.define_name(C.DATA_DEFINED_NAME, f"='{quoted}'!$1:$1048576"), job, "tên vùng dữ liệu", "", C.DATA_DEFINED_NAME)
        title = job.form.title_for()
        author = job.form.unit_committee(job.unit.name)
        wb.set_properties({"title": title, "subject": job.unit.name, "author": author, "company": "tonghop"})
        for key, value in job.meta().items():
            if value:
                check_written(wb.set_custom_property(C.META_PREFIX + key, value), job, "thuộc tính tài liệu", key)


def _write_data_sheet(ws, fmt: dict, job: TemplateJob) -> None:
    """The ``Báo cáo`` sheet: heading, table, check block, signatures."""
    # Layout and printing.
    for i, header in enumerate(job.headers):
        ws.set_column(i, i, WIDTHS[header])
    ws.hide_gridlines(2)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer('&C&"Times New Roman"&10Trang &P/&N')
    # Heading, table, checks, footer.
    row = _write_heading(ws, fmt, job)
    ws.write_row(row, 0, job.titles, fmt["th"])
    ws.set_row(row, 33)
    ws.repeat_rows(row)
    ws.freeze_panes(row + 1, 0)
    row, rows = _write_indicators(ws, fmt, job, row + 1)
    whole = [r for code, r in rows.items() if job.form.indicators[code].type in C.WHOLE_TYPES]
    vietnamese_tiers(
        ws, fmt, whole, {job.cols[h]: fill for h, fill in ((C.HEADER_VALUE, "input"), (C.HEADER_PRIOR, "prior")) if h in job.cols}
    )
    row = _write_checks(ws, fmt, job, row + 1, rows)
    _write_signatures(ws, fmt, job, row + 1)
    ws.protect("", PROTECT_OPTIONS)


def _write_heading(ws, fmt: dict, job: TemplateJob) -> int:
    """Rows above the table; returns the row of the table header."""
    split, last = job.cols[C.HEADER_CODE], job.last
    upper, lower = issuing_bodies(job.form, job.unit.name)
    ws.merge_range(0, 0, 0, split - 1, upper, fmt["org"])
    ws.merge_range(1, 0, 1, split - 1, lower, fmt["org_bold"])
    for row, height in enumerate(heading_heights(job.form, job.size_as)):
        if height:
            ws.set_row(row, height)
    ws.merge_range(0, split, 0, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fmt["org_bold"])
    ws.merge_range(1, split, 1, last, "Độc lập - Tự do - Hạnh phúc", fmt["motto"])
    ws.merge_range(3, 0, 3, last, job.form.title_for().upper(), fmt["title"])
    ws.set_row(3, 24)
    lines = [f"Đơn vị báo cáo: {job.unit.name}", f"Kỳ báo cáo: {job.form.period.label}"]
    if job.deadline:
        lines.append(f"Hạn nộp: {job.deadline}")
    row = 4
    for line in lines:
        ws.merge_range(row, 0, row, last, line, fmt["info_center"])
        row += 1
    ws.merge_range(row, 0, row, last, HOW_TO, fmt["hint"])
    return row + 2


def _write_indicators(ws, fmt: dict, job: TemplateJob, row: int) -> tuple[int, dict[str, int]]:
    """Section rows and one row per indicator; returns the next row and ``code -> row``."""
    rows: dict[str, int] = {}
    widths = [WIDTHS[header] for header in job.headers]
    for ind_row, ind in write_form_rows(ws, fmt, job.form, widths, row, level=job.unit.level, section_code=True):
        _write_inputs(ws, fmt, job, ind_row, ind)
        rows[ind.code] = ind_row
        row = ind_row + 1
    return row, rows


def _write_inputs(ws, fmt: dict, job: TemplateJob, row: int, ind: Indicator) -> None:
    """The input, prior value and note cells of an indicator row."""
    col = job.cols
    ws.write_blank(row, col[C.HEADER_VALUE], None, fmt[input_style(ind.type)])
    if job.prior is not None:
        value = job.prior.unit_value(job.unit.code, ind.code)
        ws.write(row, col[C.HEADER_PRIOR], value, fmt["prior_decimal" if ind.type == C.TYPE_DECIMAL else "prior"])
        job.prior_cells[ind.code] = xl_rowcol_to_cell(row, col[C.HEADER_PRIOR])
    ws.write_blank(row, col[C.HEADER_NOTE], None, fmt["note"])
    _validate(ws, job, row, col[C.HEADER_VALUE], ind)


def _validate(ws, job: TemplateJob, row: int, col: int, ind: Indicator) -> None:
    """Data validation of one numeric input: whole numbers or decimals within bounds."""
    if ind.type not in C.NUMERIC_TYPES:
        return
    whole = ind.type in C.WHOLE_TYPES
    low, high = ind.bounds  # the bounds the checks of returns use too
    if whole:  # "0", not "0.0", in the file
        low, high = int(low), int(high)
    options: dict = {"validate": "integer" if whole else "decimal", "criteria": "between", "minimum": low, "maximum": high}
    kind = "số nguyên" if whole else "số"
    bounds = f"từ {format_number(low)} đến {format_number(high)}"
    options.update(
        input_title="Nhập số liệu",
        input_message=f"Đơn vị tính: {ind.unit}.\nNhập {kind} {bounds}, gõ liền không kèm chữ; ghi 0 nếu không phát sinh.",
        error_title="Số liệu không hợp lệ",
        error_message=f"Ô này chỉ nhận {kind} {bounds} (đơn vị tính: {ind.unit}). Gõ số liền, ví dụ 1250000; không nhập chữ hay dấu cách.",
    )
    cell = xl_rowcol_to_cell(row, col)
    check_written(ws.data_validation(row, col, row, col, options), job, "kiểm tra dữ liệu nhập", cell, ind.code)


def _write_checks(ws, fmt: dict, job: TemplateJob, row: int, rows: dict[str, int]) -> int:
    """The ``KIỂM TRA SỐ LIỆU`` block: one live check per rule; returns the next row."""
    rules = job.form.return_rules(job.unit.level)
    if not rules:
        return row
    value_col, note_col = job.cols[C.HEADER_VALUE], job.cols[C.HEADER_NOTE]
    helpers = _write_helpers(ws, fmt, job, rows, dict.fromkeys(code for rule in rules for code in rule.codes))
    ws.merge_range(row, 0, row, job.last, "KIỂM TRA SỐ LIỆU (tự động; mọi dòng phải hiện “Đạt” trước khi gửi)", fmt["check_title"])
    first = row + 1
    label_room = WIDTHS[C.HEADER_LABEL] - CELL_PADDING_WIDTH
    for number, rule in enumerate(rules, start=1):
        r = row + number
        decimals = 2 if any(job.form.indicators[c].type == C.TYPE_DECIMAL for c in rule.codes) else 0
        diff_cell = xl_rowcol_to_cell(r, job.helper)
        inputs = {code: xl_rowcol_to_cell(rows[code], value_col) for code in rule.codes}
        status, note = rule_formulas(rule, helpers, diff_cell, xl_rowcol_to_cell(r, value_col), decimals, inputs)
        cached = cached_results(rule)
        ws.write_row(r, 0, ["" for _ in job.headers], fmt["check_note"])
        ws.write_number(r, job.cols[C.HEADER_STT], number, fmt["stt"])
        ws.write_string(r, job.cols[C.HEADER_LABEL], rule.check_text, fmt["label"])
        ws.write_string(r, job.cols[C.HEADER_CODE], rule.id, fmt["code"])
        ws.write_formula(r, job.helper, difference_formula(rule, helpers), fmt["helper"], _cached_difference(rule))
        ws.write_formula(r, value_col, status, fmt["check_status"], cached[0])
        ws.write_formula(r, note_col, note, fmt["check_note"], cached[1])
        notes = (UNREADABLE.format(cell="E99", text="12 500.000"), DIFFERENCE + "+999.999.999.999")
        set_height(ws, r, (rule.check_text, label_room), *((text, WIDTHS[C.HEADER_NOTE] * NOTE_FONT_RATIO) for text in notes))
    last = row + len(rules)
    for name, text in (("cf_fail", RESULT_FAIL), ("cf_review", RESULT_REVIEW), ("cf_ok", RESULT_OK)):
        options = {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": fmt[name]}
        check_written(
            ws.conditional_format(first, value_col, last, value_col, options),
            job,
            "định dạng có điều kiện",
            xl_rowcol_to_cell(first, value_col),
        )
    return last + 1


def _write_helpers(ws, fmt: dict, job: TemplateJob, rows: dict[str, int], codes) -> dict[str, str]:
    """A hidden helper cell beside the input of each of ``codes``: the number it holds, also
    typed as text (see ``checks.value_formula``); returns ``code -> helper cell``."""
    ws.set_column(job.helper, job.helper, 14, fmt["helper"], {"hidden": True})
    helpers = {}
    for code in codes:
        helpers[code] = xl_rowcol_to_cell(rows[code], job.helper)
        formula = value_formula(xl_rowcol_to_cell(rows[code], job.cols[C.HEADER_VALUE]))
        check_written(ws.write_formula(rows[code], job.helper, formula, fmt["helper"], ""), job, "công thức kiểm tra", helpers[code], code)
    return helpers


def _cached_difference(rule) -> float:
    """The difference a blank template's helper cell holds before any recalculation."""
    return rule.expression.evaluate(lambda code, level: None).difference or 0


def _write_signatures(ws, fmt: dict, job: TemplateJob, row: int) -> None:
    split, last = job.cols[C.HEADER_CODE], job.last
    place = job.form.settings.get("place", "")
    ws.merge_range(row, split, row, last, f"{place}, ngày ...... tháng ...... năm ......", fmt["place"])
    ws.merge_range(row + 1, 0, row + 1, split - 1, "NGƯỜI LẬP BIỂU", fmt["sign"])
    ws.merge_range(row + 1, split, row + 1, last, "TM. BAN THƯỜNG TRỰC", fmt["sign"])
    ws.merge_range(row + 2, 0, row + 2, split - 1, "(Ký, ghi rõ họ tên)", fmt["sign_hint"])
    ws.merge_range(row + 2, split, row + 2, last, "(Ký tên, đóng dấu)", fmt["sign_hint"])


def _write_meta(ws, fmt: dict, job: TemplateJob) -> None:
    """The hidden ``_tonghop`` sheet: one key and value (as text) per row."""
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 40)
    ws.write_string(0, 0, "key", fmt["meta"])
    ws.write_string(0, 1, "value", fmt["meta"])
    for row, (key, value) in enumerate(job.meta().items(), start=1):
        check_written(ws.write_string(row, 0, key, fmt["meta"]), job, "thông tin nhận dạng", f"A{row + 1}")
        check_written(ws.write_string(row, 1, value, fmt["meta"]), job, "thông tin nhận dạng", f"B{row + 1}")
    ws.protect("", PROTECT_OPTIONS)
    ws.hide()
