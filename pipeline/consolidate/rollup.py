"""Totals per parent of the tree of units (``form/tree.py``): each parent's totals cover every
unit below it, however deep, and the parent itself when it sends a return. A parent's totals are
what a consolidation of its subtree alone would give (``sums.compute_totals`` over its units'
values), computed for every parent at once: each value is counted once per parent above its unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.consolidate.sums import compute_totals
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.tree import UnitTree
from pipeline.form.units import code_key

PARENT_TOTALS_COLUMNS = ["parent_code", "parent_name", "code", "level", "value", "units_received", "units_listed"]


@dataclass(frozen=True)
class Parent:
    """A parent of the tree: its code (a unit's as the outputs show it), name, depth (0 at a top),
    its parent's code (``""`` at a top) and the codes of the units it covers, in the list's order."""

    code: str
    name: str
    depth: int
    upper: str
    units: tuple[str, ...]
    received: int


@dataclass(frozen=True)
class ParentTotals:
    """Every parent, depth first, and their totals: ``parent_code, code, level, value``."""

    parents: tuple[Parent, ...]
    totals: pd.DataFrame

    def frame(self) -> pd.DataFrame:
        """``PARENT_TOTALS_COLUMNS``: the totals with each parent's name and counts (``parent_totals.csv``)."""
        info = pd.DataFrame(
            [(p.code, p.name, p.received, len(p.units)) for p in self.parents],
            columns=["parent_code", "parent_name", "units_received", "units_listed"],
        )
        return self.totals.merge(info, on="parent_code", how="left", sort=False)[PARENT_TOTALS_COLUMNS]


def roll_up(values: pd.DataFrame, form: FormDefinition, units: list[Unit], received: set[str], tree: UnitTree) -> ParentTotals:
    """The totals of every parent of ``tree``.

    :param values: the values used (``result.VALUE_FRAME_COLUMNS``).
    :param units: the unit list as consolidated (codes padded as the returns show them).
    :param received: the codes of the units whose return was used.
    """
    rows = _rows_of(units, tree)
    shown = {row: code for code, row in rows.items() if row != code}  # row code → the code the outputs show
    order = tree.depth_first()
    index = {code: i for i, (code, _) in enumerate(order)}
    covered: dict[str, list[str]] = {code: [] for code, _ in order}
    links = []
    for unit in units:
        for up in tree.chain(rows[unit.code]):
            if up in covered:
                covered[up].append(unit.code)
                links.append((unit.code, index[up]))
    link = pd.DataFrame(links, columns=["unit_code", "_parent"])
    levels = list(dict.fromkeys(u.level for u in units))
    totals = compute_totals(values.merge(link, on="unit_code", sort=False), form, levels, by="_parent")
    codes = [shown.get(code, code) for code, _ in order]
    totals = totals.assign(_parent=totals["_parent"].map(codes.__getitem__)).rename(columns={"_parent": "parent_code"})
    parents = tuple(
        Parent(
            shown.get(code, code), tree.names[code], depth, shown.get(tree.parent.get(code, ""), tree.parent.get(code, "")),
            tuple(covered[code]), sum(c in received for c in covered[code]),
        )
        for code, depth in order
    )  # fmt: skip
    return ParentTotals(parents, totals)


def _rows_of(units: list[Unit], tree: UnitTree) -> dict[str, str]:
    """Unit code → the code of its row in the list (the unit's code may since have been padded
    with the zeros Excel dropped: ``pad_unit_codes``); codes of one level are unique once zeros are dropped."""
    by_key = {(level, code_key(code)): code for code, level in tree.levels.items() if level}
    return {u.code: u.code if tree.levels.get(u.code) == u.level else by_key[(u.level, code_key(u.code))] for u in units}
