"""Recognising a return whose metadata was lost (pipeline/ingest/recognise.py): the level by
its codes, the unit by its name in the heading, the period by "năm YYYY"."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.core.constants import (
    META_FINGERPRINT,
    META_FORM_ID,
    META_FORM_VERSION,
    META_PERIOD,
    META_UNIT_CODE,
    META_UNIT_LEVEL,
    META_UNIT_NAME,
)
from pipeline.form.definition import load_form
from pipeline.ingest.extract import RawReturn, RawValue
from pipeline.ingest.recognise import fold, recognise, recognise_level, recognise_unit
from tests.conftest import write_form


def _raw(codes=(), heading=()) -> RawReturn:
    values = [RawValue(code, 1.0, "Báo cáo", row, f"E{row}") for row, code in enumerate(codes, 8)]
    return RawReturn("bang.xls", {}, values=values, tables=1, heading=list(heading))


def _codes(form, level: str) -> list[str]:
    return [ind.code for ind in form.indicators_for(level)]


# fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Phường Đoàn Kết",
        "PHƯỜNG ĐOÀN KẾT",
        "phuong doan ket",
        "  Phường  Đoàn-Kết. ",
        unicodedata.normalize("NFD", "Phường Đoàn Kết"),  # as a Mac or some web forms store it
        "Phöôøng Ñoaøn Keát",  # typed in a VNI font
        "Ph\u00adêng §oµn KÕt",  # typed in a TCVN3 (.VnTime) font
    ],
)
def test_fold_ignores_diacritics_case_spaces_punctuation_and_legacy_fonts(text):
    assert fold(text) == "phuongdoanket"


def test_fold_keeps_letters_and_digits_apart():
    assert fold("Xã San Thàng") == "xasanthang" != fold("Xã Sùng Phài")
    assert fold("Tổ 12") == "to12"


# recognise_level ----------------------------------------------------------------------

# Five codes per level, none shared, so the overlaps are easy to count.
DISJOINT = """
C1,I,C1,người,count,0,,yes,city
C2,I,C2,người,count,0,,yes,city
C3,I,C3,người,count,0,,yes,city
C4,I,C4,người,count,0,,yes,city
C5,I,C5,người,count,0,,yes,city
K1,I,K1,người,count,0,,yes,communes
K2,I,K2,người,count,0,,yes,communes
K3,I,K3,người,count,0,,yes,communes
K4,I,K4,người,count,0,,yes,communes
K5,I,K5,người,count,0,,yes,communes
"""


@pytest.fixture
def disjoint_form(tmp_path):
    return load_form(write_form(tmp_path / "form", DISJOINT, "R1,C1 <= C2,error,city,skip_all,Sai."))


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["C1", "C2", "C3", "C4", "C5"], "city"),
        (["K1", "K2", "K3", "K4", "K5"], "communes"),
        (["C1", "C2", "C3"], "city"),  # 3/5 = 0.6: the threshold is reached
        (["C1", "C2"], None),  # 2/5 = 0.4
        (["C1", "C2", "C3", "C4", "C5", "K1"], "city"),  # 5/6
        (["C1", "C2", "C3", "K1"], None),  # 3/6 = 0.5: a stray code of the other level counts against
        ([], None),
    ],
)
def test_level_is_the_one_whose_codes_overlap_at_least_60_percent(disjoint_form, codes, expected):
    assert recognise_level(_raw(codes), disjoint_form) == expected


def test_commune_return_is_not_taken_for_the_city_whose_codes_include_its_own(form):
    commune_codes, city_codes = _codes(form, "communes"), _codes(form, "city")
    assert set(commune_codes) < set(city_codes)  # what makes this case worth testing
    assert recognise_level(_raw(commune_codes), form) == "communes"
    assert recognise_level(_raw(city_codes), form) == "city"


# recognise_unit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        ["ỦY BAN MTTQ VIỆT NAM", "PHƯỜNG ĐOÀN KẾT"],
        ["Đơn vị: phuong doan ket"],
        ["BÁO CÁO CỦA MTTQ PHUONGDOANKET NĂM 2023"],
    ],
)
def test_unit_found_by_its_name_in_the_heading(units, unit_by_code, heading):
    assert recognise_unit(_raw(heading=heading), units, "communes") == unit_by_code["03389"]


def test_only_units_of_the_recognised_level_are_candidates(units, unit_by_code):
    heading = ["ỦY BAN MTTQ VIỆT NAM THÀNH PHỐ LAI CHÂU", "ỦY BAN MTTQ PHƯỜNG ĐÔNG PHONG"]
    assert recognise_unit(_raw(heading=heading), units, "communes") == unit_by_code["03408"]
    assert recognise_unit(_raw(heading=heading), units, "city") == unit_by_code["105"]


@pytest.mark.parametrize("line", ["Đơn vị báo cáo: Phường Tân Phong", "DON VI BAO CAO: PHUONG TAN PHONG"])
def test_two_names_settled_by_the_reporting_unit_line(units, unit_by_code, line):
    heading = ["Phối hợp giữa Phường Quyết Thắng và Phường Tân Phong", line]
    assert recognise_unit(_raw(heading=heading), units, "communes") == unit_by_code["03387"]


@pytest.mark.parametrize(
    "heading",
    [
        ["Phường Quyết Thắng", "Phường Tân Phong"],  # two names, no reporting-unit line
        ["Đơn vị báo cáo: Phường Quyết Thắng, Phường Tân Phong"],  # the line names both
        ["Phường Quyết Thắng và Phường Tân Phong", "Đơn vị báo cáo: Xã Nậm Loỏng"],  # the line names neither
        ["BÁO CÁO KẾT QUẢ CÔNG TÁC MẶT TRẬN NĂM 2023"],  # no name at all
        [],
    ],
)
def test_no_unit_when_the_heading_does_not_name_exactly_one(units, heading):
    assert recognise_unit(_raw(heading=heading), units, "communes") is None


# recognise ----------------------------------------------------------------------------


def _expected(form, unit, period: str) -> dict[str, str]:
    return {
        META_FORM_ID: form.id,
        META_FORM_VERSION: form.version,
        META_FINGERPRINT: "",
        META_UNIT_CODE: unit.code,
        META_UNIT_NAME: unit.name,
        META_UNIT_LEVEL: unit.level,
        META_PERIOD: period,
    }


@pytest.mark.parametrize(
    ("heading", "period", "expected"),
    [
        (["Phường Đông Phong", "BÁO CÁO KẾT QUẢ CÔNG TÁC MẶT TRẬN NĂM 2023"], None, "2023"),
        (["Phường Đông Phong", "Báo cáo năm 2022"], "2023", "2022"),  # the heading wins over the period asked for
        (["Phường Đông Phong năm 2022", "phương hướng năm 2023"], None, "2022"),  # the first year
        (["Phường Đông Phong"], "2023", "2023"),  # no year: the period asked for
        (["Phường Đông Phong", "Số 12/BC-MTTQ năm 20234"], None, ""),  # not a year
        (["Phường Đông Phong", "Báo cáo kết quả công tác Mặt trận 6 tháng đầu năm 2024"], None, "2024-H1"),
        (["Phường Đông Phong", "BÁO CÁO 6 THÁNG CUỐI NĂM 2024"], None, "2024-H2"),
        (["Phường Đông Phong", "Báo cáo quý III năm 2024"], None, "2024-Q3"),
    ],
)
def test_metadata_rebuilt_with_the_period_from_the_heading(form, units, unit_by_code, heading, period, expected):
    meta = recognise(_raw(_codes(form, "communes"), heading), form, units, period)
    assert meta == _expected(form, unit_by_code["03408"], expected)


def test_not_recognised_without_a_level_or_a_unit(form, units):
    heading = ["Phường Đông Phong năm 2023"]
    assert recognise(_raw(_codes(form, "communes")[:5], heading), form, units, "2023") is None
    assert recognise(_raw(_codes(form, "communes"), ["Phường Hòa Bình năm 2023"]), form, units, "2023") is None
