"""Numbers typed as text: the template's own check block, recalculated by LibreOffice, agrees
with ``tonghop check`` ("1.200.000" is 1200000 to both), shows text it cannot read as such
instead of a wrong difference (naming the cell and its text), never reads a text the program
refuses (``12 500.000``: 12.500 or 12.500.000?), and writes differences the Vietnamese way."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import check_files
from pipeline.core import constants as C
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_signed
from pipeline.ingest.values import Kind, parse_value
from pipeline.templates.batch import write_templates
from pipeline.templates.checks import DIFFERENCE, RESULT_FAIL, RESULT_OK, RESULT_REVIEW, UNREADABLE, value_formula
from tests.ingest.test_separators import AMBIGUOUS, KEPT, grouped, with_decimals
from tests.templates.test_template_libreoffice import convert, fill_template, find_table

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
    # R06 and R07 would hold ("Đạt") read either way: 12.500 or 12.500.000 groups against 20.000.000
    "CLEAN_STREET_GROUPS_RECOGNIZED": 5,
    "CLEAN_STREET_GROUPS_REGISTERED": "12 500.000",
    "CLEAN_GARDEN_HOUSEHOLDS_RECOGNIZED": "12,500.000",
    "CLEAN_GARDEN_HOUSEHOLDS_REGISTERED": 20_000_000,
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


@pytest.mark.parametrize(("rule_id", "code"), [("R03", "CULTURAL_AREAS"), ("R05", "UNITY_HOUSES")])
def test_text_that_is_no_number_asks_for_a_look(recalculated, rule_id, code):
    """ "abc" and "1.5" (a decimal or a slip, not thousands): no difference computed from them;
    the note names the cell and what it holds."""
    _, sheet, _ = recalculated
    assert shown(sheet, rule_id) == (RESULT_FAIL, UNREADABLE.format(cell=_input(sheet, code), text=TYPED[code]))


def _input(sheet, code: str) -> str:
    cols, codes = find_table(sheet)
    return sheet.cell(codes[code], cols[C.HEADER_VALUE]).coordinate


@pytest.mark.parametrize(("rule_id", "code"), [("R06", "CLEAN_STREET_GROUPS_REGISTERED"), ("R07", "CLEAN_GARDEN_HOUSEHOLDS_RECOGNIZED")])
def test_an_ambiguous_number_never_shows_dat(recalculated, rule_id, code):
    """``12 500.000`` and ``12,500.000`` are errors to ``tonghop check``; the sheet says so too."""
    filled, sheet, _ = recalculated
    assert shown(sheet, rule_id) == (RESULT_FAIL, UNREADABLE.format(cell=_input(sheet, code), text=TYPED[code]))
    (checked,) = check_files([filled], period="2023")
    assert (Msg.VALUE_008.slug, _input(sheet, code)) in {(p.type, p.cell) for p in checked.problems if p.code == code}


def _typed_texts() -> list[str]:
    """Texts officers type, and the property tests' digit groupings (derandomized)."""
    texts = [text for text, *_ in AMBIGUOUS + KEPT] + ["1.200.000", "24 000 000", "1\u00a0200", "1.5", "1,5", "1,250", "007", "0đ"]

    @settings(derandomize=True, max_examples=300, database=None)
    @given(typed=st.one_of(grouped(), with_decimals()))
    def collect(typed):
        texts.append(typed[0])

    collect()
    return list(dict.fromkeys(texts))


def test_the_sheet_reads_no_text_the_program_refuses(tmp_path):
    """Every text the helper formula reads as a number (LibreOffice), ``tonghop check`` reads as
    the same number for every type of figure; what the program refuses stays ``#N/A``."""
    texts = _typed_texts()
    book = openpyxl.Workbook()
    for row, text in enumerate(texts, start=1):
        book.active.cell(row, 1, text)
        book.active.cell(row, 2, value_formula(f"A{row}"))
    book.save(tmp_path / "texts.xlsx")
    sheet = openpyxl.load_workbook(convert(tmp_path / "texts.xlsx", "xlsx", tmp_path / "out", tmp_path / "profile"), data_only=True).active
    read = {text: sheet.cell(row, 2).value for row, text in enumerate(texts, start=1)}
    assert {read[text] for text, *_ in AMBIGUOUS} == {"#N/A"}
    for text, helper in read.items():
        if helper == "#N/A":
            continue
        for type_ in (C.TYPE_COUNT, C.TYPE_MONEY, C.TYPE_DECIMAL):
            parsed = parse_value(text, type_)
            assert parsed.kind in (Kind.NUMBER, Kind.INTERPRETED) and parsed.value == pytest.approx(helper, rel=1e-15), (text, type_)


def test_helper_cells_are_no_figures(recalculated):
    """The hidden helper cells beside blank inputs, as LibreOffice saved them, are not figures typed
    in the wrong column."""
    (checked,) = check_files([recalculated[2]], period="2023")
    assert any(p.type == Msg.VALUE_001.slug for p in checked.problems)  # blank required inputs
    assert not [p for p in checked.problems if p.type == Msg.VALUE_013.slug]
