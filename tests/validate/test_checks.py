"""Identification and cell checks of one return (pipeline/validate/checks.py), on raw returns
built by hand: who a return is from, and whether each value is usable."""

from __future__ import annotations

import dataclasses

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
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.form.definition import load_form
from pipeline.form.model import Unit
from pipeline.ingest.extract import RawReturn, RawValue
from pipeline.ingest.values import parse_value
from pipeline.validate.checks import check_cells, check_value, identify, return_metadata
from pipeline.validate.context import Context
from tests.conftest import write_form

FILE = "bao_cao.xlsx"
SHEET = "Báo cáo"
QUYET_THANG = Unit("03386", "Phường Quyết Thắng", "communes")


def _meta(form, **changes) -> dict[str, str]:
    """The metadata of Quyết Thắng's 2023 template, with ``changes``."""
    meta = {
        META_FORM_ID: form.id,
        META_FORM_VERSION: form.version,
        META_FINGERPRINT: form.fingerprint,
        META_UNIT_CODE: "03386",
        META_UNIT_NAME: "Phường Quyết Thắng",
        META_UNIT_LEVEL: "communes",
        META_PERIOD: "2023",
    }
    return {**meta, **changes}


def _raw(meta: dict, tables: int = 1, values=(), heading=()) -> RawReturn:
    return RawReturn(FILE, meta, values=list(values), tables=tables, heading=list(heading))


def _places(problems) -> list[tuple]:
    return [(p.type, p.severity, p.file, p.sheet, p.cell, p.code, p.unit_code) for p in problems]


@pytest.fixture
def ctx(form, unit_by_code):
    return Context(form, unit_by_code, "2023")


# identify -----------------------------------------------------------------------------


def test_a_return_of_a_listed_unit_is_identified(ctx, unit_by_code):
    unit, problems = identify(_raw(_meta(ctx.form)), ctx)
    assert unit == unit_by_code["03386"] and problems == []


@pytest.mark.parametrize(
    ("changes", "type_", "msg", "fields"),
    [
        ({META_FORM_ID: "bieu-khac"}, "wrong-form", Msg.META_002, {"found": "bieu-khac", "expected": "mttq-ket-qua-nam"}),
        ({META_FORM_VERSION: "2022.1"}, "wrong-version", Msg.META_003, {"found": "2022.1", "expected": "2023.1"}),
        ({META_PERIOD: "2022"}, "wrong-period", Msg.META_004, {"found": "năm 2022", "expected": "năm 2023"}),
        ({META_UNIT_CODE: "99999"}, "unknown-unit", Msg.META_005, {"unit_code": "99999", "unit_name": "Phường Quyết Thắng"}),
    ],
)
@pytest.mark.parametrize("severity", ["warning", "error"])
def test_rejected_returns(ctx, changes, type_, msg, fields, severity):
    unit, problems = identify(_raw(_meta(ctx.form, **changes)), ctx, severity)
    assert unit is None
    code = changes.get(META_UNIT_CODE, "03386")
    assert _places(problems) == [(type_, severity, FILE, "", "", "", code)]
    expected_title = ctx.form.title_for("2023")  # the form the officer should use, named in full
    assert problems[0].message == msg.render(where=FILE, expected_title=expected_title, **fields)


def test_level_in_the_file_differing_from_the_unit_list_is_a_warning(ctx, unit_by_code):
    unit, problems = identify(_raw(_meta(ctx.form, **{META_UNIT_LEVEL: "city"})), ctx)
    assert unit == unit_by_code["03386"] and unit.level == "communes"  # the unit list wins
    assert _places(problems) == [("level-mismatch", "warning", FILE, "", "", "", "03386")]
    assert problems[0].message == Msg.META_007.render(where=FILE, found="city", unit_code="03386", expected="communes")


def test_template_made_from_an_older_form_is_accepted_with_an_info(ctx, unit_by_code):
    unit, problems = identify(_raw(_meta(ctx.form, **{META_FINGERPRINT: "0123456789ab"})), ctx)
    assert unit == unit_by_code["03386"]
    assert _places(problems) == [("form-changed", "info", FILE, "", "", "", "03386")]
    assert problems[0].message == Msg.META_006.render(where=FILE, found="0123456789ab", expected=ctx.form.fingerprint)


