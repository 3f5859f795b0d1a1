"""Numbers written the Vietnamese way (862.796.456 and 1,5), and the one clock of the program:
the moment now and today's date in Vietnam time, whatever the machine's time zone."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime, time, timezone
from decimal import Decimal

from pipeline.core.settings import SAVED_TIME_ZONE


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """Format a number with '.' between thousands and ',' before decimals.

    :param value: the number; ``None`` or NaN gives an empty string.
    :param decimals: digits after the comma; default: none for whole numbers, up to 2 otherwise.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    if decimals == 0 and isinstance(value, int):
        text = f"{abs(value):,}"  # exact for integers past 2**53
    else:
        text = f"{abs(value):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if value < 0 and text.strip("0.,") else "") + text


def format_signed(value: float | int | None) -> str:
    """Format a difference with its sign: +3, -118.491.896, 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return ("+" if value > 0 else "") + format_number(value)


def strip_diacritics(text: str) -> str:
    """Vietnamese text without its marks: 'Phường Đoàn Kết' -> 'Phuong Doan Ket'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def format_vn_time(moment: datetime | None) -> str:
    """A moment as users read it, in Vietnam time: ``14/11/2024 17:00``; "" for none."""
    return moment.astimezone(SAVED_TIME_ZONE).strftime("%d/%m/%Y %H:%M") if moment else ""


def format_typed(value: object) -> str:
    """A cell's content as the officer typed it: a number the Vietnamese way with every digit
    Excel shows (15 significant: ``65,00000000001``, never a rounded ``65``), a date as
    ``15/11/2023`` (with its time when it has one), text as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        digits = Decimal(format(value, ".15g"))
        places = max(-digits.as_tuple().exponent, 0)
        return format_number(digits, decimals=places) if places <= 30 else format(value, ".15g").replace(".", ",")
    if isinstance(value, (int, float)) and value == value:
        return format_number(int(value) if float(value).is_integer() else value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y" if value.time() == time() else "%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def utc_now() -> datetime:
    """The moment now (aware, UTC): the one clock every "now" and "today" of the program reads."""
    return datetime.now(timezone.utc)


def vietnam_now() -> datetime:
    """The moment now in Vietnam time (UTC+7), as users read it."""
    return utc_now().astimezone(SAVED_TIME_ZONE)


def vietnam_today() -> date:
    """Today's date in Vietnam: on a UTC server at 23:30 it is already tomorrow there."""
    return vietnam_now().date()
