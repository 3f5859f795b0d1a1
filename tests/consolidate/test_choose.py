"""Which of a unit's returns is used: two returns that nothing orders (a file downloaded twice),
and a consolidation this committee forwarded upwards, kept in the returns folder."""

from __future__ import annotations

import os
import shutil
from datetime import datetime

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.appendix.notice_files import NOTICES_DIR
from pipeline.appendix.notices import unit_notices
from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import FORWARD_REPORT_SUFFIX as REPORT_SUFFIX
from pipeline.core.constants import FileStatus, Severity
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.core.wording import plain_words
from pipeline.sample import EXAMPLES, sample_values
from pipeline.validate.context import Context
from tests.conftest import message_fields, set_saved_time
from tests.forward.test_forward import province_templates

FIRST, SECOND = "BC Quyết Thắng.xlsx", "BC Quyết Thắng (1).xlsx"  # a browser's name for the second download
SAVED = "2023-11-10T08:00:00Z"


def _twice(returns_dir, make_return, first: dict, second: dict):
    """Phường Quyết Thắng's return downloaded twice: same saved time, same file time."""
    (returns_dir / "03386_Phuong_Quyet_Thang.xlsx").unlink()
    paths = [make_return("03386", changes, name=name, folder=returns_dir) for name, changes in ((FIRST, first), (SECOND, second))]
    for path in paths:
        set_saved_time(path, SAVED)
        os.utime(path, (1_700_000_000, 1_700_000_000))
    return paths


def _used(result, unit: str, code: str) -> list:
    values = result.values
    return values[(values["unit_code"] == unit) & (values["code"] == code)]["value"].tolist()


def _of(result, msg: Msg):
    return [p for p in result.findings.problems if p.type == msg.slug]


def _cell(result, unit: str, code: str) -> str:
    values = result.values
    return values[(values["unit_code"] == unit) & (values["code"] == code)]["cell"].iloc[0]