def test_return_without_data_table_is_rejected(ctx):
    unit, problems = identify(_raw(_meta(ctx.form), tables=0), ctx, "error")
    assert unit is None
    assert _places(problems) == [("no-data-table", "error", FILE, "", "", "", "03386")]
    assert problems[0].message == Msg.META_008.render(where=FILE)


def test_return_without_metadata_or_table_is_not_recognised(ctx):
    unit, problems = identify(_raw({}, tables=0), ctx)
    assert unit is None
    assert _places(problems) == [("no-metadata", "warning", FILE, "", "", "", "")]
    assert problems[0].message == Msg.META_001.render(where=FILE)


def test_return_without_metadata_recognised_by_codes_and_unit_name(ctx, unit_by_code):
    values = [RawValue(ind.code, 1.0, SHEET, row, f"E{row}") for row, ind in enumerate(ctx.form.indicators_for("communes"), 8)]
    heading = ["ỦY BAN MTTQ VIỆT NAM", "Đơn vị báo cáo: PHUONG QUYET THANG", "BÁO CÁO KẾT QUẢ CÔNG TÁC MẶT TRẬN NĂM 2023"]
    raw = _raw({}, values=values, heading=heading)
    unit, problems = identify(raw, ctx)
    assert unit == unit_by_code["03386"]
    assert _places(problems) == [("recognised-without-metadata", "warning", FILE, "", "", "", "03386")]
    assert problems[0].message == Msg.META_009.render(
        where=FILE, unit_code="03386", unit_name="Phường Quyết Thắng", period_label="năm 2023"
    )
    meta, _ = return_metadata(raw, ctx)  # the metadata used, for the files list; the raw return is left as read
    assert (meta[META_UNIT_CODE], meta[META_PERIOD], raw.meta) == ("03386", "2023", {})


def test_without_a_unit_list_the_unit_comes_from_the_metadata(form):
    ctx = Context(form, None, None)
    unit, problems = identify(_raw(_meta(form, **{META_UNIT_CODE: "03999", META_UNIT_NAME: "Xã Mới"})), ctx)
    assert (unit, problems) == (Unit("03999", "Xã Mới", "communes"), [])
    unit, problems = identify(_raw(_meta(form, **{META_UNIT_LEVEL: "province"})), ctx)
    assert unit is None and [p.type for p in problems] == ["unknown-unit"]


# check_value --------------------------------------------------------------------------


def _item(raw, code: str = "MEDIATORS", **extra) -> RawValue:
    return RawValue(code, raw, SHEET, 50, "E50", **extra)


def _check(form, raw, code: str = "MEDIATORS", ind=None, **extra):
    return check_value(_item(raw, code, **extra), ind or form.indicators[code], FILE, QUYET_THANG)


WHERE = f"{FILE} › {SHEET}!E50"
MEDIATORS = "Hòa giải viên"  # the label messages name MEDIATORS by


@pytest.mark.parametrize(("raw", "expected"), [(65.0, 65), (0.0, 0), (65, 65), ("65", 65)])
def test_plain_numbers_are_read_without_findings(form, raw, expected):
    value, problems = _check(form, raw)
    assert (value, type(value), problems) == (expected, int, [])


def test_number_typed_as_text_is_interpreted_with_an_info(form):
    value, problems = _check(form, "1.250.000 đồng", "POOR_FUND_TOTAL")
    assert value == 1_250_000
    assert [(p.type, p.severity, p.cell, p.row, p.code, p.unit_code) for p in problems] == [
        ("interpreted-value", "info", "E50", 50, "POOR_FUND_TOTAL", "03386")
    ]
    how = parse_value("1.250.000 đồng", "money").how
    assert problems[0].message == Msg.VALUE_006.render(
        where=WHERE,
        value="1.250.000 đồng",
        code="POOR_FUND_TOTAL",
        label=form.indicators["POOR_FUND_TOTAL"].display_label,
        number="1.250.000",
        how=how,
    )


