"""Findings: every problem found in a return or a total, with its place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from pipeline.core import settings
from pipeline.core.constants import FILES_CSV, FINDINGS_COLUMNS, Severity
from pipeline.core.errors import Msg, finding_label
from pipeline.core.vnformat import format_number
from pipeline.core.wording import plain_words

if TYPE_CHECKING:
    import pandas as pd

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
    represents: int = 1  # the findings this one stands for: more than 1 for a summary (``Findings.listed``)
    plain: str = field(
        default="", compare=False
    )  # in plain words, without file, codes or rule id, for the unit's own page (``core.wording``)


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
    plain = plain_words(msg, **fields_)
    return Problem(type=msg.slug, severity=Severity(severity), rule=rule or msg.slug, message=message, plain=plain, **location)


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


_LOCATION_FIELDS = tuple(f.name for f in fields(Problem) if f.name not in ("type", "severity", "rule", "message", "represents", "plain"))


def summarisable(item: Problem) -> bool:
    """A finding on a file as a whole (not a workbook, a lock file, a link, no metadata...):
    not an error, not a rule's, not on a unit or a total. Only these are ever summarised."""
    return bool(item.file) and not item.unit_code and item.severity != Severity.ERROR and item.type != Msg.RELATION_001.slug


FOLDER_PLACE = "Thư mục báo cáo"  # where a summary of many files is


def summary_of(first: Problem, count: int) -> Problem:
    """One finding standing for ``count`` file findings of the type of ``first`` (``FILE_014``)."""
    found = problem(
        Msg.FILE_016, first.severity, rule=first.type, where=FOLDER_PLACE, count=format_number(count), label=finding_label(first.type),
        example=first.file, detail=split_place(first)[1], list_file=FILES_CSV,
    )  # fmt: skip
    found.represents = count
    return found


@dataclass
class Findings:
    """Every problem found, in order; none is ever dropped.

    Listing them (findings.csv, the workbook, the terminal, the Word appendix) goes through
    ``listed``: file findings of one type beyond ``limit`` become one summary finding there,
    while errors, rule findings and findings on a unit or a total are always listed one by one.
    Counts (``count``, ``to_summary``) are of every problem.
    """

    problems: list[Problem] = field(default_factory=list)
    limit: int = settings.LIMIT_FILE_FINDINGS

    def add(self, item: Problem) -> None:
        if item.severity not in _SEVERITY_RANK:
            raise ValueError(f"unknown severity {item.severity!r}")
        self.problems.append(item)

    def listed(self) -> list[Problem]:
        """The problems as listed: a type (and severity) of file findings with more than ``limit``
        is one summary finding (``summary_of``), at the place of its first."""
        counts = Counter((p.type, p.severity) for p in self.problems if summarisable(p))
        over = {key for key, n in counts.items() if n > self.limit}
        if not over:
            return list(self.problems)
        out, seen = [], set()
        for p in self.problems:
            key = (p.type, p.severity)
            if key in over and summarisable(p):
                if key not in seen:
                    seen.add(key)
                    out.append(summary_of(p, counts[key]))
                continue
            out.append(p)
        return out

    def extend(self, items) -> None:
        for item in items:
            self.add(item)

    def count(self, severity: Severity) -> int:
        return sum(p.represents for p in self.problems if p.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems)

    def flatten(self, spec: list[str]) -> list[tuple]:
        """The problems as tuples of the named fields, for compact assertions."""
        return [tuple(getattr(p, name) for name in spec) for p in self.problems]

    def sorted(self) -> list[Problem]:
        """The problems as listed (``listed``), ordered by severity, keeping their order within a severity."""
        return sorted(self.listed(), key=lambda p: _SEVERITY_RANK[p.severity])

    def to_findings(self) -> pd.DataFrame:
        """The columns of ``findings.csv``, errors first."""
        import pandas as pd  # only here: checking a return or writing templates needs no pandas

        rows = [{col: getattr(p, col) or "" for col in FINDINGS_COLUMNS} for p in self.sorted()]
        return pd.DataFrame(rows, columns=FINDINGS_COLUMNS, dtype=object)

    def to_summary(self) -> dict[Severity, int]:
        return {severity: self.count(severity) for severity in Severity}