def test_two_returns_that_cannot_be_ordered_are_named_with_the_figures_that_differ(returns_dir, make_return, form, units):
    _twice(returns_dir, make_return, {"VOTER_MEETINGS": "9", "LEGAL_SESSIONS": "30"}, {"VOTER_MEETINGS": "7"})
    result = consolidate_folder(returns_dir, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == (FIRST, SECOND)  # the documented rule: the name that sorts last
    (warning,) = _of(result, Msg.FILE_040)
    assert (warning.severity, warning.file, warning.unit_code) == (Severity.WARNING, FIRST, "03386")
    fields = message_fields(Msg.FILE_040, warning.message)
    assert (fields["used"], fields["other"], fields["count"]) == (FIRST, SECOND, "2")
    label = {code: form.indicators[code].display_label for code in ("VOTER_MEETINGS", "LEGAL_SESSIONS")}
    cell = {code: _cell(result, "03386", code) for code in label}
    office = [f"{label[c]} ({c}, ô {cell[c]}): {a} / {b}" for c, a, b in (("VOTER_MEETINGS", 9, 7), ("LEGAL_SESSIONS", 30, 33))]
    assert fields["changes"] == "; ".join(office)  # by label, the code in parentheses for the office
    assert fields["saved"] == format_vn_time(datetime.fromisoformat(SAVED.replace("Z", "+00:00")))
    assert not [p for p in _of(result, Msg.FILE_004) if p.unit_code == "03386"]  # never "thay bằng tệp mới hơn"
    assert _used(result, "03386", "VOTER_MEETINGS") == [9]


def test_the_unit_is_asked_which_figures_are_right_by_label_and_cell(returns_dir, make_return, form, units, tmp_path):
    """Quyết Thắng's return downloaded twice, differing in two cells: its notice (``thong_bao/``)
    asks the ward which figures are right, naming each indicator by its label and cell; the
    office's advice (take a file out of the folder) and the codes stay in the office's message."""
    _twice(returns_dir, make_return, {"POOR_FUND_TOTAL": "12500000", "VOTER_MEETINGS": "9"}, {"POOR_FUND_TOTAL": "15000000"})
    result, out = api.consolidate(returns_dir, period="2023", out=tmp_path / "output")
    (warning,) = _of(result, Msg.FILE_040)
    (notice,) = [path for path in (out / NOTICES_DIR).glob("03386_*.txt")]
    text = notice.read_text(encoding="utf-8-sig")
    before = format_number(int(sample_values()["03386"]["VOTER_MEETINGS"]))
    differ = {"VOTER_MEETINGS": ("9", before), "POOR_FUND_TOTAL": ("12.500.000", "15.000.000")}
    figures = "; ".join(
        f"ô {_cell(result, '03386', code)} – {form.indicators[code].display_label}: {differ[code][0]} / {differ[code][1]}"
        for code in form.indicators
        if code in differ
    )
    plain = plain_words(Msg.FILE_040, used=FIRST, other=SECOND, count="2", figures=figures)
    assert warning.plain == plain and plain in text.replace("\r\n", "\n")
    office = message_fields(Msg.FILE_040, warning.message)
    assert "POOR_FUND_TOTAL" in office["changes"] and "12.500.000 / 15.000.000" in office["changes"]
    assert "POOR_FUND_TOTAL" not in text and "VOTER_MEETINGS" not in text
    assert "ra khỏi thư mục" not in text and "Hãy hỏi lại đơn vị" not in text  # the office's advice is not the unit's


def test_a_plain_duplicate_is_information_and_never_called_newer(returns_dir, make_return, form, units):
    typed = {"VOTER_MEETINGS": "9", "DOCS_ISSUED": "một trăm"}  # the same error in both copies
    _twice(returns_dir, make_return, typed, typed)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert not _of(result, Msg.FILE_040) and not [p for p in _of(result, Msg.FILE_004) if p.unit_code == "03386"]
    (duplicate,) = _of(result, Msg.FILE_041)
    assert (duplicate.severity, duplicate.file) == (Severity.INFO, SECOND)
    assert message_fields(Msg.FILE_041, duplicate.message)["used"] == FIRST
    assert result.received == 8 and _used(result, "03386", "VOTER_MEETINGS") == [9]  # counted once
    # the copy's own findings stay information at their place, without claiming it is older
    copied = [p for p in result.findings.problems if p.file == SECOND and p.type != Msg.FILE_041.slug]
    assert [(p.type, p.severity, p.cell) for p in copied] == [(Msg.FILE_042.slug, Severity.INFO, _error_cell(result, FIRST))]
    assert message_fields(Msg.FILE_042, copied[0].message)["used"] == FIRST


def _error_cell(result, file: str) -> str:
    (error,) = [p for p in result.findings.problems if p.file == file and p.severity == Severity.ERROR and p.code == "DOCS_ISSUED"]
    return error.cell


def test_returns_of_different_saved_times_are_still_superseded(returns_dir, make_return, form, units):
    first, second = _twice(returns_dir, make_return, {"VOTER_MEETINGS": "9"}, {"VOTER_MEETINGS": "7"})
    set_saved_time(second, "2023-11-12T08:00:00Z")  # the "(1)" copy is a later save: it is newer
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.submissions.set_index("unit_code").loc["03386", "file"] == SECOND
    assert not _of(result, Msg.FILE_040) and [p.file for p in _of(result, Msg.FILE_004) if p.unit_code == "03386"] == [FIRST]


# A forwarded consolidation back in the returns folder ------------------------------------------


@pytest.mark.slow
def test_own_forwarded_consolidation_in_the_returns_folder_is_not_a_return(sample_dir, tmp_path):
    """Demo consolidation → forwarded into the province's template → the office keeps ``gửi tỉnh/``
    inside the returns folder → consolidated again: the same totals, and an ``own-forward`` warning."""
    returns = shutil.copytree(sample_dir, tmp_path / "bao_cao")
    before, out = api.consolidate(returns, period="2023", out=tmp_path / "lan_1")
    province = province_templates(tmp_path / "tinh")
    sent = api.forward(out, template=province.templates["105"], out=returns / "gửi tỉnh" / "105_Thanh_pho_Lai_Chau.xlsx")
    after, _ = api.consolidate(returns, period="2023", out=tmp_path / "lan_2")
    shown = "gửi tỉnh/105_Thanh_pho_Lai_Chau.xlsx"
    assert sent.path.is_file() and after.total("POOR_FUND_TOTAL") == before.total("POOR_FUND_TOTAL") == 862_796_456
    assert after.totals.equals(before.totals)
    sub = after.submissions.set_index("unit_code").loc["105"]
    assert (sub.file, sub.superseded) == (before.submissions.set_index("unit_code").loc["105", "file"], "")
    (warning,) = _of(after, Msg.META_022)
    fields = message_fields(Msg.META_022, warning.message)
    assert (warning.severity, warning.file, warning.unit_code) == (Severity.WARNING, shown, "")
    assert (fields["committee_code"], fields["note"]) == ("105", sent.note)
    assert not [p for p in after.findings.problems if p.file == shown and p.type != Msg.META_022.slug]  # no level-mismatch
    files = after.files.set_index("file")
    assert (files.loc[shown, "status"], files.loc[shown, "note"]) == (FileStatus.REJECTED, warning.message)
    assert not [n for n in unit_notices(after) if n.unit.code == "105" and shown in n.files]


@pytest.mark.slow
def test_own_forward_on_the_province_own_form_and_its_report_are_recognised(sample_dir, tmp_path):
    """The province sends templates made on its own form (another form id); the city forwards its
    consolidation into it and keeps ``gửi tỉnh/`` (the return and forward's ``_ghi_chu.csv``) in
    its returns folder, then consolidates its communes on the bundled form again: the forward is an
    ``own-forward`` warning, not a form mismatch; the report is named as forward's, not a
    workbook to send again; no notice is addressed to the committee about either."""
    units = tmp_path / "tinh.csv"
    units.write_text("code,name,level\n12,Tỉnh Lai Châu,province\n105,Thành phố Lai Châu,communes\n106,Huyện Tam Đường,communes\n")
    example = EXAMPLES["tinh-lai-chau-2025"]
    made = api.make_templates(form_path=example.form_dir, units_path=units, period="2023", out=tmp_path / "bieu_mau_tinh")
    template = next(p for p in made.paths if p.name.startswith("105_"))
    returns = shutil.copytree(sample_dir, tmp_path / "returns")
    before, out = api.consolidate(returns, period="2023", out=tmp_path / "lan_1")
    sent = CliRunner().invoke(cli, ["forward", str(out), "--template", str(template), "--out", str(returns / "gửi tỉnh" / "105.xlsx")])
    assert sent.exit_code == 0 and (returns / "gửi tỉnh" / f"105{REPORT_SUFFIX}").is_file(), sent.output
    after, _ = api.consolidate(returns, period="2023", out=tmp_path / "lan_2")
    assert after.totals.equals(before.totals)
    (warning,) = _of(after, Msg.META_022)
    assert (warning.file, warning.unit_code, message_fields(Msg.META_022, warning.message)["committee_code"]) == (
        "gửi tỉnh/105.xlsx",
        "",
        "105",
    )
    (report,) = _of(after, Msg.FILE_050)
    assert (report.severity, report.file, report.unit_code) == (Severity.INFO, f"gửi tỉnh/105{REPORT_SUFFIX}", "")
    assert message_fields(Msg.FILE_050, report.message)["workbook"] == "105.xlsx"
    ours = [p for p in after.findings.problems if p.file.startswith("gửi tỉnh/")]
    assert sorted(p.type for p in ours) == sorted([Msg.META_022.slug, Msg.FILE_050.slug])  # no form mismatch, no not-a-workbook
    assert not [n for n in unit_notices(after) if {"gửi tỉnh/105.xlsx", f"gửi tỉnh/105{REPORT_SUFFIX}"} & set(n.files)]


@pytest.mark.slow
def test_a_forwarded_consolidation_of_a_unit_below_is_a_return(tmp_path, sample_dir):
    """The province receives the city's forwarded file: a return like any other (``test_forward``),
    never an ``own-forward``."""
    out = api.consolidate(sample_dir, period="2023", out=tmp_path / "tp")[1]
    province = province_templates(tmp_path / "tinh")
    received = tmp_path / "tinh_nhan"
    api.forward(out, template=province.templates["105"], out=received / "105.xlsx")
    result, _ = api.consolidate(received, form_path=province.form, units_path=province.units, period="2023", out=tmp_path / "t")
    assert not _of(result, Msg.META_022) and result.submissions.set_index("unit_code").loc["105", "status"] == "received"
