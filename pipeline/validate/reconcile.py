"""Evaluate the form's rules: on every return, on every level's total, and across levels.

Rules are evaluated column-wise over all returns at once (one pandas operation per rule
and term), so the cost grows with the number of rules, not of returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.core.constants import LEVEL_ALL, RuleScope, RuleStatus
from pipeline.core.errors import Msg
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number, format_signed
from pipeline.form.expression import Term
from pipeline.form.model import FormDefinition, Rule
from pipeline.validate.blocked import blocking, incomplete, lacking, not_evaluated

RELATION_COLUMNS = [
    "rule",
    "scope",
    "level",
    "unit_code",
    "file",
    "expression",
    "lhs",
    "op",
    "rhs",
    "difference",
    "status",
    "severity",
    "message",
]
_OPS = {"==": np.equal, "<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater}


def _side(terms: tuple[Term, ...], wide: pd.DataFrame) -> np.ndarray:
    total = np.zeros(len(wide))
    for term in terms:
        if term.ref is None:
            total += term.sign * term.constant
        elif term.ref[0] in wide.columns:
            column = wide[term.ref[0]].to_numpy(dtype=float)
            total += term.sign * np.where(np.isnan(column), 0.0, column)  # a blank adds nothing; an infinity stays one
    return total


def evaluate_wide(rule: Rule, wide: pd.DataFrame) -> pd.DataFrame:
    """Evaluate ``rule`` on each row of ``wide`` (rows: returns or levels; columns: codes; NaN: blank).

    In numpy, one array per operand: a rule costs a few array operations however many rows."""
    present = np.zeros(len(wide), dtype=np.int64)
    for code in rule.codes:
        if code in wide.columns:
            present += wide[code].notna().to_numpy()
    skipped = rule.blank.skipped(present, len(rule.codes))
    lhs, rhs = _side(rule.expression.lhs, wide), _side(rule.expression.rhs, wide)
    holds = _OPS[rule.expression.op](lhs.round(9), rhs.round(9))
    status = np.where(skipped, RuleStatus.SKIPPED.value, np.where(holds, RuleStatus.OK.value, RuleStatus.FAILED.value))
    sides = {"lhs": lhs, "rhs": rhs, "difference": lhs - rhs}
    return pd.DataFrame(
        {**{k: np.where(skipped, np.nan, v) for k, v in sides.items()}, "status": status}, index=wide.index
    )  # a skipped rule has no sides


def _row(rule: Rule, scope: RuleScope, level: str, unit_code: str, file: str, result) -> dict:
    return {
        "rule": rule.id, "scope": scope.value, "level": level, "unit_code": unit_code, "file": file,
        "expression": rule.expression.source, "lhs": result.lhs, "op": rule.expression.op, "rhs": result.rhs,
        "difference": result.difference, "status": str(result.status), "severity": str(rule.severity), "message": rule.message,
    }  # fmt: skip


def _problem(rule: Rule, form: FormDefinition, row: dict, where: str, **place) -> Problem:
    return problem(
        Msg.RELATION_001, rule.severity, rule=rule.id, where=where, message=rule.message.rstrip(". "),
        lhs_text=rule.expression.side_text("lhs", form.ref_text), rhs_text=rule.expression.side_text("rhs", form.ref_text),
        lhs_value=format_number(row["lhs"]), rhs_value=format_number(row["rhs"]), difference=format_signed(row["difference"]),
        lhs=row["lhs"], rhs=row["rhs"], relation_id=rule.id, **place,
    )  # fmt: skip


def check_returns(
    values: pd.DataFrame, returns: pd.DataFrame, form: FormDefinition, rejected: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Each return's rules. ``values``: unit_code, code, value, sheet, cell; ``returns``: unit_code, level, file.

    Each rule is evaluated once over all returns of a level; only failures are looked at row by row.
    A return with a rejected operand of a rule (``rejected``: ``blocked.REJECTED_COLUMNS``) does not
    have that rule evaluated: status ``not_evaluated`` and an information (``blocked.not_evaluated``).
    """
    frames, found = [], []
    numbers = values.assign(value=pd.to_numeric(values["value"], errors="coerce"))
    wide = numbers.pivot(index="unit_code", columns="code", values="value") if len(values) else pd.DataFrame()
    wide = wide.reindex(returns["unit_code"]) if len(returns) else wide
    refused = _refused_by_unit(rejected)
    for level, group in returns.groupby("level", sort=False):
        level_wide = wide.loc[group["unit_code"]]
        for rule in form.return_rules(level):
            result = evaluate_wide(rule, level_wide)
            frame = pd.DataFrame({"unit_code": group["unit_code"].to_numpy(), "file": group["file"].to_numpy()})
            for column in ("lhs", "rhs", "difference", "status"):
                frame[column] = result[column].to_numpy()
            frame = frame.assign(rule=rule.id, scope=RuleScope.RETURN.value, level="", expression=rule.expression.source, op=rule.expression.op,
                                 severity=str(rule.severity), message=rule.message)  # fmt: skip
            found += _not_evaluated(rule, form, frame, refused)
            frames.append(frame)
            failed = frame[frame["status"] == RuleStatus.FAILED]
            if len(failed):
                found.extend(_return_problems(rule, form, failed, values))
    rows = pd.concat(frames, ignore_index=True)[RELATION_COLUMNS] if frames else pd.DataFrame(columns=RELATION_COLUMNS)
    return rows, found


