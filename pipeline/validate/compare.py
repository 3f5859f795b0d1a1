"""Compare this period's totals with the prior period's and flag large changes.

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
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import period_label
from pipeline.form.prior import PriorData, period_mismatch

COMPARISON_COLUMNS = ["code", "level", "value", "prior", "change", "ratio", "flag"]
PRIOR_OUTLIER = Msg.COMPARE_001.slug


def prior_by_level(prior: PriorData, units: list[Unit] | None) -> dict[tuple[str, str], float]:
    """The prior totals by (code, level); summed from per-unit values when only those exist."""
    if prior.by_level or not prior.by_unit or not units:
        return dict(prior.by_level)
    level_of = {u.code: u.level for u in units}
    out: dict[tuple[str, str], float] = {}
    for (unit_code, code), value in prior.by_unit.items():
        if unit_code in level_of:
            for level in (level_of[unit_code], LEVEL_ALL):
                out[(code, level)] = out.get((code, level), 0.0) + value
    return out


def _is_flagged(value: float, prior: float, factor: float) -> bool:
    if math.isnan(value) or math.isnan(prior) or prior <= 0:
        return False
    return value > factor * prior or value < prior / factor


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
    totals: pd.DataFrame, prior: PriorData, form: FormDefinition, factor: float = settings.OUTLIER_FACTOR, units: list[Unit] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """This period's totals beside the prior period's, and one warning per flagged change.

    :param totals: ``code, level, value`` as computed by ``consolidate``.
    :param prior: the prior figures (totals by level; per-unit values are summed by level
        when ``units`` is given and the file had no totals).
    :param factor: a value beyond ``factor`` times (or below 1/``factor`` of) the prior is flagged.
    :returns: a frame with ``COMPARISON_COLUMNS`` (one row per total that has a prior value,
        plus prior values of known figures not reported this period), and the warnings (first,
        ``PRIOR_008`` when the prior figures are not of the period a year before ``form.period``).
    """
    before = prior_by_level(prior, units)
    current = {(r.code, r.level): float(r.value) for r in totals.itertuples()}
    keys = [k for k in current if k in before] + [k for k in before if k not in current and k[0] in form.indicators]
    order = {code: i for i, code in enumerate(form.indicators)}
    levels = {level: i for i, level in enumerate([*form.levels, LEVEL_ALL])}
    keys.sort(key=lambda k: (order.get(k[0], len(order)), levels.get(k[1], len(levels))))
    rows = []
    for code, level in keys:
        value, old = current.get((code, level), math.nan), before[(code, level)]
        ratio = round(value / old, 4) if old > 0 and not math.isnan(value) else math.nan
        rows.append((code, level, value, old, value - old, ratio, _is_flagged(value, old, factor)))
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    frame["flag"] = frame["flag"].astype(bool)
    period = period_label(prior.period) if prior.period else "kỳ trước"
    warnings = [_warning(row, form, period) for row in frame.itertuples() if row.flag]
    mismatch = period_mismatch(prior, form.period)
    if mismatch:  # said, not refused: the officer may mean it
        warnings.insert(0, problem(Msg.PRIOR_008, Severity.WARNING, **mismatch))
    return frame, warnings
