"""``tonghop report`` on a consolidation whose CSVs went through Excel on a Vietnamese Windows
(or a hand): read back to the same appendix whatever the encoding, separator or number format;
what was changed by hand (a total, a rounded ``8.63E+08``) is warned about on the terminal and in
"Số liệu cần xác minh"; a file that cannot be read is named with its line, never a traceback."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from docx import Document

from pipeline import api
from pipeline.cli import cli
from pipeline.core import settings
from pipeline.core.constants import TOTALS_CSV, VALUES_CSV
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.outputs.readback import read_back
from tests.conftest import message_fields
from tests.excelcsv import cp1258, excel_csv

CSVS = ("totals.csv", "values.csv", "findings.csv", "relations.csv", "comparison.csv", "submissions.csv", "files.csv")
DAY = "15/11/2023"
FIGURES = ("value", "lhs", "rhs", "difference", "prior", "change", "ratio")


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory, sample_dir):
    out = tmp_path_factory.mktemp("readback") / "out"
    api.consolidate(sample_dir, period="2023", out=out, prior_path=settings.SAMPLE_DIR / "prior_2022.csv")
    return out


@pytest.fixture(scope="module")
def appendix_text(consolidated, tmp_path_factory):
    return _docx_text(api.write_report(consolidated, out=tmp_path_factory.mktemp("docx") / "a.docx", when=DAY).path)


def _docx_text(path) -> list[str]:
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs] + [cell.text for table in doc.tables for row in table.rows for cell in row.cells]


def _rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _as_excel_vi(cell: str, grouped: bool) -> str:
    """A cell as a Vietnamese Excel shows it in General format (or ``#.##0``, ``grouped``): a
    number loses its leading zeros, ``,`` is its decimal mark, ``.`` groups thousands."""
    if re.fullmatch(r"-?\d+", cell):
        return format_number(int(cell)) if grouped else str(int(cell))
    if re.fullmatch(r"-?\d+\.\d+", cell):
        return format_number(float(cell), len(cell.split(".")[1])) if grouped else cell.replace(".", ",")
    return {"True": "TRUE", "False": "FALSE"}.get(cell, cell)


def _copy(consolidated, tmp_path):
    folder = tmp_path / "ket_qua"
    shutil.copytree(consolidated, folder)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "grouped"), [("ansi", False), ("ansi", True), ("utf8", True), ("unicode", False)])
def test_every_csv_resaved_by_a_vietnamese_excel_gives_the_same_appendix(consolidated, appendix_text, tmp_path, kind, grouped):
    folder = _copy(consolidated, tmp_path)
    for name in CSVS:
        rows = _rows(folder / name)
        figures = [grouped and column in FIGURES for column in rows[0]]  # the office formats the figures, not the codes
        excel_csv(folder / name, [rows[0], *([_as_excel_vi(c, g) for c, g in zip(row, figures, strict=True)] for row in rows[1:])], kind)
    assert "03386" in (consolidated / VALUES_CSV).read_text(encoding="utf-8")  # Excel dropped the zeros of the codes
    run = api.write_report(folder, out=tmp_path / "a.docx", when=DAY)
    assert run.warnings == ()
    assert _docx_text(run.path) == appendix_text


def test_a_hand_edited_total_in_scientific_notation_is_warned_about(consolidated, tmp_path):
    folder = _copy(consolidated, tmp_path)
    text = (folder / TOTALS_CSV).read_text(encoding="utf-8")
    exact = re.search(r"^POOR_FUND_TOTAL,all,(\d+)$", text, re.M)
    line = text[: exact.start()].count("\n") + 1
    (folder / TOTALS_CSV).write_text(text.replace(exact.group(0), "POOR_FUND_TOTAL,all,8.63E+08"), encoding="utf-8")

    result = CliRunner().invoke(cli, ["report", str(folder), "--date", DAY])
    assert result.exit_code == 0, result.output
    warnings = [w.message for w in read_back(folder).warnings]
    where = f"{TOTALS_CSV} › dòng {line}"
    rounded = message_fields(Msg.REPORT_017, warnings[0])
    assert (rounded["where"], rounded["text"], rounded["value"]) == (where, "8.63E+08", "863.000.000")
    levels = message_fields(Msg.REPORT_015, warnings[1])
    assert (levels["where"], levels["total"], levels["levels_sum"]) == (where, "863.000.000", format_number(int(exact.group(1))))
    values = message_fields(Msg.REPORT_016, warnings[2])
    assert (values["where"], values["total"], values["values_sum"]) == (where, "863.000.000", format_number(int(exact.group(1))))
    assert len(warnings) == 3
    for message in warnings:
        assert message in result.output  # on the terminal
    appendix = "\n".join(_docx_text(folder / "phu_luc_so_lieu.docx"))
    for message in warnings:
        assert message.split("] ", 1)[1] in appendix  # in "Số liệu cần xác minh"
    assert where in appendix


def test_a_unit_figure_changed_by_hand_differs_from_its_level_total(consolidated, tmp_path):
    folder = _copy(consolidated, tmp_path)
    rows = _rows(folder / VALUES_CSV)
    at = next(i for i, row in enumerate(rows) if row[1] == "POOR_FUND_TOTAL" and row[0] == "03386")
    rows[at][2] = str(int(rows[at][2]) + 1000)
    excel_csv(folder / VALUES_CSV, rows, "ansi")
    found = [message_fields(Msg.REPORT_016, w.message) for w in read_back(folder).warnings]
    assert [f["difference"] for f in found] == ["1.000", "1.000"]  # the communes' total and the grand total
    assert all(f["where"].startswith(TOTALS_CSV) for f in found)


@pytest.mark.parametrize(
    ("name", "data", "msg", "line"),
    [
        (VALUES_CSV, b"unit_code,code,value\r\n03386,A,\x00\x01", Msg.CSV_001, 2),
        (VALUES_CSV, "unit_code;code;value;file;sheet;cell\r\n03386;X;1;a;b;c\r\n".encode("utf-16")[:-1], Msg.CSV_003, 2),
        (TOTALS_CSV, cp1258("mã;cấp;giá trị\r\nX;all;1\r\n"), Msg.REPORT_011, 1),
        (TOTALS_CSV, b"code;level;value\r\nX;city;1\r\nX;all;862.796\r\n", Msg.REPORT_013, 3),
        (TOTALS_CSV, b"code;level;value\r\nX;all;15/11/2023\r\n", Msg.REPORT_012, 2),
        (TOTALS_CSV, b"code;level;value\r\n;;\r\n\r\nX;all;abc\r\n", Msg.REPORT_012, 4),  # blank rows counted
        (TOTALS_CSV, b"code;level;value\r\nX;all;1;note\r\nY;all;abc\r\n", Msg.REPORT_012, 3),  # a cell past the header
    ],
    ids=["binary-values", "utf16-cut", "columns-renamed", "reads-two-ways", "a-date", "after-blank-rows", "extra-cell"],
)
def test_a_file_that_cannot_be_read_is_named_with_its_line(consolidated, tmp_path, name, data, msg, line):
    folder = _copy(consolidated, tmp_path)
    (folder / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["report", str(folder), "--date", DAY])
    assert result.exit_code == 2 and result.output.startswith("Lỗi: "), result.output
    fields = message_fields(msg, result.output[len("Lỗi: ") :].rstrip("\n"))
    assert fields, result.output
    assert fields["where"] == str(folder / name) + (f" › dòng {line}" if line else "")
    assert "run.json" not in result.output and "codec" not in result.output and "Traceback" not in result.output


def test_figures_that_read_two_ways_are_read_where_the_file_says_which(consolidated, tmp_path):
    folder = _copy(consolidated, tmp_path)
    rows = _rows(folder / TOTALS_CSV)
    rows.append(["EXTRA", "all", "1.5"])  # a decimal point: the file's "." is no thousands mark
    rows.append(["EXTRA2", "all", "862.796"])
    excel_csv(folder / TOTALS_CSV, rows, "ansi")
    totals = read_back(folder).result.totals
    assert totals.set_index("code").loc["EXTRA2", "value"] == 862.796


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_totals_and_values_resaved_by_libreoffice_in_windows_1258(consolidated, appendix_text, tmp_path):
    """The real thing: LibreOffice opens the CSVs (codes as text) and saves them with ``;`` in
    Windows-1258 (filter options 59,34,40)."""
    folder = _copy(consolidated, tmp_path)
    profile = (tmp_path / "profile").as_uri()
    for name in (TOTALS_CSV, VALUES_CSV):
        source = tmp_path / "in" / name
        source.parent.mkdir(exist_ok=True)
        shutil.copy(folder / name, source)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--infilter=CSV:44,34,76,1",
             "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,40,1", "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    assert b";" in (folder / TOTALS_CSV).read_bytes().splitlines()[0]
    run = api.write_report(folder, out=tmp_path / "a.docx", when=DAY)
    assert run.warnings == () and _docx_text(run.path) == appendix_text