def test_the_indicators_own_unit_after_the_figure_is_dropped(form):
    value, problems = _check(form, "65 hòa giải viên")
    assert value == 65 and [p.type for p in problems] == ["interpreted-value"]
    assert problems[0].message == Msg.VALUE_006.render(
        where=WHERE, value="65 hòa giải viên", code="MEDIATORS", label=MEDIATORS, number="65", how="bỏ đơn vị tính 'hòa giải viên'"
    )


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_required_value_is_missing(form, raw):
    value, problems = _check(form, raw)
    assert value is None
    assert [(p.type, p.severity, p.cell, p.code) for p in problems] == [("missing-value", "error", "E50", "MEDIATORS")]
    assert problems[0].message == Msg.VALUE_001.render(where=WHERE, code="MEDIATORS", label=MEDIATORS)


def test_blank_optional_value_is_not_reported(form):
    optional = dataclasses.replace(form.indicators["MEDIATORS"], required=False)
    assert _check(form, None, ind=optional) == (None, [])


def test_text_that_is_not_a_number(form):
    value, problems = _check(form, "nhiều")
    assert value is None
    assert [(p.type, p.severity, p.cell, p.code) for p in problems] == [("not-a-number", "error", "E50", "MEDIATORS")]
    assert problems[0].message == Msg.VALUE_002.render(where=WHERE, value="nhiều", code="MEDIATORS", label=MEDIATORS)


@pytest.mark.parametrize(
    ("raw", "type_", "msg", "shown"),
    [
        (-5.0, "negative", Msg.VALUE_004, "-5"),
        ("-5", "negative", Msg.VALUE_004, "-5"),
        (2.5, "not-whole", Msg.VALUE_003, "2,5"),
        ("2,5", "ambiguous-value", Msg.VALUE_008, "2,5"),
    ],
)
def test_unusable_numbers(form, raw, type_, msg, shown):
    value, problems = _check(form, raw)
    assert value is None
    assert [(p.type, p.severity, p.cell) for p in problems] == [(type_, "error", "E50")]
    assert problems[0].message == msg.render(
        where=WHERE, value=shown, code="MEDIATORS", label=MEDIATORS, unit="hòa giải viên", reason=parse_value(raw, "count").reason
    )


@pytest.mark.parametrize(("raw", "bounds"), [(150.0, (0, 100)), ("150", (0, 100)), (5.0, (10, None))])
def test_value_out_of_bounds(form, raw, bounds):
    low, high = bounds
    ind = dataclasses.replace(form.indicators["MEDIATORS"], minimum=low, maximum=high)
    value, problems = _check(form, raw, ind=ind)
    assert value is None
    assert [(p.type, p.severity, p.cell, p.code) for p in problems] == [("out-of-bounds", "error", "E50", "MEDIATORS")]
    shown_bounds = f"{low} – {format_number(high if high is not None else ind.bounds[1])}"
    number = str(int(float(raw)))
    assert problems[0].message == Msg.VALUE_005.render(where=WHERE, value=number, code="MEDIATORS", label=MEDIATORS, bounds=shown_bounds)


def test_value_on_a_bound_is_accepted(form):
    ind = dataclasses.replace(form.indicators["MEDIATORS"], maximum=100)
    assert _check(form, 100.0, ind=ind) == (100, [])


def test_formula_without_saved_value(form):
    value, problems = _check(form, None, formula_without_value=True)
    assert value is None
    assert [(p.type, p.severity, p.cell, p.code) for p in problems] == [("formula-without-value", "error", "E50", "MEDIATORS")]
    assert problems[0].message == Msg.VALUE_007.render(where=WHERE, code="MEDIATORS", label=MEDIATORS)


def test_figure_typed_in_another_column(form):
    value, problems = _check(form, None, stray=(("F50", 65.0),))
    assert value is None
    assert [(p.type, p.severity, p.cell, p.code) for p in problems] == [("wrong-column", "error", "E50", "MEDIATORS")]
    assert problems[0].message == Msg.VALUE_013.render(
        where=WHERE, value="65", code="MEDIATORS", label=MEDIATORS, stray_cell="F50", cell="E50"
    )


