"""Cells showing a formula error (``#N/A``, ``#DIV/0!``, …), found in each format's own cells.

python-calamine reads an error cell as "", the same as an empty cell (python-calamine issue
#105), so a figure whose formula failed would pass for "not reported". The few cells holding
an error are found here, from the parts already read and checked by ``sniff.py``, and the
reader puts a ``CellError`` in their place: ``{sheet name: {(row, column): "#DIV/0!"}}``,
rows and columns counted from 0 as in ``RawSheet.rows``.

* xlsx: ``<c r="E50" t="e"><f>1/0</f><v>#DIV/0!</v></c>`` in the sheet's XML;
* ods: ``<table:table-cell calcext:value-type="error">`` with the error as its text;
* xls (BIFF8): a ``FORMULA`` record whose cached result is an error, or a ``BOOLERR`` record.

Each finder is cheap when there is no error (one byte search for xlsx and ods) and returns
nothing rather than fail on a part it cannot follow: the cell then stays "" as before.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable
from typing import Any

from pipeline.core import settings
from pipeline.ingest.raw import CellError
from pipeline.ingest.sniff import column_number

Positions = dict[tuple[int, int], str]

_XLSX_ERROR = re.compile(rb'<(?:\w+:)?c\s([^>]*?)\bt="e"([^>/]*)>(.*?)</(?:\w+:)?c>', re.S)
_XLSX_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
# BIFF8 error codes (MS-XLS 2.5.97.2 BErr).
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}
_BOF, _BOUNDSHEET, _FILEPASS, _FORMULA, _BOOLERR = 0x0809, 0x0085, 0x002F, 0x0006, 0x0205


def xlsx_errors(sheet_xml: bytes | None) -> Positions:
    """The error cells of one xlsx worksheet part."""
    if not sheet_xml or b't="e"' not in sheet_xml:
        return {}
    found: Positions = {}
    for match in _XLSX_ERROR.finditer(sheet_xml):
        ref = _XLSX_REF.search(match.group(1) + b" " + match.group(2))
        value = _XLSX_VALUE.search(match.group(3))
        if ref and value:
            found[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = value.group(1).decode("utf-8", "replace").strip()
    return found


def ods_errors(content_xml: bytes | None) -> dict[str, Positions]:
    """The error cells of every table of an ods ``content.xml``, by table name."""
    if not content_xml or b'value-type="error"' not in content_xml:
        return {}
    from defusedxml.ElementTree import iterparse

    table_ns = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    calc_ns = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
    found: dict[str, Positions] = {}
    name, row, col = "", 0, 0
    try:
        for event, elem in iterparse(io.BytesIO(content_xml), events=("start", "end")):
            tag = elem.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "table":
                name, row = elem.get(f"{table_ns}name", ""), 0
            elif event == "start" and tag == "table-row":
                col = 0
            elif event == "end" and tag in ("table-cell", "covered-table-cell"):
                if elem.get(f"{calc_ns}value-type") == "error" and row < settings.LIMIT_ROWS and col < settings.LIMIT_COLUMNS:
                    found.setdefault(name, {})[(row, col)] = "".join(elem.itertext()).strip()
                col += int(elem.get(f"{table_ns}number-columns-repeated", "1"))
                elem.clear()
            elif event == "end" and tag == "table-row":
                row += int(elem.get(f"{table_ns}number-rows-repeated", "1"))
                elem.clear()
    except Exception:  # a part we cannot follow: its cells stay as the values reader gave them
        return {}
    return found


def xls_errors(data: bytes) -> dict[str, Positions]:
    """The error cells of every sheet of an xls (BIFF8) file, by sheet name."""
    try:
        import olefile

        with olefile.OleFileIO(data) as ole:
            if not ole.exists("Workbook"):  # BIFF5 and older ("Book") are left as they are read
                return {}
            stream = ole.openstream("Workbook").read()
        return _biff_errors(stream)
    except Exception:  # a stream we cannot follow: its cells stay as the values reader gave them
        return {}


def _biff_errors(stream: bytes) -> dict[str, Positions]:
    sheets: dict[int, str] = {}  # stream offset of a sheet's BOF -> its name
    found: dict[str, Positions] = {}
    current: str | None = None
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        if kind == _FILEPASS:  # encrypted: the records that follow cannot be read
            return {}
        if kind == _BOUNDSHEET and size >= 8:
            length, wide = body[6], body[7] & 1
            text = body[8 : 8 + length * (2 if wide else 1)]
            sheets[struct.unpack_from("<I", body)[0]] = text.decode("utf-16-le" if wide else "latin-1", "replace")
        elif kind == _BOF:
            current = sheets.get(pos)
        elif current is not None and kind == _FORMULA and size >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
            _put(found, current, body, body[8])
        elif current is not None and kind == _BOOLERR and size >= 8 and body[7] == 1:
            _put(found, current, body, body[6])
        pos += 4 + size
    return found


def _put(found: dict[str, Positions], sheet: str, body: bytes, code: int) -> None:
    row, col = struct.unpack_from("<HH", body)
    if row < settings.LIMIT_ROWS and col < settings.LIMIT_COLUMNS:
        found.setdefault(sheet, {})[(row, col)] = _BIFF_ERRORS.get(code, f"#{code:02X}")


def error_cells(
    fmt: str, data: bytes, parts: dict[str, bytes], sheet_xml: Callable[[str], bytes | None] | None
) -> Callable[[str], Positions]:
    """A function giving the error cells of a sheet (by its name) of a workbook read by python-calamine.

    :param fmt: ``xlsx``, ``ods`` or ``xls``, as ``sniff`` recognised the file.
    :param parts: the zip parts ``sniff`` kept (xlsx worksheets, ods ``content.xml``).
    :param sheet_xml: for xlsx, a sheet's XML by its name (``SheetXml.get``).
    """
    if fmt in ("xls", "ods"):
        by_sheet = xls_errors(data) if fmt == "xls" else ods_errors(parts.get("content.xml"))
        return lambda name: by_sheet.get(name, {})
    if sheet_xml is None or not any(b't="e"' in part for name, part in parts.items() if name.startswith("xl/worksheets/")):
        return lambda name: {}
    return lambda name: xlsx_errors(sheet_xml(name))


def put_errors(rows: list[list[Any]], errors: Positions) -> list[list[Any]]:
    """``rows`` with a ``CellError`` in each error cell (rows and cells added where missing)."""
    for (row, col), name in errors.items():
        while len(rows) <= row:
            rows.append([])
        cells = rows[row]
        cells.extend("" for _ in range(col + 1 - len(cells)))
        cells[col] = CellError(name or "#?")
    return rows
