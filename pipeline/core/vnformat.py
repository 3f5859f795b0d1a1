"""Numbers written the Vietnamese way (862.796.456 and 1,5), and the one clock of the program:
the moment now and today's date in Vietnam time, whatever the machine's time zone."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime, timezone

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


def utc_now() -> datetime:
    """The moment now (aware, UTC): the one clock every "now" and "today" of the program reads."""
    return datetime.now(timezone.utc)


def vietnam_now() -> datetime:
    """The moment now in Vietnam time (UTC+7), as users read it."""
    return utc_now().astimezone(SAVED_TIME_ZONE)


def vietnam_today() -> date:
    """Today's date in Vietnam: on a UTC server at 23:30 it is already tomorrow there."""
    return vietnam_now().date()
