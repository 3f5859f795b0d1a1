"""Vietnamese everywhere a user reads: click's frame (help, usage errors, missing files), check on a
folder, sentences (small counts, zero parts), the appendix's date and properties, the rows of
"Đối soát" and the red fill of a rejected value on "Tổng hợp"."""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline import api
from pipeline.appendix.dating import STALE_DAYS, default_report_date
from pipeline.appendix.sentences import Figures, Sentence, render
from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.errors import Msg
from pipeline.core.sheetlayout import LINE_HEIGHT, lines_needed
from pipeline.form.period import Period, format_date
from pipeline.outputs.staging import write_outputs
from pipeline.validate.context import Context
from pipeline.workbook.book import write_workbook
from pipeline.workbook.formats import ERROR_FILL
from pipeline.workbook.review import SHEET_RELATIONS, TABLE_HEADER_ROW
from tests.workbook.test_write_xlsx import fill, totals_cell

ENGLISH_FRAME = ("Usage:", "Options:", "Commands:", "Error:", "Show this message", "Try '", "does not exist", "No such", "Missing argument")


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="tonghop")


def _usage_error(result, command: str, message: str) -> None:
    """Exit 2, the usage line, ``Lỗi: …`` and the hint to the command's help; no English."""
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Cách dùng: {command} [TÙY_CHỌN]")
    assert lines[1:] == [f"Lỗi: {message}", Msg.CLI_009.render(command=command)]
    assert not [w for w in ENGLISH_FRAME if w in result.output]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["consolidate"],
        ["report"],
        ["templates"],
        ["demo"],
        ["serve"],
        ["round"],
        *(["round", c] for c in ("create", "links", "add", "status", "consolidate")),
    ],
)
def test_help_is_vietnamese(args):
    result = _run(*args, "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Cách dùng: {' '.join(['tonghop', *args])} [TÙY_CHỌN]")
    assert "Tùy chọn:" in result.output and "Hiện hướng dẫn này rồi thoát." in result.output
    assert not [w for w in (*ENGLISH_FRAME, "TEXT", "INTEGER", "FLOAT", "DIRECTORY", "FILE", "default:") if w in result.output]


def test_version_is_vietnamese():
    result = _run("--version")
    assert result.exit_code == 0 and "phiên bản" in result.output and "version" not in result.output


def test_missing_file(tmp_path):
    missing = tmp_path / "không có.xlsx"
    reason = Msg.CLI_010.render(kind="tệp hoặc thư mục", path=str(missing))
    _usage_error(_run("check", missing), "tonghop check", Msg.CLI_005.render(name="TỆP_HOẶC_THƯ_MỤC", reason=reason))


def test_file_given_for_a_folder_and_the_reverse(tmp_path):
    file = tmp_path / "a.csv"
    file.write_text("x", encoding="utf-8")
    reason = Msg.CLI_012.render(path=str(file))
    _usage_error(_run("report", file), "tonghop report", Msg.CLI_005.render(name="THƯ_MỤC", reason=reason))
    reason = Msg.CLI_011.render(path=str(tmp_path))
    _usage_error(
        _run("consolidate", tmp_path, "--units", tmp_path), "tonghop consolidate", Msg.CLI_005.render(name="--units", reason=reason)
    )


def test_unknown_option_suggests_the_close_one(tmp_path):
    message = Msg.CLI_001.render(option="--peroid", suggestion=" (có phải là --period, --prior?)")
    _usage_error(_run("consolidate", tmp_path, "--peroid", "2023"), "tonghop consolidate", message)


