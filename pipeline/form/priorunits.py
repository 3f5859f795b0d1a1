"""Which prior figures each unit's template shows, and which units get none, and why.

A unit's own figures are its values of a previous run (``values.csv``). A level the unit list
gives a single unit (the city committee) also has them in the level's total, so a
``totals.csv`` fills that unit's column; the communes need per-unit values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from pipeline.core.constants import VALUES_CSV
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData, period_mismatch

NAMED_UNITS = 10  # units named one by one in the note; beyond, a count


def _bare(code: str) -> str:
    """A unit code without the leading zeros a spreadsheet drops (03386 and 3386 are one unit)."""
    return code.lstrip("0") or code


def figures_for_units(prior: PriorData, units: list[Unit]) -> PriorData:
    """``prior`` with every unit's own figures in ``by_unit``, under the unit list's codes: its
    per-unit values (matched even when a spreadsheet dropped the code's leading zeros) and, for
    a unit alone on its level, that level's totals.

    :param units: the whole unit list (a level's single unit is told from it).
    """
    own: dict[str, dict[str, float]] = {}
    bare: dict[str, str] = {}  # one per unit, not per figure
    for (unit_code, code), value in prior.by_unit.items():
        key = bare.get(unit_code) or bare.setdefault(unit_code, _bare(unit_code))
        own.setdefault(key, {})[code] = value
    sole = {level for level, n in Counter(u.level for u in units).items() if n == 1}
    by_unit: dict[tuple[str, str], float] = {}
    for unit in units:
        level = {code: v for (code, lv), v in prior.by_level.items() if lv == unit.level} if unit.level in sole else {}
        figures = level | own.get(_bare(unit.code), {})
        by_unit.update({(unit.code, code): value for code, value in figures.items()})
    return replace(prior, by_unit=by_unit)


def prior_file_name(prior: PriorData) -> str:
    """The file named in the notes: the one read, or a folder's ``values.csv``."""
    path = Path(prior.source)
    return VALUES_CSV if prior.source and path.is_dir() else path.name


def _without_note(prior: PriorData, without: list[Unit], form: FormDefinition) -> str:
    """``PRIOR_009`` (totals by level only) or ``PRIOR_010`` (units absent from the per-unit values)."""
    where, name = prior.source or "--prior", prior_file_name(prior)
    if not prior.by_unit:
        count = Counter(u.level for u in without)  # levels in the order of the unit list
        who = " và ".join(f"{format_number(n)} đơn vị {form.level_label(level).lower()}" for level, n in count.items())
        return Msg.PRIOR_009.render(where=where, who=who, name=name)
    named = ", ".join(f"{u.code} – {u.name}" for u in without[:NAMED_UNITS])
    if len(without) > NAMED_UNITS:
        named += f" và {format_number(len(without) - NAMED_UNITS)} đơn vị khác"
    return Msg.PRIOR_010.render(where=where, count=format_number(len(without)), name=name, units=named)


def prior_notes(
    prior: PriorData, units: list[Unit], form: FormDefinition, filled: PriorData | None = None, explained: frozenset[str] = frozenset()
) -> list[str]:
    """What the officer should know about the prior figures of the templates: that they are of
    another period than the one before ``form.period`` (``PRIOR_008``), and in one line which
    units get none and why.

    :param filled: the units' figures when not ``figures_for_units(prior, units)`` (a crosswalk's).
    :param explained: codes of units whose lack of figures is told otherwise (a split unit's).
    """
    notes = []
    mismatch = period_mismatch(prior, form.period)
    if mismatch:
        notes.append(Msg.PRIOR_008.render(**mismatch))
    have = {unit_code for unit_code, _ in (filled or figures_for_units(prior, units)).by_unit}
    without = [u for u in units if u.code not in have and u.code not in explained]
    if without:
        notes.append(_without_note(prior, without, form))
    return notes
