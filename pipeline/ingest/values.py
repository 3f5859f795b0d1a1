"""Read one cell value the way ward and commune officers type it.

``parse_value(raw, type_)`` never raises for any ``raw``: it returns a ``ParsedValue`` whose
``kind`` (a ``Kind``) says what was found. A blank cell is "not reported" (``BLANK``), never
zero. A value understood only after some reading (thousand separators, ``đồng``, ``triệu``,
``-`` for zero) is ``INTERPRETED`` and ``how`` says in Vietnamese what was understood, for an
info finding (``Msg.VALUE_006``). Anything ambiguous or impossible is an ``ERROR`` carrying
its ``Msg``.

Reading rules for text:

* separators: a mark followed by groups of exactly three digits groups thousands
  (``120.341.560``, ``120,341,560``, ``24 000 000``; non-breaking spaces are spaces); with two
  kinds of mark, the last one, used once, is the decimal mark (``1.250,75``, ``1,250.75``,
  ``1 250,5``), unless the text could as well group thousands with both: ``12 500.000`` and
  ``12,500.000`` (12.500 or 12.500.000?) are ambiguous (``VALUE_008``, naming both readings),
  and so is ``60.000 000`` (thousands grouped by two kinds of mark);
* a single mark before exactly three digits (``1,250``) groups thousands where a whole number
  is due; for ``decimal`` figures and before ``triệu``/``tỷ`` the Vietnamese convention
  decides: ``.`` groups thousands (``1.250`` = 1250, ``1.200 triệu`` = 1.200.000.000),
  ``,`` is the decimal mark (``1,250`` = 1,25);
* where a whole number is due, a decimal part that is not zero (``1,5``) is ambiguous
  (``VALUE_008``), never silently 15; a zero decimal part (``5,00``) is dropped;
* currency words (``đ``, ``đồng``, ``VNĐ``, ``₫``) only on ``money`` figures; on a ``count``
  they, and the multipliers (``500k``, ``30 triệu``), say money typed in a count's row
  (``VALUE_020``: the text is not counted; ``reading`` holds what it would be);
* full-width characters (``２５０``, typed with an East Asian input method) are read as their
  ASCII forms (NFKC limited to width variants: ``10²`` must never become 102);
* a number in brackets (``(5)``) is ambiguous: accountants write negatives so.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import Enum
from fractions import Fraction

from pipeline.core.constants import TYPE_COUNT, TYPE_DECIMAL, TYPE_MONEY, TYPE_TEXT, TYPES, WHOLE_TYPES
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.ingest.raw import CellError
from pipeline.ingest.separators import Readings, split_number


class Kind(Enum):
    """What a cell was read as. ``ERROR`` is an unusable value, not a severity: the finding
    it leads to carries its own ``Severity``."""

    BLANK = "blank"
    NUMBER = "number"
    INTERPRETED = "interpreted"
    ERROR = "error"
    TEXT = "text"


MAX_TEXT = 100  # longer text in a figure cell is not a number
MAX_DIGITS = 30  # nor are more digits than this

_ZERO_WORDS = frozenset({"-", "–", "—", "−", "không", "khong", "ko"})
_SCALES = {"nghìn": 3, "nghin": 3, "ngàn": 3, "ngan": 3, "k": 3, "triệu": 6, "trieu": 6, "tr": 6, "tỷ": 9, "tỉ": 9, "ty": 9}
_CURRENCIES = ("vnđ", "vnd", "đồng", "dong", "đ", "₫")
_MINUS = "-−–—"

_NUMBER = re.compile(
    rf"(?P<sign>[+{re.escape(_MINUS)}]?) ?(?P<num>[0-9](?:[0-9., ]*[0-9])?)"
    rf" ?(?P<scale>{'|'.join(sorted(_SCALES, key=len, reverse=True))})?"
    rf" ?(?P<cur>{'|'.join(_CURRENCIES)})?",
    re.IGNORECASE,
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_WIDE_NOTE = "đọc chữ số, dấu toàn độ rộng thành chữ số, dấu thường"


# What each formula error means, for the officer who has to fix it.
FORMULA_ERRORS = {
    "#N/A": "công thức không tìm thấy giá trị cần dùng",
    "#DIV/0!": "công thức chia cho 0 hoặc cho ô trống",
    "#REF!": "công thức tham chiếu tới ô không còn tồn tại",
    "#VALUE!": "công thức tính toán với chữ thay vì số",
    "#NAME?": "công thức có tên hàm hoặc tên vùng không đúng",
    "#NUM!": "kết quả của công thức không phải là số hợp lệ hoặc quá lớn",
    "#NULL!": "công thức dùng hai vùng ô không giao nhau",
}


def error_meaning(name: str) -> str:
    """What the formula error ``name`` means, in Vietnamese (a general phrase for errors of other programs)."""
    return FORMULA_ERRORS.get(name.upper(), "công thức bị lỗi")


@dataclass(frozen=True)
class ParsedValue:
    """What a cell holds: ``value`` (int for count/money, float for decimal, str for text,
    None for blank or error), ``kind``, ``how`` (for ``Kind.INTERPRETED``), ``msg`` and
    ``reason`` (for ``Kind.ERROR``; ``reason`` fills ``VALUE_008``, and names the money
    wording of ``VALUE_020``)."""

    value: float | int | str | None
    kind: Kind
    how: str = ""
    msg: Msg | None = None
    reason: str = ""
    reading: int | None = None  # for VALUE_020: the number a count's money wording would give


_BLANK = ParsedValue(None, Kind.BLANK)


def parse_value(raw: object, type_: str) -> ParsedValue:
    """Read a cell value as given by a spreadsheet reader.

    :param raw: None, str, int, float, bool, date/datetime/time, or any object (read as its text).
    :param type_: one of ``constants.TYPES``; ``count`` and ``money`` want whole numbers ≥ 0,
        ``decimal`` a number ≥ 0, ``text`` anything.
    :raises ValueError: only for a ``type_`` outside ``constants.TYPES`` (a programming error).
    """
    if type_ not in TYPES:
        raise ValueError(f"unknown indicator type {type_!r}; expected one of {TYPES}")
    if raw is None:
        return _BLANK
    if isinstance(raw, CellError):  # a formula error, whatever the type: never blank, never text
        return _error(Msg.VALUE_016, error_meaning(raw))
    if type_ == TYPE_TEXT:
        return _parse_text(raw)
    if isinstance(raw, (bool, date, time, timedelta)):
        return _error(Msg.VALUE_002)
    if isinstance(raw, (int, float)):
        return _from_number(raw, type_)
    text = _as_text(raw)
    if text is None:
        return _error(Msg.VALUE_002)
    text = re.sub(r"\s+", " ", text)
    if not text:
        return _BLANK
    narrow = _narrow(text)
    if narrow == text:
        return _from_text(text, type_)
    parsed = _from_text(narrow, type_)
    if parsed.kind not in (Kind.NUMBER, Kind.INTERPRETED):
        return parsed
    return ParsedValue(parsed.value, Kind.INTERPRETED, "; ".join(filter(None, [_WIDE_NOTE, parsed.how])))


def _narrow(text: str) -> str:
    """``text`` with full-width (and half-width) forms as their usual characters: NFKC, but only
    for width variants, so that superscripts, fractions and circled digits stay what they are."""
    if text.isascii():
        return text
    return "".join(unicodedata.normalize("NFKC", ch) if _is_width_variant(ch) else ch for ch in text)


def _is_width_variant(char: str) -> bool:
    return unicodedata.decomposition(char).startswith(("<wide>", "<narrow>"))


def _error(msg: Msg, reason: str = "") -> ParsedValue:
    return ParsedValue(None, Kind.ERROR, msg=msg, reason=reason)


def _as_text(raw: object) -> str | None:
    """NFC text without surrounding whitespace, zero-width characters or Excel's leading apostrophe."""
    try:
        text = raw if isinstance(raw, str) else str(raw)
    except Exception:  # an object whose __str__ fails is simply not a number
        return None
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).strip()
    return text[1:].strip() if text.startswith("'") else text


