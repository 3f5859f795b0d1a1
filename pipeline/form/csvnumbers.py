"""Figures in a CSV that went through Excel: read back exactly, or said to be unreadable.

tonghop writes plain numbers (``862796456``, ``1.5``). Excel, opening and saving the file
again, may write them as its region shows them: ``862.796.456`` and ``1,5`` on a Vietnamese
Windows, ``862,796,456`` on an English one, ``8,63E+08`` or ``8.63E+08`` when a column was
too narrow (the figure then rounded to three digits). Which mark is the decimal one is decided
per file (``decimal_mark``): from the figures whose reading is unique (``1,5``, ``862.796.456``),
or ``.`` for a file still as tonghop wrote it. A figure that could be read two ways in a file
that does not say (``862.796``: 862796 or 862,796) is refused, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.core.vnformat import format_number

_SCIENTIFIC = re.compile(r"(?P<mantissa>-?\d+(?:[.,]\d+)?)[eE](?P<exponent>[-+]?\d+)")
_INTEGER = re.compile(r"-?\d+")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_CURRENCY = ("₫", "đ", "VND", "VNĐ")
_LONGEST = 40  # characters of a figure: far past any real figure
_EXPONENT = 400  # past the largest float (1.8e308); the bounds of a form judge what lies between


def _grouped(mark: str, decimal: str | None = None, *, least: int = 1) -> re.Pattern[str]:
    """Digits grouped by threes with ``mark`` (at least ``least`` groups), then optionally
    ``decimal`` and decimals."""
    tail = rf"(?:{re.escape(decimal)}\d+)?" if decimal else ""
    return re.compile(rf"-?\d{{1,3}}(?:{re.escape(mark)}\d{{3}}){{{least},}}{tail}")


def _evidence(decimal: str, group: str) -> tuple[re.Pattern[str], ...]:
    """Figures that can only be read with ``decimal`` as the decimal mark: ``1,5``, ``1,2345``,
    ``1.234.567``, ``1.234,5``, ``8,63E+08`` (for ``,``)."""
    d, g = re.escape(decimal), re.escape(group)
    return (
        re.compile(rf"-?\d+{d}(?:\d{{1,2}}|\d{{4,}})"),
        _grouped(group, least=2),
        re.compile(rf"-?\d{{1,3}}(?:{g}\d{{3}})+{d}\d+"),
        re.compile(rf"-?\d+{d}\d+[eE][-+]?\d+"),
    )


# Figures that show which mark is the decimal one, whatever the file: the other mark cannot be it.
_SAYS_DECIMAL = {",": _evidence(",", "."), ".": _evidence(".", ",")}


@dataclass(frozen=True)
class Figure:
    """A figure read: its plain text (``863000000``, ``1.5``; ``""`` when blank), and whether it
    was written in scientific notation with fewer digits than its whole part (so maybe rounded)."""

    text: str
    rounded: bool = False


class FigureError(ValueError):
    """A text that is not a figure (``ambiguous``: one that reads two ways, as ``readings``)."""

    def __init__(self, readings: tuple[str, ...] = ()) -> None:
        super().__init__(" / ".join(readings))
        self.readings = readings

    def two_ways(self, text: str) -> dict[str, str]:
        """The fields of a message on ``text`` read two ways (``CSV_010``, ``REPORT_013``): the
        ``mark``, both readings as a Vietnamese reads them, and the whole figure ``plain``."""
        fraction, whole = self.readings
        return {
            "mark": "." if "." in text else ",", "plain": whole, "whole": format_number(int(whole)),
            "decimal": format_number(float(fraction), len(fraction.partition(".")[2])),
        }  # fmt: skip


def _bare(text: str) -> str:
    bare = _SPACES.sub("", text)
    for suffix in _CURRENCY:
        if bare.endswith(suffix):
            return bare[: -len(suffix)]
    return bare


def decimal_mark(texts: Iterable[str], dot_decimal: bool) -> str:
    """``.`` or ``,``, the decimal mark the figures of one file show; ``""`` when they do not say
    (or say both). ``dot_decimal``: the file is known to use ``.`` (``Table.dot_decimal``)."""
    if dot_decimal:
        return "."
    seen = set()
    for text in texts:
        bare = _bare(text)
        seen.update(mark for mark, patterns in _SAYS_DECIMAL.items() if any(p.fullmatch(bare) for p in patterns))
        if len(seen) > 1:
            return ""
    return seen.pop() if seen else ""


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def read_figure(text: str, decimal: str) -> Figure:
    """The figure ``text`` holds, given the file's decimal mark (``decimal_mark``).

    :raises FigureError: not a figure; with ``readings`` when it reads two ways.
    """
    if text.isascii() and text.isdigit():  # most figures: no need to look further
        return Figure(text.lstrip("0") or "0")
    bare = _bare(text)
    if not bare:
        return Figure("")
    if len(bare) > _LONGEST:
        raise FigureError()
    if _INTEGER.fullmatch(bare):
        return Figure(str(int(bare)))
    scientific = _SCIENTIFIC.fullmatch(bare)
    if scientific:
        mantissa = scientific["mantissa"].replace(",", ".")
        if abs(int(scientific["exponent"])) > _EXPONENT:
            raise FigureError()
        number = Decimal(mantissa).scaleb(int(scientific["exponent"]))
        digits = len(mantissa.lstrip("-").replace(".", "").lstrip("0"))
        whole = len(str(abs(int(number)))) if abs(number) >= 1 else 0
        return Figure(_plain(number), rounded=number == number.to_integral_value() and digits < whole)
    marks = [mark for mark in ".," if mark in bare]
    if len(marks) == 2:
        last = max(marks, key=bare.rindex)
        first = "," if last == "." else "."
        if not _grouped(first, last).fullmatch(bare):
            raise FigureError()
        return _number(bare.replace(first, "").replace(last, "."))
    return _one_mark(bare, marks[0] if marks else "", decimal)


def _one_mark(bare: str, mark: str, decimal: str) -> Figure:
    """A figure with one kind of mark: grouping when repeated, else decimal unless it reads both ways."""
    if not mark:
        raise FigureError()
    if bare.count(mark) > 1:
        if not _grouped(mark).fullmatch(bare):
            raise FigureError()
        return _number(bare.replace(mark, ""))
    could_group = _grouped(mark).fullmatch(bare) and not bare.lstrip("-").startswith("0")
    if could_group and decimal != mark:
        if not decimal:
            raise FigureError((_number(bare.replace(mark, ".")).text, _number(bare.replace(mark, "")).text))
        return _number(bare.replace(mark, ""))
    return _number(bare.replace(mark, "."))


def _number(text: str) -> Figure:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FigureError() from None
    if not number.is_finite():
        raise FigureError()
    return Figure(_plain(number))
