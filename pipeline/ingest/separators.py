"""Which marks of a typed number group thousands and which one is the decimal mark.

``split_number("12.500.000", ...)`` gives the digits before and after the decimal mark with
notes on what was read; a number whose marks allow more than one reading gives ``Readings``
(every reading, for the message); one that allows none gives the reason as text.

* One kind of mark: used more than once, or a space, it groups thousands; used once before
  exactly three digits after a valid first group (``1.250``) it groups thousands too, except
  where the Vietnamese convention decides (``vietnamese``: a decimal figure, or before
  ``triệu``), in which ``,`` is the decimal mark. Any other single mark is the decimal mark.
* Two kinds: the last mark, used once and not a space, is the decimal mark and the other groups
  thousands (``1.250,75``, ``1 250,5``). When the digits after it are three, the text reads
  as well as thousands grouped with both kinds (``12 500.000``: 12.500 or 12.500.000?): that is
  ambiguous, and so is a text whose only reading groups thousands with two kinds
  (``60.000 000``). Three kinds are never one number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MARK_NAMES = {".": "dấu chấm", ",": "dấu phẩy", " ": "dấu cách"}
_MARKS = re.compile(r"[., ]")
_ADJACENT_MARKS = re.compile(r"[., ]{2}")


@dataclass(frozen=True)
class Readings:
    """A number typed with two kinds of mark that reads more than one way, or only as thousands
    grouped with both kinds: ``reason`` says which marks, ``values`` every reading (no scale)."""

    reason: str
    values: tuple[Fraction, ...]


Split = tuple[str, str, list[str]]  # digits before the decimal mark, digits after it, notes


def split_number(num: str, vietnamese: bool, whole_due: bool) -> Split | Readings | str:
    """Digits before and after the decimal mark, with notes; or its readings when there are
    several; or why ``num`` (digits and ``.``, ``,``, single spaces) is no number.

    :param vietnamese: a single ``,`` is the decimal mark even before three digits.
    :param whole_due: a decimal part is dropped (the note says so), not read as decimals.
    """
    if _ADJACENT_MARKS.search(num):
        return "hai dấu phân cách đứng liền nhau"
    marks = {char for char in num if not char.isdigit()}
    if not marks:
        return num, "", []
    if len(marks) > 1:
        return _mixed(num, marks, whole_due)
    (char,) = marks
    if char == " " or num.count(char) > 1 or _thousands(num, char, vietnamese):
        groups = num.split(char)
        if not grouped(groups):
            return "dấu phân cách hàng nghìn đặt sai chỗ"
        return "".join(groups), "", [f"bỏ {MARK_NAMES[char]} phân cách hàng nghìn"]
    head, _, decimals = num.partition(char)
    return head, decimals, [_decimal_note(char, decimals, whole_due)]


def _thousands(num: str, char: str, vietnamese: bool) -> bool:
    """Whether a mark used once groups thousands: ``1.250``, not ``1,250`` in Vietnamese."""
    head, tail = num.split(char)
    return len(tail) == 3 and grouped([head]) and not (vietnamese and char == ",")


def _mixed(num: str, marks: set[str], whole_due: bool) -> Split | Readings | str:
    """Two or three kinds of mark: one decimal reading, or every reading, or why none."""
    named = [MARK_NAMES[mark] for mark in sorted(marks, key=num.index)]
    names = ", ".join(named[:-1]) + " và " + named[-1]
    mark = num[max(num.rfind(m) for m in marks)]
    head, _, decimals = num.rpartition(mark)
    group = "".join(marks - {mark})
    decimal = len(marks) == 2 and mark != " " and num.count(mark) == 1 and grouped(head.split(group))
    readings = [Fraction(int(head.replace(group, "") + decimals), 10 ** len(decimals))] if decimal else []
    if grouped(_MARKS.split(num)):
        readings.append(Fraction(int(_MARKS.sub("", num))))
    if decimal and len(readings) == 1:
        notes = [f"bỏ {MARK_NAMES[group]} phân cách hàng nghìn", _decimal_note(mark, decimals, whole_due)]
        return head.replace(group, ""), decimals, notes
    if readings:
        return Readings(f"dùng cả {names}", tuple(readings))
    if len(marks) == 2 and mark != " " and num.count(mark) == 1:
        return "dấu phân cách hàng nghìn đặt sai chỗ"
    return "dùng lẫn lộn nhiều loại dấu phân cách"


def _decimal_note(mark: str, decimals: str, whole_due: bool) -> str:
    return f"bỏ phần thập phân '{mark}{decimals}'" if whole_due else f"{MARK_NAMES[mark]} được hiểu là dấu thập phân"


def grouped(groups: list[str]) -> bool:
    """Thousand groups: a first group of 1-3 digits not starting with 0, then groups of 3."""
    first, rest = groups[0], groups[1:]
    return 1 <= len(first) <= 3 and first[0] != "0" and all(len(group) == 3 for group in rest)
