"""The safe rule evaluator."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.form.expression import BlankPolicy, ExpressionError, parse_expression
from pipeline.form.model import Rule
from pipeline.validate.reconcile import evaluate_wide


def _lookup(values):
    return lambda code, level: values.get((code, level) if level else code)


def test_sum_equals():
    expr = parse_expression("A + B - C == D")
    assert expr.codes == ("A", "B", "C", "D")
    result = expr.evaluate(_lookup({"A": 5, "B": 3, "C": 1, "D": 7}))
    assert (result.lhs, result.rhs, result.difference, result.status) == (7, 7, 0, "ok")


def test_failed_difference_is_lhs_minus_rhs():
    result = parse_expression("A + B == T").evaluate(_lookup({"A": 1, "B": 2, "T": 10}))
    assert (result.status, result.difference) == ("failed", -7)


@pytest.mark.parametrize(
    ("blank", "values", "status"),
    [
        ("skip_all", {}, "skipped"),
        ("skip_all", {"A": 1}, "failed"),
        ("skip_any", {"A": 1}, "skipped"),
        ("skip_any", {"A": 1, "B": 1}, "ok"),
        ("never", {}, "ok"),
        ("never", {"A": 2}, "failed"),
    ],
)
def test_blank_policies(blank, values, status):
    assert parse_expression("A <= B").evaluate(_lookup(values), blank).status == status


@pytest.mark.parametrize("blank", list(BlankPolicy))
def test_blank_policy_is_the_same_row_by_row_and_column_wise(blank):
    """``Expression.evaluate`` (one row) and ``evaluate_wide`` (pandas) skip the same rows."""
    rows = [{}, {"A": 1}, {"B": 1}, {"A": 1, "B": 1}]
    rule = Rule("R1", parse_expression("A <= B"), "error", "all", blank.value, "m")
    wide = pd.DataFrame(rows, columns=["A", "B"], dtype=float)
    column_wise = evaluate_wide(rule, wide)["status"].tolist()
    assert column_wise == [rule.expression.evaluate(_lookup(row), rule.blank).status for row in rows]


@pytest.mark.parametrize(
    ("blank", "counts", "skipped", "condition"),
    [
        (BlankPolicy.SKIP_ALL, [0, 1, 2], [True, False, False], "COUNT(E1,E2)=0"),
        (BlankPolicy.SKIP_ANY, [0, 1, 2], [True, True, False], "COUNT(E1,E2)<2"),
        (BlankPolicy.NEVER, [0, 1, 2], [False, False, False], None),
    ],
)
def test_blank_policy_for_counts_series_and_excel(blank, counts, skipped, condition):
    assert [blank.skipped(n, 2) for n in counts] == skipped
    assert blank.skipped(pd.Series(counts), 2).tolist() == skipped
    assert blank.excel_condition(["E1", "E2"]) == condition
    assert not blank.skipped(0, 0) and blank.excel_condition([]) is None  # a rule of constants only


def test_level_references_and_constants():
    expr = parse_expression("X[city] + X[communes] == X[all]")
    assert expr.refs == (("X", "city"), ("X", "communes"), ("X", "all"))
    ok = expr.evaluate(_lookup({("X", "city"): 28, ("X", "communes"): 16, ("X", "all"): 44}))
    assert ok.status == "ok"
    assert parse_expression("DOCS[communes] > 1000").evaluate(_lookup({("DOCS", "communes"): 1000})).status == "failed"


@pytest.mark.parametrize(
    "text",
    ["A", "A == B == C", "__import__('os').system('true') == 0", "A * 2 == B", "A ==", "", "open('x') == 1", "A.b == 1", "A[1] == B"],
)
def test_rejected_expressions(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)
