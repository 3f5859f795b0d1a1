"""The list "Số liệu cần xác minh" for the report drafter: the open errors and warnings in
plain Vietnamese, each with its place, a failed rule with its figures and its places merged.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.core.constants import LEVEL_ALL, RuleScope, RuleStatus, Severity
from pipeline.core.vnformat import format_number
from pipeline.form.model import FormDefinition

LISTED_SEVERITIES = (Severity.ERROR, Severity.WARNING)  # the items to verify; information is not listed
_PLACE = re.compile(r"^\[(?P<place>[^\]]*)\]\s*")


def _side(terms, value: float, form: FormDefinition, unit: str) -> str:
    """``A + B = 1.250 đồng``, with the indicators' labels instead of their codes."""
    if all(term.ref is None for term in terms):
        return format_number(value)
    parts = []
    for term in terms:
        if term.ref is None:
            text = format_number(term.constant)
        else:
            text = form.ref_text(*term.ref)
        parts.append(("- " if term.sign < 0 else "+ ") + text)
    joined = " ".join(parts)
    return f"{joined[2:] if joined.startswith('+ ') else joined} = {format_number(value)}{unit}"


def relation_text(relation: pd.Series, form: FormDefinition) -> str:
    """A failed rule with its figures, e.g. ``… Số liệu: A + B = 744.304.560 đồng; C = …; chênh lệch 118.491.896 đồng.``"""
    from pipeline.form.expression import parse_expression

    expr = parse_expression(relation["expression"])
    units = {form.indicators[c].unit for c in expr.codes if c in form.indicators}
    unit = f" {units.pop()}" if len(units) == 1 else ""
    lhs, rhs, diff = (float(relation[k]) for k in ("lhs", "rhs", "difference"))
    return f"{relation['message']} Số liệu: {_side(expr.lhs, lhs, form, unit)}; {_side(expr.rhs, rhs, form, unit)}; chênh lệch {format_number(abs(diff))}{unit}."


def _relation_row(finding: pd.Series, failed: pd.DataFrame) -> pd.Series | None:
    rows = failed[failed["rule"] == finding["rule"]]
    at_level = rows[(rows["scope"] == RuleScope.LEVEL) & (rows["level"] == finding["level"])]
    if finding["unit_code"]:
        rows = rows[rows["unit_code"] == finding["unit_code"]]
    else:
        rows = at_level if len(at_level) else rows[rows["scope"] == RuleScope.LEVELS]
    return None if rows.empty else rows.iloc[0]


def _place(finding: pd.Series, relation: pd.Series | None, form: FormDefinition, units: dict) -> str:
    if finding["unit_code"]:
        unit = units.get(finding["unit_code"])
        where = ", ".join(t for t in (finding["file"] and f"tệp {finding['file']}", finding["cell"] and f"ô {finding['cell']}") if t)
        name = unit.name if unit else finding["unit_code"]
        return f"{name} ({where})" if where else name
    if relation is not None and relation["scope"] == RuleScope.LEVELS:
        return "Số liệu tổng hợp – so sánh giữa các cấp"
    if finding["level"]:
        return f"Số liệu tổng hợp – {form.level_label(finding['level'])}"
    match = _PLACE.match(finding["message"])
    return match["place"] if match else (finding["file"] or "Số liệu tổng hợp")


def verification_items(findings: pd.DataFrame, relations: pd.DataFrame, form: FormDefinition, units: list) -> list[tuple[str, str, str]]:
    """The open errors and warnings as ``(severity, place, text)``, in the order a drafter
    checks them: failed rules (errors, then warnings), then other errors, then other warnings.

    :param findings: ``findings.csv`` read as text (blank cells as ``""``).
    :param relations: ``relations.csv`` read as text.
    """
    failed = relations[relations["status"] == RuleStatus.FAILED]
    by_code = {u.code: u for u in units}
    items = []
    for _, finding in findings[findings["severity"].isin(LISTED_SEVERITIES)].iterrows():
        relation = _relation_row(finding, failed) if finding["rule"] in set(failed["rule"]) else None
        text = relation_text(relation, form) if relation is not None else _PLACE.sub("", finding["message"])
        rank = (0 if relation is not None else 2) + (0 if finding["severity"] == Severity.ERROR else 1)
        rule = finding["rule"] if relation is not None else None
        severity = Severity(finding["severity"]).in_sentence
        items.append((rank, _scope_order(finding, relation), rule, severity, _place(finding, relation, form, by_code), text))
    items.sort(key=lambda item: item[:2])
    return _merge_rules(items)


def _scope_order(finding: pd.Series, relation: pd.Series | None) -> int:
    """Within a rule, the grand total first, then level totals, then comparisons of levels, then returns."""
    if finding["unit_code"]:
        return 3
    if relation is not None and relation["scope"] == RuleScope.LEVELS:
        return 2
    return 0 if finding["level"] == LEVEL_ALL else 1


def _merge_rules(items: list[tuple]) -> list[tuple[str, str, str]]:
    """One item per failed rule: its places listed (total first), its figures from the first."""
    merged: list[list] = []
    seen: dict[tuple[str, str], list] = {}
    for _, _, rule, severity, place, text in items:
        key = (rule, severity)
        if rule is not None and key in seen:
            seen[key][1] += f"; {place}"
            continue
        entry = [severity, place, text]
        merged.append(entry)
        if rule is not None:
            seen[key] = entry
    return [tuple(entry) for entry in merged]
