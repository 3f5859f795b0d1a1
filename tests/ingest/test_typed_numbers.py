"""Numbers as ward officers type them, in real returns: a text number that reads two ways is an
error on its cell and stays out of the totals; ``0đ`` and full-width digits are read; money
wording on a count is a warning and is not counted; a refused value is shown as it was typed."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from openpyxl.styles import Font

from pipeline.consolidate.collect import process_file
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import DATA_SHEET, LEVEL_ALL
from pipeline.core.errors import Msg
from pipeline.ingest.values import parse_value
from pipeline.validate.context import Context, Options
from tests.consolidate.test_absurd_numbers import type_into
from tests.templates.test_template_libreoffice import find_table

WARD = "03386"


@pytest.fixture
def checked(make_return, form, unit_by_code, tmp_path):
    """``checked(changes)``: Quyết Thắng's return with ``changes`` typed in, read and checked."""

    def run(changes: dict, font: str | None = None):
        path = type_into(make_return(WARD, name=f"{WARD}_Phuong_Quyet_Thang.xlsx"), tmp_path / f"{WARD}.xlsx", changes)
        if font:  # typed with a legacy font: the cells keep its name
            book = openpyxl.load_workbook(path)
            ws = book[DATA_SHEET]
            cols, codes = find_table(ws)
            for code in changes:
                ws.cell(codes[code], cols["Số liệu"]).font = Font(name=font)
            book.save(path)
        return process_file(path, Context(form, unit_by_code, "2023"))

    return run


def _on(outcome, code: str) -> list:
    return [p for p in outcome.problems if p.code == code]


def _fields(form, outcome, code: str) -> dict:
    (found,) = _on(outcome, code)
    label = form.indicators[code].display_label
    return {"where": f"{outcome.file} › {DATA_SHEET}!{found.cell}", "code": code, "label": label, "unit": form.indicators[code].unit}


def test_mixed_separators_are_an_error_and_left_out_of_the_total(checked, form, make_return, units, tmp_path):
    outcome = checked({"POOR_FUND_TOTAL": "12 500.000"})
    (found,) = _on(outcome, "POOR_FUND_TOTAL")
    assert (found.type, found.severity) == (Msg.VALUE_008.slug, "error")
    reason = "dùng cả dấu cách và dấu chấm: có thể là 12.500 hoặc 12.500.000"
    assert found.message == Msg.VALUE_008.render(value="12 500.000", reason=reason, **_fields(form, outcome, "POOR_FUND_TOTAL"))
    assert "POOR_FUND_TOTAL" not in {v.code for v in outcome.values}
    folder = tmp_path / "returns"
    type_into(make_return(WARD, folder=folder), folder / f"{WARD}.xlsx", {"POOR_FUND_TOTAL": "12,500.000"})
    make_return("03387", {"POOR_FUND_TOTAL": 1_000_000}, folder=folder)
    result = consolidate_folder(folder, Context.of(form, units, "2023", options=Options(jobs=1)))
    totals = {(r.code, r.level): r.value for r in result.totals.itertuples()}
    assert totals[("POOR_FUND_TOTAL", LEVEL_ALL)] == 1_000_000  # never 1.012.500


def test_zero_dong_is_read_like_any_figure_in_dong(checked):
    outcome = checked({"TET_GIFTS_VALUE": "0đ", "POOR_FUND_TOTAL": "12.500.000đ"})
    values = {v.code: v.value for v in outcome.values}
    assert (values["TET_GIFTS_VALUE"], values["POOR_FUND_TOTAL"]) == (0, 12_500_000)
    assert {p.type for p in _on(outcome, "TET_GIFTS_VALUE") + _on(outcome, "POOR_FUND_TOTAL")} == {Msg.VALUE_006.slug}


def test_full_width_digits_are_read(checked):
    outcome = checked({"UNITY_HOUSES": "２５０", "POOR_FUND_LOCAL": "１２．５００．０００"})
    values = {v.code: v.value for v in outcome.values}
    assert (values["UNITY_HOUSES"], values["POOR_FUND_LOCAL"]) == (250, 12_500_000)
    assert [p.severity for p in _on(outcome, "UNITY_HOUSES")] == ["info"]


@pytest.mark.parametrize(
    ("typed", "suffix", "number"), [("500k", "k", "500.000"), ("30 triệu", "triệu", "30.000.000"), ("12 đồng", "đồng", "12")]
)
def test_money_wording_on_a_count_is_a_warning_and_not_counted(checked, form, typed, suffix, number):
    outcome = checked({"CULTURAL_AREAS": typed})
    (found,) = _on(outcome, "CULTURAL_AREAS")
    assert (found.type, found.severity) == (Msg.VALUE_020.slug, "warning")
    assert found.message == Msg.VALUE_020.render(value=typed, suffix=suffix, number=number, **_fields(form, outcome, "CULTURAL_AREAS"))
    assert "CULTURAL_AREAS" not in {v.code for v in outcome.values}


def test_a_float_that_is_not_whole_is_shown_with_all_its_digits(checked, form):
    outcome = checked({"RESIDENTIAL_AREAS": 65.00000000001})
    (found,) = _on(outcome, "RESIDENTIAL_AREAS")
    assert found.message == Msg.VALUE_003.render(value="65,00000000001", **_fields(form, outcome, "RESIDENTIAL_AREAS"))


def test_a_date_in_a_count_is_shown_as_typed(checked, form):
    outcome = checked({"CULTURAL_FAMILIES": datetime(2023, 11, 15)})
    (found,) = _on(outcome, "CULTURAL_FAMILIES")
    assert found.message == Msg.VALUE_002.render(value="15/11/2023", **_fields(form, outcome, "CULTURAL_FAMILIES"))


@pytest.mark.parametrize(("font", "typed"), [(".VnTime", "12.500.000®"), (".VnTime", "0®"), ("VNI-Times", "12.500.000ñ")])
def test_dong_typed_in_a_legacy_font_is_read(checked, font, typed):
    outcome = checked({"POOR_FUND_TOTAL": typed}, font=font)
    expected = parse_value(typed[:-1] + "đ", "money").value
    assert {v.code: v.value for v in outcome.values}["POOR_FUND_TOTAL"] == expected
    assert {p.type for p in _on(outcome, "POOR_FUND_TOTAL")} == {Msg.VALUE_014.slug, Msg.VALUE_006.slug}