def _not_evaluated(rule: Rule, form: FormDefinition, frame: pd.DataFrame, refused: dict[str, list[tuple]]) -> list[Problem]:
    """Mark ``not_evaluated`` the rows of ``frame`` (one rule, one return each) whose return has a
    rejected operand of ``rule``, in place; their findings, in the rows' order."""
    found, hits = [], []
    if not refused:
        return found
    for i, (unit, file) in enumerate(zip(frame["unit_code"], frame["file"], strict=True)):
        if unit in refused and (cells := blocking(rule, refused[unit])):
            hits.append(i)
            found.append(not_evaluated(rule, form, cells, file, unit))
    if hits:
        frame.loc[frame.index[hits], ["lhs", "rhs", "difference"]] = np.nan
        frame.loc[frame.index[hits], "status"] = RuleStatus.NOT_EVALUATED.value
    return found


def _refused_by_unit(rejected: pd.DataFrame | None) -> dict[str, list[tuple]]:
    """Unit code -> its rejected cells (``code, value, sheet, cell``)."""
    if rejected is None or rejected.empty:
        return {}
    by_unit: dict[str, list[tuple]] = {}
    for unit, code, value, sheet, cell in zip(*(rejected[c] for c in ("unit_code", "code", "value", "sheet", "cell")), strict=True):
        by_unit.setdefault(unit, []).append((code, value, sheet, cell))
    return by_unit


def one_return_problems(
    values: list[tuple[str, object, str, str]],
    unit_code: str,
    level: str,
    file: str,
    form: FormDefinition,
    rejected: list[tuple[str, object, str, str]] = (),
) -> list[Problem]:
    """The rules of one return checked on its own (``tonghop check``, an upload): the findings
    ``check_returns`` gives that return, from the scalar evaluator that the rules across levels
    use (a pandas pass per rule costs some 100 ms for a single return). ``values``: code, value,
    sheet, cell, as ``checks.Value``; ``rejected``: the cells refused, alike (``FileOutcome.rejected``)."""
    numbers = pd.to_numeric(pd.Series([v[1] for v in values], dtype=object), errors="coerce")
    number_of = {v[0]: None if pd.isna(n) else float(n) for v, n in zip(values, numbers, strict=True)}
    places = {v[0]: (v[2], v[3]) for v in values}
    found = []
    for rule in form.return_rules(level):
        if cells := blocking(rule, rejected):
            found.append(not_evaluated(rule, form, cells, file, unit_code))
            continue
        result = rule.expression.evaluate(lambda code, _level: number_of.get(code), rule.blank)
        if result.status != RuleStatus.FAILED:
            continue
        anchor = next((c for c in anchor_codes(rule) if c in places), anchor_codes(rule)[0])
        sheet, cell = places.get(anchor, ("", ""))
        row = {"lhs": result.lhs, "rhs": result.rhs, "difference": result.difference}
        found.append(_problem(rule, form, row, "", file=file, sheet=sheet, cell=cell, code=anchor, unit_code=unit_code))
    return found


