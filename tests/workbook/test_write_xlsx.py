"""The consolidated workbook (pipeline/write_xlsx.py), read back with openpyxl.

Rows are found by the ``Mã`` column and columns by their header text, never by position.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.consolidate.combine import consolidate_folder
from pipeline.consolidate.result import FILE_COLUMNS, SUBMISSION_COLUMNS, VALUE_FRAME_COLUMNS, ConsolidationResult
from pipeline.core.constants import HEADER_CODE, LEVEL_ALL, TOTALS_COLUMNS, Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Findings, Problem, problem
from pipeline.form.charts import ChartSpec
from pipeline.form.model import FormDefinition, Indicator, Level, Section, Unit
from pipeline.validate.context import Context
from pipeline.validate.reconcile import RELATION_COLUMNS
from pipeline.workbook import book as write_xlsx
from pipeline.workbook import rowxml
from pipeline.workbook.formats import ERROR_FILL, FLAG_FILL, NUM_WHOLE, WARNING_FILL
from tests.conftest import message_fields

SHEETS = ["Tổng hợp", "Theo đơn vị", "Đối soát", "Tình trạng nộp", "Các vấn đề", "Nguồn số liệu", "Biểu đồ"]


@pytest.fixture(scope="module")
def result(sample_dir, form, units) -> ConsolidationResult:
    return consolidate_folder(sample_dir, Context.of(form, units))


@pytest.fixture(scope="module")
def book(result, tmp_path_factory):
    path = write_xlsx.write_workbook(result, tmp_path_factory.mktemp("xlsx") / "tong_hop.xlsx")
    return openpyxl.load_workbook(path)


def header_row(ws, *names: str) -> tuple[int, dict[str, int]]:
    """The first row holding every one of ``names``, and ``header -> column`` of that row."""
    for row in ws.iter_rows():
        labels = {str(c.value): c.column for c in row if c.value is not None}
        if all(name in labels for name in names):
            return row[0].row, labels
    raise AssertionError(f"no header row with {names} in {ws.title}")


def table(ws, *names: str) -> list[dict[str, object]]:
    """The rows under the header holding ``names``, as dicts of cells, up to the first blank row."""
    top, cols = header_row(ws, *names)
    rows = []
    for r in range(top + 1, ws.max_row + 1):
        cells = {name: ws.cell(r, col) for name, col in cols.items()}
        if all(c.value is None for c in cells.values()):
            break
        rows.append(cells)
    return rows


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper() if cell.fill.fill_type else ""


def totals_cell(book, code: str, header: str):
    ws = book["Tổng hợp"]
    rows = {r[HEADER_CODE].value: r for r in table(ws, HEADER_CODE, "Tổng cộng")}
    return rows[code][header]


def test_sheet_names_in_order(book):
    assert book.sheetnames == SHEETS


def test_totals_by_level(book, form):
    city, communes = form.level_label("city"), form.level_label("communes")
    assert totals_cell(book, "POOR_FUND_TOTAL", "Tổng cộng").value == 862796456
    assert [totals_cell(book, "PETITIONS_TOTAL", h).value for h in (city, communes, "Tổng cộng")] == [77, 23, 100]
    assert totals_cell(book, "DOCS_PLAN", communes).value is None  # the communes do not report it
    assert totals_cell(book, "POOR_FUND_TOTAL", "Tổng cộng").number_format == NUM_WHOLE


def test_heading(book, result):
    texts = [book["Tổng hợp"].cell(r, 1).value for r in range(1, 5)]
    assert texts[:3] == [result.form.committee, result.form.title_for("2023"), "Số đơn vị đã nộp: 8/8"]


def test_total_comment_lists_units_and_the_r04_warning(book, result):
    cell = totals_cell(book, "POOR_FUND_TOTAL", "Tổng cộng")
    assert fill(cell) == WARNING_FILL[1:]
    text = cell.comment.text
    assert "Phường Quyết Thắng: 12.500.000" in text.splitlines()
    assert all(u.name in text for u in result.units)
    assert "Cảnh báo: [Tổng hợp › Tổng cộng] " in text and "(quy tắc R04: " in text
    quiet = totals_cell(book, "PETITIONS_TOTAL", "Tổng cộng")
    assert fill(quiet) == "" and "R04" not in quiet.comment.text


def test_relations_sheet(book, result):
    rows = table(book["Đối soát"], "Quy tắc", "Kết quả", "Chênh lệch")
    assert len(rows) == len(result.relations)
    r04 = [r for r in rows if r["Quy tắc"].value == "R04" and r["Cấp / đơn vị"].value == "Tổng cộng"]
    assert [(r["Phạm vi"].value, r["Kết quả"].value, r["Mức độ"].value, r["Chênh lệch"].value) for r in r04] == [
        ("Tổng cấp", "Không đạt", "Cảnh báo", -118491896)
    ]
    assert fill(r04[0]["Kết quả"]) == WARNING_FILL[1:]
    assert {r["Kết quả"].value for r in rows} <= {"Đạt", "Không đạt", "Bỏ qua"}
    assert book["Đối soát"].auto_filter.ref


def test_submissions_all_received(book):
    rows = table(book["Tình trạng nộp"], "Mã đơn vị", "Tình trạng", "Bản nộp trước (không dùng)")
    assert [r["Tình trạng"].value for r in rows] == ["Đã nộp"] * 8
    files = table(book["Tình trạng nộp"], "Tệp", "Ghi chú")
    assert {r["Tình trạng"].value for r in files} == {"Dùng"}


def test_missing_unit_shown_red(returns_dir, form, units, tmp_path):
    (returns_dir / "bao cao doan ket.xlsx").unlink()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    book = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "out.xlsx"))
    rows = {r["Mã đơn vị"].value: r for r in table(book["Tình trạng nộp"], "Mã đơn vị", "Tình trạng", "Bản nộp trước (không dùng)")}
    assert rows["03389"]["Tình trạng"].value == "Chưa nộp"
    assert fill(rows["03389"]["Tên đơn vị"]) == ERROR_FILL[1:]
    assert sum(r["Tình trạng"].value == "Đã nộp" for r in rows.values()) == 7
    assert "Số đơn vị đã nộp: 7/8" in book["Tổng hợp"].cell(3, 1).value


def test_findings_one_row_each_errors_first(book, result):
    rows = table(book["Các vấn đề"], "Mức độ", "Nội dung")
    findings = result.findings.to_findings()
    assert len(rows) == len(findings)
    assert [r["Nội dung"].value for r in rows] == list(findings["message"])
    assert [r["Mức độ"].value for r in rows[:3]] == ["Cảnh báo"] * 3
    assert book["Các vấn đề"].auto_filter.ref


def test_sources_one_row_per_value(book, result):
    rows = table(book["Nguồn số liệu"], "Mã chỉ tiêu", "Số liệu", "Ô")
    assert len(rows) == len(result.values)
    first = result.values.iloc[0]
    assert [rows[0][h].value for h in ("Mã đơn vị", "Mã chỉ tiêu", "Số liệu", "Tệp", "Ô")] == [
        first.unit_code,
        first.code,
        first.value,
        first.file,
        first.cell,
    ]


def test_charts_are_native(result, tmp_path):
    path = write_xlsx.write_workbook(result, tmp_path / "c.xlsx")
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3


def test_chart_tables_come_from_the_form_charts(result, form, tmp_path):
    ws = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "c.xlsx"), data_only=True)["Biểu đồ"]
    sources, petitions, by_unit = form.charts
    parts = {r["Nội dung"].value: r["Tổng cộng"].value for r in table(ws, "Nội dung", "Tổng cộng")}
    assert list(parts) == [*sources.labels[1:], "Chưa rõ nguồn"]
    assert parts["Chưa rõ nguồn"] == 118_491_896  # the total less its parts (R04's gap)
    levels = table(ws, "Nội dung", *(form.level_label(lv) for lv in petitions.levels))
    assert [(r["Nội dung"].value, r["Tổng cộng"].value) for r in levels] == [("Đã giải quyết", 86), ("Đang giải quyết", 14)]
    units = table(ws, "Đơn vị", "Số liệu (đồng)")
    assert len(units) == sum(u.level in by_unit.levels for u in result.units)


def test_units_chart_shows_the_largest_units(tmp_path):
    result = synthetic(40)
    result.form.charts = [ChartSpec("fund", "Quỹ vận động theo xã", "units", ("FUND",), (LEVEL_ALL,), ("Quỹ vận động",))]
    ws = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "u.xlsx"))["Biểu đồ"]
    values = [r["Số liệu (đồng)"].value for r in table(ws, "Đơn vị", "Số liệu (đồng)")]
    assert values == list(range(1039, 1009, -1))


# Synthetic results: a two-indicator form and as many units as a test needs.


def synthetic(n_units: int, values: list[dict] | None = None, problems: list[Problem] = ()) -> ConsolidationResult:
    level = Level("communes", "Cấp xã, phường", "xã, phường")
    inds = {
        code: Indicator(code, "I", label, "đồng", "money", 0, None, True, ("communes",))
        for code, label in (("FUND", "Quỹ vận động"), ("NOTE", "Ghi chú"))
    }
    form = FormDefinition(
        "f",
        "1",
        "Báo cáo năm {period}",
        {"committee": "Ủy ban MTTQ"},
        {"communes": level},
        {"I": Section("I", "Mục I")},
        inds,
        [],
        Path("."),
    )
    units = [Unit(f"{i:05d}", f"Xã số {i}", "communes") for i in range(n_units)]
    if values is None:
        values = [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "level": u.level,
                "code": "FUND",
                "value": 1000 + i,
                "file": f"{u.code}.xlsx",
                "sheet": "Báo cáo",
                "cell": "E5",
            }
            for i, u in enumerate(units)
        ]
    frame = pd.DataFrame(values, columns=VALUE_FRAME_COLUMNS)
    totals = pd.DataFrame(
        [{"code": "FUND", "level": lv, "value": sum(v["value"] for v in values if v["code"] == "FUND")} for lv in ("communes", LEVEL_ALL)],
        columns=TOTALS_COLUMNS,
    )
    submissions = pd.DataFrame(
        [
            {
                "unit_code": u.code,
                "unit_name": u.name,
                "level": u.level,
                "status": "received",
                "file": f"{u.code}.xlsx",
                "saved_at": "",
                "superseded": "",
            }
            for u in units
        ],
        columns=SUBMISSION_COLUMNS,
    )
    report = Findings()
    report.extend(problems)
    return ConsolidationResult(
        form,
        units,
        "2023",
        frame,
        totals,
        pd.DataFrame(columns=RELATION_COLUMNS),
        submissions,
        pd.DataFrame(columns=FILE_COLUMNS),
        report,
    )


def test_text_from_returns_is_never_a_formula(tmp_path):
    unit = {"unit_code": "00001", "unit_name": '=HYPERLINK("http://x")', "level": "communes", "sheet": "+Báo cáo", "cell": "E5"}
    values = [
        {**unit, "code": "FUND", "value": 5, "file": "=1+1.xlsx"},
        {**unit, "code": "NOTE", "value": "=SUM(A1:A9)", "file": "@x.xlsx"},
    ]
    problem = Problem("not-a-number", "error", "not-a-number", "-1 là lỗi", unit_code="00001", code="FUND", file="=1+1.xlsx")
    book = openpyxl.load_workbook(write_xlsx.write_workbook(synthetic(1, values, [problem]), tmp_path / "t.xlsx"))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in cells} >= {"=SUM(A1:A9)", "=1+1.xlsx", '=HYPERLINK("http://x")', "+Báo cáo", "@x.xlsx", "-1 là lỗi"}
    assert all(c.data_type == "s" for c in cells)
    assert "Biểu đồ" not in book.sheetnames  # the form has no charts


def test_many_units_one_row_each_and_sources_by_file(tmp_path):
    n = write_xlsx.LONG_FORMAT_UNITS + 1
    problem = Problem("out-of-bounds", Severity.WARNING, "out-of-bounds", "Quá lớn", unit_code="00007", code="FUND")
    book = openpyxl.load_workbook(write_xlsx.write_workbook(synthetic(n, problems=[problem]), tmp_path / "long.xlsx"))
    ws = book["Theo đơn vị"]
    top, cols = header_row(ws, "Mã đơn vị", "Tên đơn vị", "Cấp", "FUND")
    assert ws.max_row == top + 1 + n
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, cols["Mã đơn vị"]).value == "00007")
    value = ws.cell(row, cols["FUND"])
    assert (value.value, ws.cell(row, cols["Cấp"]).value, fill(value)) == (1007, "Cấp xã, phường", WARNING_FILL[1:])
    assert value.comment.text == "Cảnh báo: Quá lớn"
    sources = book["Nguồn số liệu"]
    top, cols = header_row(sources, "Mã đơn vị", "Tệp", "Các ô đã đọc", "Số chỉ tiêu")
    assert sources.max_row == top + n and "values.csv" in sources.cell(1, 1).value


def test_few_units_one_column_each(tmp_path):
    book = openpyxl.load_workbook(write_xlsx.write_workbook(synthetic(3), tmp_path / "wide.xlsx"))
    top, cols = header_row(book["Theo đơn vị"], HEADER_CODE, "Xã số 2\n(00002)")
    row = next(r for r in range(top + 1, book["Theo đơn vị"].max_row + 1) if book["Theo đơn vị"].cell(r, cols[HEADER_CODE]).value == "FUND")
    assert book["Theo đơn vị"].cell(row, cols["Xã số 2\n(00002)"]).value == 1002


def test_constant_memory_mode_gives_the_same_cells(result, book, tmp_path, monkeypatch):
    monkeypatch.setattr(write_xlsx, "CONSTANT_MEMORY_ROWS", 10)
    big = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "big.xlsx"))
    for name in SHEETS[:-1]:
        assert [[c.value for c in row] for row in big[name].iter_rows()] == [[c.value for c in row] for row in book[name].iter_rows()], name
    assert totals_cell(big, "POOR_FUND_TOTAL", "Tổng cộng").comment is not None
    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        assert 't="inlineStr"' in archive.read("xl/worksheets/sheet1.xml").decode()


def test_many_files_of_one_kind_are_one_row_and_every_count_is_exact(tmp_path):
    junk = [
        problem(Msg.FILE_001, Severity.WARNING, file=f"anh_{i:04d}.jpg", reason="đây là ảnh JPEG, không phải Excel") for i in range(1500)
    ]
    wrong = problem(Msg.VALUE_002, Severity.ERROR, file="00000.xlsx", sheet="Báo cáo", cell="E5", code="FUND", unit_code="00000", value="x")
    result = synthetic(1, problems=[*junk, wrong])
    ws = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "d.xlsx"))["Các vấn đề"]
    rows = table(ws, "Mức độ", "Nội dung")
    assert [(r["Mức độ"].value, r["Quy tắc"].value) for r in rows] == [("Lỗi", Msg.VALUE_002.label), ("Cảnh báo", Msg.FILE_001.label)]
    assert rows[1]["Nội dung"].value == result.findings.listed()[0].message
    assert message_fields(Msg.FILE_016, rows[1]["Nội dung"].value)["count"] == "1.500"
    assert ws.cell(2, 1).value.startswith("1 lỗi, 1.500 cảnh báo, 0 thông tin;")
    assert "1.500 tệp cùng loại được gộp thành 1 dòng" in ws.cell(2, 1).value


@pytest.mark.slow
def test_prior_period_columns_and_flagged_change(tmp_path):
    comparison = pd.DataFrame(
        [{"code": "FUND", "level": LEVEL_ALL, "value": 2001, "prior": 500, "change": 1501, "ratio": 4.002, "flag": True}],
        columns=["code", "level", "value", "prior", "change", "ratio", "flag"],
    )
    result = dataclasses.replace(synthetic(2), comparison=comparison)
    book = openpyxl.load_workbook(write_xlsx.write_workbook(result, tmp_path / "p.xlsx"))
    assert (totals_cell(book, "FUND", "Cùng kỳ").value, totals_cell(book, "FUND", "Tăng/giảm").value) == (500, 1501)
    change = totals_cell(book, "FUND", "Tăng/giảm")
    assert fill(change) == FLAG_FILL[1:] and "bằng 4 lần cùng kỳ" in change.comment.text


def test_sources_by_file_one_row_per_file_and_sheet_in_reading_order(tmp_path):
    """Many units: a row per file and sheet read, with the first and last cell read and the count,
    also for a return whose values alternate between two sheets."""
    n = write_xlsx.LONG_FORMAT_UNITS + 1
    base = synthetic(n)
    unit = {"unit_code": "00003", "unit_name": "Xã số 3", "level": "communes", "file": "00003.xlsx"}
    extra = [
        {**unit, "code": "NOTE", "value": "x", "sheet": "Phụ lục", "cell": "C2"},
        {**unit, "code": "NOTE", "value": 7, "sheet": "Báo cáo", "cell": "E9"},
    ]
    values = base.values.to_dict("records")
    values[4:4] = extra  # after the unit's own FUND value (row 3), before the next unit's
    book = openpyxl.load_workbook(write_xlsx.write_workbook(synthetic(n, values), tmp_path / "long.xlsx"))
    rows = [
        tuple(r[name].value for name in ("Mã đơn vị", "Trang tính", "Các ô đã đọc", "Số chỉ tiêu"))
        for r in table(book["Nguồn số liệu"], "Mã đơn vị", "Tệp")
    ]
    expected = [(f"{i:05d}", "Báo cáo", "E5:E5", 1) for i in range(n)]
    expected[3:4] = [("00003", "Báo cáo", "E5:E9", 2), ("00003", "Phụ lục", "C2:C2", 1)]
    assert rows == expected


def test_rows_written_whole_leave_every_part_of_a_large_workbook_as_it_was(tmp_path, monkeypatch):
    """The long sheets' rows are written whole (``rowxml``) in constant_memory mode: the workbook
    is byte for byte the one XlsxWriter writes cell by cell, flagged rows and comments included."""
    monkeypatch.setattr(write_xlsx, "CONSTANT_MEMORY_ROWS", 10)
    n = write_xlsx.LONG_FORMAT_UNITS + 1
    flagged = [Problem("out-of-bounds", Severity.WARNING, "out-of-bounds", "Quá lớn", unit_code=f"{i:05d}", code="FUND") for i in (7, 150)]
    result = synthetic(n, problems=flagged)
    parts = {}
    for fast in (True, False):
        monkeypatch.setattr(rowxml, "FAST", fast)
        with zipfile.ZipFile(write_xlsx.write_workbook(result, tmp_path / f"{fast}.xlsx")) as archive:
            parts[fast] = {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}  # its time
    assert parts[True].keys() == parts[False].keys()
    for name, data in parts[True].items():
        assert data == parts[False][name], name
    units = parts[True]["xl/worksheets/sheet2.xml"]
    assert units.count(b"<row ") == n + 2 and b"<c r=" in units
