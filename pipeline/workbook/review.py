"""The review sheets of the consolidated workbook: ``Đối soát`` (sheet 3), ``Tình trạng
nộp`` (sheet 4) and ``Các vấn đề`` (sheet 5). Rows keep the order of the result's frames
(findings: errors first); failed, missing or faulty rows are filled by severity."""

from __future__ import annotations

import re
from datetime import datetime

from pipeline.consolidate.result import SUBMISSION_COLUMNS, ConsolidationResult
from pipeline.core.constants import (
    FILES_CSV,
    LEVEL_ALL,
    FileStatus,
    ReceivedFrom,
    RuleScope,
    RuleStatus,
    Severity,
    SubmissionStatus,
    Timeliness,
)  # fmt: skip
from pipeline.core.vnformat import format_number
from pipeline.form.expression import ExpressionError, parse_expression
from pipeline.workbook.formats import MARK_MISSING, marked
from pipeline.workbook.layout import (
    OP_LABELS,
    Col,
    fit,
    level_text,
    rule_text,
    set_height,
    setup_sheet,
    text,
    value_cell,
    write_header,
    write_text,
    write_title,
    write_value,
)  # fmt: skip
from pipeline.workbook.rowxml import RowWriter

SHEET_RELATIONS = "Đối soát"
# More rule evaluations than this: list only the failed ones on returns (all are in relations.csv).
RELATIONS_ALL_ROWS = 2000
SHEET_FILES = "Tình trạng nộp"
SHEET_FINDINGS = "Các vấn đề"
TABLE_HEADER_ROW = 2  # title, explanation, then the header
_OPS = re.compile(r"==|<=|>=")
_LEVEL_REF = re.compile(r"\[(\w+)\]")


def _expression_text(expression: str, form) -> str:
    """The rule as an officer reads it: indicators by their label (levels by their name), and
    ``=``, ``≤``, ``≥``; a rule the form no longer has is shown as written, levels by their short name."""
    try:
        parsed = parse_expression(expression)
    except ExpressionError:
        parsed = None
    if parsed is not None and all(code in form.indicators for code in parsed.codes):
        op = OP_LABELS.get(parsed.op, parsed.op)
        return f"{parsed.side_text('lhs', form.ref_text)} {op} {parsed.side_text('rhs', form.ref_text)}"
    shown = _OPS.sub(lambda m: OP_LABELS[m.group(0)], expression)
    shorts = {code: level.short or level.label for code, level in form.levels.items()} | {LEVEL_ALL: "tổng cộng"}
    return _LEVEL_REF.sub(lambda m: f"[{shorts.get(m.group(1), m.group(1))}]", shown)


def write_relations(workbook, fmt: dict, result: ConsolidationResult) -> None:
    """Sheet 3: every rule evaluated, in the order evaluated; failures filled, with an autofilter."""
    ws = workbook.add_worksheet(SHEET_RELATIONS)
    form, rel = result.form, result.relations
    total, failed = len(rel), int((rel["status"] == RuleStatus.FAILED).sum())
    if total > RELATIONS_ALL_ROWS:
        rel = rel[(rel["scope"] != RuleScope.RETURN) | (rel["status"] == RuleStatus.FAILED)]
    names = {u.code: u.name for u in result.units}
    whom = [
        form.level_label(level) if scope == RuleScope.LEVEL else (f"{code} – {names.get(code, '')}" if code else "Các cấp")
        for scope, level, code in zip(rel["scope"], rel["level"], rel["unit_code"], strict=True)
    ]  # fmt: skip
    expressions = {e: _expression_text(e, form) for e in rel["expression"].unique()}
    expression_width = 44
    cols = [
        Col("STT", 6, "center"), Col("Quy tắc", 8, "center"), Col("Phạm vi", 11, "wrap"), Col("Cấp / đơn vị", fit("", whom, 12, 22), "wrap"),
        Col("Biểu thức", expression_width, "wrap"), Col("Vế trái", 14, "num"), Col("So sánh", 7, "center"), Col("Vế phải", 14, "num"),
        Col("Chênh lệch", 14, "signed"), Col("Kết quả", 10, "center"), Col("Mức độ", 9, "center"), Col("Nội dung", 44, "wrap"),
    ]  # fmt: skip
    setup_sheet(ws, cols, TABLE_HEADER_ROW, freeze_cols=2)
    note = f"{format_number(total)} lượt kiểm tra, {format_number(failed)} không đạt (dòng có nền màu). Chênh lệch = vế trái − vế phải. Dùng nút lọc ở dòng tiêu đề để xem riêng các dòng không đạt."
    if len(rel) < total:
        note += " Các lượt đạt trên báo cáo từng đơn vị không liệt kê ở đây (xem tệp relations.csv)."
    write_title(ws, fmt, "Đối soát các quy tắc kiểm tra số liệu", note, cols)
    write_header(ws, fmt, TABLE_HEADER_ROW, cols)
    ws.autofilter(TABLE_HEADER_ROW, 0, TABLE_HEADER_ROW + len(rel), len(cols) - 1)
    rows = zip(
        rel["rule"],
        rel["scope"],
        whom,
        rel["expression"],
        rel["lhs"],
        rel["op"],
        rel["rhs"],
        rel["difference"],
        rel["status"],
        rel["severity"],
        rel["message"],
        strict=True,
    )
    for row, (rule, scope, who, expr, lhs, op, rhs, diff, status, severity, message) in enumerate(rows, start=TABLE_HEADER_ROW + 1):
        mark = severity if status == RuleStatus.FAILED else None
        shown = expressions[expr]
        cells = [row - TABLE_HEADER_ROW, rule, RuleScope(scope).label, who, shown, lhs, OP_LABELS.get(op, op), rhs, diff]
        set_height(ws, row, *((text(v), c.width) for v, c in zip([*cells, "", "", message], cols, strict=True) if c.style == "wrap"))
        for col, value in enumerate(cells):
            style = fmt[marked(cols[col].style, mark)]
            write_value(ws, row, col, value, style, fmt[marked("dec", mark)], style)
        status_style = "ok" if status == RuleStatus.OK else marked("center", mark)
        ws.write_string(row, 9, RuleStatus(status).label, fmt[status_style])
        ws.write_string(row, 10, Severity(severity).label, fmt[marked("center", mark)])
        write_text(ws, row, 11, message, fmt[marked("wrap", mark)])