def anchor_codes(rule: Rule) -> list[str]:
    """The codes a failed rule is pinned on, best first: those of the shorter side (the total a
    breakdown should add up to: the fund total for the seed's R04), then the others."""
    lhs = [t.ref[0] for t in rule.expression.lhs if t.ref]
    rhs = [t.ref[0] for t in rule.expression.rhs if t.ref]
    first, second = (rhs, lhs) if len(rhs) < len(lhs) and rhs else (lhs, rhs)
    return list(dict.fromkeys(first + second)) or list(rule.codes)


def _return_problems(rule: Rule, form: FormDefinition, failed: pd.DataFrame, values: pd.DataFrame) -> list[Problem]:
    """A finding per failed return, placed on the cell of the rule's first code that return has."""
    mine = values[values["unit_code"].isin(failed["unit_code"]) & values["code"].isin(rule.codes)]
    places = {(u, c): (sh, ce) for u, c, sh, ce in zip(mine["unit_code"], mine["code"], mine["sheet"], mine["cell"], strict=True)}
    found = []
    for row in failed.to_dict("records"):
        anchor = next((c for c in anchor_codes(rule) if (row["unit_code"], c) in places), anchor_codes(rule)[0])
        sheet, cell = places.get((row["unit_code"], anchor), ("", ""))
        place = {"file": row["file"], "sheet": sheet, "cell": cell, "code": anchor, "unit_code": row["unit_code"]}
        found.append(_problem(rule, form, row, "", **place))
    return found


def check_totals(
    totals: pd.DataFrame, form: FormDefinition, levels: list[str], rejected: pd.DataFrame | None = None
) -> tuple[list[dict], list[Problem]]:
    """Rules on each level's total (``levels`` plus ``all``), then the rules across levels.

    The totals leave rejected values out (``rejected``: ``blocked.REJECTED_COLUMNS``); a rule that
    fails on totals lacking a rejected value of its codes says so, naming them (``blocked.incomplete``).
    """
    rows, found = [], []
    wide = totals.pivot_table(index="level", columns="code", values="value", aggfunc="first") if len(totals) else pd.DataFrame()
    for level in [*levels, LEVEL_ALL]:
        if level not in wide.index:
            continue
        for rule in form.total_rules(level):
            res = next(evaluate_wide(rule, wide.loc[[level]]).itertuples())
            row = _row(rule, RuleScope.LEVEL, level, "", "", res)
            rows.append(row)
            if res.status == RuleStatus.FAILED:
                place = {"where": f"Tổng hợp › {form.level_label(level)}", "level": level, "code": anchor_codes(rule)[0]}
                found.append(_total_problem(rule, form, row, lacking(rejected, [(c, level) for c in rule.codes]), place))
    lookup = {(r.code, r.level): r.value for r in totals.itertuples()}
    for rule in form.level_rules():
        res = rule.expression.evaluate(lambda code, level: lookup.get((code, level)), rule.blank)
        row = _row(rule, RuleScope.LEVELS, "", "", "", res)
        rows.append(row)
        if res.status == RuleStatus.FAILED:
            place = {"where": "Tổng hợp › so sánh các cấp", "level": rule.expression.refs[0][1] or "", "code": rule.codes[0]}
            found.append(_total_problem(rule, form, row, lacking(rejected, rule.expression.refs), place))
    return rows, found


def _total_problem(rule: Rule, form: FormDefinition, row: dict, missing: pd.DataFrame, place: dict) -> Problem:
    """A rule failed on a total: ``incomplete`` when the total lacks rejected values of its codes."""
    where = place.pop("where")
    return incomplete(rule, form, row, where, missing, **place) if len(missing) else _problem(rule, form, row, where, **place)
