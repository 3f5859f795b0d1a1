"""Read a workbook file into neutral ``RawSheet``s: values by row, blank rows kept.

Values come from python-calamine (fast; xlsx, xlsm, xls, ods). Small parts the values
reader does not give (custom document properties, the saved time, formulas with no saved
result) are read straight from the zip with defusedxml. ``read_openpyxl`` is the slow,
dependable alternative used to cross-check the fast path in tests.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import python_calamine
from defusedxml import ElementTree as SafeET

from pipeline import settings
from pipeline.errors import WorkbookReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
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


def sniff_format(path: Path) -> str:
    """The file's format from its first bytes, never its extension."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise WorkbookReadError("tệp rỗng, không có dữ liệu", kind="empty")
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    raise WorkbookReadError("không phải tệp Excel hay LibreOffice", kind="not-a-workbook")


def _check_zip(archive: zipfile.ZipFile) -> str:
    """Refuse archives that would inflate past the limits; tell xlsx from ods."""
    infos = archive.infolist()
    if len(infos) > settings.LIMIT_ZIP_ENTRIES:
        raise WorkbookReadError(f"tệp nén có {len(infos)} thành phần, vượt giới hạn {settings.LIMIT_ZIP_ENTRIES}", kind="limit")
    if sum(info.file_size for info in infos) > settings.LIMIT_UNCOMPRESSED_BYTES:
        raise WorkbookReadError("dữ liệu giải nén vượt giới hạn cho phép", kind="limit")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names:
        raise WorkbookReadError("đây là tệp Word, không phải Excel", kind="not-a-workbook")
    raise WorkbookReadError("tệp nén không chứa bảng tính", kind="not-a-workbook")


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        data = archive.read(name)
    except KeyError:
        return None
    try:
        return SafeET.fromstring(data)
    except Exception:  # malformed or hostile XML part: treat as absent
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_properties(archive: zipfile.ZipFile) -> tuple[dict[str, str], datetime | None]:
    props: dict[str, str] = {}
    root = _xml(archive, "docProps/custom.xml")
    for prop in root if root is not None else []:
        name = prop.get("name")
        if name and len(prop):
            props[name] = (prop[0].text or "").strip()
    modified = None
    core = _xml(archive, "docProps/core.xml")
    for elem in core if core is not None else []:
        if _local(elem.tag) == "modified" and elem.text:
            modified = _parse_time(elem.text)
    return props, modified


def _ods_properties(archive: zipfile.ZipFile) -> tuple[dict[str, str], datetime | None]:
    props: dict[str, str] = {}
    modified = None
    root = _xml(archive, "meta.xml")
    for elem in root.iter() if root is not None else []:
        tag = _local(elem.tag)
        if tag == "user-defined":
            name = next((v for k, v in elem.attrib.items() if _local(k) == "name"), None)
            if name:
                props[name] = (elem.text or "").strip()
        elif tag == "date" and elem.text:
            modified = _parse_time(elem.text)
    return props, modified


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part path inside an xlsx archive."""
    book = _xml(archive, "xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for elem in book.iter():
        if _local(elem.tag) == "sheet":
            rid = next((v for k, v in elem.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            parts[elem.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return parts


def _formulas_without_value(archive: zipfile.ZipFile, part: str) -> frozenset[str]:
    """Cells holding a formula whose result was never saved (e.g. written by openpyxl)."""
    try:
        data = archive.read(part)
    except KeyError:
        return frozenset()
    if b"<f" not in data:
        return frozenset()
    found = set()
    for match in _CELL_RE.finditer(data):
        body = match.group(2) or b""
        if b"<f" in body and not _VALUE_RE.search(body):
            found.add(match.group(1).decode())
    return frozenset(found)


def _zip_extras(path: Path) -> tuple[str, dict[str, str], datetime | None, dict[str, frozenset[str]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            fmt = _check_zip(archive)
            if fmt == "ods":
                props, modified = _ods_properties(archive)
                return fmt, props, modified, {}
            props, modified = _xlsx_properties(archive)
            formulas = {name: _formulas_without_value(archive, part) for name, part in _sheet_parts(archive).items()}
            return fmt, props, modified, formulas
    except zipfile.BadZipFile as err:
        raise WorkbookReadError("tệp nén bị hỏng hoặc không đầy đủ", kind="corrupt") from err


def read_calamine(path: str | Path) -> RawWorkbook:
    """Read every sheet's values with python-calamine.

    :raises WorkbookReadError: the file is not a readable workbook (the message says why, in Vietnamese).
    """
    path = Path(path)
    size = path.stat().st_size
    if size > settings.LIMIT_FILE_BYTES:
        raise WorkbookReadError(f"tệp lớn {size // 1_048_576} MB, vượt giới hạn {settings.LIMIT_FILE_BYTES // 1_048_576} MB", kind="limit")
    kind = sniff_format(path)
    props: dict[str, str] = {}
    modified = None
    formulas: dict[str, frozenset[str]] = {}
    fmt = "xls"
    if kind == "zip":
        fmt, props, modified, formulas = _zip_extras(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False, nrows=settings.LIMIT_ROWS)
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            sheets.append(RawSheet(meta.name, rows, visible, formulas.get(meta.name, frozenset())))
        book.close()
    except python_calamine.PasswordError as err:
        raise WorkbookReadError("tệp được đặt mật khẩu", kind="encrypted") from err
    except Exception as err:  # calamine raises several unrelated types for damaged files
        if kind == "ole" and _is_encrypted_ole(path):
            raise WorkbookReadError("tệp được đặt mật khẩu", kind="encrypted") from err
        raise WorkbookReadError(f"không đọc được nội dung bảng tính ({type(err).__name__})", kind="corrupt") from err
    return RawWorkbook(path, fmt, sheets, props, modified)


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted xlsx is an OLE file holding an 'EncryptedPackage' stream."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    return "EncryptedPackage".encode("utf-16-le") in head


def read_openpyxl(path: str | Path) -> RawWorkbook:
    """Read an xlsx with openpyxl (saved values, not formulas); slower, for cross-checks."""
    import openpyxl

    path = Path(path)
    fmt, props, modified, formulas = _zip_extras(path)
    book = openpyxl.load_workbook(path, data_only=True, read_only=False)
    sheets = []
    for ws in book.worksheets:
        rows = [["" if v is None else v for v in row] for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        sheets.append(RawSheet(ws.title, rows, ws.sheet_state == "visible", formulas.get(ws.title, frozenset())))
    return RawWorkbook(path, fmt, sheets, props, modified)


def read_workbook(path: str | Path) -> RawWorkbook:
    """The one reading function the pipeline calls."""
    return read_calamine(path)