def write_files(workbook, fmt: dict, result: ConsolidationResult) -> None:
    """Sheet 4: one row per unit (missing ones in red), then every file seen and what became of it."""
    ws = workbook.add_worksheet(SHEET_FILES)
    rows = RowWriter(ws)
    form, files = result.form, result.files
    subs = result.submissions.reindex(columns=SUBMISSION_COLUMNS).astype(object).fillna("")  # an older run's CSV lacks columns
    units = {u.code: u for u in result.units}
    cols = [
        Col("STT", 6, "center"), Col("Mã đơn vị", 11, "center"), Col("Tên đơn vị", fit("", [u.name for u in result.units], 18, 28), "wrap"),
        Col("Cấp", fit("", [form.level_label(lv) for lv in form.levels], 12, 18), "wrap"), Col("Tình trạng", 13, "wrap"),
        Col("Tệp", fit("", [*subs["file"], *files["file"]], 20, 40), "wrap"), Col("Thời điểm nhận", 19, "wrap"),
        Col("Bản nộp trước (không dùng)", fit("", subs["superseded"], 22, 40), "wrap"),
    ]  # fmt: skip
    setup_sheet(ws, cols, TABLE_HEADER_ROW, freeze_cols=3)
    write_title(ws, fmt, "Tình trạng nộp báo cáo", _files_note(result, subs), cols)
    write_header(ws, fmt, TABLE_HEADER_ROW, cols)
    ws.autofilter(TABLE_HEADER_ROW, 0, TABLE_HEADER_ROW + len(subs), len(cols) - 1)
    fit_height = len(subs) + len(files) <= RELATIONS_ALL_ROWS
    row = TABLE_HEADER_ROW
    for number, s in enumerate(subs.itertuples(), start=1):
        row += 1
        cells = [
            number,
            s.unit_code,
            s.unit_name,
            level_text(form, s.level),
            Timeliness(s.timeliness).describe(s.days_late) if s.timeliness else SubmissionStatus(s.status).label,
            s.file,
            _received(s.received_at, s.received_from) or _when(s.saved_at),
            s.superseded,
        ]
        mark = MARK_MISSING if s.status == SubmissionStatus.MISSING else Severity.WARNING if s.timeliness == Timeliness.LATE else None
        _write_row(rows, fmt, row, cols, cells, mark, fit_height)
    row += 2
    heading = f"Các tệp đã nhận ({format_number(len(files))} tệp)"
    if not fit_height:  # a long run: the files used are the units' rows above; list the others
        files = files[files["status"] != FileStatus.USED]
        heading += f"; dưới đây là {format_number(len(files))} tệp không được dùng, các tệp được dùng có ở bảng trên"
    ws.write_string(row, 0, heading, fmt["subtitle"])
    row += 1
    write_header(ws, fmt, row, [*cols[:4], cols[4], cols[5], Col("Thời điểm lưu", cols[6].width), Col("Ghi chú", cols[7].width)])
    file_marks = {FileStatus.REJECTED: Severity.WARNING, FileStatus.SUPERSEDED: Severity.INFO}
    for number, f in enumerate(files.itertuples(), start=1):
        row += 1
        unit = units.get(f.unit_code)
        cells = [
            number,
            f.unit_code,
            unit.name if unit else "",
            level_text(form, unit.level) if unit else "",
            FileStatus(f.status).label,
            f.file,
            _when(f.saved_at),
            f.note,
        ]
        _write_row(rows, fmt, row, cols, cells, file_marks.get(f.status), fit_height)


