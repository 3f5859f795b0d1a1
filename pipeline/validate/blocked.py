"""Rules over a rejected cell (``4 (bốn)`` in a count, ``#DIV/0!``): on a return, a rule one of
whose operands was rejected is not evaluated (the cell is never counted as 0) and one information
at the rule says so (``RELATION_002``); on a level's total, which lacks the rejected value, a rule
that fails says which rejected values the total lacks (``RELATION_003``, a warning: the cause is
already an error on its cell), so the office reads the difference for what it is.

A rejected cell is ``checks.rejected_value``: its code, its value as typed, its sheet and cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from pipeline.core.constants import LEVEL_ALL, Severity
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number, format_signed
from pipeline.form.model import FormDefinition, Rule

REJECTED_COLUMNS = ["unit_code", "unit_name", "level", "code", "value", "file", "sheet", "cell"]
LISTED = 5  # rejected values named in a total's finding; the rest are counted


def _operand(form: FormDefinition, code: str, typed: object, cell: str) -> str:
    return f"ô {cell} “{form.ref_text(code)}” (nhập '{typed}')"


def blocking(rule: Rule, rejected: Iterable[Sequence]) -> list[Sequence]:
    """The rejected cells (``code, value, sheet, cell``) among the operands of ``rule``, in the rule's order."""
    by_code = {cell[0]: cell for cell in rejected}
    return [by_code[code] for code in rule.codes if code in by_code]


def not_evaluated(rule: Rule, form: FormDefinition, cells: list[Sequence], file: str, unit_code: str) -> Problem:
    """The information that ``rule`` was not evaluated on a return, at its first rejected operand;
    the rule named by what it checks (``check_text``), never by its failure's message."""
    code, _typed, sheet, cell = cells[0][:4]
    operands = ", ".join(_operand(form, c[0], c[1], c[3]) for c in cells)
    return problem(
        Msg.RELATION_002, Severity.INFO, file=file, sheet=sheet, cell=cell, code=code, unit_code=unit_code,
        relation_id=rule.id, rule_id=rule.id, check=rule.check_text.rstrip(". "), operands=operands,
    )  # fmt: skip


def rejected_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """``REJECTED_COLUMNS`` from dicts of those keys."""
    return pd.DataFrame(list(rows), columns=REJECTED_COLUMNS)


def lacking(rejected: pd.DataFrame | None, refs: Iterable[tuple[str, str | None]]) -> pd.DataFrame:
    """The rejected cells a total lacks: those of the codes and levels ``refs`` names (``all``:
    every level)."""
    if rejected is None or rejected.empty:
        return rejected_frame([])
    mask = pd.Series(False, index=rejected.index)
    for code, level in refs:
        mask |= (rejected["code"] == code) & ((level in (None, "", LEVEL_ALL)) | (rejected["level"] == level))
    return rejected[mask]


def incomplete(rule: Rule, form: FormDefinition, row: dict, where: str, missing: pd.DataFrame, **place: object) -> Problem:
    """A rule failed on totals that lack ``missing`` (rejected values of its codes), naming them:
    a warning at most (one cause, one error: the rejected cell's own), one per rule and level."""
    named = [
        f"{r.unit_name or r.unit_code} ({r.file} › {r.sheet}!{r.cell} “{form.ref_text(r.code)}”: '{r.value}')"
        for r in missing.head(LISTED).itertuples()
    ]
    if len(missing) > LISTED:
        named.append(f"và {format_number(len(missing) - LISTED)} giá trị khác")
    return problem(
        Msg.RELATION_003, max(rule.severity, Severity.WARNING, key=lambda s: s.rank), where=where, rule_id=rule.id, message=rule.message.rstrip(". "),
        lhs_text=rule.expression.side_text("lhs", form.ref_text), rhs_text=rule.expression.side_text("rhs", form.ref_text),
        lhs_value=format_number(row["lhs"]), rhs_value=format_number(row["rhs"]), difference=format_signed(row["difference"]),
        lhs=row["lhs"], rhs=row["rhs"], relation_id=rule.id, count=format_number(len(missing)), rejected="; ".join(named), **place,
    )  # fmt: skip
