"""Numbers typed as text: the template's own check block, recalculated by LibreOffice, agrees
with ``tonghop check`` ("1.200.000" is 1200000 to both), shows text it cannot read as such
instead of a wrong difference, and writes differences the Vietnamese way."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from pipeline.api import check_files
from pipeline.core import constants as C
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_signed
from pipeline.templates.batch import write_templates
from pipeline.templates.checks import DIFFERENCE, RESULT_FAIL, RESULT_OK, RESULT_REVIEW, TEXT_NUMBER
from tests.test_template_libreoffice import convert, fill_template, find_table

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

WARD = "03387"
# R04 (a warning): 1.234.567.890.123 + 24 000 000 + 1.200.000 + 0 against 1.200.000: a difference
# of 13 digits. R02: 1 200 (a non-breaking space) festivals of 1.300 areas holds. R11: 3 + 4 = 7
# typed "7". R03: "abc" is no number.
TYPED = {
    "POOR_FUND_TOTAL": "1.200.000",
    "POOR_FUND_CENTRAL": "1.234.567.890.123",
    "POOR_FUND_PROVINCE": "24 000 000",
    "POOR_FUND_OTHER_PROVINCES": "1.200.000",
    "POOR_FUND_LOCAL": 0,
    "UNITY_FESTIVAL_HELD": "1\u00a0200",
    "RESIDENTIAL_AREAS": "1.300",
    "CULTURAL_AREAS": "abc",
    "PETITIONS_TOTAL": "7",
    "PETITIONS_CARRIED_OVER": 3,
    "PETITIONS_NEW": " 4 ",
    "UNITY_HOUSES": "1.5",  # not thousands: "kiểm tra lại", never 15
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, form, units):
    """A ward's stamped template filled with ``TYPED``, and LibreOffice's recalculation of it."""
    base = tmp_path_factory.mktemp("text_numbers")
    ward = next(u for u in units if u.code == WARD)
    (template,) = write_templates(form, [ward], base / "templates", "2023", "15/12/2023")
    filled = fill_template(template, TYPED, base / "filled")
    converted = convert(filled, "xlsx", base / "xlsx", base / "profile")
    sheet = openpyxl.load_workbook(converted, data_only=True)[C.DATA_SHEET]
    return filled, sheet, converted


def shown(sheet, rule_id: str) -> tuple[str, str]:
    cols, codes = find_table(sheet)
    return sheet.cell(codes[rule_id], cols[C.HEADER_VALUE]).value, sheet.cell(codes[rule_id], cols[C.HEADER_NOTE]).value


def test_sheet_agrees_with_check(recalculated):
    filled, sheet, _ = recalculated
    (checked,) = check_files([filled], period="2023")
    found = {p.relation_id: p for p in checked.problems if p.relation_id}
    r04 = found["R04"]
    assert r04.lhs - r04.rhs == 1_234_567_890_123 + 24_000_000
    assert shown(sheet, "R04") == (RESULT_REVIEW, DIFFERENCE + format_signed(r04.lhs - r04.rhs))
    assert shown(sheet, "R04")[1] == DIFFERENCE + "+1.234.591.890.123"
    for rule_id in ("R02", "R11"):
        assert rule_id not in found and shown(sheet, rule_id)[0] == RESULT_OK


@pytest.mark.parametrize("rule_id", ["R03", "R05"])
def test_text_that_is_no_number_asks_for_a_look(recalculated, rule_id):
    """ "abc" and "1.5" (a decimal or a slip, not thousands): no difference computed from them."""
    assert shown(recalculated[1], rule_id) == (RESULT_FAIL, TEXT_NUMBER)


def test_helper_cells_are_no_figures(recalculated):
    """The hidden helper cells beside blank inputs, as LibreOffice saved them, are not figures typed
    in the wrong column."""
    (checked,) = check_files([recalculated[2]], period="2023")
    assert any(p.type == Msg.VALUE_001.slug for p in checked.problems)  # blank required inputs
    assert not [p for p in checked.problems if p.type == Msg.VALUE_013.slug]
