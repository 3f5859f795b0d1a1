"""A renamed value header: an officer types over ``Số liệu`` ("Số liệu năm 2023", "Kết quả thực
hiện"). The table is found by its codes and the template's other headers, the figures are read,
and an information names the header; where no column of figures can be found, the finding names
the cell where ``Số liệu`` was expected. Also with inserted rows and columns, and re-saved by
LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from pipeline.consolidate.collect import process_file
from pipeline.core.constants import DATA_SHEET, HEADER_CODE, HEADER_VALUE, Severity
from pipeline.core.errors import Msg
from pipeline.validate.checks import EMPTY_HEADER
from pipeline.validate.context import Context
from tests.conftest import message_fields


def _header_cell(ws) -> tuple[int, int]:
    """(row, column) of the template's ``Số liệu`` header."""
    return next((c.row, c.column) for row in ws.iter_rows() for c in row if c.value == HEADER_VALUE)


def _edit(path: Path, header: object, *, insert_col: str = "", insert_rows: int = 0) -> str:
    """Type ``header`` over the value column's header (as an officer does once the sheet is
    unprotected), optionally insert a column left of the values headed ``insert_col`` with a
    figure in it, and rows inside the table; returns the header's cell as it then stands."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws.protection.sheet = False
    row, col = _header_cell(ws)
    if insert_rows:
        ws.insert_rows(row + 3, insert_rows)
    if insert_col:
        ws.insert_cols(col)
        ws.cell(row, col, insert_col)
        ws.cell(row + 4, col, 7)  # a plan figure typed on an indicator row of the new column
        col += 1
    ws.cell(row, col).value = header  # None clears it
    wb.save(path)
    return ws.cell(row, col).coordinate


def _ctx(form, units) -> Context:
    return Context(form, {u.code: u for u in units}, "2023")


@pytest.fixture
def plain(make_return, form, units):
    return process_file(make_return("03386", name="goc.xlsx"), _ctx(form, units))


@pytest.mark.parametrize(
    "header, insert_col, insert_rows",
    [("Số liệu năm 2023", "", 0), ("Kết quả thực hiện", "", 0), ("Kết quả thực hiện", "Kế hoạch", 0), ("Số liệu năm 2023", "", 2)],
)
def test_renamed_value_header_still_reads_every_figure(make_return, form, units, plain, header, insert_col, insert_rows):
    path = make_return("03386", name="sua_tieu_de.xlsx")
    cell = _edit(path, header, insert_col=insert_col, insert_rows=insert_rows)
    outcome = process_file(path, _ctx(form, units))
    assert outcome.accepted and {v.code: v.value for v in outcome.values} == {v.code: v.value for v in plain.values}
    (info,) = [p for p in outcome.problems if p.type == Msg.META_020.slug]
    assert (info.severity, info.sheet, info.cell) == (Severity.INFO, DATA_SHEET, cell)
    assert message_fields(Msg.META_020, info.message)["header"] == header
    assert not [p for p in outcome.problems if p.severity == Severity.ERROR]


@pytest.mark.parametrize("cleared", [None, "", "   "])
def test_a_cleared_header_over_the_figures_is_said_like_a_renamed_one(make_return, form, units, plain, cleared):
    """The ``Số liệu`` cell emptied (deleted, or left with spaces): the figures are read where
    the template has them, and the same ``value-header-renamed`` information shows the header as
    empty, as for one typed over."""
    path = make_return("03386", name="xoa_tieu_de.xlsx")
    cell = _edit(path, cleared)
    outcome = process_file(path, _ctx(form, units), severity=Severity.ERROR)
    assert outcome.accepted and {v.code: v.value for v in outcome.values} == {v.code: v.value for v in plain.values}
    (info,) = [p for p in outcome.problems if p.type == Msg.META_020.slug]
    assert (info.severity, info.sheet, info.cell) == (Severity.INFO, DATA_SHEET, cell)
    assert message_fields(Msg.META_020, info.message)["header"] == EMPTY_HEADER
    assert not [p for p in outcome.problems if p.severity == Severity.ERROR]


def test_a_cleared_header_over_a_typed_plan_column_reads_the_figures(make_return, form, units, plain):
    """A "Kế hoạch" column inserted before the figures and the figures' header cleared: the
    column holding the return's figures is read, not the one plan figure."""
    path = make_return("03386", name="ke_hoach.xlsx")
    cell = _edit(path, None, insert_col="Kế hoạch")
    outcome = process_file(path, _ctx(form, units))
    assert outcome.accepted and {v.code: v.value for v in outcome.values} == {v.code: v.value for v in plain.values}
    assert [(p.cell, message_fields(Msg.META_020, p.message)["header"]) for p in outcome.problems if p.type == Msg.META_020.slug] == [
        (cell, EMPTY_HEADER)
    ]


def test_header_cleared_over_no_figures_names_the_cell_where_it_was_expected(make_return, form, units):
    """The header and the figures' column both emptied (the figures pasted nowhere the table
    has): no column to read, the finding names the cell where ``Số liệu`` was expected."""
    path = make_return("03386", name="xoa_tieu_de.xlsx")
    cell = _edit(path, None)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    column = ws[cell].column
    for (item,) in ws.iter_rows(min_row=ws[cell].row + 1, min_col=column, max_col=column):
        if not isinstance(item, MergedCell):  # the check block's merged rows below the table
            item.value = None
    wb.save(path)
    outcome = process_file(path, _ctx(form, units), severity=Severity.ERROR)
    assert not outcome.accepted
    (error,) = [p for p in outcome.problems if p.severity == Severity.ERROR]
    assert (error.type, error.sheet, error.cell) == (Msg.META_021.slug, DATA_SHEET, cell)
    fields = message_fields(Msg.META_021, error.message)
    assert fields["where"] == f"xoa_tieu_de.xlsx › {DATA_SHEET}!{cell}" and fields["found"] == EMPTY_HEADER


def test_a_sheet_without_codes_is_still_no_data_table(make_return, form, units):
    path = make_return("03386", name="khong_ma.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    for row in ws.iter_rows():
        for c in row:
            if c.value == HEADER_CODE or c.value in form.indicators:
                c.value = None
    wb.save(path)
    outcome = process_file(path, _ctx(form, units))
    assert [p.type for p in outcome.problems if p.severity != Severity.INFO] == [Msg.META_008.slug]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_renamed_header_read_after_libreoffice_resaves_the_file(make_return, form, units, plain, tmp_path, kind):
    path = make_return("03386", name="sua_tieu_de.xlsx", folder=tmp_path / "goc")
    cell = _edit(path, "Kết quả thực hiện", insert_rows=1)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", kind, "--outdir", str(tmp_path / "lo"), str(path)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    outcome = process_file(tmp_path / "lo" / f"sua_tieu_de.{kind}", _ctx(form, units))
    assert outcome.accepted and {v.code: v.value for v in outcome.values} == {v.code: v.value for v in plain.values}
    assert [p.cell for p in outcome.problems if p.type == Msg.META_020.slug] == [cell]
