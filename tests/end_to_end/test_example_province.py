"""The second example: a round of the Lai Châu province committee after 1 July 2025 (its 38
communes and wards from the official catalogue, synthetic figures), run end to end; and its
province form, kept in step with the bundled form."""

from __future__ import annotations

import csv
import re

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.core.constants import LEVEL_ALL, Severity
from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.form.units import load_units
from pipeline.sample import EXAMPLES, synthetic_values

pytestmark = pytest.mark.slow  # minutes under hypothesis or end to end: make test-fast leaves it out

NAME = "tinh-lai-chau-2025"
EXAMPLE = EXAMPLES[NAME]


@pytest.fixture(scope="module")
def province_run(tmp_path_factory):
    return api.demo(out=tmp_path_factory.mktemp("tinh"), example=NAME)


def test_the_round_reads_every_return_of_the_province(province_run):
    result = province_run.result
    assert len(province_run.templates) == len(province_run.returns) == result.received == len(result.units) == 39
    assert not [p.message for p in result.findings.problems if p.severity == Severity.ERROR]
    assert province_run.appendix.is_file()


def test_province_totals_are_the_sums_of_the_returns(province_run):
    form = load_form(EXAMPLE.form_dir)
    units = load_units(EXAMPLE.units_csv, form)
    expected: dict[tuple[str, str], int] = {}
    for unit in units:
        for code, value in synthetic_values(form, units)[unit.code].items():
            if unit.level in form.indicators[code].levels:  # the template asks only these
                for level in (unit.level, LEVEL_ALL):
                    expected[(code, level)] = expected.get((code, level), 0) + value
    with (province_run.out_dir / "totals.csv").open(encoding="utf-8") as handle:
        totals = {(row["code"], row["level"]): int(float(row["value"])) for row in csv.DictReader(handle)}
    assert totals == expected
    assert {level for _, level in totals} == {"province", "communes", LEVEL_ALL}


def test_synthetic_values_are_the_sample_s_scaled_by_whole_numbers():
    """The committee's figures are the sample city's times 3; the communes' those of the sample's
    communes in turn, times 1, 2, 3: the same on every run, and every sum of the rules holds."""
    form = load_form(EXAMPLE.form_dir)
    units = load_units(EXAMPLE.units_csv, form)
    values = synthetic_values(form, units)
    assert values["12"]["DOCS_ISSUED"] == 3 * 215 and values["12"]["POOR_FUND_LOCAL"] == 3 * 50_000_000  # typed "50 triệu"
    first, second = units[1].code, units[2].code
    assert values[first]["DOCS_ISSUED"] == 160 and values[second]["DOCS_ISSUED"] == 2 * 155  # 03386's, 03387's
    assert synthetic_values(form, units) == values


def test_demo_example_from_the_command_line(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--example", "nope"])
    assert result.exit_code == 2
    assert "Lỗi: " + Msg.CLI_041.render(example="nope", examples=", ".join(EXAMPLES)) in result.output


def _without_level_names(text: str) -> str:
    return re.sub(r"\b(city|province)\b", "LEVEL", text)


def test_the_province_form_has_the_bundled_form_s_indicators_and_rules():
    """The province form is the bundled form with its first level named for a province: the same
    indicators (so a city's figures are comparable with the province's) and the same rules."""
    city, province = load_form(), load_form(EXAMPLE.form_dir)
    assert list(province.levels) == ["province", "communes"]
    assert [lv.label for lv in province.levels.values()] == ["Cấp tỉnh", "Cấp xã, phường, đặc khu"]
    assert province.committee == "Ủy ban MTTQ Việt Nam tỉnh Lai Châu" and province.id != city.id
    assert [(i.code, i.section, i.type, [_without_level_names(lv) for lv in i.levels]) for i in city.indicators.values()] == [
        (i.code, i.section, i.type, [_without_level_names(lv) for lv in i.levels]) for i in province.indicators.values()
    ]
    assert [(r.id, _without_level_names(r.expression.source), _without_level_names(r.scope), r.severity) for r in city.rules] == [
        (r.id, _without_level_names(r.expression.source), _without_level_names(r.scope), r.severity) for r in province.rules
    ]
