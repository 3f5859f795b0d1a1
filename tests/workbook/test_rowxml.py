"""Rows written whole (``rowxml.RowWriter``) make the workbook XlsxWriter makes cell by cell."""

from __future__ import annotations

import math
import random
import zipfile
from datetime import datetime

import numpy as np
import pytest
import python_calamine
import xlsxwriter

from pipeline.workbook import rowxml

TEXTS = [
    "Phường Quyết Thắng",
    "",
    " leading space",
    "trailing space ",
    "tab\tinside",
    "line\nbreak",
    "a & b < c > d \"quoted\" 'single'",
    "control \x01\x07\x1f characters",
    "_x0041_ looks escaped",
    "_x00zz_ does not",
    "\ufffe and \uffff",
    "=SUM(A1:A2)",
    "Đơn thư 😀 emoji",
    "\u00a0nbsp edge\u00a0",
]
NUMBERS = [0, 1, -1, 12_580_000, 862_796_456, 0.1 + 0.2, 1.5, -2.25, 1e20, 123456789012345678, 3.0, np.float64(2.5)]
ODD = ["<r>looks rich</r>", "x" * 20_000, float("nan"), float("inf"), True, np.int64(7)]  # rows holding one go cell by cell


def _cells(rng: random.Random, fmts: list) -> list[tuple[int, object, object]]:
    cells = []
    for col in sorted(rng.sample(range(12), rng.randint(0, 8))):
        kind = rng.random()
        value = rng.choice(ODD) if kind < 0.02 else rng.choice(TEXTS) if kind < 0.45 else rng.choice(NUMBERS) if kind < 0.9 else None
        cells.append((col, value, rng.choice(fmts)))
    return cells


def _write(path, fast: bool, monkeypatch, constant_memory: bool = True) -> dict:
    """Two sheets of random rows; the cells of the first, by (row, column)."""
    monkeypatch.setattr(rowxml, "FAST", fast)
    rng = random.Random(2023)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "nan_inf_to_errors": True})
    workbook.set_properties({"created": datetime(2024, 1, 2, 3, 4, 5)})
    bold, number, money = (
        workbook.add_format({"bold": True}),
        workbook.add_format({"num_format": "#,##0"}),
        workbook.add_format({"num_format": "0.00"}),
    )
    column = workbook.add_format({"font_color": "blue"})
    fmts = [None, None, bold, number, money]
    first = {}
    for name in ("Một", "Hai"):
        ws = workbook.add_worksheet(name)
        ws.set_column(2, 3, 14, column)
        ws.set_column(5, 5, 20, money)
        ws.write_string(0, 0, "Tiêu đề", bold)
        ws.set_row(7, 30, bold)  # a row with its own height and format
        ws.set_row(9, 24)
        rows = rowxml.RowWriter(ws)
        for row in range(1, 400):
            cells = _cells(rng, fmts)
            if name == "Một":
                first.update({(row, col): value for col, value, _fmt in cells})
            if row % 37 == 0 and cells:  # a row with a comment goes cell by cell, as the sheets do
                for col, value, fmt in cells:
                    rowxml.put(ws, row, col, value, fmt)
                ws.write_comment(row, cells[0][0], "Cảnh báo: số liệu")
            else:
                rows.row(row, cells)
        ws.write_string(401, 0, "Ghi chú cuối", bold)
    workbook.close()
    return first


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("constant_memory", [True, False])
def test_rows_written_whole_are_the_bytes_xlsxwriter_writes(tmp_path, monkeypatch, constant_memory):
    _write(tmp_path / "whole.xlsx", True, monkeypatch, constant_memory)
    _write(tmp_path / "cells.xlsx", False, monkeypatch, constant_memory)
    whole, cells = _parts(tmp_path / "whole.xlsx"), _parts(tmp_path / "cells.xlsx")
    assert whole.keys() == cells.keys()
    for name in whole:
        assert whole[name] == cells[name], name
    written = whole["xl/worksheets/sheet1.xml"] + whole.get("xl/sharedStrings.xml", b"")
    assert written.count(b"<row ") > 300 and b"_x0001_" in written and b'xml:space="preserve"' in written


def test_rows_are_written_whole_in_constant_memory(tmp_path, monkeypatch):
    """The rows without a comment do not go cell by cell (else the test above compares nothing)."""
    by_cell = []
    real = rowxml.put
    monkeypatch.setattr(rowxml, "put", lambda ws, row, *rest: by_cell.append(row) or real(ws, row, *rest))
    _write(tmp_path / "whole.xlsx", True, monkeypatch)
    rows = set(by_cell)
    assert {row for row in range(37, 400, 37)} <= rows and len(rows) < 250, len(rows)


def test_rows_read_back_as_written(tmp_path, monkeypatch):
    """What a user opens: every value in its cell, as a spreadsheet reads the file written whole."""
    written = _write(tmp_path / "whole.xlsx", True, monkeypatch)
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "whole.xlsx"))
    grid = book.get_sheet_by_name("Một").to_python(skip_empty_area=False)
    for (row, col), value in written.items():
        got = grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
        if value is None or (isinstance(value, float) and not math.isfinite(value)) or any(value is odd for odd in ODD):
            continue  # blank; written as an error; cell by cell
        if isinstance(value, str) and ("\ufffe" in value or "\x01" in value):
            continue  # kept escaped (_xFFFE_, _x0001_) as XlsxWriter writes them: clean_text removes them first
        assert got == (value if isinstance(value, str) else float(f"{value:.16G}")), (row, col, value, got)


def test_a_row_twice_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rowxml, "FAST", True)
    workbook = xlsxwriter.Workbook(str(tmp_path / "twice.xlsx"), {"constant_memory": True})
    ws = workbook.add_worksheet()
    rows = rowxml.RowWriter(ws)
    rows.row(3, [(0, "một", None)])
    with pytest.raises(ValueError):
        rows.row(3, [(1, "hai", None)])
    with pytest.raises(ValueError):
        rows.row(2, [(1, "hai", None)])
    ws.write_string(5, 0, "sau")
    with pytest.raises(ValueError):
        rows.row(5, [(1, "hai", None)])
    workbook.close()
