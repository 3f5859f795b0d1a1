"""Extreme numbers in what the pipeline is told (a rule, a bound of an indicator, a prior-period
figure, a unit's name) stop a command with one clear ``Lỗi: …`` naming the file and line, as
staff meet them: through ``tonghop templates`` and ``tonghop consolidate``."""

from __future__ import annotations

import csv
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core import settings
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.core.vnformat import format_number
from pipeline.form.definition import load_form
from pipeline.form.expression import ExpressionError, parse_expression
from pipeline.form.prior import load_prior
from tests.conftest import message_fields


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _both_commands(sample_dir, tmp_path, *options):
    """``templates`` and ``consolidate`` run with ``options``: each output and exit code."""
    made = _run("templates", "--period", "2023", "--out", tmp_path / "tpl", *options)
    consolidated = _run("consolidate", sample_dir, "--period", "2023", "--out", tmp_path / "out", *options)
    return made, consolidated


def _error(result) -> str:
    """The message of a command that stopped with ``Lỗi: …`` (exit code 2, no traceback)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = result.output.strip()
    assert text.startswith("Lỗi: ") and "\n" not in text and "Traceback" not in text
    return text.removeprefix("Lỗi: ")


@pytest.fixture
def form_dir(tmp_path):
    target = tmp_path / "form"
    shutil.copytree(settings.DEFINITIONS_DIR, target)
    return target


def _edit_csv(path, key_column, key, column, value) -> int:
    """Set ``column`` of the row whose ``key_column`` is ``key``; returns that row's line number."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    line = next(i for i, row in enumerate(rows, start=2) if row[key_column] == key)
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return line


# Rules.


@pytest.mark.parametrize(
    ("expression", "quoted"),
    [
        ("DOCS_ISSUED[communes] > 1e308+1e308", "1e308"),
        ("DOCS_ISSUED[communes] > 1e400", "1e400"),
        ("DOCS_ISSUED[communes] > 10000000000000001", "10000000000000001"),
    ],
)
def test_rule_with_a_huge_number(sample_dir, tmp_path, form_dir, expression, quoted):
    line = _edit_csv(form_dir / "rules.csv", "rule", "R20", "expression", expression)
    for result in _both_commands(sample_dir, tmp_path, "--form", form_dir):
        fields = message_fields(Msg.FORM_005, _error(result))
        assert fields is not None
        assert (fields["where"], fields["rule"], fields["expression"]) == (f"rules.csv › dòng {line}", "R20", expression)
        assert f"số {quoted} quá lớn" in fields["reason"] and format_number(settings.LIMIT_FIGURE) in fields["reason"]


@pytest.mark.parametrize("terms", [101, 1000, 5000])
def test_rule_of_a_thousand_terms(sample_dir, tmp_path, form_dir, terms):
    expression = " + ".join(["DOCS_PLAN"] * terms) + " == DOCS_ISSUED"
    line = _edit_csv(form_dir / "rules.csv", "rule", "R01", "expression", expression)
    for result in _both_commands(sample_dir, tmp_path, "--form", form_dir):
        message = _error(result)
        fields = message_fields(Msg.FORM_005, message)
        assert (fields["where"], fields["rule"]) == (f"rules.csv › dòng {line}", "R01")
        assert fields["expression"] == expression[:80] + "…" and len(message) < 400
        assert f"tối đa {settings.LIMIT_RULE_TERMS} số hạng" in fields["reason"]


def test_rule_at_the_term_limit_is_accepted():
    expression = parse_expression(" + ".join(["A"] * (settings.LIMIT_RULE_TERMS - 1)) + " == B")
    assert len(expression.lhs) + len(expression.rhs) == settings.LIMIT_RULE_TERMS


@pytest.mark.parametrize("text", ["-" * 100_000 + "A == B", "A == f(" + "B + " * 5000 + "B)", "A\x00 == B", "A == B" + " + 1e308" * 3])
def test_expressions_python_cannot_parse_are_refused_not_crashed(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)


# Bounds of an indicator.


