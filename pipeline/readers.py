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

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import python_calamine
from defusedxml import ElementTree as SafeET

from pipeline import settings
from pipeline.errors import WorkbookReadError
from pipeline.sniff import Sniffed, sniff

_CELL_RE = re.compile(rb"<c\s[^>]*?r=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*?(?:/>|>(.*?)</c>)", re.S)
_VALUE_RE = re.compile(rb"<v>[^<]+</v>|<is>")


@dataclass
class RawSheet:
    """One sheet's values; ``rows[0]`` is Excel row 1, ``rows[r][0]`` column A."""

    name: str
    rows: list[list[Any]]
    visible: bool = True
    formula_cells: frozenset[str] = frozenset()


@dataclass
class RawWorkbook:
    path: Path
    format: str
    sheets: list[RawSheet]
    properties: dict[str, str] = field(default_factory=dict)
    modified: datetime | None = None


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


def _xlsx_properties(parts: dict[str, bytes]) -> tuple[dict[str, str], datetime | None]:
    props: dict[str, str] = {}
    root = _xml(parts, "docProps/custom.xml")
    for prop in root if root is not None else []:
        name = prop.get("name")
        if name and len(prop):
            props[name] = (prop[0].text or "").strip()
    modified = None
    core = _xml(parts, "docProps/core.xml")
    for elem in core if core is not None else []:
        if _local(elem.tag) == "modified" and elem.text:
            modified = parse_time(elem.text)
    return props, modified


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
    """Cells holding a formula whose result was never saved (e.g. written by openpyxl)."""
    if not data:
        return frozenset()
    found = set()
    for match in _CELL_RE.finditer(data):
        body = match.group(2) or b""
        if b"<f" in body and not _VALUE_RE.search(body):
            found.add(match.group(1).decode())
    return frozenset(found)


def _zip_extras(found: Sniffed) -> tuple[dict[str, str], datetime | None, dict[str, frozenset[str]]]:
    if found.format == "ods":
        props, modified = _ods_properties(found.parts)
        return props, modified, {}
    props, modified = _xlsx_properties(found.parts)
    formulas = {name: _formulas_without_value(found.parts.get(part)) for name, part in _sheet_parts(found.parts).items()}
    return props, modified, formulas


def _calamine_sheets(path: Path, formulas: dict[str, frozenset[str]]) -> list[RawSheet]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height > settings.LIMIT_ROWS or sheet.total_width > settings.LIMIT_COLUMNS:
                raise WorkbookReadError(
                    f"trang tính '{meta.name}' có {sheet.total_height} dòng × {sheet.total_width} cột, vượt giới hạn", kind="limit"
                )
            rows = sheet.to_python(skip_empty_area=False)
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            sheets.append(RawSheet(meta.name, rows, visible, formulas.get(meta.name, frozenset())))
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
    props, modified, formulas = _zip_extras(found) if found.parts else ({}, None, {})
    try:
        sheets = _calamine_sheets(path, formulas)
    except WorkbookReadError:
        raise
    except python_calamine.PasswordError as err:
        raise WorkbookReadError("tệp được đặt mật khẩu", kind="encrypted") from err
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # calamine raises unrelated types, and pyo3's PanicException is a BaseException
        raise WorkbookReadError(f"không đọc được nội dung bảng tính ({type(err).__name__})", kind="corrupt") from err
    return RawWorkbook(path, found.format, sheets, props, modified)


def read_openpyxl(path: str | Path) -> RawWorkbook:
    """Read an xlsx with openpyxl (saved values, not formulas); slower, for cross-checks."""
    import openpyxl

    path = Path(path)
    found = sniff(path)
    props, modified, formulas = _zip_extras(found)
    book = openpyxl.load_workbook(path, data_only=True, read_only=False)
    sheets = []
    for ws in book.worksheets:
        rows = [["" if v is None else v for v in row] for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        sheets.append(RawSheet(ws.title, rows, ws.sheet_state == "visible", formulas.get(ws.title, frozenset())))
    return RawWorkbook(path, found.format, sheets, props, modified)


def read_workbook(path: str | Path) -> RawWorkbook:
    """The one reading function the pipeline calls."""
    return read_calamine(path)
