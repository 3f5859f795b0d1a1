"""A return that names two units, or claims to be saved in the future: it is flagged, and it
never silently pushes a unit's genuine return aside."""

from __future__ import annotations

import os
import shutil

import openpyxl
import pytest

from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import META_PREFIX, META_SHEET, META_UNIT_CODE, META_UNIT_NAME
from pipeline.core.errors import Msg
from pipeline.ingest.extract import RawReturn, RawValue
from pipeline.ingest.recognise import reporting_unit
from pipeline.validate.checks import check_return
from pipeline.validate.context import Context
from tests.conftest import message_fields, set_saved_time

QUYET_THANG = "03386_Phuong_Quyet_Thang.xlsx"
TAN_PHONG = "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx"
NOV_1, NOV_10 = 1_698_825_600, 1_699_603_200  # 2023-11-01 and 2023-11-10, 08:00 UTC


def _identity(path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    return {row[0]: row[1] for row in book[META_SHEET].iter_rows(min_row=2, values_only=True)}


def _give_identity(path, identity: dict[str, str], *, sheet: bool = True, properties: bool = True) -> None:
    """Put another unit's identity into a return: what a file looks like when a unit's sheet
    was copied into its neighbour's file (``sheet`` and ``properties``), or when only one of
    the two places that carry the identity came from another file."""
    book = openpyxl.load_workbook(path)
    if sheet:
        for row in book[META_SHEET].iter_rows(min_row=2):
            if row[0].value in identity:
                row[1].value = identity[row[0].value]
    if properties:
        for prop in book.custom_doc_props:
            key = prop.name.removeprefix(META_PREFIX)
            if key in identity and identity[key]:
                prop.value = identity[key]
    book.save(path)


@pytest.fixture
def folder(returns_dir):
    """The sample, Phường Quyết Thắng's genuine return saved on 1 November."""
    set_saved_time(returns_dir / QUYET_THANG, "2023-11-01T08:00:00Z")
    os.utime(returns_dir / QUYET_THANG, (NOV_1, NOV_1))
    return returns_dir


def _borrowed(folder, name="03386_gui_lai.xlsx", **which) -> str:
    """Tân Phong's sheet under Quyết Thắng's identity, saved on 10 November (after the genuine one)."""
    target = folder / name
    shutil.copy(folder / TAN_PHONG, target)
    _give_identity(target, _identity(folder / QUYET_THANG), **which)
    set_saved_time(target, "2023-11-10T08:00:00Z")
    os.utime(target, (NOV_10, NOV_10))
    return name


def _of(result, msg):
    return [p for p in result.findings.problems if p.type == msg.slug]


def test_a_neighbours_sheet_under_a_units_identity_does_not_push_its_genuine_return_aside(folder, form, units, sample_dir):
    borrowed = _borrowed(folder)
    result = consolidate_folder(folder, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == (QUYET_THANG, borrowed)
    (warning,) = _of(result, Msg.META_011)
    assert (warning.severity, warning.file, warning.unit_code) == ("warning", borrowed, "03386")
    assert warning.message == Msg.META_011.render(
        where=borrowed, unit_code="03386", unit_name="Phường Quyết Thắng", heading="Phường Tân Phong"
    )
    genuine = consolidate_folder(sample_dir, Context.of(form, units))
    assert result.totals.equals(genuine.totals), "Tân Phong's figures are not counted twice"


def test_a_return_naming_another_unit_is_still_used_when_it_is_the_units_only_one(folder, form, units):
    borrowed = _borrowed(folder)
    (folder / QUYET_THANG).unlink()
    result = consolidate_folder(folder, Context.of(form, units))
    assert result.submissions.set_index("unit_code").loc["03386", "file"] == borrowed
    assert [p.file for p in _of(result, Msg.META_011)] == [borrowed]


def test_two_returns_both_naming_another_unit_go_by_their_saved_time(folder, form, units):
    first = _borrowed(folder, "b.xlsx")
    set_saved_time(folder / first, "2023-11-01T08:00:00Z")
    second = _borrowed(folder, "a.xlsx")
    (folder / QUYET_THANG).unlink()
    result = consolidate_folder(folder, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == (second, first)


def test_hidden_sheet_and_document_properties_naming_two_units_are_flagged(folder, form, units):
    """Only the hidden sheet came from Quyết Thắng's file: the properties still say Tân Phong."""
    borrowed = _borrowed(folder, properties=False)
    result = consolidate_folder(folder, Context.of(form, units))
    (warning,) = _of(result, Msg.META_012)
    assert (warning.severity, warning.file, warning.unit_code) == ("warning", borrowed, "03386")
    fields = message_fields(Msg.META_012, warning.message)
    assert (fields["unit_code"], fields["unit_name"]) == ("03386", "Phường Quyết Thắng")
    assert (fields["other_code"], fields["other_name"]) == ("03387", "Phường Tân Phong")
    assert result.submissions.set_index("unit_code").loc["03386", "file"] == QUYET_THANG


def test_document_properties_alone_naming_another_unit_are_flagged(folder, form, units):
    """The hidden sheet and the heading agree (Tân Phong's); the properties came from Quyết Thắng's file."""
    name = "tan_phong_lai.xlsx"
    shutil.copy(folder / TAN_PHONG, folder / name)
    _give_identity(folder / name, _identity(folder / QUYET_THANG), sheet=False)
    result = consolidate_folder(folder, Context.of(form, units))
    (warning,) = _of(result, Msg.META_012)
    fields = message_fields(Msg.META_012, warning.message)
    assert (warning.unit_code, fields["other_code"]) == ("03387", "03386")
    assert not _of(result, Msg.META_011)


def test_a_genuine_return_raises_no_identity_warning(sample_dir, form, units):
    result = consolidate_folder(sample_dir, Context.of(form, units))
    assert not _of(result, Msg.META_011) and not _of(result, Msg.META_012) and not _of(result, Msg.FILE_013)


def test_a_saved_time_in_the_future_does_not_win(folder, form, units):
    """A copy of the return with changed figures whose saved time says 2099 (a wrong clock, or
    an edited file), on disk since 5 November: the genuine return, saved on 10 November, stays."""
    set_saved_time(folder / QUYET_THANG, "2023-11-10T08:00:00Z")
    future = folder / "03386_2099.xlsx"
    shutil.copy(folder / QUYET_THANG, future)
    book = openpyxl.load_workbook(future)
    book.save(future)
    set_saved_time(future, "2099-01-01T00:00:00Z")
    os.utime(future, (NOV_1 + 4 * 86400, NOV_1 + 4 * 86400))
    result = consolidate_folder(folder, Context.of(form, units))
    assert result.submissions.set_index("unit_code").loc["03386", "file"] == QUYET_THANG
    (warning,) = _of(result, Msg.FILE_013)
    assert (warning.severity, warning.file, warning.unit_code) == ("warning", future.name, "03386")
    assert message_fields(Msg.FILE_013, warning.message)["saved"] == "01/01/2099 07:00"  # shown in Vietnam time


def test_a_saved_time_a_few_hours_ahead_is_trusted(folder, form, units):
    """A clock a few hours fast (or a time zone mix-up) is within the day's grace."""
    from datetime import datetime, timedelta, timezone

    soon = (datetime.now(timezone.utc) + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%SZ")
    newer = folder / "03386_moi.xlsx"
    shutil.copy(folder / QUYET_THANG, newer)
    set_saved_time(newer, soon)
    os.utime(newer, (NOV_1 - 86400, NOV_1 - 86400))
    result = consolidate_folder(folder, Context.of(form, units))
    assert result.submissions.set_index("unit_code").loc["03386", "file"] == newer.name
    assert not _of(result, Msg.FILE_013)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        (["BÁO CÁO", "Đơn vị báo cáo: Phường Tân Phong", "Kỳ báo cáo: năm 2023"], "Phường Tân Phong"),
        (["Đơn vị báo cáo:", "Phường Tân Phong"], "Phường Tân Phong"),
        (["ĐƠN VỊ BÁO CÁO  Phường Tân Phong"], "Phường Tân Phong"),
        (["Kỳ báo cáo: năm 2023"], ""),
    ],
)
def test_the_reporting_unit_line_of_the_heading(heading, expected):
    assert reporting_unit(heading) == expected


@pytest.mark.parametrize(
    ("line", "doubted"),
    [
        ("Đơn vị báo cáo: Phường Quyết Thắng", False),
        ("Đơn vị báo cáo: UB MTTQ phường Quyết Thắng", False),
        ("Đơn vị báo cáo: PHUONG QUYET THANG", False),
        ("Đơn vị báo cáo: Phường Tân Phong", True),
        ("Đơn vị báo cáo: Phường Quyết Thắng và Phường Quyết Tiến", True),
        ("Đơn vị báo cáo: Xã Không Có", True),
    ],
)
def test_heading_compared_with_the_metadata_without_diacritics(form, units, line, doubted):
    meta = {"form_id": form.id, "form_version": form.version, "period": "2023", META_UNIT_CODE: "03386"}
    meta |= {META_UNIT_NAME: "Phường Quyết Thắng", "unit_level": "communes"}
    typed = [RawValue("RESIDENTIAL_AREAS", 5.0, "Báo cáo", 20, "E20")]  # a return with a figure in it
    raw = RawReturn("a.xlsx", meta, values=typed, tables=1, heading=["BÁO CÁO", line])
    outcome = check_return(raw, Context(form, {u.code: u for u in units}))
    assert outcome.accepted and outcome.identity_doubted == doubted
    assert [p.type for p in outcome.problems if p.type == Msg.META_011.slug] == ([Msg.META_011.slug] if doubted else [])
