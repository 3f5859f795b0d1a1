"""Rules over a rejected cell: ``4 (bốn)`` typed in "Đơn thư tiếp nhận" is an error on its cell,
and the rules naming that indicator are not evaluated (never as if the cell held 0), on the
return as on its own in ``tonghop check``; the level totals, which lack the value, say so when
their rules fail."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pipeline import api
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import DATA_SHEET, HEADER_NOTE, LEVEL_ALL, RuleStatus, Severity
from pipeline.core.errors import Msg
from pipeline.validate.blocked import REJECTED_COLUMNS
from pipeline.validate.context import Context
from pipeline.validate.reconcile import check_returns, one_return_problems
from tests.conftest import message_fields

TYPED = "4 (bốn)"
CODE = "PETITIONS_TOTAL"  # "Đơn thư tiếp nhận"


def _rules_of(form, code: str, level: str) -> list[str]:
    return [rule.id for rule in form.return_rules(level) if code in rule.codes]


@pytest.fixture
def typed_in_words(returns_dir, make_return, form, units):
    """Phường Quyết Thắng typed the number of petitions with its words beside it."""
    path = make_return("03386", {CODE: TYPED}, name="03386_Phuong_Quyet_Thang.xlsx", folder=returns_dir)
    return path, consolidate_folder(returns_dir, Context.of(form, units))


@pytest.mark.slow
def test_rules_over_the_rejected_cell_are_not_evaluated_and_say_so_once(typed_in_words, form):
    _path, result = typed_in_words
    mine = [p for p in result.findings.problems if p.unit_code == "03386"]
    (error,) = [p for p in mine if p.code == CODE and p.severity == Severity.ERROR]
    expected = _rules_of(form, CODE, "communes")
    assert len(expected) == 3  # R11, R12, R13: each claimed "chênh lệch +4" before
    assert not [p for p in mine if p.type == Msg.RELATION_001.slug and p.relation_id in expected]
    infos = [p for p in mine if p.type == Msg.RELATION_002.slug]
    assert [(p.relation_id, p.severity, p.cell, p.code) for p in infos] == [(rule, Severity.INFO, error.cell, CODE) for rule in expected]
    fields = message_fields(Msg.RELATION_002, infos[0].message)
    assert fields["rule_id"] == expected[0] and error.cell in fields["operands"] and f"'{TYPED}'" in fields["operands"]
    rule = next(r for r in form.rules if r.id == expected[0])
    assert fields["check"] == rule.check_text.rstrip(". ")  # what the rule checks, never its failure's message
    rows = result.relations[(result.relations["unit_code"] == "03386") & result.relations["rule"].isin(expected)]
    assert set(rows["status"]) == {RuleStatus.NOT_EVALUATED} and rows["lhs"].isna().all()


def test_a_rule_not_evaluated_is_named_by_what_it_checks_not_by_its_failure(returns_dir, make_return, form, units):
    """R04 over a fund source typed in words: the information names R04 by its ``check`` column
    ("… cộng lại bằng …"), not its message ("… cộng lại chưa bằng …; cần làm rõ phần chênh lệch")."""
    make_return("03386", {"POOR_FUND_LOCAL": "năm chục triệu"}, name="03386.xlsx", folder=returns_dir)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    rule = next(r for r in form.rules if r.id == "R04")
    (info,) = [p for p in result.findings.problems if p.type == Msg.RELATION_002.slug and p.relation_id == "R04"]
    fields = message_fields(Msg.RELATION_002, info.message)
    assert fields["check"] == rule.check.rstrip(". ") and rule.message.rstrip(". ") not in info.message


def test_level_totals_lacking_the_rejected_value_say_why_their_rules_fail(typed_in_words, form):
    _path, result = typed_in_words
    at_levels = [p for p in result.findings.problems if p.level and p.relation_id in _rules_of(form, CODE, "communes")]
    assert at_levels and {p.type for p in at_levels} == {Msg.RELATION_003.slug}  # never a bare mismatch
    assert {p.level for p in at_levels} == {"communes", LEVEL_ALL}
    assert len(at_levels) == 2 * len(_rules_of(form, CODE, "communes"))  # one per rule and level
    assert {p.severity for p in at_levels} == {Severity.WARNING}  # the cause is an error on its cell already
    errors = [p for p in result.findings.problems if p.severity == Severity.ERROR]
    assert [(p.unit_code, p.code) for p in errors] == [("03386", CODE)] and result.findings.count(
        Severity.ERROR
    ) == 1  # one cause, one error
    fields = message_fields(Msg.RELATION_003, at_levels[0].message)
    assert fields["count"] == "1" and "03386_Phuong_Quyet_Thang.xlsx" in fields["rejected"] and f"'{TYPED}'" in fields["rejected"]
    rel = result.relations
    level_rows = rel[
        (rel["scope"] == "level") & rel["level"].isin(["communes", LEVEL_ALL]) & rel["rule"].isin(_rules_of(form, CODE, "communes"))
    ]
    assert set(level_rows["status"]) == {RuleStatus.FAILED} and set(level_rows["difference"]) == {4}  # exactly the value left out


def test_check_of_the_return_alone_gives_the_same_findings(typed_in_words, form, units, tmp_path):
    path, result = typed_in_words
    units_csv = tmp_path / "units.csv"
    units_csv.write_text("code,name,level\n" + "".join(f"{u.code},{u.name},{u.level}\n" for u in units), encoding="utf-8")
    (verdict,) = api.check_files([path], units_path=units_csv, period="2023")
    alone = [(p.type, p.relation_id, p.cell, p.message) for p in verdict.problems if p.type.startswith("relation")]
    together = [
        (p.type, p.relation_id, p.cell, p.message)
        for p in result.findings.problems
        if p.unit_code == "03386" and p.type.startswith("relation")
    ]
    assert alone == together and any(t == Msg.RELATION_002.slug for t, *_ in alone)


@pytest.mark.parametrize(
    "figures, refused",
    [
        ({"PETITIONS_CARRIED_OVER": 1, "PETITIONS_NEW": 3, "PETITIONS_RESOLVED": 3}, {CODE: TYPED}),
        ({CODE: 4, "PETITIONS_NEW": 3}, {"PETITIONS_CARRIED_OVER": "#DIV/0!", "PETITIONS_PENDING": "một"}),
        ({"POOR_FUND_TOTAL": 100_000_000, "POOR_FUND_CENTRAL": 50_000_000}, {"POOR_FUND_LOCAL": "năm chục triệu"}),
        ({}, {CODE: TYPED}),
    ],
)
def test_both_paths_agree_over_rejected_cells(form, figures, refused):
    """The pandas pass of a consolidation and the scalar one of an upload give the same findings."""
    values = [(code, value, "Báo cáo", f"E{30 + i}") for i, (code, value) in enumerate(figures.items())]
    rejected = [(code, typed, "Báo cáo", f"F{30 + i}") for i, (code, typed) in enumerate(refused.items())]
    frame = pd.DataFrame([("03386", *v) for v in values], columns=["unit_code", "code", "value", "sheet", "cell"])
    refused_frame = pd.DataFrame(
        [("03386", "Phường Quyết Thắng", "communes", c, t, "a.xlsx", s, cell) for c, t, s, cell in rejected], columns=REJECTED_COLUMNS
    )
    returns = pd.DataFrame([{"unit_code": "03386", "level": "communes", "file": "a.xlsx"}])
    rows, expected = check_returns(frame, returns, form, refused_frame)
    assert one_return_problems(values, "03386", "communes", "a.xlsx", form, rejected) == expected
    blocked = {rule.id for rule in form.return_rules("communes") if set(rule.codes) & set(refused)}
    assert {p.relation_id for p in expected if p.type == Msg.RELATION_002.slug} == blocked
    assert set(rows.loc[rows["rule"].isin(blocked), "status"]) == {RuleStatus.NOT_EVALUATED}


def test_a_figure_typed_beside_its_cell_blocks_the_rules_at_that_cell(returns_dir, make_return, form, units):
    """The 4 typed in "Ghi chú" instead of "Số liệu": ``wrong-column`` on the value, and the rules
    over it name the cell where the 4 stands."""
    path = make_return("03386", {CODE: None}, name="03386_Phuong_Quyet_Thang.xlsx", folder=returns_dir)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    row = next(c.row for line in ws.iter_rows() for c in line if c.value == CODE)
    column = next(c.column for line in ws.iter_rows() for c in line if c.value == HEADER_NOTE)
    note = ws.cell(row, column)
    note.value = 4
    wb.save(path)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    mine = [p for p in result.findings.problems if p.unit_code == "03386"]
    assert [p.code for p in mine if p.type == Msg.VALUE_013.slug] == [CODE]
    infos = [p for p in mine if p.type == Msg.RELATION_002.slug]
    assert [p.relation_id for p in infos] == _rules_of(form, CODE, "communes") and {p.cell for p in infos} == {note.coordinate}


def test_money_words_on_a_count_are_refused_operands_too(returns_dir, make_return, form, units):
    """``500k`` in a count is a warning that leaves the figure out (``money-on-count``): the rules
    over that cell are not evaluated either, never as if the count were 0."""
    code = next(c for c in ("RESIDENTIAL_AREAS", "MEDIATORS") if _rules_of(form, c, "communes"))
    make_return("03386", {code: "500k"}, name="03386.xlsx", folder=returns_dir)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    mine = [p for p in result.findings.problems if p.unit_code == "03386"]
    (warning,) = [p for p in mine if p.type == Msg.VALUE_020.slug]
    expected = _rules_of(form, code, "communes")
    assert not [p for p in mine if p.type == Msg.RELATION_001.slug and p.relation_id in expected]
    infos = [p for p in mine if p.type == Msg.RELATION_002.slug]
    assert [(p.relation_id, p.cell) for p in infos] == [(rule, warning.cell) for rule in expected]
