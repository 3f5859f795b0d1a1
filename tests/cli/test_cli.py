"""The command line, as staff and officers use it."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.constants import FINDINGS_COLUMNS, META_PERIOD, META_PREFIX, TOTALS_COLUMNS, VALUES_COLUMNS
from pipeline.core.errors import Msg
from tests.conftest import message_fields


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_templates_writes_one_file_per_unit(tmp_path):
    result = _run("templates", "--period", "2024", "--deadline", "15/11/2024", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert len(files) == 8 and files[0].startswith("03386_")
    assert result.output.strip().endswith(f"Đã tạo 8 biểu mẫu trong {tmp_path}.")


def test_check_good_return(sample_dir):
    result = _run("check", sample_dir / "03386_Phuong_Quyet_Thang.xlsx")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "03386_Phuong_Quyet_Thang.xlsx (03386 – Phường Quyết Thắng, năm 2023)"
    assert result.output.splitlines()[-1] == "Đã kiểm tra 1 tệp: không có lỗi."


def test_check_bad_return_exits_1_and_names_the_cell(make_return, tmp_path):
    path = make_return("03386", {"MEDIATORS": "sáu mươi lăm"}, folder=tmp_path / "x")
    result = _run("check", path)
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    expected = [line for line in lines if line.startswith("[Lỗi]")]
    assert len(expected) == 1
    cell = expected[0].split("!")[1].split("]")[0]
    message = Msg.VALUE_002.render(where=f"03386.xlsx › Báo cáo!{cell}", value="sáu mươi lăm", code="MEDIATORS", label="Hòa giải viên")
    assert expected[0] == f"[Lỗi] {message}"
    assert lines[-1] == "Đã kiểm tra 1 tệp: 1 tệp có lỗi."


def test_check_period_and_not_a_workbook(sample_dir, tmp_path):
    fake = tmp_path / "anh.xlsx"
    fake.write_bytes(b"\xff\xd8\xff\xe0JFIF")
    result = _run("check", sample_dir / "03386_Phuong_Quyet_Thang.xlsx", fake, "--period", "2024")
    assert result.exit_code == 1
    assert "năm 2023, không phải năm 2024" in result.output
    assert "anh.xlsx (không nhận ra đơn vị)" in result.output
    assert result.output.splitlines()[-1] == "Đã kiểm tra 2 tệp: 2 tệp có lỗi."


def _csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_consolidate_writes_outputs_and_exits_0(sample_dir, tmp_path):
    out = tmp_path / "out"
    result = _run("consolidate", sample_dir, "--out", out)
    assert result.exit_code == 0, result.output
    assert _csv(out / "totals.csv")[0] == TOTALS_COLUMNS
    assert ["POOR_FUND_TOTAL", "all", "862796456"] in _csv(out / "totals.csv")
    assert _csv(out / "values.csv")[0] == VALUES_COLUMNS
    findings = _csv(out / "findings.csv")
    assert findings[0] == FINDINGS_COLUMNS
    assert any(row[0] == "warning" and row[1] == "R04" and row[2] == "all" and "118.491.896" in row[-1] for row in findings)
    assert (out / "tong_hop.xlsx").is_file()
    assert "đã nhận 8/8 đơn vị" in result.output
    assert not list(out.glob("*.tmp"))


@pytest.mark.slow
def test_consolidate_strict_exits_1_on_errors(sample_dir, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "a.xlsx").write_bytes((sample_dir / "03386_Phuong_Quyet_Thang.xlsx").read_bytes())
    assert _run("consolidate", partial, "--out", tmp_path / "o1").exit_code == 0
    result = _run("consolidate", partial, "--out", tmp_path / "o2", "--strict")
    assert result.exit_code == 1
    assert "Chưa nộp: 105 Thành phố Lai Châu" in result.output


def test_consolidate_nothing_usable_exits_2_saying_why_file_by_file(tmp_path, returns_dir):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run("consolidate", empty, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "ở trên" not in result.output
    fields = message_fields(Msg.FILE_005, result.output.strip().removeprefix("Lỗi: "))
    assert fields["where"] == str(empty) and fields["reasons"] == "thư mục không có tệp nào"
    (empty / "x.pdf").write_bytes(b"%PDF-1.4")
    result = _run("consolidate", empty, "--out", tmp_path / "o")
    fields = message_fields(Msg.FILE_005, result.output.strip().removeprefix("Lỗi: "))
    assert result.exit_code == 2 and fields["reasons"].startswith("01 tệp “") and fields["reasons"].endswith("(x.pdf)")
    result = _run("consolidate", tmp_path / "khong_co", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "Lỗi: Không tìm thấy thư mục" in result.output


def test_consolidate_a_folder_of_another_year_names_the_year(tmp_path, returns_dir):
    result = _run("consolidate", returns_dir, "--period", "2024", "--out", tmp_path / "o")
    assert result.exit_code == 2 and result.output.count("\n") == 1  # one message, nothing above it
    fields = message_fields(Msg.FILE_005, result.output.strip().removeprefix("Lỗi: "))
    count = len(list(returns_dir.glob("*.xlsx")))
    assert fields["period"] == "năm 2024"
    assert fields["reasons"].startswith(f"{count:02d} tệp là báo cáo năm 2023, không phải năm 2024 (")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "msg", "value"),
    [
        (("templates", "--period", "abc"), Msg.PERIOD_001, "abc"),
        (("templates", "--period", "2024", "--deadline", "31/02/2024"), Msg.PERIOD_002, "31/02/2024"),
        (("templates", "--deadline", "tomorrow"), Msg.PERIOD_002, "tomorrow"),
        (("check", "--period", "2024-H3", "FILE"), Msg.PERIOD_001, "2024-H3"),
        (("consolidate", "DIR", "--period", "năm ngoái"), Msg.PERIOD_001, "năm ngoái"),
    ],
)
def test_bad_period_or_deadline_exits_2_in_vietnamese(tmp_path, returns_dir, args, msg, value):
    some_file = next(returns_dir.glob("*.xlsx"))
    args = [some_file if a == "FILE" else returns_dir if a == "DIR" else a for a in args]
    result = _run(*args, "--out", tmp_path / "o") if args[0] != "check" else _run(*args)
    assert result.exit_code == 2
    assert result.output.strip() == "Lỗi: " + msg.render(value=value)
    assert not (tmp_path / "o").exists()


def test_templates_without_period_are_for_the_current_year_and_say_so(tmp_path):
    result = _run("templates", "--out", tmp_path / "t")
    year = date.today().year
    assert result.exit_code == 0
    assert f"Kỳ báo cáo: năm {year} (chưa chọn --period nên lấy năm hiện tại)" in result.output
    assert {p.name for p in (tmp_path / "t").iterdir()}  # written
    meta = openpyxl.load_workbook(next((tmp_path / "t").glob("*.xlsx"))).custom_doc_props
    assert meta[META_PREFIX + META_PERIOD].value == str(year)


def test_bad_form_definition_exits_2(tmp_path):
    (tmp_path / "form").mkdir()
    result = _run("templates", "--form", tmp_path / "form", "--out", tmp_path / "t")
    assert result.exit_code == 2 and result.output.startswith("Lỗi: [") and "form.csv" in result.output
