"""The safe rule evaluator."""

from __future__ import annotations

import pytest

from pipeline.form.expression import ExpressionError, parse_expression


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
