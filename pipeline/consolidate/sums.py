"""Totals of the values used: by indicator and level, and over all levels (``all``), summed
exactly; optionally by one more key (a parent of the tree of units, ``rollup``)."""

from __future__ import annotations

import numbers

import pandas as pd

from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, WHOLE_TYPES
from pipeline.form.model import FormDefinition


def compute_totals(values: pd.DataFrame, form: FormDefinition, levels: list[str], by: str | None = None) -> pd.DataFrame:
    """``code, level, value``: each level's sum and the ``all`` sum, where any unit reported.

    Whole figures (counts, money) are summed exactly, as integers that never wrap around: 10,000
    units at the money bound make 10^19 đồng, past the largest 64-bit integer. Decimals are floats.

    :param by: a column of ``values`` to total by as well (``rollup``: a parent's number), kept
        as the first column and sorted on first.
    """
    keys = [by] if by else []
    whole = [c for c, ind in form.indicators.items() if ind.type in WHOLE_TYPES]
    decimal = [c for c, ind in form.indicators.items() if ind.type in NUMERIC_TYPES and c not in whole]
    parts = [_sums(values[values["code"].isin(whole)], True, keys), _sums(values[values["code"].isin(decimal)], False, keys)]
    totals = pd.concat(parts, ignore_index=True)
    level_order = {lv: i for i, lv in enumerate([*levels, LEVEL_ALL])}
    code_order = {c: i for i, c in enumerate(form.indicators)}
    totals = totals.assign(_c=totals["code"].map(code_order), _l=totals["level"].map(level_order))
    totals = totals.sort_values([*keys, "_c", "_l"]).drop(columns=["_c", "_l"]).reset_index(drop=True)
    plain = [int(v) if isinstance(v, numbers.Integral) or float(v).is_integer() else float(v) for v in totals["value"]]
    totals["value"] = pd.Series(plain, index=totals.index, dtype=object)  # never inferred as float64 or int64
    return totals[[*keys, "code", "level", "value"]]


def _sums(frame: pd.DataFrame, exact: bool, keys: list[str]) -> pd.DataFrame:
    """The sums of ``frame``'s values by code and level, and by code (level ``all``).

    :param exact: whole figures: summed as 64-bit integers only when no sum can overflow them,
        else as Python integers (exact at any size).
    """
    numbers = pd.to_numeric(frame["value"]) if len(frame) else frame["value"].astype(float)
    if exact and not (numbers.dtype == "int64" and int(numbers.abs().max()) * len(numbers) < 2**63):
        numbers = frame["value"].map(int).astype(object)
    frame = frame.assign(value=numbers)
    by_level = frame.groupby([*keys, "code", "level"], sort=False)["value"].sum().reset_index()
    overall = frame.groupby([*keys, "code"], sort=False)["value"].sum().reset_index().assign(level=LEVEL_ALL)
    sums = pd.concat([by_level, overall], ignore_index=True)
    return sums.assign(value=pd.Series(sums["value"].tolist(), dtype=object))  # Python numbers: no float cast when joined