def test_missing_argument_extra_argument_and_option_value(tmp_path):
    _usage_error(_run("consolidate"), "tonghop consolidate", Msg.CLI_004.render(name="THƯ_MỤC"))
    _usage_error(_run("check"), "tonghop check", Msg.CLI_004.render(name="TỆP_HOẶC_THƯ_MỤC"))  # no "..." in the sentence
    _usage_error(_run("consolidate", tmp_path, "thừa"), "tonghop consolidate", Msg.CLI_007.render(extra="'thừa'"))
    _usage_error(_run("consolidate", tmp_path, "--period"), "tonghop consolidate", Msg.CLI_002.render(option="--period", metavar="KỲ"))
    _usage_error(_run("consolidate", tmp_path, "--strict=1"), "tonghop consolidate", Msg.CLI_003.render(option="--strict"))


def test_number_out_of_range_and_unknown_command(tmp_path):
    reason = Msg.CLI_014.render(value="99", what="một số nguyên", range="từ 1 đến 64")
    _usage_error(_run("consolidate", tmp_path, "--jobs", "99"), "tonghop consolidate", Msg.CLI_005.render(name="--jobs", reason=reason))
    commands = ", ".join(sorted(cli.commands))
    result = _run("consolid")
    assert result.exit_code == 2 and f"Lỗi: {Msg.CLI_006.render(command='consolid', commands=commands)}" in result.output


def test_check_on_a_folder_checks_every_return_inside(sample_dir, tmp_path):
    folder = tmp_path / "nhan_ve"
    shutil.copytree(sample_dir, folder / "zalo")
    (folder / "zalo" / "~$03386_Phuong_Quyet_Thang.xlsx").write_bytes(b"lock")  # an Office lock file: skipped
    returns = sorted(p.relative_to(sample_dir).as_posix() for p in sample_dir.rglob("*.xlsx"))
    result = _run("check", folder, "--period", "2023")
    assert result.exit_code == 0, result.output
    checked = [line.rsplit(" (", 1)[0] for line in result.output.splitlines() if line.endswith("năm 2023)")]
    assert sorted(checked) == sorted(f"zalo/{name}" for name in returns)
    assert result.output.splitlines()[-1] == f"Đã kiểm tra {len(returns)} tệp: không có lỗi."


def test_check_on_an_empty_folder(tmp_path):
    result = _run("check", tmp_path)
    assert (result.exit_code, result.output.strip()) == (2, "Lỗi: " + Msg.CLI_015.render(where=str(tmp_path)))


# Sentences ------------------------------------------------------------------------------


def test_every_small_count_has_two_digits_money_never(form):
    totals = {("DOCS_ISSUED", "city"): 7, ("DOCS_ISSUED", "all"): 12, ("CONFERENCES", "all"): 0, ("POOR_FUND_LOCAL", "all"): 5}
    prior = {("DOCS_ISSUED", "all"): 9}
    pattern = "{DOCS_ISSUED@city}/{DOCS_ISSUED} văn bản, {DOCS_ISSUED~change}, trước {DOCS_ISSUED~prior}; {CONFERENCES}; {POOR_FUND_LOCAL} đồng; {DOCS_ISSUED@city:01}"
    text = render(Sentence("x", "I", pattern), Figures(form, "2023", totals, prior, "2022")).text
    assert text == "07/12 văn bản, tăng 03 văn bản, trước 09; 0; 5 đồng; 7"


def test_zero_parts_are_left_out_of_an_enumeration(form):
    totals = {("DOCS_PLAN", "all"): 2, ("DOCS_GUIDE", "all"): 0, ("DOCS_LETTER", "all"): 7, ("DOCS_NOTICE", "all"): 0}
    figures = Figures(form, "2023", totals)
    pattern = "Ban hành (trong đó: {DOCS_PLAN} kế hoạch, {DOCS_GUIDE} hướng dẫn, {DOCS_LETTER} công văn, {DOCS_NOTICE} thông báo)."
    assert render(Sentence("x", "I", pattern), figures).text == "Ban hành (trong đó: 02 kế hoạch, 07 công văn)."
    kept = pattern.replace("{DOCS_GUIDE}", "{DOCS_GUIDE!}")
    assert render(Sentence("x", "I", kept), figures).text == "Ban hành (trong đó: 02 kế hoạch, 0 hướng dẫn, 07 công văn)."
    nothing = Figures(form, "2023", dict.fromkeys(totals, 0))
    assert render(Sentence("x", "I", pattern), nothing).text == "Ban hành."


