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
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import python_calamine
from defusedxml import ElementTree as SafeET

from pipeline import settings
from pipeline.constants import GUIDE_SHEET
from pipeline.errors import WorkbookReadError
from pipeline.sniff import Sniffed, sniff

_CELL_RE = re.compile(rb"<c\s[^>]*?r=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*?(?:/>|>(.*?)</c>)", re.S)
_VALUE_RE = re.compile(rb"<v>[^<]+</v>|<is>")


@dataclass
class RawSheet:
    """One sheet's values; ``rows[0]`` is Excel row 1, ``rows[r][0]`` column A.

    ``formula_cells`` (cells holding a formula whose result was never saved) is worked out
    from the sheet's XML only when asked, since most returns never need it.
    """

    name: str
    rows: list[list[Any]]
    visible: bool = True
    source: SheetXml | None = None

    @cached_property
    def formula_cells(self) -> frozenset[str]:
        return _formulas_without_value(self.source.get(self.name) if self.source else None)

    def font_of(self, cell: str) -> str | None:
        """The font a cell is shown in (xlsx only): '.VnTime' or 'VNI-Times' mean legacy text."""
        return self.source.font_of(self.name, cell) if self.source else None


class SheetXml:
    """The XML of an xlsx's sheets by sheet name, mapped through workbook.xml only when asked."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts

    @cached_property
    def names(self) -> dict[str, str]:
        return _sheet_parts(self.parts)

    def get(self, name: str) -> bytes | None:
        return self.parts.get(self.names.get(name, ""))

    @cached_property
    def style_fonts(self) -> list[str]:
        """Font name of each cell style (``cellXfs`` order), from styles.xml."""
        styles = self.parts.get("xl/styles.xml", b"")
        fonts_xml = _section(styles, b"fonts")
        fonts = [m.group(1).decode("utf-8", "replace") for m in re.finditer(rb"<font\b.*?<name val=\"([^\"]*)\"", fonts_xml, re.S)]
        ids = [int(m.group(1)) for m in re.finditer(rb"<xf\b[^>]*?fontId=\"(\d+)\"", _section(styles, b"cellXfs"))]
        return [fonts[i] if i < len(fonts) else "" for i in ids]

    def font_of(self, sheet: str, cell: str) -> str | None:
        """The font name of ``cell`` (A1) on ``sheet``, or None when unknown."""
        match = re.search(rb"<c r=\"" + cell.encode() + rb"\"[^>]*?\ss=\"(\d+)\"", self.get(sheet) or b"")
        fonts = self.style_fonts
        index = int(match.group(1)) if match else 0
        return fonts[index] if index < len(fonts) else None


def _section(xml: bytes, tag: bytes) -> bytes:
    start = xml.find(b"<" + tag)
    end = xml.find(b"</" + tag + b">", start)
    return xml[start:end] if start != -1 and end != -1 else b""


@dataclass
class RawWorkbook:
    """A workbook's sheets; custom properties are parsed from ``parts`` only when asked."""

    path: Path
    format: str
    sheets: list[RawSheet]
    modified: datetime | None = None
    parts: dict[str, bytes] = field(default_factory=dict)
    given_properties: dict[str, str] | None = None

    @cached_property
    def properties(self) -> dict[str, str]:
        if self.given_properties is not None:
            return self.given_properties
        return _ods_properties(self.parts)[0] if self.format == "ods" else _custom_properties(self.parts)


def _xml(parts: dict[str, bytes], name: str):
    data = parts.get(name)
    if data is None:
        return None
    try:
        return SafeET.fromstring(data)
    except Exception:  # malformed part: treat as absent
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    props: dict[str, str] = {}
    root = _xml(parts, "docProps/custom.xml")
    for prop in root if root is not None else []:
        name = prop.get("name")
        if name and len(prop):
            props[name] = (prop[0].text or "").strip()
    return props


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def _xlsx_modified(parts: dict[str, bytes]) -> datetime | None:
    match = _MODIFIED.search(parts.get("docProps/core.xml", b""))
    return parse_time(match.group(1).decode("ascii", "ignore")) if match else None


