"""The sheet ``Theo đơn vị cấp trên``: the form's rows with a column per parent of the tree of
units (``consolidate/rollup.py``), each the total over all levels of every unit below that parent.
Written only when the unit list has a ``parent`` column; the totals by level are in ``parent_totals.csv``."""

from __future__ import annotations

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import LEVEL_ALL, TYPE_DECIMAL, Severity, SubmissionStatus
from pipeline.core.errors import Msg
from pipeline.templates.table import form_rows, write_form_rows
from pipeline.workbook.formats import marked
from pipeline.workbook.layout import Col, Comments, fit, form_columns, set_height, setup_sheet, write_title, write_value

SHEET_PARENTS = "Theo đơn vị cấp trên"
HEADER_ROW = 2  # title, explanation, then the header
WIDE_FIT_PARENTS = 12  # up to this many parent columns, the sheet prints one page wide
NAMES_LISTED = 40  # units named in a header's comment
NOTE = (
    "Mỗi cột là tổng số liệu (cộng mọi cấp) của mọi đơn vị thuộc đơn vị cấp trên đó theo cột parent của danh sách đơn vị, "
    "kể cả các đơn vị thuộc cấp dưới nữa và chính đơn vị cấp trên nếu đơn vị đó gửi báo cáo. Di chuột vào tên cột để xem "
    "các đơn vị được cộng. Cột có tên nền đỏ: có đơn vị chưa nộp; ô nền đỏ: thiếu số liệu của một đơn vị do có lỗi "
    "(xem trang “Các vấn đề”). Số liệu theo từng cấp có trong tệp parent_totals.csv."
)


def write_parents(workbook, fmt: dict, result: ConsolidationResult, marks) -> None:
    """The sheet, when ``result`` has totals per parent (else nothing is written)."""
    if result.parents is None:
        return
    ws = workbook.add_worksheet(SHEET_PARENTS)
    form, parents = result.form, result.parents.parents
    names = {u.code: u.name for u in result.units}
    received = set(result.submissions.loc[result.submissions["status"] == SubmissionStatus.RECEIVED, "unit_code"])
    uppers = {p.code: p.name for p in parents}
    cols = [*form_columns(form), *(Col(_header(p), fit(p.name, lo=14, hi=24), "num") for p in parents)]
    setup_sheet(ws, cols, HEADER_ROW, freeze_cols=2, fit_width=len(parents) <= WIDE_FIT_PARENTS)
    write_title(ws, fmt, "Số liệu theo đơn vị cấp trên", NOTE, cols)
    set_height(ws, HEADER_ROW, *((c.header, c.width) for c in cols), bold=True)
    comments = Comments(ws)
    for i, col in enumerate(cols[:4]):
        ws.write_string(HEADER_ROW, i, col.header, fmt["th"])
    for i, parent in enumerate(parents, start=4):
        ws.write_string(HEADER_ROW, i, cols[i].header, fmt["th_missing" if parent.received < len(parent.units) else "th"])
        comments.add(HEADER_ROW, i, _members(parent, names, received, uppers.get(parent.upper, "")))
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + sum(1 for _ in form_rows(form)), len(cols) - 1)
    t = result.parents.totals
    t = t[t["level"] == LEVEL_ALL]
    totals = dict(zip(zip(t["parent_code"], t["code"], strict=True), t["value"], strict=True))
    for row, ind in write_form_rows(ws, fmt, form, [c.width for c in cols], HEADER_ROW + 1):
        for col, parent in enumerate(parents, start=4):
            problems = _rejected(parent, ind.code, marks)
            mark = marks.mark(problems)
            num = marked("dec" if ind.type == TYPE_DECIMAL else "num", mark)
            write_value(ws, row, col, totals.get((parent.code, ind.code)), fmt[num], fmt[marked("dec", mark)], fmt[marked("wrap", mark)])
            comments.add(row, col, marks.note(problems))


def _header(parent) -> str:
    return f"{parent.name}\n({parent.code})\nĐã nộp {parent.received}/{len(parent.units)}"


def _members(parent, names: dict[str, str], received: set[str], upper: str) -> str:
    """The header's comment: what the parent belongs to (``upper``), the units it covers, those missing."""
    listed = [names.get(code, code) for code in parent.units[:NAMES_LISTED]]
    more = f" và {len(parent.units) - NAMES_LISTED} đơn vị khác" if len(parent.units) > NAMES_LISTED else ""
    lines = [f"Thuộc: {upper}"] if upper else []
    lines.append(f"Gồm {len(parent.units)} đơn vị: {', '.join(listed)}{more}.")
    missing = [names.get(code, code) for code in parent.units if code not in received]
    if missing:
        lines.append(f"Chưa nộp: {', '.join(missing[:NAMES_LISTED])}{' …' if len(missing) > NAMES_LISTED else ''}.")
    return "\n".join(lines)


def _rejected(parent, code: str, marks) -> list:
    """The errors that kept a value of one of the parent's units out of its total for ``code``."""
    return [
        p
        for unit in parent.units
        for p in marks.units.get((unit, code), ())
        if p.severity == Severity.ERROR and p.type != Msg.RELATION_001.slug
    ]