def test_sources_separated_by_semicolons(form):
    totals = {("POOR_FUND_TOTAL", "all"): 10, ("POOR_FUND_CENTRAL", "all"): 0, ("POOR_FUND_PROVINCE", "all"): 10}
    pattern = "{POOR_FUND_TOTAL} đồng (trong đó: Trung ương, tỉnh {POOR_FUND_CENTRAL} đồng; tỉnh {POOR_FUND_PROVINCE} đồng)"
    assert render(Sentence("x", "I", pattern), Figures(form, "2023", totals)).text == "10 đồng (trong đó: tỉnh 10 đồng)"


# The appendix's date and properties ---------------------------------------------------------


def test_default_date():
    year = Period.parse("2023")
    soon = date(2024, 1, 20)
    assert default_report_date(year, None, soon).day == soon
    late = date(2026, 12, 1)
    dated = default_report_date(year, None, late)
    assert dated.day == date(2023, 12, 31)
    assert dated.why == Msg.CLI_019.render(day="31/12/2023", period="năm 2023", today=format_date(late), days=STALE_DAYS)
    deadline = date(2023, 11, 15)
    assert default_report_date(year, deadline, late).day == deadline
    assert default_report_date(year, deadline, date(2023, 11, 20)).day == date(2023, 11, 20)


def test_report_says_its_date_and_the_committee_is_the_author(sample_dir, form, units, tmp_path):
    out = tmp_path / "out"
    write_outputs(consolidate_folder(sample_dir, Context.of(form, units)), out)
    run = api.write_report(out, today=date(2026, 12, 1))
    assert run.date.day == date(2023, 12, 31)
    props = Document(str(run.path)).core_properties
    assert props.author == form.committee != "python-docx"
    assert form.title_for() in props.title
    result = _run("report", out, "--date", "20/11/2023")
    assert result.output.splitlines()[0] == Msg.CLI_016.render(day="20/11/2023")


# The consolidated workbook ---------------------------------------------------------------------


def test_rows_of_the_relations_sheet_fit_their_text(sample_dir, form, units, tmp_path):
    ws = openpyxl.load_workbook(write_workbook(consolidate_folder(sample_dir, Context.of(form, units)), tmp_path / "t.xlsx"))[
        SHEET_RELATIONS
    ]
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHIJKL"}
    checked = set()
    for row in ws.iter_rows(min_row=TABLE_HEADER_ROW + 2):
        if row[1].value not in ("R04", "R15"):
            continue
        lines = max(lines_needed(str(c.value), widths[c.column_letter]) for c in row if isinstance(c.value, str))
        height = ws.row_dimensions[row[0].row].height or LINE_HEIGHT + 3
        assert height >= lines * LINE_HEIGHT, (row[1].value, row[0].row, lines, height)
        checked.add(row[1].value)
        # the R15 message (100 characters) takes 3 lines of the 44-wide column in LibreOffice's print
        assert row[1].value != "R15" or lines_needed(str(row[11].value), widths["L"]) >= 3
    assert checked == {"R04", "R15"}


def test_a_rejected_value_fills_its_totals_red(make_return, form, units, sample_dir, tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(sample_dir, folder)
    for old in folder.glob("03386*"):
        old.unlink()
    make_return("03386", {"MEDIATORS": "nhiều"}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units))
    book = openpyxl.load_workbook(write_workbook(result, tmp_path / "t.xlsx"))
    level = form.level_label(next(u.level for u in units if u.code == "03386"))
    for header in (level, "Tổng cộng"):
        cell = totals_cell(book, "MEDIATORS", header)
        assert fill(cell) == ERROR_FILL[1:] and "nhiều" in cell.comment.text
    assert fill(totals_cell(book, "MEDIATORS", form.level_label("city"))) != ERROR_FILL[1:]
