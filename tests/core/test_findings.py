"""Findings: nothing is dropped. File findings of one type beyond a limit are listed as one
summary finding, and every count shown (terminal, workbook, run.json, appendix) is exact."""

from __future__ import annotations

import json
import os
import re
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import cli
from pipeline.core import settings
from pipeline.core.constants import Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Findings, problem
from pipeline.core.vnformat import format_number
from pipeline.outputs.csvfiles import read_frame
from tests.conftest import message_fields

JUNK = 2500  # photos and notes saved into the returns folder from Zalo
LOCKS = 30  # lock files left by Excel
LINKS = 12  # shortcuts to returns: listed one by one (under the limit)


@pytest.fixture(scope="module")
def crowded(sample_dir, tmp_path_factory):
    """The sample's 8 returns among thousands of files that are not returns."""
    folder = tmp_path_factory.mktemp("crowded")
    for path in sample_dir.iterdir():
        shutil.copy(path, folder / path.name)
    for i in range(JUNK):
        (folder / f"zalo_{i:05d}.jpg").write_bytes(b"\xff\xd8\xff\xe0 not much of a photo")
    for i in range(LOCKS):
        (folder / f"~$bao_cao_{i:02d}.xlsx").write_bytes(b"lock")
    first = sorted(sample_dir.iterdir())[0]
    for i in range(LINKS):
        os.symlink(first, folder / f"loi_tat_{i:02d}.xlsx")
    out = tmp_path_factory.mktemp("out")
    done = CliRunner().invoke(cli, ["consolidate", str(folder), "--out", str(out), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    return out, done.output


@pytest.mark.slow
def test_rule_findings_and_counts_survive_thousands_of_junk_files(crowded):
    out, terminal = crowded
    findings = read_frame(out / "findings.csv")
    assert len(findings[findings["rule"] == "R04"]) == 3  # the unit, the city level, the total
    (junk,) = findings[findings["rule"] == Msg.FILE_001.slug].itertuples()
    fields = message_fields(Msg.FILE_016, junk.message)
    assert (fields["count"], fields["label"], fields["list_file"]) == (format_number(JUNK), Msg.FILE_001.label, "files.csv")
    (locks,) = findings[findings["rule"] == Msg.FILE_002.slug].itertuples()
    assert (locks.severity, message_fields(Msg.FILE_016, locks.message)["count"]) == ("info", str(LOCKS))
    assert (findings["rule"] == Msg.FILE_009.slug).sum() == LINKS

    files = read_frame(out / "files.csv")
    assert (files["status"] == "rejected").sum() == JUNK + LOCKS + LINKS and (files["status"] == "used").sum() == 8
    assert files.loc[files["file"] == "zalo_00042.jpg", "note"].str.contains("ảnh JPEG").all()

    warnings, infos = JUNK + LINKS + 3, LOCKS + 12
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["summary"] == {"error": 0, "warning": warnings, "info": infos}
    assert f"Phát hiện: 0 lỗi, {format_number(warnings)} cảnh báo, {format_number(infos)} thông tin." in terminal.splitlines()
    listed = [line for line in terminal.splitlines() if line.startswith("  [")]
    assert sum("R04:" in line for line in listed) == 3
    shown = sum(_represents(line) for line in listed)
    (more,) = re.findall(r"… và ([\d.]+) vấn đề khác", terminal)
    assert int(more.replace(".", "")) == warnings - shown

    ws = openpyxl.load_workbook(out / "tong_hop.xlsx", read_only=True)["Các vấn đề"]
    note = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert note.startswith(f"0 lỗi, {format_number(warnings)} cảnh báo, {format_number(infos)} thông tin;")


def _represents(line: str) -> int:
    fields = message_fields(Msg.FILE_016, line.split("] ", 1)[1])
    return int(fields["count"].replace(".", "")) if fields else 1


def test_appendix_lists_the_r04_warning_and_the_junk_in_one_item(crowded):
    out, _ = crowded
    done = CliRunner().invoke(cli, ["report", str(out)])
    assert done.exit_code == 0, done.output
    text = "\n".join(p.text for p in Document(out / "phu_luc_so_lieu.docx").paragraphs)
    verify = text.split("SỐ LIỆU CẦN XÁC MINH", 1)[1].split("BIỂU ĐỒ", 1)[0]
    assert "R04" in verify or "Quỹ “Vì người nghèo”" in verify
    assert f"{format_number(JUNK)} tệp cùng loại" in verify and "zalo_00001.jpg" not in verify


def test_errors_rules_and_unit_findings_are_never_summarised():
    found = Findings(limit=2)
    files = [problem(Msg.FILE_001, Severity.WARNING, file=f"{i}.pdf", reason="tệp PDF") for i in range(5)]
    unit = [problem(Msg.META_004, Severity.WARNING, file=f"{i}.xlsx", unit_code=f"0{i}", found="2022", expected="2023") for i in range(5)]
    errors = [problem(Msg.FILE_001, Severity.ERROR, file=f"{i}.doc", reason="tệp Word") for i in range(5)]
    rule = problem(Msg.RELATION_001, Severity.WARNING, rule="R04", relation_id="R04", where="Tổng hợp", level="all")
    found.extend([*files, *unit, *errors, rule])
    listed = found.listed()
    assert listed[0].represents == 5 and listed[0].rule == Msg.FILE_001.slug and listed[0].type == Msg.FILE_016.slug
    assert listed[1:] == [*unit, *errors, rule]
    assert found.to_summary() == {"error": 5, "warning": 11, "info": 0}
    assert len(found.to_findings()) == 12


def test_the_limit_is_per_type_and_at_the_limit_nothing_is_summarised():
    found = Findings()
    found.extend(problem(Msg.FILE_002, Severity.INFO, file=f"~${i}.xlsx") for i in range(settings.LIMIT_FILE_FINDINGS))
    assert found.listed() == found.problems