@pytest.mark.parametrize(
    ("column", "value"),
    [("max", "1e400"), ("max", "nan"), ("max", "inf"), ("min", "-inf"), ("max", "1e16"), ("min", "nan")],
)
def test_indicator_bound_not_a_sane_number(sample_dir, tmp_path, form_dir, column, value):
    line = _edit_csv(form_dir / "indicators.csv", "code", "DOCS_PLAN", column, value)
    allowed = f"một số từ {format_number(-settings.LIMIT_FIGURE)} đến {format_number(settings.LIMIT_FIGURE)}"
    expected = Msg.FORM_007.render(where=f"indicators.csv › dòng {line}", column=column, value=value, allowed=allowed)
    for result in _both_commands(sample_dir, tmp_path, "--form", form_dir):
        assert _error(result) == expected


def test_indicator_minimum_above_its_maximum(form_dir):
    path = form_dir / "indicators.csv"
    _edit_csv(path, "code", "DOCS_PLAN", "max", "5")
    line = _edit_csv(path, "code", "DOCS_PLAN", "min", "10")
    with pytest.raises(FormDefinitionError) as info:
        load_form(form_dir)
    fields = message_fields(Msg.FORM_007, str(info.value))
    assert (fields["where"], fields["column"], fields["value"]) == (f"indicators.csv › dòng {line}", "min", "10")


def test_indicator_bound_at_the_limit_is_accepted(form_dir):
    _edit_csv(form_dir / "indicators.csv", "code", "POOR_FUND_TOTAL", "max", str(settings.LIMIT_FIGURE))
    assert load_form(form_dir).indicators["POOR_FUND_TOTAL"].bounds == (0, settings.LIMIT_FIGURE)


# Prior-period figures.


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400", "Infinity"])
@pytest.mark.parametrize("shape", ["prior", "values"])
def test_prior_figure_not_finite(sample_dir, tmp_path, value, shape):
    path = tmp_path / "nam_truoc.csv"
    if shape == "prior":
        path.write_text(f"code,level,period,value\nPETITIONS_NEW,all,2022,76\nRECEPTION_TURNS,all,2022,{value}\n", encoding="utf-8")
    else:
        path.write_text(f"unit_code,code,value,file,sheet,cell\n105,DOCS_ISSUED,12,a.xlsx,Báo cáo,E12\n105,DOCS_PLAN,{value},a.xlsx,Báo cáo,E13\n", encoding="utf-8")  # fmt: skip
    code = "RECEPTION_TURNS" if shape == "prior" else "DOCS_PLAN"
    expected = Msg.PRIOR_002.render(where="nam_truoc.csv › dòng 3", value=value, code=code)
    for result in _both_commands(sample_dir, tmp_path, "--prior", path):
        assert _error(result) == expected


def test_huge_but_finite_prior_figure_is_read(tmp_path):
    path = tmp_path / "prior.csv"
    path.write_text("code,level,value\nPETITIONS_NEW,all,1e308\n", encoding="utf-8")
    assert load_prior(path).by_level == {("PETITIONS_NEW", "all"): 1e308}


# The unit list.


def test_unit_name_of_500_characters(sample_dir, tmp_path):
    path = tmp_path / "don_vi.csv"
    rows = (settings.DEFAULT_UNITS.read_text(encoding="utf-8")).splitlines()
    name = "Phường " + "Quyết Thắng " * 42
    rows[2] = f"{rows[2].split(',')[0]},{name.strip()},communes"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    expected = Msg.FORM_015.render(
        where="don_vi.csv › dòng 3", column="name", length=len(name.strip()), limit=settings.LIMIT_NAME_CHARS, start=name[:40]
    )
    for result in _both_commands(sample_dir, tmp_path, "--units", path):
        assert _error(result) == expected


def test_unit_name_at_the_limit_makes_a_template(tmp_path):
    path = tmp_path / "don_vi.csv"
    name = ("Xã " + "Sà Dề Phìn " * 30)[: settings.LIMIT_NAME_CHARS]
    path.write_text(f"code,name,level\n105,Thành phố Lai Châu,city\n03386,{name},communes\n", encoding="utf-8")
    result = _run("templates", "--period", "2023", "--units", path, "--out", tmp_path / "tpl")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "tpl").glob("03386_*.xlsx"))) == 1
