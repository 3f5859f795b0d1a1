"""Whole rows of a ``constant_memory`` worksheet written as XML in one piece.

XlsxWriter spends about 3.3 µs of Python on a cell: argument conversion, a bounds check and a
table entry when it is written, then an attribute list, two escaping passes and a format
lookup when its row is flushed. The sheets that grow with the number of units (``Theo đơn
vị``, ``Nguồn số liệu``, ``Tình trạng nộp``) hold over 800,000 cells at 10,000 units, more
than half of the workbook's time. ``RowWriter.row`` writes a row the way XlsxWriter's own
``constant_memory`` flush writes it (``<row>`` element from XlsxWriter itself, the cells as
the same bytes: inline strings with the same escapes, numbers as ``%.16G``, the cell's, the
row's or the column's format index), in one string, into the worksheet's row file.

It leans on XlsxWriter's ``constant_memory`` internals (``previous_row``, the row file, the
pending-row flush, the format index), so only the XlsxWriter series it was made for (3.x) takes
this path; ``tests/workbook/test_rowxml.py`` checks that a sheet written this way is byte for
byte the sheet XlsxWriter writes cell by cell, for every kind of cell. Outside
``constant_memory`` (shared strings: the small workbooks), for a row with a height, format or
comment of its own, and for a row holding what this writer does not write the same way (a
string past half of Excel's limit or looking like rich text, a number that is not finite, a
bool, a numpy integer), the row goes through XlsxWriter's own calls.

A cell is ``(column, value, format)``: ``value`` a ``str`` (written as text, even empty), a
number (``int``, ``float``) or ``None`` (a blank cell, written only with a format), as
``put`` writes one cell. A row written here is complete: no cell or comment may be added to it
afterwards (write a row with comments through XlsxWriter, as the sheets do for flagged rows).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

Cell = tuple[int, Any, Any]  # (column, value, format or None)

# Any text XlsxWriter changes in an inline string: a literal _xHHHH_, a control character, a
# non-character, an XML special, an edge space (``xml:space="preserve"``); the others go as they are.
_ANY_ESCAPE = re.compile(r'_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f"&<>\n\ufffe\uffff]|^\s|\s$')
_STRING_FAST_MAX = 16_383  # XlsxWriter measures longer strings in UTF-16 units (and may cut them)

# The XlsxWriter series whose row writing this mirrors (3.3 tested): another series (its
# internals may differ) is written through XlsxWriter's own calls.
FAST = xlsxwriter.__version__.split(".")[0] == "3"  # tests turn it off to compare with XlsxWriter's own writing


def put(ws, row: int, col: int, value, fmt=None) -> None:
    """One cell through XlsxWriter: text (``str``), a number, or a blank (``None``, only with a format)."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, str(value), fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _escaped(ws, text: str) -> tuple[str, bool]:
    """``text`` as XlsxWriter writes it in ``<t>`` (its own escaping functions, for the few texts
    that need any), and whether it needs ``xml:space="preserve"``."""
    if not _ANY_ESCAPE.search(text):  # most texts: one scan
        return text, False
    text = ws._escape_control_characters(text)
    return ws._escape_data(text), _preserve_whitespace(text) is not None


class RowWriter:
    """Rows of one worksheet, each written whole (see the module's notes)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.fast = FAST and bool(getattr(ws, "constant_memory", False)) and getattr(ws, "excel_version", 2007) == 2007
        self._index: dict[int, str] = {}  # id(format) -> ' s="N"'
        self._last = -1  # the last row written whole
        self._letters: dict[int, str] = {}
        self._defaults: dict[int, Any] = {}  # column -> its format (looked up when first written)

    def row(self, row: int, cells: Iterable[Cell]) -> None:
        """Write one row: ``cells`` in increasing column order."""
        ws = self.ws
        cells = [cell for cell in cells if cell[1] is not None or cell[2] is not None]  # a blank needs a format
        if not (self.fast and cells) or row in ws.row_info or row in ws.comments:  # XlsxWriter writes such a row itself
            self._by_cell(row, cells)
            return
        if row <= self._last or row < ws.previous_row or ws.table.get(row):
            raise ValueError(f"row {row} is written already or holds cells written one by one")
        if ws._check_dimensions(row, cells[0][0]) or ws._check_dimensions(row, cells[-1][0]):
            raise ValueError(f"row {row} is outside the worksheet")
        if row > ws.previous_row:
            ws._write_single_row(row)  # the pending row, as XlsxWriter flushes it (formats indexed in its order)
        xml = self._cells_xml(str(row + 1), cells)
        if xml is None:  # a cell this writer does not write as XlsxWriter would
            self._by_cell(row, cells)
            return
        ws._opt_reopen()
        ws._write_row(row, None)
        ws.fh.write(xml)
        self._last = row  # pending with nothing in it: XlsxWriter's flush writes no row for it

    def _by_cell(self, row: int, cells: list[Cell]) -> None:
        for col, value, fmt in cells:
            put(self.ws, row, col, value, fmt)

    def _cells_xml(self, number: str, cells: list[Cell]) -> str | None:
        """The row's cells and its end tag, or None when a cell is one to leave to XlsxWriter: a
        string past half of Excel's limit or looking like rich text, a number not finite, a bool."""
        index, letters, defaults = self._index, self._letters, self._defaults
        parts = []
        for col, value, fmt in cells:
            if fmt is None:
                fmt = defaults[col] if col in defaults else self._default(col)
            style = "" if fmt is None else index.get(id(fmt)) or self._style(fmt)
            ref = letters.get(col) or self._letter(col)
            kind = type(value)
            if kind is not float and kind is not int and kind is not str and value is not None:
                if isinstance(value, str):
                    value, kind = str(value), str
                elif isinstance(value, float):  # numpy's float64: formatted as a float
                    kind = float
                else:
                    return None  # a bool, a numpy integer, a Decimal: XlsxWriter's own way
            if kind is float or kind is int:
                if not math.isfinite(value):
                    return None
                parts.append(f'<c r="{ref}{number}"{style}><v>{value:.16G}</v></c>')
            elif kind is str:
                if len(value) > _STRING_FAST_MAX or (value.startswith("<r>") and value.endswith("</r>")):
                    return None
                text, preserve = _escaped(self.ws, value)
                space = ' xml:space="preserve"' if preserve else ""
                parts.append(f'<c r="{ref}{number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
            else:
                parts.append(f'<c r="{ref}{number}"{style}/>')
        parts.append("</row>")
        return "".join(parts)

    def _letter(self, col: int) -> str:
        self._letters[col] = xl_col_to_name(col)
        return self._letters[col]

    def _style(self, fmt) -> str:
        """`` s="N"``: the format's index, given in the order XlsxWriter would give it."""
        self._index[id(fmt)] = f' s="{fmt._get_xf_index()}"'
        return self._index[id(fmt)]

    def _default(self, col: int):
        """The format XlsxWriter gives a cell written without one, in a row without a format: its
        column's (the columns are set before the rows)."""
        column = self.ws.col_info.get(col)
        self._defaults[col] = column.column_format if column is not None else None
        return self._defaults[col]
