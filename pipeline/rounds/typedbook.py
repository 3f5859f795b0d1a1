"""Figures typed on the web form become a return: the unit's own template (as its link offers
it for download: metadata, stamps, the round's period and deadline) with each figure written in
its cell, the hint line above the table saying where the figures came from, the saved time set,
and the live checks' saved results cleared so that Excel and LibreOffice compute them afresh.

The template is filled, never rebuilt nor re-saved (``forward.cells``, as ``tonghop forward``
fills an upper template): a typed return is byte for byte the unit's template but for its
figures, so it is checked, stored, consolidated and downloaded exactly as an uploaded one.

A figure is written as the number it reads as when it reads as one (``1.200.000``, ``30 triệu``
→ 1200000, 30000000), else as the text typed (``12 500.000``, ``abc``), so that the check of the
return finds in it exactly what it would find in a template where the officer typed that text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.core.constants import TYPE_TEXT
from pipeline.forward.cells import CellContent, clear_results, set_cells, set_modified
from pipeline.forward.upper import upper_template_of
from pipeline.ingest.values import Kind, parse_value
from pipeline.rounds.checking import form_signature, round_check
from pipeline.rounds.setup import form_path
from pipeline.templates.stamp import Stamp

if TYPE_CHECKING:
    from pipeline.form.model import Indicator
    from pipeline.store import RoundRecord, Store

CORE_PART = "docProps/core.xml"
CACHED_TEMPLATES = 64  # blank templates kept in memory (about 30 KB each)
TYPED_SUFFIX = "_nhap_tren_web"  # the kept workbook's name: the template's, with this before .xlsx


@dataclass(frozen=True)
class Blank:
    """A unit's blank template: its bytes, its name, the data sheet's part, the value cell of
    each indicator (code → cell) and the hint line's cell."""

    name: str
    data: bytes
    part: str
    cells: dict[str, str]
    note_cell: str


_cache: OrderedDict[tuple, Blank] = OrderedDict()
_lock = threading.Lock()


def blank_template(store: Store, rnd: RoundRecord, unit_code: str) -> Blank:
    """The unit's template as its link offers it (a unit of the round), made once per round,
    unit and form content."""
    key = (str(store.data_dir), rnd.id, rnd.created_at, unit_code, form_signature(form_path(rnd)))
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = _make(store, rnd, unit_code)
            _cache[key] = found
            while len(_cache) > CACHED_TEMPLATES:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
        return found


def _make(store: Store, rnd: RoundRecord, unit_code: str) -> Blank:
    name, data = api.template_data(round_check(store, rnd).context, unit_code)
    upper = upper_template_of(data, Path(name))
    cells = {slot.code: slot.cell for slot in upper.slots}
    return Blank(name, data, upper.part, cells, upper.note_cell)


def cell_content(text: str, ind: Indicator) -> CellContent:
    """What the cell of ``ind`` holds for ``text`` as typed: the number it reads as, else the text
    itself (the check then finds what it would in a template holding it); None for a blank."""
    text = str(text).strip()
    if not text:
        return None
    if ind.type == TYPE_TEXT:
        return text
    parsed = parse_value(text, ind.type)
    if parsed.kind in (Kind.NUMBER, Kind.INTERPRETED) and isinstance(parsed.value, (int, float)):
        return parsed.value
    return text


def typed_name(blank: Blank) -> str:
    """``03408_Phuong_Tan_Phong_nhap_tren_web.xlsx``."""
    stem = blank.name[: -len(".xlsx")] if blank.name.lower().endswith(".xlsx") else blank.name
    return stem + TYPED_SUFFIX + ".xlsx"


def fill(blank: Blank, contents: Mapping[str, CellContent], note: str, now: datetime) -> bytes:
    """The template's bytes with each indicator's cell holding ``contents[code]`` (codes of
    the template only), ``note`` on the hint line and the saved time ``now``."""
    cells: dict[str, CellContent] = {blank.cells[code]: value for code, value in contents.items() if code in blank.cells}
    if blank.note_cell:
        cells[blank.note_cell] = note
    edits = {blank.part: lambda xml: clear_results(set_cells(xml, cells)), CORE_PART: lambda xml: set_modified(xml, now)}
    return Stamp(blank.data, (), tuple(edits)).render({}, edits)  # our own template: every part is one it can copy


def clear() -> None:
    """Forget the blank templates (tests)."""
    with _lock:
        _cache.clear()
