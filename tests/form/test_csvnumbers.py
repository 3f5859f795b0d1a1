"""Figures of a CSV that went through Excel: the one value they hold, or refused; never another
magnitude."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.form.csvnumbers import Figure, FigureError, decimal_mark, read_figure


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("862796456", "", Figure("862796456")),
        ("862.796.456", "", Figure("862796456")),
        ("862,796,456", "", Figure("862796456")),
        (" 862 796 456 ₫", "", Figure("862796456")),
        ("1.234,5", "", Figure("1234.5")),
        ("1,234.5", "", Figure("1234.5")),
        ("1,5", "", Figure("1.5")),
        ("1.0395", "", Figure("1.0395")),
        ("0.125", "", Figure("0.125")),
        ("862.796", ",", Figure("862796")),
        ("862.796", ".", Figure("862.796")),
        ("8.63E+08", "", Figure("863000000", rounded=True)),
        ("8,63E+08", "", Figure("863000000", rounded=True)),
        ("8.62796456E+08", "", Figure("862796456")),
        ("1.5E-01", "", Figure("0.15")),
        ("-1.000", ",", Figure("-1000")),
        ("", "", Figure("")),
        ("0042", "", Figure("42")),
    ],
)
def test_figures_as_excel_writes_them(text, decimal, expected):
    assert read_figure(text, decimal) == expected


@pytest.mark.parametrize("text", ["15/11/2023", "1.23.456", "1,2.3", "abc", "#VALUE!", "1.234.56", "nan", "inf", "1e999999"])
def test_what_is_no_figure_is_refused(text):
    with pytest.raises(FigureError) as raised:
        read_figure(text, ".")
    assert raised.value.readings == ()


def test_a_figure_that_reads_two_ways_gives_both():
    with pytest.raises(FigureError) as raised:
        read_figure("862.796", "")
    assert raised.value.readings == ("862.796", "862796")


@pytest.mark.parametrize(
    ("texts", "as_written", "mark"),
    [(["1", "2"], True, "."), (["1", "2"], False, ""), (["1,5", "3"], False, ","), (["1.234.567"], False, ","),
     (["1,234,567"], False, "."), (["8.63E+08"], False, "."), (["1,5", "1.5"], False, ""), (["862.796"], False, "")],
)  # fmt: skip
def test_the_decimal_mark_of_a_file(texts, as_written, mark):
    assert decimal_mark(texts, as_written) == mark


def _written(number: Decimal, decimal: str, grouped: bool) -> str:
    whole, _, fraction = f"{abs(number):f}".partition(".")
    if grouped:
        group = "." if decimal == "," else ","
        whole = f"{int(whole):,}".replace(",", group)
    text = whole + (decimal + fraction if fraction else "")
    return ("-" if number < 0 else "") + text


@settings(derandomize=True, max_examples=300)
@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from([".", ","]),
    st.booleans(),
    st.sampled_from(["", ".", ","]),
)
def test_a_figure_reads_as_written_or_is_refused(number, decimal, grouped, file_mark):
    """Whatever the file's mark, a figure written with ``decimal`` reads as itself, or is
    refused: never as another magnitude (unless the file says the other mark is its decimal one)."""
    text = _written(number, decimal, grouped)
    try:
        read = Decimal(read_figure(text, file_mark).text)
    except FigureError:
        return
    if file_mark and file_mark != decimal:
        return  # the file said otherwise: its other figures decide
    assert read == number.normalize(), text
