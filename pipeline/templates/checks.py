"""The live self-checks of a template: each rule of a return as an Excel formula that shows
"Đạt", "Chưa khớp" (errors) or "Cần xem lại" (warnings) while the officer types, and the
difference when it fails. Formulas use only functions Excel and LibreOffice share
(IF, COUNT, N, ROUND, FIXED)."""

from __future__ import annotations

from pipeline.core import constants as C
from pipeline.core.vnformat import format_signed
from pipeline.form.model import Rule

RESULT_OK, RESULT_FAIL, RESULT_REVIEW = "Đạt", "Chưa khớp", "Cần xem lại"
_COMPARE = {"==": "=", "<=": "<=", "<": "<", ">=": ">=", ">": ">"}


def rule_formulas(rule: Rule, cells: dict[str, str], status_cell: str, decimals: int) -> tuple[str, str]:
    """Excel formulas giving the status of ``rule`` and, when it fails, the difference."""

    def side(terms) -> str:
        parts = [("-" if t.sign < 0 else "+") + (f"N({cells[t.ref[0]]})" if t.ref else repr(float(t.constant))) for t in terms]
        return "".join(parts).lstrip("+") or "0"

    fail = RESULT_REVIEW if rule.severity == C.Severity.WARNING else RESULT_FAIL
    diff = f"({side(rule.expression.lhs)})-({side(rule.expression.rhs)})"
    status = f'IF(ROUND({diff},6){_COMPARE[rule.expression.op]}0,"{RESULT_OK}","{fail}")'
    skip = rule.blank.excel_condition([cells[code] for code in rule.codes])
    if skip:
        status = f'IF({skip},"",{status})'
    note = f'IF({status_cell}="{fail}","Chênh lệch: "&IF({diff}>0,"+","")&FIXED({diff},{decimals}),"")'
    return "=" + status, "=" + note


def cached_results(rule: Rule) -> tuple[str, str]:
    """The results a blank template shows before any recalculation."""
    result = rule.expression.evaluate(lambda code, level: None, rule.blank)
    if result.status == C.RuleStatus.SKIPPED:
        return "", ""
    if result.status == C.RuleStatus.OK:
        return RESULT_OK, ""
    fail = RESULT_REVIEW if rule.severity == C.Severity.WARNING else RESULT_FAIL
    return fail, f"Chênh lệch: {format_signed(result.difference)}"
