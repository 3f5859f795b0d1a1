"""The page of links in pages: a round of thousands of units is shown ``PAGE_SIZE`` units at a
time (each with its QR code, made only for the page shown), found by name or code."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import segno

from pipeline.core.vnformat import strip_diacritics
from pipeline.store import UnitRecord

PAGE_SIZE = 100
MAX_QUERY = 100  # characters of a search kept


@dataclass(frozen=True)
class UnitPage:
    """The units of one page of the list (after the search), its number, how many pages and units there are."""

    units: list[UnitRecord]
    number: int
    pages: int
    found: int
    query: str
    size: int = PAGE_SIZE


def _folded(text: str) -> str:
    """Text as the search compares it: no marks, no case (``Tân Phong`` is found by ``tan phong``)."""
    return " ".join(strip_diacritics(text).casefold().split())


def page_of(units: list[UnitRecord], query: str = "", number: object = 1, size: int = PAGE_SIZE) -> UnitPage:
    """Page ``number`` (1 when it is not a page number; the last when beyond) of the units whose
    name or code contains ``query``."""
    query = " ".join(query.split())[:MAX_QUERY]
    wanted = _folded(query)
    found = [u for u in units if wanted in _folded(u.name) or wanted in u.code.casefold()] if wanted else units
    pages = max(1, -(-len(found) // size))
    chosen = int(number) if str(number).isdigit() else 1
    chosen = min(max(chosen, 1), pages)
    return UnitPage(found[(chosen - 1) * size : chosen * size], chosen, pages, len(found), query, size)


def page_number(units: list[UnitRecord], code: str, size: int = PAGE_SIZE) -> int:
    """The page of the whole list that shows unit ``code``."""
    index = next((i for i, u in enumerate(units) if u.code == code), 0)
    return index // size + 1


@functools.lru_cache(maxsize=4096)
def qr_code(url: str) -> str:
    """The QR code of a unit's link as inline SVG, sized by its ``viewBox`` only (so that the page's
    CSS scales it, with no blank below); links are stable, so each is made once per process."""
    return segno.make(url, error="m").svg_inline(scale=3, omitsize=True)
