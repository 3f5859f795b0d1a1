"""Which of a unit's returns is used: two returns that nothing orders (a file downloaded twice),
and a consolidation this committee forwarded upwards, kept in the returns folder."""

from __future__ import annotations

import os
import shutil
from datetime import datetime

import pytest

from pipeline import api
from pipeline.appendix.notices import notice_text, unit_notices
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import FileStatus, Severity
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_vn_time
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


def test_two_returns_that_cannot_be_ordered_are_named_with_the_figures_that_differ(returns_dir, make_return, form, units):
    _twice(returns_dir, make_return, {"VOTER_MEETINGS": "9", "LEGAL_SESSIONS": "30"}, {"VOTER_MEETINGS": "7"})
    result = consolidate_folder(returns_dir, form, units)
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == (FIRST, SECOND)  # the documented rule: the name that sorts last
    (warning,) = _of(result, Msg.FILE_040)
    assert (warning.severity, warning.file, warning.unit_code) == (Severity.WARNING, FIRST, "03386")
    fields = message_fields(Msg.FILE_040, warning.message)
    assert (fields["used"], fields["other"], fields["count"]) == (FIRST, SECOND, "2")
    assert fields["changes"] == "VOTER_MEETINGS 9 / 7; LEGAL_SESSIONS 30 / 33"
    assert fields["saved"] == format_vn_time(datetime.fromisoformat(SAVED.replace("Z", "+00:00")))
    assert not [p for p in _of(result, Msg.FILE_004) if p.unit_code == "03386"]  # never "thay bằng tệp mới hơn"
    assert _used(result, "03386", "VOTER_MEETINGS") == [9]
    notice = next(n for n in unit_notices(result) if n.unit.code == "03386")  # the unit is asked too
    text = notice_text(notice, result)
    assert SECOND in text and fields["changes"] in text


def test_a_plain_duplicate_is_information_and_never_called_newer(returns_dir, make_return, form, units):
    typed = {"VOTER_MEETINGS": "9", "DOCS_ISSUED": "một trăm"}  # the same error in both copies
    _twice(returns_dir, make_return, typed, typed)
    result = consolidate_folder(returns_dir, form, units)
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
    result = consolidate_folder(returns_dir, form, units)
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
def test_a_forwarded_consolidation_of_a_unit_below_is_a_return(tmp_path, sample_dir):
    """The province receives the city's forwarded file: a return like any other (``test_forward``),
    never an ``own-forward``."""
    out = api.consolidate(sample_dir, period="2023", out=tmp_path / "tp")[1]
    province = province_templates(tmp_path / "tinh")
    received = tmp_path / "tinh_nhan"
    api.forward(out, template=province.templates["105"], out=received / "105.xlsx")
    result, _ = api.consolidate(received, form_path=province.form, units_path=province.units, period="2023", out=tmp_path / "t")
    assert not _of(result, Msg.META_022) and result.submissions.set_index("unit_code").loc["105", "status"] == "received"