def _ods_properties(parts: dict[str, bytes]) -> tuple[dict[str, str], datetime | None]:
    props: dict[str, str] = {}
    modified = None
    root = _xml(parts, "meta.xml")
    for elem in root.iter() if root is not None else []:
        tag = _local(elem.tag)
        if tag == "user-defined":
            name = next((v for k, v in elem.attrib.items() if _local(k) == "name"), None)
            if name:
                props[name] = (elem.text or "").strip()
        elif tag == "date" and elem.text:
            modified = parse_time(elem.text)
    return props, modified


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part path inside an xlsx archive."""
    book, rels = _xml(parts, "xl/workbook.xml"), _xml(parts, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    out = {}
    for elem in book.iter():
        if _local(elem.tag) == "sheet":
            rid = next((v for k, v in elem.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            out[elem.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _formulas_without_value(data: bytes | None) -> frozenset[str]:
    """Cells holding a formula whose result was never saved (e.g. written by openpyxl).

    Only the cells around each ``<f`` are looked at, so a sheet without formulas costs nothing.
    """
    if not data:
        return frozenset()
    found = set()
    at = data.find(b"<f")
    while at != -1:
        start = data.rfind(b"<c ", 0, at)
        end = data.find(b"</c>", at)
        match = _CELL_RE.match(data, start, end + 4) if start != -1 and end != -1 else None
        body = match.group(2) or b"" if match else b""
        if b"<f" in body and not _VALUE_RE.search(body):
            found.add(match.group(1).decode())
        at = data.find(b"<f", end if end != -1 else at + 2)
    return frozenset(found)


def _zip_extras(found: Sniffed) -> tuple[datetime | None, SheetXml | None]:
    """The saved time, and the sheets' XML (for formulas without a saved result)."""
    if found.format == "ods":
        return _ods_properties(found.parts)[1], None
    return _xlsx_modified(found.parts), SheetXml(found.parts)


def _calamine_sheets(found: Sniffed, xml: SheetXml | None) -> list[RawSheet]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(found.data))
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet) or meta.name == GUIDE_SHEET:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height > settings.LIMIT_ROWS or sheet.total_width > settings.LIMIT_COLUMNS:
                raise WorkbookReadError(
                    f"trang tính '{meta.name}' có {sheet.total_height} dòng × {sheet.total_width} cột, vượt giới hạn", kind="limit"
                )
            rows = sheet.to_python(skip_empty_area=False)
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            sheets.append(RawSheet(meta.name, rows, visible, xml))
        return sheets
    finally:
        book.close()


def read_calamine(path: str | Path) -> RawWorkbook:
    """Read every sheet's values (python-calamine for binary formats).

    :raises WorkbookReadError: the file is not a usable workbook (the message says why, in Vietnamese).
    """
    path = Path(path)
    found = sniff(path)
    if found.format in ("xml2003", "html"):
        from pipeline.readers_markup import read_markup

        return read_markup(path, found.format)
    modified, xml = _zip_extras(found) if found.parts else (None, None)
    try:
        sheets = _calamine_sheets(found, xml)
    except WorkbookReadError:
        raise
    except python_calamine.PasswordError as err:
        raise WorkbookReadError("tệp được đặt mật khẩu", kind="encrypted") from err
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # calamine raises unrelated types, and pyo3's PanicException is a BaseException
        raise WorkbookReadError(f"không đọc được nội dung bảng tính ({type(err).__name__})", kind="corrupt") from err
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
        rows = [["" if v is None else v for v in row] for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        sheets.append(RawSheet(ws.title, rows, ws.sheet_state == "visible", xml))
    return RawWorkbook(path, found.format, sheets, modified, found.parts)


def read_workbook(path: str | Path) -> RawWorkbook:
    """The one reading function the pipeline calls."""
    return read_calamine(path)
