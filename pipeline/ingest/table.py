"""Where a sheet's table of figures is: its header row, its ``Mã`` column and its value column.

The template's header row names them (``Mã``, ``Số liệu``). An officer may type over the value
column's header ("Số liệu năm 2023", "Kết quả thực hiện"); the table is then found by what the
wording cannot change: the column holding the form's indicator codes, the header row above them
(it still holds the template's other headers), and, right of the codes, the one column with a
header that is none of the template's others (the figures decide between several).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from pipeline.core.constants import HEADER_CODE, HEADER_LABEL, HEADER_NOTE, HEADER_PRIOR, HEADER_STT, HEADER_UNIT, HEADER_VALUE
from pipeline.form.model import FormDefinition
from pipeline.form.period import Period
from pipeline.ingest.raw import RawSheet


def normalise(text: object) -> str:
    """Header text compared without regard to case, spacing or Unicode form."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


HEADER_MAX = 40  # a header cell is short: longer text is not looked at
CODE_HEADER = normalise(HEADER_CODE)
VALUE_HEADER = normalise(HEADER_VALUE)
NOTE_HEADER = normalise(HEADER_NOTE)
# Columns whose content is ours, never an officer's figure typed in the wrong place.
OWN_COLUMNS = frozenset(normalise(h) for h in (HEADER_STT, HEADER_LABEL, HEADER_UNIT, HEADER_CODE, HEADER_VALUE, HEADER_PRIOR))
MIN_CODES = 2  # indicator codes a column must hold to be taken for the Mã column without its header


@dataclass(frozen=True)
class Table:
    """A table found: its header row (0-based), code and value columns, and the value column's
    header as typed when it is not ``Số liệu`` (``""`` when it is)."""

    header: int
    code_col: int
    value_col: int
    renamed: str = ""
    cleared: bool = False  # the header cell left blank over a column of figures: said like a renamed one

    @property
    def value_header_cell(self) -> str:
        return xl_rowcol_to_cell(self.header, self.value_col)


@dataclass(frozen=True)
class NoValueColumn:
    """Codes found, but no column to read figures from: the cell where ``Số liệu`` was expected
    (right of ``Mã`` in the header row, as the template has it) and what it holds."""

    header: int
    code_col: int
    found: str

    @property
    def cell(self) -> str:
        return xl_rowcol_to_cell(self.header, self.code_col + 1)

    @property
    def code_column(self) -> str:
        return xl_col_to_name(self.code_col)


def own_column(title: str) -> bool:
    """A column of ours: a fixed header, or the prior column named after its period ("Năm 2023")."""
    if title in OWN_COLUMNS:
        return True
    period = Period.from_heading(title) if len(title) < HEADER_MAX else None
    return period is not None and normalise(period.label) == title


def header_cells(row: list) -> list[str]:
    """A row's cells as headers are compared: short text normalised, anything else ``""``."""
    return [normalise(v) if isinstance(v, str) and len(v) < HEADER_MAX else "" for v in row]


def find_table(sheet: RawSheet) -> tuple[int, int, int] | None:
    """(header row index, code column, value column) of the first row holding both headers."""
    for r, row in enumerate(sheet.rows):
        cells = header_cells(row)
        if CODE_HEADER in cells and VALUE_HEADER in cells:
            return r, cells.index(CODE_HEADER), cells.index(VALUE_HEADER)
    return None


def locate_table(sheet: RawSheet, form: FormDefinition) -> Table | NoValueColumn | None:
    """The sheet's table by its headers, else by its codes (see the module); ``None`` when the
    sheet holds no column of codes under a header row of the template's."""
    found = find_table(sheet)
    if found is not None:
        return Table(*found)
    code_col, first = _code_column(sheet, form)
    if code_col is None:
        return None
    header = _header_row(sheet, first)
    if header is None:
        return None
    titles = header_cells(sheet.rows[header])
    if VALUE_HEADER in titles[code_col + 1 :]:  # only the Mã header was typed over
        return Table(header, code_col, titles.index(VALUE_HEADER, code_col + 1))
    value_col = _value_column(sheet, form, header, code_col, titles)
    row = sheet.rows[header]
    if value_col is None:
        typed = row[code_col + 1] if code_col + 1 < len(row) else None
        return NoValueColumn(header, code_col, "" if typed is None else str(typed).strip())
    typed = " ".join(str(row[value_col]).split()) if value_col < len(row) and row[value_col] is not None else ""
    return Table(header, code_col, value_col, typed, cleared=not typed)


def _code_column(sheet: RawSheet, form: FormDefinition) -> tuple[int | None, int]:
    """The column holding the most indicator codes (at least ``MIN_CODES``, or every code of a
    smaller form) and the first row where one stands."""
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.strip() in form.indicators:
                counts[c] += 1
                first.setdefault(c, r)
    if not counts:
        return None, 0
    col, count = counts.most_common(1)[0]
    return (col, first[col]) if count >= min(MIN_CODES, len(form.indicators)) else (None, 0)


def _header_row(sheet: RawSheet, first: int) -> int | None:
    """The nearest row above the first code holding one of the template's column headers."""
    for r in range(first - 1, -1, -1):
        if any(title in OWN_COLUMNS or title == NOTE_HEADER for title in header_cells(sheet.rows[r])):
            return r
    return None


def _value_column(sheet: RawSheet, form: FormDefinition, header: int, code_col: int, titles: list[str]) -> int | None:
    """Right of the codes, the column headed by something none of the template's other headers,
    or a column whose header was cleared (or is no short text) that holds figures; of several,
    the one with the most cells filled on indicator rows, then the nearest."""
    candidates = [c for c in range(code_col + 1, len(titles)) if titles[c] and not own_column(titles[c]) and titles[c] != NOTE_HEADER]
    width = max((len(row) for row in sheet.rows[header + 1 :]), default=0)
    blank = [c for c in range(code_col + 1, width) if c >= len(titles) or not titles[c]]
    filled = _filled(sheet, form, header, code_col, candidates + blank)
    candidates = sorted(candidates + [c for c in blank if filled[c]])
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    return max(candidates, key=lambda c: (filled[c], -c))


def _filled(sheet: RawSheet, form: FormDefinition, header: int, code_col: int, columns: list[int]) -> Counter[int]:
    """How many cells of each of ``columns`` are filled on the indicator rows below ``header``."""
    filled: Counter[int] = Counter()
    for row in sheet.rows[header + 1 :]:
        code = row[code_col] if code_col < len(row) else None
        if isinstance(code, str) and code.strip() in form.indicators:
            filled.update(c for c in columns if c < len(row) and row[c] not in (None, "") and str(row[c]).strip())
    return filled
