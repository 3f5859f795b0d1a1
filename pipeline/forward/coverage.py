"""What the totals sent up leave out: the units of the list with no usable return, and the values
the consolidation rejected (a finding of an error on an indicator's cell of a received return,
with no value of that unit and indicator among those used). Each becomes a warning of the
forward, listed in its report and summed up on the terminal, so "5/8 đơn vị" is never read as 8.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import Severity, SubmissionStatus
from pipeline.core.errors import Msg, finding_label
from pipeline.core.findings import Problem, problem

# A required cell left blank is missing, not rejected: nothing typed was left out.
NOT_REJECTIONS = frozenset({Msg.VALUE_001.slug, Msg.RELATION_001.slug})


@dataclass(frozen=True)
class Coverage:
    """How many units of the list the totals include, of how many expected."""

    received: int
    expected: int

    @property
    def text(self) -> str:
        """``5/8`` (the note on the return); ``8`` when all are in, or when the list is unknown."""
        return f"{self.received}/{self.expected}" if self.expected and self.received != self.expected else str(self.received)


def coverage(result: ConsolidationResult) -> Coverage:
    return Coverage(result.received, len(result.submissions))


def missing_units(result: ConsolidationResult) -> list[Problem]:
    """A warning for each unit of the list whose figures are not in the totals."""
    cover = coverage(result)
    rows = result.submissions[result.submissions["status"] != SubmissionStatus.RECEIVED]
    return [
        problem(
            Msg.FORWARD_022,
            Severity.WARNING,
            where=f"{row.unit_code} – {row.unit_name}",
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            level=row.level,
            count=cover.received,
            expected=cover.expected,
        )  # fmt: skip
        for row in rows.itertuples()
    ]


def rejected_values(result: ConsolidationResult) -> list[Problem]:
    """A warning for each value of a return that the consolidation rejected (left out of the
    totals), at the cell where it was typed, giving the reason found then; the indicator by its
    label and the unit by its name, codes in parentheses (``note``: the same, as the terminal
    lists it)."""
    used = set(zip(result.values["unit_code"].astype(str), result.values["code"].astype(str), strict=True))
    names = {str(row.unit_code): row.unit_name for row in result.submissions.itertuples()}
    found, seen = [], set()
    for item in result.findings.problems:
        key = (str(item.unit_code or ""), str(item.code or ""))
        if item.severity != Severity.ERROR or not item.cell or not all(key) or item.type in NOT_REJECTIONS:
            continue
        if key in used or key in seen:
            continue
        seen.add(key)
        reason = finding_label(item.type) or item.type
        place = {"file": item.file, "sheet": item.sheet, "cell": item.cell, "unit_code": key[0], "code": key[1]}
        ind = result.form.indicators.get(key[1])
        named = {"label": ind.display_label if ind else key[1], "unit_name": names.get(key[0]) or key[0]}
        note = f"“{named['label']}” ({key[1]}) của {named['unit_name']} ({key[0]})"  # how the terminal lists it
        found.append(problem(Msg.FORWARD_023, Severity.WARNING, reason=reason.lower(), note=note, **named, **place))
    return found