def _files_note(result: ConsolidationResult, subs) -> str:
    """How many units sent, the deadline and how lateness is judged, and what the fills mean."""
    note = f"Đã nộp {result.received}/{len(result.units)} đơn vị. "
    if result.deadline:
        late = int((subs["timeliness"] == Timeliness.LATE).sum())
        note += (
            f"Hạn nộp: {result.deadline:%d/%m/%Y}; {format_number(late)} đơn vị nộp muộn (nền cam). Thời điểm nhận là thời điểm "
            "muộn hơn giữa giờ lưu ghi trong tệp và giờ của tệp khi nhận (giờ Việt Nam); số ngày muộn tính theo ngày lịch sau hạn nộp. "
        )
    else:
        note += "Chưa có hạn nộp (biểu mẫu không ghi hạn, dùng --deadline để đặt). "
    return note + "Dòng nền đỏ: đơn vị chưa nộp báo cáo."


def _received(received_at, source) -> str:
    """``16/11/2024 09:30`` and which time it is: ``(giờ lưu ghi trong tệp)``."""
    try:
        moment = datetime.fromisoformat(text(received_at))
    except ValueError:
        return ""
    return f"{moment:%d/%m/%Y %H:%M}" + (f" ({ReceivedFrom(source).label})" if source else "")


def _when(saved_at) -> str:
    """``2023-11-20 14:05`` as Vietnamese write it: ``20/11/2023 14:05``."""
    try:
        return datetime.strptime(text(saved_at), "%Y-%m-%d %H:%M").strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text(saved_at)


def _write_row(rows: RowWriter, fmt: dict, row: int, cols: list[Col], cells: list, mark: str | None, fit_height: bool = True) -> None:
    """One table row, every cell in its column's style (with ``mark``'s fill), high enough to wrap
    (unless ``fit_height`` is off: on very long tables the default height is kept)."""
    if fit_height:
        set_height(rows.ws, row, *((text(v), c.width) for v, c in zip(cells, cols, strict=True) if c.style == "wrap"))
    styles = [fmt[marked(spec.style, mark)] for spec in cols]
    rows.row(row, [(col, *value_cell(value, style, style, style)) for col, (value, style) in enumerate(zip(cells, styles, strict=True))])


def write_findings(workbook, fmt: dict, result: ConsolidationResult) -> None:
    """Sheet 5: the findings as listed (file findings of one type beyond a limit in one row), errors
    first, coloured by severity; the counts above are of every finding."""
    ws = workbook.add_worksheet(SHEET_FINDINGS)
    rows = RowWriter(ws)
    form, found = result.form, result.findings.to_findings()
    cols = [
        Col("STT", 6, "center"), Col("Mức độ", 11, "center"), Col("Quy tắc", fit("", map(rule_text, found["rule"]), 9, 22), "wrap"),
        Col("Cấp", 13, "wrap"), Col("Mã đơn vị", 11, "center"), Col("Mã chỉ tiêu", fit("", found["code"], 12, 30), "wrap"),
        Col("Tệp", fit("", found["file"], 10, 30), "wrap"), Col("Trang tính", 10, "wrap"), Col("Ô", 6, "center"), Col("Nội dung", 70, "wrap"),
    ]  # fmt: skip
    setup_sheet(ws, cols, TABLE_HEADER_ROW, freeze_cols=2)
    counts = result.findings.to_summary()
    note = f"{', '.join(f'{format_number(counts[s])} {s.in_sentence}' for s in Severity)}; lỗi xếp trước. Dùng nút lọc ở dòng tiêu đề để chọn theo mức độ, đơn vị."
    grouped = [p for p in result.findings.listed() if p.represents > 1]
    if grouped:
        files = format_number(sum(p.represents for p in grouped))
        note += f" {files} tệp cùng loại được gộp thành {len(grouped)} dòng; danh sách từng tệp trong {FILES_CSV} và trang “{SHEET_FILES}”."
    write_title(ws, fmt, "Các vấn đề phát hiện khi tổng hợp", note, cols)
    write_header(ws, fmt, TABLE_HEADER_ROW, cols)
    ws.autofilter(TABLE_HEADER_ROW, 0, TABLE_HEADER_ROW + len(found), len(cols) - 1)
    row = TABLE_HEADER_ROW
    for number, p in enumerate(found.itertuples(), start=1):
        row += 1
        cells = [
            number,
            Severity(p.severity).label,
            rule_text(p.rule),
            level_text(form, p.level),
            p.unit_code,
            p.code,
            p.file,
            p.sheet,
            p.cell,
            p.message,
        ]
        _write_row(rows, fmt, row, cols, cells, p.severity)
