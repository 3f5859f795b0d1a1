"""Rule evaluation (pipeline/validate/reconcile.py): on a frame of returns or totals, on each
return with the finding pinned on the right cell, and on level totals and across levels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.validate.reconcile import RELATION_COLUMNS, anchor_codes, check_returns, check_totals, evaluate_wide, one_return_problems
from tests.conftest import md_table, write_form

NAN = np.nan

# A, B and their total T on every return; C on the city's only.
INDICATORS = """
A,I,Phần A,người,count,0,,yes,city;communes
B,I,Phần B,người,count,0,,yes,city;communes
T,I,Tổng số,người,count,0,,yes,city;communes
C,I,Chỉ cấp thành phố,người,count,0,,yes,city
"""


def _rule(tmp_path, expression: str, blank: str = "skip_all"):
    """The one rule of a small form written to ``tmp_path``."""
    form = load_form(write_form(tmp_path / "form", INDICATORS, f"R1,{expression},error,all,{blank},Không khớp."))
    return form.rules[0]


def _wide(**columns) -> pd.DataFrame:
    """Rows u1, u2, ... (returns or levels) by codes; NaN is a blank cell."""
    size = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=[f"u{i + 1}" for i in range(size)], dtype=float)


def _table(text: str) -> pd.DataFrame:
    frame = pd.DataFrame(md_table(text))
    return frame.assign(value=pd.to_numeric(frame["value"])) if "value" in frame else frame


def _plain(x):
    return None if isinstance(x, float) and math.isnan(x) else x


def _results(frame: pd.DataFrame) -> list[tuple]:
    """(status, lhs, rhs, difference) per row, NaN shown as None."""
    return [(r.status, _plain(r.lhs), _plain(r.rhs), _plain(r.difference)) for r in frame.itertuples()]


# evaluate_wide ------------------------------------------------------------------------


def test_each_row_is_ok_or_failed_with_its_sides_and_difference(tmp_path):
    rule = _rule(tmp_path, "A + B == T")
    result = evaluate_wide(rule, _wide(A=[1, 1], B=[2, 2], T=[3, 4]))
    assert list(result.index) == ["u1", "u2"]
    assert _results(result) == [("ok", 3, 3, 0), ("failed", 3, 4, -1)]


@pytest.mark.parametrize(
    ("blank", "expected"),
    [
        # rows: all reported; B blank; all blank
        ("skip_any", [("ok", 3, 3, 0), ("skipped", None, None, None), ("skipped", None, None, None)]),
        ("skip_all", [("ok", 3, 3, 0), ("failed", 1, 3, -2), ("skipped", None, None, None)]),
        ("never", [("ok", 3, 3, 0), ("failed", 1, 3, -2), ("ok", 0, 0, 0)]),
    ],
)
def test_blank_policy(tmp_path, blank, expected):
    rule = _rule(tmp_path, "A + B == T", blank)
    wide = _wide(A=[1, 1, NAN], B=[2, NAN, NAN], T=[3, 3, NAN])
    assert _results(evaluate_wide(rule, wide)) == expected


def test_a_code_no_row_reported_is_blank(tmp_path):
    rule = _rule(tmp_path, "A + B == T")
    wide = _wide(A=[1, NAN], T=[1, NAN])  # no column B at all
    assert _results(evaluate_wide(rule, wide)) == [("ok", 1, 1, 0), ("skipped", None, None, None)]


def test_constants_count_on_their_side(tmp_path):
    rule = _rule(tmp_path, "A + 2 <= T")
    assert _results(evaluate_wide(rule, _wide(A=[1, 1], T=[3, 2]))) == [("ok", 3, 3, 0), ("failed", 3, 2, 1)]
    rule = _rule(tmp_path, "T - A > 100")
    assert _results(evaluate_wide(rule, _wide(A=[5, 5], T=[106, 105]))) == [("ok", 101, 100, 1), ("failed", 100, 100, 0)]


@pytest.mark.parametrize(
    ("op", "expected"),
    [("==", ["failed", "ok", "failed"]), ("<=", ["ok", "ok", "failed"]), ("<", ["ok", "failed", "failed"]),
     (">=", ["failed", "ok", "ok"]), (">", ["failed", "failed", "ok"])],
)  # fmt: skip
def test_comparison_operators(tmp_path, op, expected):
    rule = _rule(tmp_path, f"A {op} T")
    assert list(evaluate_wide(rule, _wide(A=[1, 2, 3], T=[2, 2, 2]))["status"]) == expected


def test_rounding_noise_is_not_a_difference(tmp_path):
    rule = _rule(tmp_path, "A + B == T")
    wide = _wide(A=[0.1, 0.1, 120_341_560.1], B=[0.2, 0.2, 0.2], T=[0.3, 0.3001, 120_341_560.3])
    assert list(evaluate_wide(rule, wide)["status"]) == ["ok", "failed", "ok"]


# anchor_codes -------------------------------------------------------------------------


def test_anchor_of_r04_is_the_fund_total_then_its_sources(form):
    r04 = next(r for r in form.rules if r.id == "R04")
    sources = ["POOR_FUND_CENTRAL", "POOR_FUND_PROVINCE", "POOR_FUND_OTHER_PROVINCES", "POOR_FUND_LOCAL"]
    assert anchor_codes(r04) == ["POOR_FUND_TOTAL", *sources]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("T == A + B", ["T", "A", "B"]),  # the total on the left
        ("A <= T", ["A", "T"]),  # sides of one code each: the left first
        ("A + 2 <= T", ["A", "T"]),  # a constant is not a code: sides of one code each
        ("A - B == B", ["B", "A"]),  # a code on both sides is listed once
        ("T > 100", ["T"]),
    ],
)
def test_anchor_codes(tmp_path, expression, expected):
    assert anchor_codes(_rule(tmp_path, expression)) == expected


# check_returns ------------------------------------------------------------------------

RETURNS = _table("""
| unit_code | level    | file   |
| 03386     | communes | a.xlsx |
| 03387     | communes | b.xlsx |
| 03388     | communes | c.xlsx |
""")
R04_SIDES = {  # indicators by their labels, as the officer reads them
    "lhs_text": "Quỹ “Vì người nghèo” Trung ương chuyển về + Quỹ “Vì người nghèo” tỉnh chuyển về + các tỉnh, thành phố khác hỗ trợ + nguồn vận động tại chỗ",
    "rhs_text": "Quỹ “Vì người nghèo”: tổng số tiền vận động được (đến 15/11/2023)",
}
TURNS = "Tiếp công dân: số lượt (01/12/2022–30/09/2023)"


def _r04(form):
    return next(r for r in form.rules if r.id == "R04")


def test_r04_failure_is_pinned_on_the_fund_total_cell(form):
    values = _table("""
    | unit_code | code                      | value     | sheet   | cell |
    | 03386     | POOR_FUND_TOTAL           | 100000000 | Báo cáo | E30  |
    | 03386     | POOR_FUND_CENTRAL         | 50000000  | Báo cáo | E31  |
    | 03386     | POOR_FUND_PROVINCE        | 20000000  | Báo cáo | E32  |
    | 03386     | POOR_FUND_OTHER_PROVINCES | 0         | Báo cáo | E33  |
    | 03386     | POOR_FUND_LOCAL           | 10000000  | Báo cáo | E34  |
    | 03387     | POOR_FUND_TOTAL           | 80000000  | Báo cáo | E30  |
    | 03387     | POOR_FUND_CENTRAL         | 50000000  | Báo cáo | E31  |
    | 03387     | POOR_FUND_LOCAL           | 30000000  | Báo cáo | E34  |
    """)
    rows, problems = check_returns(values, RETURNS, form)
    r04 = rows[rows["rule"] == "R04"]
    assert _results(r04) == [
        ("failed", 80_000_000, 100_000_000, -20_000_000),
        ("ok", 80_000_000, 80_000_000, 0),  # blank sources do not stop the rule (skip_all)
        ("skipped", None, None, None),  # 03388 reported none of its codes
    ]
    assert list(r04["unit_code"]) == ["03386", "03387", "03388"] and list(r04["file"]) == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert [(p.type, p.severity, p.rule, p.file, p.sheet, p.cell, p.code, p.unit_code) for p in problems] == [
        ("relation-failed", "warning", "R04", "a.xlsx", "Báo cáo", "E30", "POOR_FUND_TOTAL", "03386")
    ]
    assert (problems[0].lhs, problems[0].rhs) == (80_000_000, 100_000_000)  # the figures, not their text
    assert problems[0].message == Msg.RELATION_001.render(
        where="a.xlsx › Báo cáo!E30", rule="R04", message=_r04(form).message.rstrip("."), **R04_SIDES,
        lhs_value="80.000.000", rhs_value="100.000.000", difference="-20.000.000",
    )  # fmt: skip


def test_failure_without_the_total_is_pinned_on_a_source_the_return_has(form):
    values = _table("""
    | unit_code | code               | value    | sheet   | cell |
    | 03388     | POOR_FUND_PROVINCE | 50000000 | Báo cáo | E32  |
    """)
    rows, problems = check_returns(values, RETURNS, form)
    assert [(p.rule, p.file, p.cell, p.code, p.unit_code) for p in problems] == [("R04", "c.xlsx", "E32", "POOR_FUND_PROVINCE", "03388")]
    assert problems[0].message == Msg.RELATION_001.render(
        where="c.xlsx › Báo cáo!E32", rule="R04", message=_r04(form).message.rstrip("."), **R04_SIDES,
        lhs_value="50.000.000", rhs_value="0", difference="+50.000.000",
    )  # fmt: skip


def test_rules_of_a_level_are_checked_on_that_levels_returns_only(form):
    returns = _table("""
    | unit_code | level    | file     |
    | 105       | city     | tp.xlsx  |
    | 03386     | communes | qt.xlsx  |
    """)
    values = _table("""
    | unit_code | code        | value | sheet   | cell |
    | 105       | DOCS_ISSUED | 10    | Báo cáo | E8   |
    | 105       | DOCS_PLAN   | 2     | Báo cáo | E9   |
    | 105       | DOCS_GUIDE  | 2     | Báo cáo | E10  |
    | 105       | DOCS_LETTER | 2     | Báo cáo | E11  |
    | 105       | DOCS_NOTICE | 2     | Báo cáo | E12  |
    | 03386     | DOCS_ISSUED | 10    | Báo cáo | E8   |
    """)
    rows, problems = check_returns(values, returns, form)
    assert [(p.rule, p.unit_code, p.cell, p.code) for p in problems] == [("R01", "105", "E8", "DOCS_ISSUED")]
    checked = set(zip(rows["unit_code"], rows["rule"], strict=True))
    assert ("105", "R01") in checked and ("03386", "R01") not in checked
    assert {rule for unit, rule in checked if unit == "03386"} == {r.id for r in form.return_rules("communes")}


def test_return_without_values_skips_every_rule(form):
    values = pd.DataFrame(columns=["unit_code", "code", "value", "sheet", "cell"])
    rows, problems = check_returns(values, RETURNS.head(1), form)
    assert problems == []
    assert list(rows.columns) == RELATION_COLUMNS
    assert len(rows) == len(form.return_rules("communes")) and set(rows["status"]) == {"skipped"}


@pytest.mark.parametrize(
    "figures",
    [
        {"POOR_FUND_TOTAL": 100_000_000, "POOR_FUND_CENTRAL": 50_000_000, "POOR_FUND_LOCAL": 10_000_000},  # fails
        {"POOR_FUND_TOTAL": 60_000_000, "POOR_FUND_CENTRAL": 50_000_000, "POOR_FUND_LOCAL": 10_000_000},  # holds
        {"POOR_FUND_PROVINCE": 50_000_000},  # fails, without the total
        {"POOR_FUND_TOTAL": "không rõ", "POOR_FUND_LOCAL": 0.1 + 0.2, "POOR_FUND_CENTRAL": -0.3},  # text is blank; rounding
        {"POOR_FUND_TOTAL": math.inf, "POOR_FUND_LOCAL": NAN, "DOCS_ISSUED": 3, "DOCS_PLAN": 1, "DOCS_GUIDE": 1},
        {},  # nothing reported: every rule skipped
    ],
)
def test_one_return_checked_alone_gets_the_findings_of_check_returns(form, figures):
    """An upload is checked on its own, without a pandas pass per rule: same findings, same order."""
    values = [(code, value, "Báo cáo", f"E{30 + i}") for i, (code, value) in enumerate(figures.items())]
    frame = pd.DataFrame([("03386", *v) for v in values], columns=["unit_code", "code", "value", "sheet", "cell"])
    _rows, expected = check_returns(frame, RETURNS.head(1), form)
    assert one_return_problems(values, "03386", "communes", "a.xlsx", form) == expected
    assert bool(expected) == (figures.get("POOR_FUND_TOTAL") in (100_000_000, math.inf) or "POOR_FUND_PROVINCE" in figures)


# check_totals -------------------------------------------------------------------------


def _level_rows(rows: list[dict], rule: str) -> list[tuple]:
    return [(r["scope"], r["level"], r["status"]) for r in rows if r["rule"] == rule]


def test_each_level_total_and_the_grand_total_are_checked(form):
    totals = _table("""
    | code              | level    | value |
    | CULTURAL_AREAS    | city     | 5     |
    | RESIDENTIAL_AREAS | city     | 4     |
    | CULTURAL_AREAS    | communes | 5     |
    | RESIDENTIAL_AREAS | communes | 40    |
    | CULTURAL_AREAS    | all      | 10    |
    | RESIDENTIAL_AREAS | all      | 44    |
    """)
    rows, problems = check_totals(totals, form, ["city", "communes"])
    assert _level_rows(rows, "R03") == [("level", "city", "failed"), ("level", "communes", "ok"), ("level", "all", "ok")]
    assert [(p.type, p.severity, p.rule, p.level, p.code, p.file, p.cell) for p in problems] == [
        ("relation-failed", "error", "R03", "city", "CULTURAL_AREAS", "", "")
    ]
    r03 = next(r for r in form.rules if r.id == "R03")
    assert problems[0].message == Msg.RELATION_001.render(
        where="Tổng hợp › Cấp thành phố", rule="R03", message=r03.message.rstrip("."), lhs_text="Khu dân cư đạt danh hiệu “Khu dân cư văn hóa”",
        rhs_text="Tổng số khu dân cư", lhs_value="5", rhs_value="4", difference="+1",
    )  # fmt: skip


def test_the_grand_total_has_its_own_finding(form):
    totals = _table("""
    | code              | level | value     |
    | POOR_FUND_TOTAL   | all   | 862796456 |
    | POOR_FUND_CENTRAL | all   | 862796455 |
    """)
    rows, problems = check_totals(totals, form, ["city", "communes"])
    assert _level_rows(rows, "R04") == [("level", "all", "failed")]  # levels without totals are not checked
    assert [(p.rule, p.severity, p.level, p.code) for p in problems] == [("R04", "warning", "all", "POOR_FUND_TOTAL")]
    assert problems[0].message == Msg.RELATION_001.render(
        where="Tổng hợp › Tổng cộng", rule="R04", message=_r04(form).message.rstrip("."), **R04_SIDES,
        lhs_value="862.796.455", rhs_value="862.796.456", difference="-1",
    )  # fmt: skip


def test_a_city_rule_is_checked_on_the_city_total_not_on_the_grand_total(form):
    docs = {"DOCS_ISSUED": 10, "DOCS_PLAN": 1, "DOCS_GUIDE": 1, "DOCS_LETTER": 1, "DOCS_NOTICE": 1}
    totals = pd.DataFrame(
        [(code, level, value) for level in ("city", "all") for code, value in docs.items()], columns=["code", "level", "value"]
    )
    rows, problems = check_totals(totals, form, ["city", "communes"])
    assert _level_rows(rows, "R01") == [("level", "city", "failed")]
    assert [(p.rule, p.level, p.code) for p in problems] == [("R01", "city", "DOCS_ISSUED")]


def test_rules_across_levels(form):
    totals = _table("""
    | code            | level    | value |
    | RECEPTION_TURNS | city     | 10    |
    | RECEPTION_TURNS | communes | 30    |
    | RECEPTION_TURNS | all      | 41    |
    | TET_GIFTS       | city     | 50    |
    | TET_GIFTS       | all      | 450   |
    | DOCS_ISSUED     | communes | 900   |
    """)
    rows, problems = check_totals(totals, form, ["city", "communes"])
    statuses = {r["rule"]: r["status"] for r in rows if r["scope"] == "levels"}
    assert statuses == {"R08": "failed", "R09": "skipped", "R10": "skipped", "R18": "ok", "R19": "skipped", "R20": "failed"}
    assert [(p.type, p.severity, p.rule, p.level, p.code) for p in problems] == [
        ("relation-failed", "error", "R08", "city", "RECEPTION_TURNS"),
        ("relation-failed", "warning", "R20", "communes", "DOCS_ISSUED"),  # the constant 1000 as right-hand side
    ]
    rules = {r.id: r for r in form.rules}
    where = "Tổng hợp › so sánh các cấp"
    assert [p.message for p in problems] == [
        Msg.RELATION_001.render(
            where=where, rule="R08", message=rules["R08"].message.rstrip("."), lhs_text=f"{TURNS} (cấp thành phố) + {TURNS} (cấp xã, phường)",
            rhs_text=f"{TURNS} (tổng cộng)", lhs_value="40", rhs_value="41", difference="-1",
        ),
        Msg.RELATION_001.render(
            where=where, rule="R20", message=rules["R20"].message.rstrip("."), rhs_text="1.000",
            lhs_text="Văn bản chỉ đạo, hướng dẫn, triển khai do Ban Thường trực ban hành (cấp xã, phường)",
            lhs_value="900", rhs_value="1.000", difference="-100",
        ),
    ]  # fmt: skip


def test_totals_that_hold_give_no_findings(form):
    totals = _table("""
    | code            | level    | value |
    | RECEPTION_TURNS | city     | 10    |
    | RECEPTION_TURNS | communes | 30    |
    | RECEPTION_TURNS | all      | 40    |
    | DOCS_ISSUED     | communes | 1200  |
    """)
    rows, problems = check_totals(totals, form, ["city", "communes"])
    assert problems == []
    assert {r["rule"]: r["status"] for r in rows if r["rule"] in ("R08", "R20")} == {"R08": "ok", "R20": "ok"}
