"""Sheet ``Cùng kỳ theo đơn vị``: each unit's figures beside its own prior figures, a row per
unit and indicator (``result.unit_comparison``), when the prior figures were given per unit.
A new unit of a reorganisation is compared with the sum of its old units (``--crosswalk``)."""

from __future__ import annotations

from pipeline.consolidate.result import ConsolidationResult
from pipeline.workbook.formats import FLAG, marked
from pipeline.workbook.layout import Col, fit, setup_sheet, write_header, write_text, write_title, write_value
from pipeline.workbook.sheets import EXCEL_MAX_ROWS, TABLE_HEADER_ROW

SHEET_UNIT_PRIOR = "Cùng kỳ theo đơn vị"
NOTE = (
    "Mỗi dòng: một chỉ tiêu của một đơn vị đã nộp, bên cạnh số liệu cùng kỳ của chính đơn vị đó; đơn vị mới sau sáp nhập "
    "so với tổng của các đơn vị cũ (tệp đối chiếu mã --crosswalk). Ô nền vàng: thay đổi lớn so với cùng kỳ."
)


def write_unit_prior(workbook, fmt: dict, result: ConsolidationResult) -> None:
    """The sheet, when ``result`` has a per-unit comparison with at least one row."""
    frame = result.unit_comparison
    if frame is None or frame.empty:
        return
    ws = workbook.add_worksheet(SHEET_UNIT_PRIOR)
    sample = frame.head(5000)
    labels = {code: ind.display_label for code, ind in result.form.indicators.items()}
    cols = [
        Col("Mã đơn vị", fit("Mã đơn vị", sample["unit_code"], hi=14), "cell"),
        Col("Tên đơn vị", fit("Tên đơn vị", sample["unit_name"], hi=28), "cell"),
        Col("Chỉ tiêu", fit("Chỉ tiêu", labels.values(), hi=60), "cell"),
        Col("Kỳ này", 16, "num"), Col("Cùng kỳ", 16, "num"), Col("Tăng/giảm", 16, "signed"),
    ]  # fmt: skip
    setup_sheet(ws, cols, TABLE_HEADER_ROW, freeze_cols=2)
    write_title(ws, fmt, "So sánh với cùng kỳ theo đơn vị", NOTE, cols)
    write_header(ws, fmt, TABLE_HEADER_ROW, cols)
    shown = frame.head(EXCEL_MAX_ROWS - TABLE_HEADER_ROW - 1)
    ws.autofilter(TABLE_HEADER_ROW, 0, TABLE_HEADER_ROW + len(shown), len(cols) - 1)
    rows = zip(
        shown["unit_code"], shown["unit_name"], shown["code"], shown["value"], shown["prior"], shown["change"], shown["flag"], strict=True
    )
    for row, (unit_code, name, code, value, prior, change, flag) in enumerate(rows, start=TABLE_HEADER_ROW + 1):
        write_text(ws, row, 0, unit_code, fmt["cell"])
        write_text(ws, row, 1, name, fmt["cell"])
        write_text(ws, row, 2, labels.get(code, code), fmt["cell"])
        write_value(ws, row, 3, value, fmt["num"], fmt["dec"], fmt["cell"])
        write_value(ws, row, 4, prior, fmt["num"], fmt["dec"], fmt["cell"])
        style = marked("signed", FLAG if flag else None)
        write_value(ws, row, 5, change, fmt[style], fmt[marked("dec", FLAG if flag else None)], fmt[style])
