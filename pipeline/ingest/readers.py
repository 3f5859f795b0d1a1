"""Read a workbook file into neutral ``RawSheet``s: values by row, blank rows kept.

``read_workbook`` is the one reading function the pipeline calls. It recognises the file by
its bytes (``sniff.py``, which also refuses hostile files), then reads values with
python-calamine (xlsx, xlsm, xls, ods) or, for the text formats that government software
exports (XML Spreadsheet 2003, HTML tables), with ``readers_markup.py``. The few parts the
values reader does not expose (custom document properties, the saved time, formulas whose
result was never saved) are parsed from the already-checked zip parts with defusedxml.
``read_openpyxl`` is the slow, dependable alternative used to cross-check the fast path.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import python_calamine

from pipeline.core import settings
from pipeline.core.constants import GUIDE_SHEET
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.cellerrors import error_cells, put_errors
from pipeline.ingest.markup import read_markup
from pipeline.ingest.raw import CellError, RawSheet, RawWorkbook, SheetXml, _ods_properties, parse_time
from pipeline.ingest.repack import stored_zip
from pipeline.ingest.sniff import Sniffed, sniff, sniff_data

_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def _xlsx_modified(parts: dict[str, bytes]) -> datetime | None:
    match = _MODIFIED.search(parts.get("docProps/core.xml", b""))
    return parse_time(match.group(1).decode("ascii", "ignore")) if match else None


def _zip_extras(found: Sniffed) -> tuple[datetime | None, SheetXml | None]:
    """The saved time, and the sheets' XML (for formulas without a saved result)."""
    if found.format == "ods":
        return _ods_properties(found.parts)[1], None
    return _xlsx_modified(found.parts), SheetXml(found.parts)


def _calamine_sheets(found: Sniffed, xml: SheetXml | None) -> list[RawSheet]:
    packed = stored_zip(found.inflated) if found.format == "xlsx" and found.inflated else None  # inflated once, by sniff
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(packed or found.data))
    errors = error_cells(found.format, found.data, found.parts, xml.get if xml else None)  # calamine reads them as ""
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet) or meta.name == GUIDE_SHEET:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height > settings.LIMIT_ROWS or sheet.total_width > settings.LIMIT_COLUMNS:
                raise WorkbookReadError(
                    Msg.FILE_008, reason=f"trang tính '{meta.name}' có {sheet.total_height} dòng × {sheet.total_width} cột, vượt giới hạn"
                )
            rows = put_errors(sheet.to_python(skip_empty_area=False), errors(meta.name))
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            sheets.append(RawSheet(meta.name, rows, visible, xml))
        return sheets
    finally:
        book.close()


def read_calamine(path: str | Path) -> RawWorkbook:
    """Read every sheet's values (python-calamine for binary formats).

    :raises WorkbookReadError: the file is not a usable workbook (the message says why, in Vietnamese).
    """
    return _read_sniffed(sniff(Path(path)), Path(path))


def _read_sniffed(found: Sniffed, path: Path) -> RawWorkbook:
    if found.format in ("xml2003", "html"):
        return read_markup(found.data, found.format, path)
    modified, xml = _zip_extras(found) if found.parts else (None, None)
    try:
        sheets = _calamine_sheets(found, xml)
    except WorkbookReadError:
        raise
    except python_calamine.PasswordError as err:
        raise WorkbookReadError(Msg.FILE_007, reason="tệp được đặt mật khẩu") from err
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # calamine raises unrelated types, and pyo3's PanicException is a BaseException
        raise WorkbookReadError(Msg.FILE_001, reason=f"không đọc được nội dung bảng tính ({type(err).__name__})") from err
    return RawWorkbook(path, found.format, sheets, modified, found.parts)


def read_openpyxl(path: str | Path) -> RawWorkbook:
    """Read an xlsx with openpyxl (saved values, not formulas); slower, for cross-checks."""
    import openpyxl

    path = Path(path)
    found = sniff(path)
    modified, xml = _zip_extras(found)
    book = openpyxl.load_workbook(io.BytesIO(found.data), data_only=True, read_only=False)
    sheets = []
    for ws in book.worksheets:
        if ws.title == GUIDE_SHEET:
            continue
        rows = [[_openpyxl_value(c) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
        sheets.append(RawSheet(ws.title, rows, ws.sheet_state == "visible", xml))
    return RawWorkbook(path, found.format, sheets, modified, found.parts)


def _openpyxl_value(cell) -> object:
    if cell.data_type == "e" and isinstance(cell.value, str):
        return CellError(cell.value)
    return "" if cell.value is None else cell.value


def read_workbook(path: str | Path) -> RawWorkbook:
    """The one reading function the pipeline calls."""
    return read_calamine(path)


def read_workbook_data(data: bytes, name: str) -> RawWorkbook:
    """``read_workbook`` for a file's bytes in memory (a member of a zip), called ``name``."""
    return _read_sniffed(sniff_data(data), Path(name))
