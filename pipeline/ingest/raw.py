"""The neutral structures every reader returns: ``RawWorkbook`` holding ``RawSheet``s, with
the parts of an xlsx the values reader does not expose (custom properties, formulas whose
result was never saved, cell fonts) parsed only when asked."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

from pipeline.core import settings

_CELL_RE = re.compile(rb"<c\s[^>]*?r=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*?(?:/>|>(.*?)</c>)", re.S)
_VALUE_RE = re.compile(rb"<v>[^<]+</v>|<is>")


class CellError(str):
    """A cell showing a formula error instead of a value; the text is the error as the
    spreadsheet shows it: ``#N/A``, ``#DIV/0!``, ``#REF!``, ``#VALUE!``, ``#NAME?``, ``#NUM!``,
    ``#NULL!`` (or LibreOffice's ``Err:502``). Readers put one where a cell holds an error."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"CellError({str(self)!r})"


# The text of an error as spreadsheets show it, for formats that keep only text (HTML tables).
_ERROR_TEXT = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|SPILL!|CALC!|GETTING_DATA)|Err:\d{3}")


def as_cell_error(text: str) -> CellError | None:
    """``text`` as a ``CellError`` when it is exactly how a spreadsheet shows an error."""
    return CellError(text) if _ERROR_TEXT.fullmatch(text) else None


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
        return _sheet_parts(self.parts.get("xl/workbook.xml"), self.parts.get("xl/_rels/workbook.xml.rels"))

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

    def named_sheet(self, name: str) -> str | None:
        """The sheet a workbook-wide defined name refers to (xlsx, ods), or None.

        Names scoped to one sheet are ignored: Excel and LibreOffice give a copied sheet such
        a name when the original has a workbook-wide one.
        """
        if self.format == "ods":
            return _ods_named_sheet(self.parts.get(ODS_NAMES_PART, b""), name)
        reference = _book_names(self.parts.get("xl/workbook.xml")).get(name)
        return _sheet_of(reference, "!") if reference is not None else None


# What follows the last sheet of an ODS content.xml: the workbook-wide named ranges (kept by sniff).
ODS_NAMES_PART = "content.xml#names"
_ODS_RANGE = re.compile(rb"<table:named-range\b[^>]*>")
_ODS_ATTR = re.compile(rb'([\w:-]+)="([^"]*)"')


def _ods_named_sheet(tail: bytes, name: str) -> str | None:
    for match in _ODS_RANGE.finditer(tail):
        attrs = {k.decode(): html.unescape(v.decode("utf-8", "replace")) for k, v in _ODS_ATTR.findall(match.group())}
        if attrs.get("table:name") == name:
            return _sheet_of(attrs.get("table:cell-range-address", "").lstrip("$"), ".")
    return None


def _sheet_of(reference: str, separator: str) -> str | None:
    """The sheet of a reference: ``'Báo cáo'!$1:$1048576`` (xlsx) or ``'Báo cáo'.$A:.$XFD`` (ods)."""
    reference = reference.strip().lstrip("=")
    if "#REF" in reference.upper():  # the sheet was deleted
        return None
    if reference.startswith("'"):
        end = 1
        while True:
            end = reference.find("'", end)
            if end == -1:
                return None
            if reference[end + 1 : end + 2] != "'":
                break
            end += 2
        sheet, rest = reference[1:end].replace("''", "'"), reference[end + 1 :]
    else:
        sheet, _, rest = reference.partition(separator)
        rest = separator + rest
    return sheet if sheet and rest.startswith(separator) else None


def _xml(parts: dict[str, bytes], name: str):
    return _parse(parts.get(name))


def _parse(data: bytes | None):
    """The XML ``data`` parsed (defusedxml), or None when absent or malformed."""
    if data is None:
        return None
    try:
        return SafeET.fromstring(data)
    except Exception:  # malformed part: treat as absent
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_time(text: str) -> datetime | None:
    """A saved time as written in a file (ISO 8601), as an aware UTC time; None when not a time.

    Every reader's saved time goes through here, so times from any format compare: Excel writes
    UTC (``Z``), LibreOffice the local time without a zone (read as ``settings.SAVED_TIME_ZONE``).
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=settings.SAVED_TIME_ZONE)).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a time, or one beyond the calendar once in UTC
        return None


def _custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    props: dict[str, str] = {}
    root = _xml(parts, "docProps/custom.xml")
    for prop in root if root is not None else []:
        name = prop.get("name")
        if name and len(prop):
            props[name] = (prop[0].text or "").strip()
    return props


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


# Workbooks parsed and remembered: every return made from one template has the same workbook.xml.
_BOOKS_KEPT = 64


@functools.lru_cache(maxsize=_BOOKS_KEPT)
def _book_names(workbook_xml: bytes | None) -> dict[str, str]:
    """The workbook-wide defined names of an xlsx's ``workbook.xml``: name -> reference (the
    first of a name; names scoped to one sheet are left out)."""
    root = _parse(workbook_xml)
    names: dict[str, str] = {}
    for elem in root.iter() if root is not None else []:
        if _local(elem.tag) == "definedName" and elem.get("localSheetId") is None:
            names.setdefault(elem.get("name", ""), elem.text or "")
    return names


@functools.lru_cache(maxsize=_BOOKS_KEPT)
def _sheet_parts(workbook_xml: bytes | None, rels_xml: bytes | None) -> dict[str, str]:
    """Sheet name -> part path inside an xlsx archive, from its workbook.xml and workbook.xml.rels."""
    book, rels = _parse(workbook_xml), _parse(rels_xml)
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
