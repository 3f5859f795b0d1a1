"""Turn a ``RawWorkbook`` into the raw content of one return: its metadata and, for each
indicator code found in a ``Mã`` column, the raw value beside it with its place.

Nothing here knows about openpyxl or calamine; values are found by code and header name,
never by position, so inserted rows, re-ordered rows and renamed sheets do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from pipeline.core.constants import (
    DATA_DEFINED_NAME,
    FORWARD_NOTE_END,
    FORWARD_NOTE_START,
    META_DATA_SHEET,
    META_FORM_ID,
    META_KEYS,
    META_PREFIX,
    META_SHEET,
    PROVENANCE_PROPERTY,
)
from pipeline.form.model import FormDefinition
from pipeline.ingest.readers import RawSheet, RawWorkbook
from pipeline.ingest.table import NoValueColumn, find_table, locate_table, normalise, own_column

__all__ = ["RawReturn", "RawValue", "data_sheet", "extract_return", "find_table", "normalise", "property_metadata", "read_metadata"]


@dataclass(frozen=True)
class RawValue:
    """A value as typed, with the place it came from (row is 1-based, as in Excel)."""

    code: str
    raw: Any
    sheet: str
    row: int
    cell: str
    formula_without_value: bool = False
    stray: tuple[tuple[str, Any], ...] = ()  # (cell, value) typed in other columns of the row
    font: str | None = None  # the cell's font, looked up for text with Latin-1 letters only (legacy encodings)


@dataclass
class RawReturn:
    """What one file holds, before any judgement."""

    file: str
    meta: dict[str, str]  # from the hidden sheet, else the document properties; {} when the file carries none
    values: list[RawValue] = field(default_factory=list)
    unknown: list[RawValue] = field(default_factory=list)
    uncoded: list[RawValue] = field(default_factory=list)  # figures on rows without a code (inserted rows)
    tables: int = 0
    modified: datetime | None = None
    heading: list[str] = field(default_factory=list)  # text above the first table, to recognise a unit by name
    property_meta: dict[str, str] = field(default_factory=dict)  # the document properties' own, to compare with ``meta``
    data_sheet: str = ""  # the template's own data sheet, when the file says which it is
    unused_sheets: list[str] = field(default_factory=list)  # other sheets holding codes (a draft copy): not read
    renamed_header: tuple[str, str, str] = ()  # (sheet, cell, header as typed, "" cleared): the value column's header typed over
    no_value_column: NoValueColumn | None = None  # codes found, but no column of figures beside them
    no_value_sheet: str = ""  # the sheet of ``no_value_column``
    forwarded: str = ""  # the provenance note of a consolidation filled in with ``tonghop forward``


_LATIN1_LETTER = re.compile("[\u00a1-\u00ff]")  # what text typed in a TCVN3 or VNI font is made of


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def read_metadata(book: RawWorkbook) -> dict[str, str]:
    """Metadata from the hidden sheet (even if renamed), else from custom document properties."""
    return _sheet_metadata(book) or property_metadata(book)


def _sheet_metadata(book: RawWorkbook) -> dict[str, str]:
    for sheet in book.sheets:
        if sheet.name != META_SHEET and sheet.visible:
            continue
        pairs = {_cell_text(row[0]): _cell_text(row[1]) for row in sheet.rows if len(row) >= 2 and _cell_text(row[0])}
        if pairs.get(META_FORM_ID):
            return {key: pairs.get(key, "") for key in META_KEYS}
    return {}


def property_metadata(book: RawWorkbook) -> dict[str, str]:
    """Metadata from the custom document properties (``tonghop_*``); {} when they carry none."""
    props = {key: book.properties.get(META_PREFIX + key, "").strip() for key in META_KEYS}
    return props if props.get(META_FORM_ID) else {}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scan_sheet(sheet: RawSheet, form: FormDefinition, out: RawReturn) -> None:
    table = locate_table(sheet, form)
    if isinstance(table, NoValueColumn):
        if out.no_value_column is None:
            out.no_value_column, out.no_value_sheet = table, sheet.name
        return
    if table is None:
        return
    out.tables += 1
    header, code_col, value_col = table.header, table.code_col, table.value_col
    if out.tables == 1:
        out.heading = [_cell_text(v) for row in sheet.rows[:header] for v in row if isinstance(v, str) and v.strip()]
    if (table.renamed or table.cleared) and not out.renamed_header:
        out.renamed_header = (sheet.name, table.value_header_cell, table.renamed)
    titles = [normalise(v) if isinstance(v, str) else "" for v in sheet.rows[header]]
    spare = [c for c in range(len(titles)) if c > code_col and c != value_col and not own_column(titles[c])]
    skip = {rule.id for rule in form.rules} | set(form.sections)
    letter = xl_col_to_name(value_col)
    uncoded, last_coded = [], header
    for r in range(header + 1, len(sheet.rows)):
        row = sheet.rows[r]
        code = row[code_col] if code_col < len(row) else ""
        if code not in form.indicators:  # the usual case needs no clean-up
            if code is None or code == "":
                raw = row[value_col] if value_col < len(row) else None
                if not _is_blank(raw):
                    uncoded.append(RawValue("", raw, sheet.name, r + 1, f"{letter}{r + 1}"))
                continue
            if code in skip:
                continue
            code = _cell_text(code)
            if not code or code in skip:
                continue
            code = code if code in form.indicators else code.upper().replace(" ", "")
        raw = row[value_col] if value_col < len(row) else None
        blank = _is_blank(raw)
        known = code in form.indicators
        if blank and not known:
            continue
        cell = f"{letter}{r + 1}"
        stray = tuple((xl_rowcol_to_cell(r, c), row[c]) for c in spare if c < len(row) and not _is_blank(row[c])) if blank else ()
        font = sheet.font_of(cell) if isinstance(raw, str) and _LATIN1_LETTER.search(raw) else None
        item = RawValue(code, raw, sheet.name, r + 1, cell, blank and cell in sheet.formula_cells, stray, font)
        (out.values if known else out.unknown).append(item)
        last_coded = r + 1 if known else last_coded
    out.uncoded += [item for item in uncoded if item.row < last_coded]  # within the table, not its footer


def data_sheet(book: RawWorkbook, meta: dict[str, str]) -> str | None:
    """The template's own data sheet: the sheet of its workbook-wide defined name (which follows
    a rename), else the sheet bearing the name recorded in the metadata; None when the file says
    nothing (a template from before these marks) or names a sheet it no longer has."""
    names = {sheet.name for sheet in book.sheets}
    for name in (book.named_sheet(DATA_DEFINED_NAME), meta.get(META_DATA_SHEET)):
        if name and name in names and name != META_SHEET:
            return name
    return None


def extract_return(book: RawWorkbook, form: FormDefinition, file: str) -> RawReturn:
    """Metadata and coded values of one workbook.

    Values are read from the template's data sheet when the file says which it is; another
    sheet holding codes (a copy of it, a draft) is then only named in ``unused_sheets``. A file
    that does not say (templates made before the mark) has every sheet read, in order.

    :param file: the file's name as the user sees it, used in every location.
    """
    props = property_metadata(book)
    out = RawReturn(file=file, meta=_sheet_metadata(book) or props, modified=book.modified, property_meta=props)
    out.forwarded = book.properties.get(PROVENANCE_PROPERTY, "").strip()
    chosen = data_sheet(book, out.meta)
    out.data_sheet = chosen or ""
    for sheet in book.sheets:
        if sheet.name == META_SHEET:
            continue
        if chosen is None or sheet.name == chosen:
            _scan_sheet(sheet, form, out)
        elif _holds_codes(sheet, form, file):
            out.unused_sheets.append(sheet.name)
    out.forwarded = out.forwarded or next((line for line in out.heading if _forward_note(line)), "")
    return out


def _forward_note(line: str) -> bool:
    """A heading line that is ``tonghop forward``'s note ("Lập từ kết quả tổng hợp … (tonghop)")."""
    return line.startswith(FORWARD_NOTE_START) and line.endswith(FORWARD_NOTE_END)


def _holds_codes(sheet: RawSheet, form: FormDefinition, file: str) -> bool:
    scratch = RawReturn(file=file, meta={})
    _scan_sheet(sheet, form, scratch)
    return bool(scratch.values)