def _parse_text(raw: object) -> ParsedValue:
    if isinstance(raw, float):
        text = format(raw, ".15g")
    elif isinstance(raw, (date, time)):
        text = raw.isoformat()
    else:
        text = _as_text(raw) or ""
    return ParsedValue(text, Kind.TEXT) if text else _BLANK


def _from_number(raw: int | float, type_: str) -> ParsedValue:
    """A numeric cell. Float noise beyond Excel's 15 significant digits is ignored."""
    if isinstance(raw, float) and not math.isfinite(raw):
        return _error(Msg.VALUE_002)
    if raw < 0:
        return _error(Msg.VALUE_004)
    if type_ == TYPE_DECIMAL:
        try:
            return ParsedValue(float(raw), Kind.NUMBER)
        except OverflowError:
            return _error(Msg.VALUE_008, "số quá lớn")
    if isinstance(raw, float):
        shown = float(format(raw, ".15g"))
        if not shown.is_integer():
            return _error(Msg.VALUE_003)
        raw = int(shown)
    return ParsedValue(int(raw), Kind.NUMBER)


def _from_text(text: str, type_: str) -> ParsedValue:
    if len(text) > MAX_TEXT:
        return _error(Msg.VALUE_002)
    if text.lower() in _ZERO_WORDS:
        how = f"'{text}' được hiểu là 0" if text.isalpha() else f"dấu '{text}' được hiểu là 0"
        return _result(Fraction(0), type_, [how])
    if text[0] == "(" and text[-1] == ")" and _NUMBER.fullmatch(text[1:-1].strip()):
        return _error(Msg.VALUE_008, "số trong ngoặc đơn có thể là số âm")
    match = _NUMBER.fullmatch(text)
    if not match:
        return _error(Msg.VALUE_002)
    if match["cur"] and type_ not in WHOLE_TYPES:
        return _error(Msg.VALUE_002)
    parsed = _from_match(match, type_)
    if type_ == TYPE_COUNT and (match["scale"] or match["cur"]) and parsed.kind != Kind.ERROR:
        suffix = " ".join(filter(None, [match["scale"], match["cur"]]))
        return ParsedValue(None, Kind.ERROR, msg=Msg.VALUE_020, reason=suffix, reading=parsed.value)
    return parsed


