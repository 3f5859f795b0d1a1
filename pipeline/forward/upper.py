"""The upper committee's template, read the way ``consolidate`` reads a return: its metadata,
its data sheet, the table found by its ``Mã`` and ``Số liệu`` headers, and the value cell of
each indicator row.

The upper form's definition is not at hand (only its template is), so an indicator row is told
apart by the template's own layout: a code in the ``Mã`` column (an indicator's code is an
identifier, as the form definition requires), except a section heading (its id is in the ``STT``
column too) and a live check (its ``Số liệu`` cell holds a formula).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.core.constants import HEADER_LABEL, HEADER_STT, META_FORM_ID, META_PERIOD
from pipeline.core.errors import Msg, PipelineError, WorkbookReadError
from pipeline.forward.cells import formula_cells
from pipeline.ingest.extract import data_sheet, find_table, normalise, read_metadata
from pipeline.ingest.raw import RawSheet
from pipeline.ingest.readers import read_workbook_data
from pipeline.templates.build import HOW_TO

# The note on a forwarded return; ``count``: the units consolidated, ``5/8`` when 3 of 8 are missing.
PROVENANCE = "Lập từ kết quả tổng hợp {count} đơn vị ngày {day} (tonghop)"
_PROVENANCE_LINE = re.compile(re.escape(PROVENANCE).replace(r"\{count\}", r"\d+(?:/\d+)?").replace(r"\{day\}", r"\d{2}/\d{2}/\d{4}"))


@dataclass(frozen=True)
class Slot:
    """An indicator row of the upper template: its code, label and value cell."""

    code: str
    label: str
    cell: str


@dataclass(frozen=True)
class UpperTemplate:
    """What ``forward`` needs of the upper template."""

    path: Path
    data: bytes  # the file's bytes, as read once
    meta: dict[str, str]
    sheet: str  # the data sheet's name
    part: str  # the data sheet's zip part, e.g. ``xl/worksheets/sheet1.xml``
    slots: list[Slot] = field(default_factory=list)
    note_cell: str = ""  # the hint line above the table (or the note of a forward before), for the note ("" when absent)

    @property
    def period(self) -> str:
        return self.meta.get(META_PERIOD, "")


def _refuse(path: Path, reason: str) -> PipelineError:
    return PipelineError(Msg.FORWARD_001, where=str(path), reason=reason)


def _text(value: object) -> str:
    return "" if value is None else normalise(value) if isinstance(value, str) else ""


def _column(sheet: RawSheet, header: int, title: str) -> int | None:
    cells = [_text(v) for v in sheet.rows[header]]
    return cells.index(normalise(title)) if normalise(title) in cells else None


def _slots(sheet: RawSheet, table: tuple[int, int, int], formulas: frozenset[str]) -> list[Slot]:
    """The indicator rows below the table's header, in order."""
    header, code_col, value_col = table
    stt_col, label_col = _column(sheet, header, HEADER_STT), _column(sheet, header, HEADER_LABEL)
    slots = []
    for r in range(header + 1, len(sheet.rows)):
        row = sheet.rows[r]
        code = str(row[code_col]).strip() if code_col < len(row) and isinstance(row[code_col], str) else ""
        stt = str(row[stt_col]).strip() if stt_col is not None and stt_col < len(row) and row[stt_col] is not None else ""
        cell = xl_rowcol_to_cell(r, value_col)
        if not code.isidentifier() or code == stt or cell in formulas:
            continue
        label = str(row[label_col]).strip() if label_col is not None and label_col < len(row) and row[label_col] else ""
        slots.append(Slot(code, label, cell))
    return slots


def _note_cell(sheet: RawSheet, header: int) -> str:
    """The template's hint line above its table ("Chỉ nhập số …"), which a filled return no longer
    needs, or the note a forward wrote there before (a return forwarded again)."""
    for r, row in enumerate(sheet.rows[:header]):
        for c, value in enumerate(row):
            if isinstance(value, str) and (value.strip() == HOW_TO or _PROVENANCE_LINE.fullmatch(value.strip())):
                return xl_rowcol_to_cell(r, c)
    return ""


def read_upper_template(path: str | Path) -> UpperTemplate:
    """Read the upper committee's template.

    :raises PipelineError: ``FORWARD_001`` it is not an xlsx template made by ``tonghop templates``.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _refuse(path, err.strerror or str(err)) from err
    return upper_template_of(data, path)


def upper_template_of(data: bytes, path: Path) -> UpperTemplate:
    """``read_upper_template`` for a template's bytes in memory; ``path`` names it in messages.

    :raises PipelineError: ``FORWARD_001`` it is not an xlsx template made by ``tonghop templates``.
    """
    try:
        book = read_workbook_data(data, path.name)
    except WorkbookReadError as err:
        raise _refuse(path, err.reason) from err
    if book.format != "xlsx":
        raise _refuse(path, f"tệp dạng {book.format}, không phải .xlsx")
    meta = read_metadata(book)
    if not meta.get(META_FORM_ID):
        raise _refuse(path, "không có thông tin nhận dạng biểu mẫu (mã biểu mẫu, đơn vị, kỳ báo cáo)")
    name = data_sheet(book, meta)
    sheet = next((s for s in book.sheets if s.name == name), None)
    table = find_table(sheet) if sheet is not None else None
    part = sheet.source.names.get(sheet.name, "") if sheet is not None and sheet.source else ""
    if table is None or not part:
        raise _refuse(path, "không thấy bảng số liệu có cột Mã và cột Số liệu")
    slots = _slots(sheet, table, formula_cells(book.parts.get(part, b"")))
    if not slots:
        raise _refuse(path, "bảng số liệu không có dòng chỉ tiêu nào")
    return UpperTemplate(path, data, meta, sheet.name, part, slots, _note_cell(sheet, table[0]))
