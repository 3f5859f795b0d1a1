"""Findings: every problem found in a return or a total, with its place."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from pipeline.core import settings
from pipeline.core.constants import FINDINGS_COLUMNS, Severity
from pipeline.core.errors import Msg

_SEVERITY_RANK = {severity: severity.rank for severity in Severity}


@dataclass
class Problem:
    """One finding. ``rule`` is the form's rule id (``R04``) or the check's slug."""

    type: str
    severity: Severity
    rule: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    cell: str = ""
    code: str = ""
    level: str = ""
    unit_code: str = ""
    note: str = ""
    relation_id: str = ""
    lhs: float | None = None
    rhs: float | None = None


def where(file: str = "", sheet: str = "", cell: str = "", extra: str = "") -> str:
    """The place a message starts with: ``file › sheet!cell``."""
    place = file or ""
    if sheet:
        place += f" › {sheet}" + (f"!{cell}" if cell else "")
    if extra:
        place = f"{place} › {extra}" if place else extra
    return place


def problem(msg: Msg, severity: Severity, rule: str | None = None, **fields_: object) -> Problem:
    """Build a ``Problem`` of the finding type of the catalogue entry ``msg``, its message
    rendered from that entry.

    Location fields (file, sheet, cell, row, code, level, unit_code, ...) are stored on the
    problem; every field is also available to the message template.

    :param rule: the form's rule id (``R04``) for a failed rule; by default the entry's slug.
    :raises ValueError: ``msg`` is not a finding's entry (it has no slug).
    """
    if not msg.slug:
        raise ValueError(f"{msg.name} is raised as an exception, not a finding: give it a slug and a label")
    location = {k: fields_[k] for k in _LOCATION_FIELDS if fields_.get(k) not in (None, "")}
    place = fields_.pop("where", None) or where(
        str(fields_.get("file") or ""), str(fields_.get("sheet") or ""), str(fields_.get("cell") or "")
    )
    message = msg.render(where=place, rule=rule or msg.slug, **fields_)
    return Problem(type=msg.slug, severity=Severity(severity), rule=rule or msg.slug, message=message, **location)


def split_place(item: Problem) -> tuple[str, str]:
    """A finding's message cut into its place and the rest: ``("a.xlsx › Báo cáo!E9", "Giá trị …")``."""
    message = item.message
    known = f"[{where(item.file, item.sheet, item.cell)}] "
    if message.startswith(known):
        return known[1:-2], message[len(known) :]
    if message.startswith("[") and "] " in message:
        place, _, text = message[1:].partition("] ")
        return place, text
    return "", message


_LOCATION_FIELDS = tuple(f.name for f in fields(Problem) if f.name not in ("type", "severity", "rule", "message"))


@dataclass
class Findings:
    """An ordered collection of problems, capped at ``settings.LIMIT_PROBLEMS`` per severity."""

    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0
    limit: int = settings.LIMIT_PROBLEMS

    def add(self, item: Problem) -> None:
        if item.severity not in _SEVERITY_RANK:
            raise ValueError(f"unknown severity {item.severity!r}")
        if len(self.problems) >= self.limit and item.severity != Severity.ERROR:
            self.dropped += 1
            return
        self.problems.append(item)

    def extend(self, items) -> None:
        for item in items:
            self.add(item)

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems)

    def flatten(self, spec: list[str]) -> list[tuple]:
        """The problems as tuples of the named fields, for compact assertions."""
        return [tuple(getattr(p, name) for name in spec) for p in self.problems]

    def sorted(self) -> list[Problem]:
        """Problems ordered by severity, keeping their order within a severity."""
        return sorted(self.problems, key=lambda p: _SEVERITY_RANK[p.severity])

    def to_findings(self) -> pd.DataFrame:
        """The columns of ``findings.csv``, errors first."""
        rows = [{col: getattr(p, col) or "" for col in FINDINGS_COLUMNS} for p in self.sorted()]
        return pd.DataFrame(rows, columns=FINDINGS_COLUMNS, dtype=object)

    def to_summary(self) -> dict[Severity, int]:
        return {severity: self.count(severity) for severity in Severity}