def test_a_note_in_another_column_is_not_a_misplaced_figure(form):
    value, problems = _check(form, None, stray=(("G50", "chưa có số liệu"),))
    assert value is None and [p.type for p in problems] == ["missing-value"]


# check_cells --------------------------------------------------------------------------

SMALL_INDICATORS = """
A,I,Phần A,người,count,0,,yes,city;communes
B,I,Phần B,người,count,0,,no,city;communes
T,I,Tổng số,người,count,0,,yes,city;communes
C,I,Chỉ cấp thành phố,người,count,0,,yes,city
"""


@pytest.fixture
def small_form(tmp_path):
    return load_form(write_form(tmp_path / "form", SMALL_INDICATORS, "R1,A + B == T,error,all,skip_all,Không khớp."))


def _value(code: str, raw, row: int) -> RawValue:
    return RawValue(code, raw, SHEET, row, f"E{row}")


def test_usable_values_are_kept_with_their_cells(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10), _value("B", "2", 11), _value("T", 5.0, 12)])
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [tuple(v) for v in values] == [("A", 3, SHEET, "E10"), ("B", 2, SHEET, "E11"), ("T", 5, SHEET, "E12")]
    assert problems == []


def test_unusable_value_is_left_out_with_its_finding(small_form):
    raw = _raw({}, values=[_value("A", "ba", 10), _value("T", 5.0, 12)])
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [v[0] for v in values] == ["T"]
    assert [(p.type, p.cell, p.code) for p in problems] == [("not-a-number", "E10", "A")]


def test_duplicate_code_keeps_the_first_row(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10), _value("T", 5.0, 12), _value("A", 4.0, 13)])
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [tuple(v)[:2] for v in values] == [("A", 3), ("T", 5)]
    assert _places(problems) == [("duplicate-code", "error", FILE, SHEET, "E13", "A", "03386")]
    assert problems[0].message == Msg.VALUE_009.render(
        where=f"{FILE} › {SHEET}!E13", code="A", label=small_form.indicators["A"].display_label, first="E10"
    )


def test_required_row_missing_from_the_return(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10)])  # no row T (required) nor B (optional)
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [v[0] for v in values] == ["A"]
    assert _places(problems) == [("missing-row", "error", FILE, "", "", "T", "03386")]
    assert problems[0].message == Msg.VALUE_012.render(where=FILE, code="T", label="Tổng số")


def test_unknown_code_and_figure_without_code_are_warnings(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10), _value("T", 3.0, 12)])
    raw.unknown = [_value("X_MOI", 7.0, 20)]
    raw.uncoded = [_value("", 30.0, 25)]
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert len(values) == 2
    assert _places(problems) == [
        ("unknown-code", "warning", FILE, SHEET, "E20", "X_MOI", "03386"),
        ("uncoded-value", "warning", FILE, SHEET, "E25", "", "03386"),
    ]
    assert [p.message for p in problems] == [
        Msg.VALUE_010.render(where=f"{FILE} › {SHEET}!E20", code="X_MOI", value="7"),
        Msg.VALUE_015.render(where=f"{FILE} › {SHEET}!E25", value="30"),
    ]


def test_blank_row_of_another_level_is_ignored(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10), _value("T", 3.0, 12), _value("C", None, 30)])
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [v[0] for v in values] == ["A", "T"] and problems == []


def test_figure_in_a_row_of_another_level_is_a_warning_not_a_value(small_form):
    raw = _raw({}, values=[_value("A", 3.0, 10), _value("T", 3.0, 12), _value("C", 3.0, 30)])
    values, problems, _refused = check_cells(raw, QUYET_THANG, small_form)
    assert [v[0] for v in values] == ["A", "T"]
    assert [(p.type, p.severity, p.file, p.sheet, p.cell, p.code) for p in problems] == [
        ("not-for-level", "warning", FILE, SHEET, "E30", "C")
    ]
    assert problems[0].message == Msg.VALUE_011.render(
        where=f"{FILE} › {SHEET}!E30", code="C", label=small_form.indicators["C"].display_label, level_name="cấp xã, phường", value="3"
    )
