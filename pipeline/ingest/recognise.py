"""Recognise a return whose metadata was lost (sheet and properties deleted, content pasted
into another file, an HTML export): the form by its indicator codes, the level by which
codes it holds, the unit by its name in the heading (compared without diacritics, case or
spaces), the period by how the heading names it ("năm 2024", "6 tháng đầu năm 2024")."""

from __future__ import annotations

import functools

from pipeline.core.constants import (
    META_FINGERPRINT,
    META_FORM_ID,
    META_FORM_VERSION,
    META_PERIOD,
    META_UNIT_CODE,
    META_UNIT_LEVEL,
    META_UNIT_NAME,
)
from pipeline.core.vnformat import strip_diacritics
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import Period
from pipeline.ingest.extract import RawReturn
from pipeline.ingest.legacy_text import fix_legacy

# A level is recognised when its codes and the codes found overlap at least this much.
MIN_OVERLAP = 0.6
REPORTING_LINE = "donvibaocao"  # the folded label of the heading's line naming the unit
FOLDED_KEPT = 16_384  # folded texts remembered (heading lines and unit names recur in every return)


def fold(text: str) -> str:
    """Text without diacritics, case, spaces or punctuation: 'Phường Đoàn Kết' -> 'phuongdoanket'."""
    return _fold(str(text))


@functools.lru_cache(maxsize=FOLDED_KEPT)
def _fold(text: str) -> str:  # every return folds the same heading lines and unit names again
    return "".join(ch for ch in strip_diacritics(fix_legacy(text)[0]).casefold() if ch.isalnum())


def reporting_unit(heading: list[str]) -> str:
    """The unit named on the heading's "Đơn vị báo cáo: …" line, as typed; "" when there is none.

    The name may follow a colon, the label's four words, or stand in the next cell.
    """
    for at, text in enumerate(heading):
        line = fix_legacy(text)[0]
        if not fold(line).startswith(REPORTING_LINE):
            continue
        name = line.split(":", 1)[1] if ":" in line else " ".join(line.split()[4:])
        if not name.strip() and at + 1 < len(heading):
            name = fix_legacy(heading[at + 1])[0]
        return " ".join(name.split())
    return ""


def recognise_level(raw: RawReturn, form: FormDefinition) -> str | None:
    """The level whose indicator codes best match the codes found (Jaccard index)."""
    found = {v.code for v in raw.values}
    best, score = None, 0.0
    for level in form.levels:
        codes = {ind.code for ind in form.indicators_for(level)}
        overlap = len(found & codes) / len(found | codes) if found | codes else 0.0
        if overlap > score:
            best, score = level, overlap
    return best if score >= MIN_OVERLAP else None


def recognise_unit(raw: RawReturn, units: list[Unit], level: str) -> Unit | None:
    """The one unit of ``level`` whose name appears in the heading; None when none or several."""
    heading = [fold(text) for text in raw.heading]
    hits = {u.code: u for u in units if u.level == level and fold(u.name) and any(fold(u.name) in text for text in heading)}
    if len(hits) > 1:  # prefer the names that appear on the "Đơn vị báo cáo" line
        marked = [text for text in heading if REPORTING_LINE in text]
        hits = {c: u for c, u in hits.items() if any(fold(u.name) in text for text in marked)}
    return next(iter(hits.values())) if len(hits) == 1 else None


def recognise(raw: RawReturn, form: FormDefinition, units: list[Unit], period: str | None) -> dict[str, str] | None:
    """Metadata rebuilt from the content, or None when the return cannot be pinned down."""
    level = recognise_level(raw, form)
    unit = recognise_unit(raw, units, level) if level else None
    if unit is None:
        return None
    periods = [found for text in raw.heading if (found := Period.from_heading(text))]
    return {
        META_FORM_ID: form.id,
        META_FORM_VERSION: form.version,
        META_FINGERPRINT: "",
        META_UNIT_CODE: unit.code,
        META_UNIT_NAME: unit.name,
        META_UNIT_LEVEL: unit.level,
        META_PERIOD: periods[0].code if periods else (period or ""),
    }
