"""Reading cell values the way officers type them (pipeline/values.py)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.constants import TYPE_COUNT, TYPE_DECIMAL, TYPE_MONEY, TYPE_TEXT, TYPES, WHOLE_TYPES
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.ingest.values import Kind, ParsedValue, parse_value

COUNT, MONEY, DEC = TYPE_COUNT, TYPE_MONEY, TYPE_DECIMAL
NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def _check(raw, type_, value, kind):
    result = parse_value(raw, type_)
    assert (result.value, result.kind) == (value, kind), result
    assert type(result.value) is type(value)  # int for count/money, float for decimal
    assert result.msg is None
    assert bool(result.how) == (kind == Kind.INTERPRETED), result
    return result


# (raw, type, value, kind) for everything that is understood.
UNDERSTOOD = [
    # plain numbers: numeric cells, digits typed as text, stray whitespace
    (1250, COUNT, 1250, Kind.NUMBER),
    (1250.0, MONEY, 1250, Kind.NUMBER),
    (0, COUNT, 0, Kind.NUMBER),
    (-0.0, COUNT, 0, Kind.NUMBER),
    (3.0000000000000004, COUNT, 3, Kind.NUMBER),  # float noise below Excel's 15 digits
    (2.9999999999999996, MONEY, 3, Kind.NUMBER),
    (1.5, DEC, 1.5, Kind.NUMBER),
    (7, DEC, 7.0, Kind.NUMBER),
    ("1250", COUNT, 1250, Kind.NUMBER),
    ("07", COUNT, 7, Kind.NUMBER),
    ("0", MONEY, 0, Kind.NUMBER),
    ("  1250 ", COUNT, 1250, Kind.NUMBER),
    (f"{NBSP}1250{NNBSP}\t", MONEY, 1250, Kind.NUMBER),
    ("\u200b1250\ufeff", COUNT, 1250, Kind.NUMBER),
    ("'1250", MONEY, 1250, Kind.NUMBER),
    ("' 215", COUNT, 215, Kind.NUMBER),
    ("12", DEC, 12.0, Kind.NUMBER),
    # thousand separators
    ("120.341.560", MONEY, 120341560, Kind.INTERPRETED),
    ("120,341,560", MONEY, 120341560, Kind.INTERPRETED),
    ("24 000 000", MONEY, 24000000, Kind.INTERPRETED),
    (f"24{NBSP}000{NBSP}000", MONEY, 24000000, Kind.INTERPRETED),
    (f"1{NNBSP}250{THIN}000", MONEY, 1250000, Kind.INTERPRETED),
    ("1.250", COUNT, 1250, Kind.INTERPRETED),
    ("1,250", COUNT, 1250, Kind.INTERPRETED),
    ("1.000.000", DEC, 1000000.0, Kind.INTERPRETED),
    # a zero decimal part where a whole number is due
    ("5,00", MONEY, 5, Kind.INTERPRETED),
    ("1.000,00", MONEY, 1000, Kind.INTERPRETED),
    ("1,000.00", MONEY, 1000, Kind.INTERPRETED),
    # decimal figures: Vietnamese convention first
    ("1,5", DEC, 1.5, Kind.INTERPRETED),
    ("1.5", DEC, 1.5, Kind.INTERPRETED),
    ("1.2345", DEC, 1.2345, Kind.INTERPRETED),
    ("12,3456", DEC, 12.3456, Kind.INTERPRETED),
    ("0,5", DEC, 0.5, Kind.INTERPRETED),
    ("0.500", DEC, 0.5, Kind.INTERPRETED),
    ("1.250,75", DEC, 1250.75, Kind.INTERPRETED),
    ("1,250.75", DEC, 1250.75, Kind.INTERPRETED),
    ("1 250,5", DEC, 1250.5, Kind.INTERPRETED),
    ("1.250", DEC, 1250.0, Kind.INTERPRETED),
    ("1,250", DEC, 1.25, Kind.INTERPRETED),
    # currency words
    ("24.000.000đ", MONEY, 24000000, Kind.INTERPRETED),
    ("24.000.000 đ", MONEY, 24000000, Kind.INTERPRETED),
    ("24.000.000 đồng", MONEY, 24000000, Kind.INTERPRETED),
    ("24000000 VNĐ", MONEY, 24000000, Kind.INTERPRETED),
    ("24000000vnd", MONEY, 24000000, Kind.INTERPRETED),
    ("24000000 dong", MONEY, 24000000, Kind.INTERPRETED),
    ("24000000₫", MONEY, 24000000, Kind.INTERPRETED),
    ("0đ", MONEY, 0, Kind.INTERPRETED),
    # multipliers
    ("30 triệu", MONEY, 30000000, Kind.INTERPRETED),
    ("30 triệu đồng", MONEY, 30000000, Kind.INTERPRETED),
    ("30 TRIỆU VNĐ", MONEY, 30000000, Kind.INTERPRETED),
    ("1,2 tỷ", MONEY, 1200000000, Kind.INTERPRETED),
    ("1.2 tỷ", MONEY, 1200000000, Kind.INTERPRETED),
    ("1,2 tỉ đồng", MONEY, 1200000000, Kind.INTERPRETED),
    ("2,5tr", MONEY, 2500000, Kind.INTERPRETED),
    ("2,5trđ", MONEY, 2500000, Kind.INTERPRETED),
    ("500k", MONEY, 500000, Kind.INTERPRETED),
    ("500 nghìn", MONEY, 500000, Kind.INTERPRETED),
    ("500 ngàn đồng", MONEY, 500000, Kind.INTERPRETED),
    ("1,5 nghìn", DEC, 1500.0, Kind.INTERPRETED),
    ("1.200 triệu", MONEY, 1200000000, Kind.INTERPRETED),  # Vietnamese: 1.200 = one thousand two hundred
    ("1,250 triệu", MONEY, 1250000, Kind.INTERPRETED),  # Vietnamese: 1,250 = one and a quarter
    ("1,2345 nghìn", DEC, 1234.5, Kind.INTERPRETED),
    ("1.200,5 triệu", MONEY, 1200500000, Kind.INTERPRETED),
    # zero
    ("-", COUNT, 0, Kind.INTERPRETED),
    ("–", MONEY, 0, Kind.INTERPRETED),
    ("—", COUNT, 0, Kind.INTERPRETED),
    (" - ", COUNT, 0, Kind.INTERPRETED),
    ("không", COUNT, 0, Kind.INTERPRETED),
    ("Không", MONEY, 0, Kind.INTERPRETED),
    ("ko", COUNT, 0, Kind.INTERPRETED),
    ("-", DEC, 0.0, Kind.INTERPRETED),
    ("-0", COUNT, 0, Kind.INTERPRETED),
    # signs
    ("+5", COUNT, 5, Kind.INTERPRETED),
    ("+ 1.250", MONEY, 1250, Kind.INTERPRETED),
]


@pytest.mark.parametrize(("raw", "type_", "value", "kind"), UNDERSTOOD)
def test_understood(raw, type_, value, kind):
    _check(raw, type_, value, kind)


# (raw, type, catalogue entry) for what cannot be taken as a figure.
REFUSED = [
    # not a number at all
    ("abc", COUNT, Msg.VALUE_002),
    ("chưa có", COUNT, Msg.VALUE_002),
    ("12a", COUNT, Msg.VALUE_002),
    ("1/2", MONEY, Msg.VALUE_002),
    ("x", COUNT, Msg.VALUE_002),
    ("khoảng 30", COUNT, Msg.VALUE_002),
    ("30 người", COUNT, Msg.VALUE_002),
    ("không có", COUNT, Msg.VALUE_002),
    ("#DIV/0!", MONEY, Msg.VALUE_002),
    ("1e6", MONEY, Msg.VALUE_002),
    ("1.", COUNT, Msg.VALUE_002),
    (",5", DEC, Msg.VALUE_002),
    ("30 đồng", DEC, Msg.VALUE_002),  # money words on a figure that is not money
    ("1,5 đ", DEC, Msg.VALUE_002),
    ("1" * 101, COUNT, Msg.VALUE_002),
    (True, COUNT, Msg.VALUE_002),
    (False, DEC, Msg.VALUE_002),
    (math.nan, COUNT, Msg.VALUE_002),
    (math.inf, MONEY, Msg.VALUE_002),
    (-math.inf, DEC, Msg.VALUE_002),
    (date(2024, 1, 5), COUNT, Msg.VALUE_002),
    (datetime(2024, 1, 5, 8, 30), MONEY, Msg.VALUE_002),
    (time(8, 30), DEC, Msg.VALUE_002),
    (timedelta(days=1), COUNT, Msg.VALUE_002),
    # not whole
    (1.5, COUNT, Msg.VALUE_003),
    (1250000.25, MONEY, Msg.VALUE_003),
    ("1,2345 nghìn", COUNT, Msg.VALUE_003),
    ("2,5555555 tr", MONEY, Msg.VALUE_003),
    # negative
    (-1, COUNT, Msg.VALUE_004),
    (-0.5, DEC, Msg.VALUE_004),
    ("-5", COUNT, Msg.VALUE_004),
    ("−5", MONEY, Msg.VALUE_004),
    ("– 5", COUNT, Msg.VALUE_004),
    ("-1.250", MONEY, Msg.VALUE_004),
    ("-2,5", DEC, Msg.VALUE_004),
    ("-1,2 tỷ", MONEY, Msg.VALUE_004),
    # ambiguous
    ("1,5", COUNT, Msg.VALUE_008),
    ("1.5", COUNT, Msg.VALUE_008),
    ("2,25", MONEY, Msg.VALUE_008),
    ("0,500", COUNT, Msg.VALUE_008),
    ("1.250,75", MONEY, Msg.VALUE_008),
    ("1.2.3", COUNT, Msg.VALUE_008),
    ("1.2.3", DEC, Msg.VALUE_008),
    ("12.34.567", MONEY, Msg.VALUE_008),
    ("1 5", COUNT, Msg.VALUE_008),
    ("1234.567.890", MONEY, Msg.VALUE_008),
    ("0.500.000", MONEY, Msg.VALUE_008),
    ("1,250,75", DEC, Msg.VALUE_008),
    ("1.250 000", MONEY, Msg.VALUE_008),
    ("1.250,000.5", DEC, Msg.VALUE_008),
    ("1., 5", DEC, Msg.VALUE_008),
    ("(5)", COUNT, Msg.VALUE_008),
    ("( 1.250 )", MONEY, Msg.VALUE_008),
    ("1" * 31, COUNT, Msg.VALUE_008),
]


@pytest.mark.parametrize(("raw", "type_", "msg"), REFUSED)
def test_refused(raw, type_, msg):
    result = parse_value(raw, type_)
    assert (result.value, result.kind, result.msg, result.how) == (None, Kind.ERROR, msg, ""), result
    assert bool(result.reason) == (msg is Msg.VALUE_008)


@pytest.mark.parametrize("raw", [None, "", "   ", NBSP, f"{NNBSP}{THIN}\n", "'", " ' ", "\u200b"])
@pytest.mark.parametrize("type_", TYPES)
def test_blank_is_not_zero(raw, type_):
    assert parse_value(raw, type_) == ParsedValue(None, Kind.BLANK)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Họp 3 lần ", "Họp 3 lần"),
        ("Ho\u0323p", "Họp"),  # decomposed input comes out NFC
        ("'0123", "0123"),
        ("-", "-"),
        (12, "12"),
        (12.0, "12"),
        (1.5, "1.5"),
        (date(2024, 1, 5), "2024-01-05"),
        (Decimal("2.50"), "2.50"),
    ],
)
def test_text(raw, expected):
    assert parse_value(raw, TYPE_TEXT) == ParsedValue(expected, Kind.TEXT)


@pytest.mark.parametrize(
    ("raw", "type_", "how"),
    [
        ("120.341.560", MONEY, "bỏ dấu chấm phân cách hàng nghìn"),
        ("120,341,560", MONEY, "bỏ dấu phẩy phân cách hàng nghìn"),
        ("24 000 000", MONEY, "bỏ dấu cách phân cách hàng nghìn"),
        ("24.000.000 VNĐ", MONEY, "bỏ dấu chấm phân cách hàng nghìn; bỏ đơn vị tiền 'VNĐ'"),
        ("30 triệu", MONEY, f"30 triệu = {format_number(30_000_000)} đồng"),
        ("30 triệu đồng", MONEY, f"30 triệu = {format_number(30_000_000)} đồng"),
        ("1.2 tỷ", MONEY, f"1,2 tỷ = {format_number(1_200_000_000)} đồng"),
        ("1,5 nghìn", MONEY, f"1,5 nghìn = {format_number(1500)} đồng"),
        ("1,2345 nghìn", DEC, f"1,2345 nghìn = {format_number(1234.5)}"),
        ("-", COUNT, "dấu '-' được hiểu là 0"),
        ("không", COUNT, "'không' được hiểu là 0"),
        ("+5", COUNT, "bỏ dấu '+'"),
        ("5,00", MONEY, "bỏ phần thập phân ',00'"),
        ("1,5", DEC, "dấu phẩy được hiểu là dấu thập phân"),
        ("1,250.75", DEC, "bỏ dấu phẩy phân cách hàng nghìn; dấu chấm được hiểu là dấu thập phân"),
    ],
)
def test_how_says_what_was_understood(raw, type_, how):
    assert parse_value(raw, type_).how == how


def test_how_fills_the_catalogue_message():
    result = parse_value("1,2 tỷ", MONEY)
    message = Msg.VALUE_006.render(
        where="a.xlsx › Báo cáo!E7", value="1,2 tỷ", code="FUND", label="Quỹ", number=format_number(result.value), how=result.how
    )
    assert message == (
        "[a.xlsx › Báo cáo!E7] Giá trị '1,2 tỷ' của chỉ tiêu “Quỹ” (FUND) được hiểu là 1.200.000.000 "
        "(1,2 tỷ = 1.200.000.000 đồng). Nếu không đúng, hãy sửa lại ô này."
    )


def test_reason_names_the_decimal_part():
    assert parse_value("1,5", COUNT).reason == "có phần thập phân"


def test_huge_numbers_are_exact():
    assert parse_value("123.456.789.012.345.678.901", MONEY).value == 123_456_789_012_345_678_901
    assert parse_value("999.999.999.999 tỷ", MONEY).how.endswith("= 999.999.999.999.000.000.000 đồng")
    assert parse_value(10**400, COUNT).value == 10**400
    assert parse_value(10**400, DEC).msg is Msg.VALUE_008


def test_unknown_type_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown indicator type"):
        parse_value("1", "percent")


class _Unprintable:
    def __str__(self):
        raise RuntimeError("no text")


def test_objects_are_read_as_text():
    assert parse_value(Decimal("1250"), COUNT) == ParsedValue(1250, Kind.NUMBER)
    assert parse_value(_Unprintable(), COUNT).msg is Msg.VALUE_002
    assert parse_value(_Unprintable(), TYPE_TEXT) == ParsedValue(None, Kind.BLANK)


# Property tests.

_OFFICER_ALPHABET = "0123456789.,-+ '()−–—đồngĐVNvndtriệuỷỉkK" + NBSP + NNBSP + THIN + "\u200b"
_ANY_RAW = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet=_OFFICER_ALPHABET, max_size=20),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.decimals(),
)


@given(raw=_ANY_RAW, type_=st.sampled_from(TYPES))
def test_never_raises_and_is_consistent(raw, type_):
    result = parse_value(raw, type_)
    assert isinstance(result.kind, Kind)
    assert (result.msg is not None) == (result.kind == Kind.ERROR)
    assert (result.value is None) == (result.kind in (Kind.BLANK, Kind.ERROR))
    assert bool(result.how) == (result.kind == Kind.INTERPRETED)
    if result.value is not None:
        expected_type = {TYPE_TEXT: str, TYPE_DECIMAL: float}.get(type_, int)
        assert type(result.value) is expected_type
        if type_ != TYPE_TEXT:
            assert result.value >= 0


def _grouped_forms(n: int) -> list[str]:
    english = f"{n:,}"
    return [format_number(n), english, english.replace(",", " "), english.replace(",", NBSP), english.replace(",", NNBSP)]


@given(n=st.integers(min_value=0, max_value=10**15), type_=st.sampled_from(WHOLE_TYPES))
def test_whole_numbers_read_back_exactly(n, type_):
    grouped = Kind.NUMBER if n < 1000 else Kind.INTERPRETED
    expected = [(form, grouped) for form in _grouped_forms(n)] + [(form, Kind.NUMBER) for form in (str(n), f" {n} ", f"'{n}", n, float(n))]
    for form, kind in expected:
        result = parse_value(form, type_)
        assert (result.value, result.kind) == (n, kind), form


@given(n=st.integers(max_value=-1), type_=st.sampled_from(WHOLE_TYPES))
def test_negative_whole_numbers_are_errors(n, type_):
    raws = [n, str(n), "−" + str(-n), "– " + str(-n)]
    if n > -(10**15):
        raws += [float(n), format_number(n), f"{n:,}"]
    for raw in raws:
        assert parse_value(raw, type_).msg is Msg.VALUE_004, raw