def _from_match(match: re.Match, type_: str) -> ParsedValue:
    whole_due = type_ in WHOLE_TYPES
    scale = match["scale"]
    parts = split_number(match["num"], vietnamese=bool(scale) or not whole_due, whole_due=whole_due)
    if isinstance(parts, str):
        return _error(Msg.VALUE_008, parts)
    if isinstance(parts, Readings):
        factor = 10 ** _SCALES[scale.lower()] if scale else 1
        shown = dict.fromkeys(_show(value * factor, _places(value * factor)) for value in parts.values)
        return _error(Msg.VALUE_008, f"{parts.reason}: có thể là {' hoặc '.join(shown)}")
    digits, decimals, notes = parts
    sign = match["sign"]
    if sign and sign in _MINUS and (digits + decimals).strip("0"):
        return _error(Msg.VALUE_004)
    if len(digits) + len(decimals) > MAX_DIGITS:
        return _error(Msg.VALUE_008, "số quá dài")
    value = Fraction(int(digits + decimals), 10 ** len(decimals))
    if scale:
        exponent = _SCALES[scale.lower()]
        value *= 10**exponent
        shown = _show(Fraction(int(digits)), 0) + ("," + decimals if decimals else "")
        suffix = " đồng" if type_ == TYPE_MONEY else ""
        notes = [f"{shown} {scale} = {_show(value, len(decimals) - exponent)}{suffix}"]
    elif match["cur"]:
        notes.append(f"bỏ đơn vị tiền '{match['cur']}'")
    if sign:
        notes.insert(0, f"bỏ dấu '{sign}'")
    if whole_due and value.denominator != 1:
        return _error(Msg.VALUE_003) if scale else _error(Msg.VALUE_008, "có phần thập phân")
    return _result(value, type_, notes)


def _show(value: Fraction, decimals: int) -> str:
    """``value`` written the Vietnamese way, exactly (format_number goes through float)."""
    if value.denominator == 1:
        whole = int(value)
        return format_number(whole) if whole < 10**15 else f"{whole:,}".replace(",", ".")
    return format_number(float(value), decimals=max(decimals, 1))


def _places(value: Fraction) -> int:
    """Digits after the decimal mark that ``value`` (a number typed in decimals) needs."""
    places = 0
    while (value * 10**places).denominator != 1 and places < MAX_DIGITS:
        places += 1
    return places


def _result(value: Fraction, type_: str, notes: list[str]) -> ParsedValue:
    number = float(value) if type_ == TYPE_DECIMAL else int(value)
    return ParsedValue(number, Kind.INTERPRETED if notes else Kind.NUMBER, "; ".join(notes))
