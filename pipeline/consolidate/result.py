"""The result of a consolidation, as plain data: built once, complete, never changed afterwards.

Every output renders it (the CSVs, the workbook, the Word appendix), and reading a
consolidation folder back (``pipeline/outputs/readback.py``) gives the same type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

import pandas as pd

from pipeline.consolidate.rollup import ParentTotals
from pipeline.core.constants import LEVEL_ALL, SubmissionStatus
from pipeline.core.findings import Findings
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData

VALUE_FRAME_COLUMNS = ["unit_code", "unit_name", "level", "code", "value", "file", "sheet", "cell"]
SUBMISSION_COLUMNS = [
    "unit_code", "unit_name", "level", "status", "file", "saved_at", "superseded",
    "received_at", "received_from", "deadline", "days_late", "timeliness",
]  # fmt: skip
FILE_COLUMNS = ["file", "status", "unit_code", "saved_at", "note"]


class PeriodChoice(str, Enum):
    """How the period of a consolidation was chosen (the summary says so)."""

    ASKED = "asked"  # --period
    RETURNS = "returns"  # the period most returns are for
    CURRENT = "current"  # no return names one: the current year


@dataclass(frozen=True)
class ConsolidationResult:
    """What a consolidation found.

    :ivar values: ``VALUE_FRAME_COLUMNS``, every value used, in unit then form order.
    :ivar totals: ``code, level, value`` for each level and ``all``.
    :ivar relations: every rule evaluated (``reconcile.RELATION_COLUMNS``).
    :ivar submissions: ``SUBMISSION_COLUMNS``, one row per unit of the list (status: ``SubmissionStatus``).
    :ivar files: ``FILE_COLUMNS``, one row per file seen (status: ``FileStatus``; ``note``: why a file is not used).
    :ivar comparison: ``compare.COMPARISON_COLUMNS`` when a prior period was given.
    :ivar unit_comparison: ``compare.UNIT_COMPARISON_COLUMNS`` when the prior period's figures
        were given per unit: each unit's figures beside its own (across a crosswalk).
    :ivar form: the form with its labels filled for ``period`` (``FormDefinition.for_period``).
    :ivar period: the period's code (``2024``, ``2024-H1``; see ``form.period``).
    :ivar deadline: the round's deadline (``--deadline``, else the one most returns carry), or None.
    :ivar fix_by: when a corrected return is due (``timeliness.fix_deadline``), or None.
    :ivar consolidated_on: the day of the consolidation (Vietnam time), or None.
    :ivar parents: the totals of each parent of the tree of units (``rollup``), when the unit
        list has a ``parent`` column; else None.
    """

    form: FormDefinition
    units: tuple[Unit, ...]
    period: str
    values: pd.DataFrame
    totals: pd.DataFrame
    relations: pd.DataFrame
    submissions: pd.DataFrame
    files: pd.DataFrame
    findings: Findings
    source: str = ""
    prior: PriorData | None = None
    comparison: pd.DataFrame | None = None
    period_chosen_by: PeriodChoice = PeriodChoice.ASKED
    deadline: date | None = None
    fix_by: date | None = None
    consolidated_on: date | None = None
    parents: ParentTotals | None = None
    unit_comparison: pd.DataFrame | None = None

    @property
    def levels(self) -> list[str]:
        """The levels of the unit list, in its order."""
        return list(dict.fromkeys(u.level for u in self.units))

    @property
    def received(self) -> int:
        return int((self.submissions["status"] == SubmissionStatus.RECEIVED).sum())

    def total(self, code: str, level: str = LEVEL_ALL) -> float | None:
        hit = self.totals[(self.totals["code"] == code) & (self.totals["level"] == level)]
        return None if hit.empty else hit["value"].iloc[0]
