"""Compare this period's totals, and each unit's figures, with the prior period's and flag large changes.

A change is flagged when this year's value is more than ``factor`` times the prior value,
or less than the prior value divided by ``factor``. A figure that was zero last year is
never flagged (any growth from zero is "infinite"); a figure without a prior value is not
compared at all.
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL, Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number
from pipeline.form.crosswalk import Crosswalk
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import period_label
from pipeline.form.prior import PriorData, period_mismatch
from pipeline.form.units import code_key

COMPARISON_COLUMNS = ["code", "level", "value", "prior", "change", "ratio", "flag"]
UNIT_COMPARISON_COLUMNS = ["unit_code", "unit_name", "code", "value", "prior", "change", "ratio", "flag"]
PRIOR_OUTLIER = Msg.COMPARE_001.slug


def _levels(units: list[Unit], crosswalk: Crosswalk | None) -> dict[str, str]:
    """``unit code -> level``: the unit list's, and for an old unit of the crosswalk that is not
    listed, the level of the new units it went into (when they share one)."""
    level_of = {u.code: u.level for u in units}
    listed = {code_key(u.code): u.level for u in units}
    went: dict[str, set[str]] = {}
    for link in crosswalk.links if crosswalk else ():
        if code_key(link.new) in listed:
            went.setdefault(code_key(link.old), set()).add(listed[code_key(link.new)])
    return level_of | {old: levels.pop() for old, levels in went.items() if len(levels) == 1 and old not in level_of}


def prior_by_level(prior: PriorData, units: list[Unit] | None, crosswalk: Crosswalk | None = None) -> dict[tuple[str, str], float]:
    """The prior totals by (code, level); summed from per-unit values when only those exist
    (an old unit of the ``crosswalk`` counted in the level of the units it went into)."""
    if prior.by_level or not prior.by_unit or not units:
        return dict(prior.by_level)
    level_of = _levels(units, crosswalk)
    out: dict[tuple[str, str], float] = {}
    for (unit_code, code), value in prior.by_unit.items():
        level = level_of.get(unit_code) or level_of.get(code_key(unit_code))
        if level:
            for key in ((code, level), (code, LEVEL_ALL)):
                out[key] = out.get(key, 0.0) + value
    return out


def _is_flagged(value: float, prior: float, factor: float) -> bool:
    if math.isnan(value) or math.isnan(prior) or prior <= 0:
        return False
    return value > factor * prior or value < prior / factor


def _row(value: float, old: float, factor: float) -> tuple:
    """``value, prior, change, ratio, flag`` of one comparison."""
    ratio = round(value / old, 4) if old > 0 and not math.isnan(value) else math.nan
    return (value, old, value - old, ratio, _is_flagged(value, old, factor))


def _change_text(ratio: float) -> str:
    if ratio >= 1:
        return f"gấp {format_number(round(ratio, 1))} lần"
    return f"chỉ bằng {format_number(round(ratio * 100, 1))}%"


def _warning(row, form: FormDefinition, period: str) -> Problem:
    ind = form.indicators[row.code]
    return problem(
        Msg.COMPARE_001, Severity.WARNING, where=f"Tổng hợp › {form.level_label(row.level)}",
        level=row.level, code=row.code, label=ind.display_label, unit=ind.unit, value=format_number(row.value),
        prior=format_number(row.prior), prior_period=period, change_text=_change_text(row.ratio),
    )  # fmt: skip


def compare_with_prior(
    totals: pd.DataFrame,
    prior: PriorData,
    form: FormDefinition,
    factor: float = settings.OUTLIER_FACTOR,
    units: list[Unit] | None = None,
    crosswalk: Crosswalk | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """This period's totals beside the prior period's, and one warning per flagged change.

    :param totals: ``code, level, value`` as computed by ``consolidate``.
    :param prior: the prior figures (totals by level; per-unit values are summed by level
        when ``units`` is given and the file had no totals, across the ``crosswalk`` if any).
    :param factor: a value beyond ``factor`` times (or below 1/``factor`` of) the prior is flagged.
    :returns: a frame with ``COMPARISON_COLUMNS`` (one row per total that has a prior value,
        plus prior values of known figures not reported this period), and the warnings (first,
        ``PRIOR_008`` when the prior figures are not of the period a year before ``form.period``).
    """
    before = prior_by_level(prior, units, crosswalk)
    current = {(r.code, r.level): float(r.value) for r in totals.itertuples()}
    keys = [k for k in current if k in before] + [k for k in before if k not in current and k[0] in form.indicators]
    order = {code: i for i, code in enumerate(form.indicators)}
    levels = {level: i for i, level in enumerate([*form.levels, LEVEL_ALL])}
    keys.sort(key=lambda k: (order.get(k[0], len(order)), levels.get(k[1], len(levels))))
    rows = [(code, level, *_row(current.get((code, level), math.nan), before[(code, level)], factor)) for code, level in keys]
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame["flag"] = frame["flag"].astype(bool)
    period = period_label(prior.period) if prior.period else "kỳ trước"
    warnings = [_warning(row, form, period) for row in frame.itertuples() if row.flag]
    mismatch = period_mismatch(prior, form.period)
    if mismatch:  # said, not refused: the officer may mean it
        warnings.insert(0, problem(Msg.PRIOR_008, Severity.WARNING, **mismatch))
    return frame, warnings


def compare_units(
    values: pd.DataFrame, prior: PriorData, units: list[Unit], form: FormDefinition, factor: float = settings.OUTLIER_FACTOR
) -> pd.DataFrame:
    """Each unit's figures beside its own prior figures, flagged as the totals are (no warning).

    :param values: the values used (``unit_code, code, value``), as ``consolidate`` keeps them.
    :param prior: the prior figures with ``by_unit`` under the unit list's codes
        (``crosswalk.unit_figures``: a merged unit's are its old units' sum).
    :returns: ``UNIT_COMPARISON_COLUMNS``, one row per figure a unit sent that has a prior
        value, in unit list then form order.
    """
    keys = list(prior.by_unit)
    before = pd.DataFrame({"unit_code": [k[0] for k in keys], "code": [k[1] for k in keys], "prior": list(prior.by_unit.values())})
    sent = values[["unit_code", "code"]].assign(value=pd.to_numeric(values["value"], errors="coerce"))
    frame = sent.merge(before, on=["unit_code", "code"])
    names = {u.code: u.name for u in units}
    frame = frame[frame["unit_code"].isin(names.keys())]
    place = {u.code: i for i, u in enumerate(units)}
    order = {code: i for i, code in enumerate(form.indicators)}
    frame = frame.assign(_u=frame["unit_code"].map(place), _c=frame["code"].map(order).fillna(len(order)))
    frame = frame.sort_values(["_u", "_c"], kind="stable").reset_index(drop=True)
    old, value = frame["prior"].astype(float), frame["value"].astype(float)
    frame["unit_name"] = frame["unit_code"].map(names)
    frame["change"] = value - old
    frame["ratio"] = (value / old.where(old > 0)).round(4)
    frame["flag"] = (old > 0) & value.notna() & ((value > factor * old) | (value < old / factor))
    return frame[UNIT_COMPARISON_COLUMNS].astype({"flag": bool})
