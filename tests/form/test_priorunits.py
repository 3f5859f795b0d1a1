"""Prior figures flow in: every unit's own figures in its template (from a previous run's
values.csv, its output folder, or for the city alone its totals.csv), one line on the units
that get none, and the same comparison whichever of the run's files ``--prior`` names."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.core import constants as C
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.form.model import Unit
from pipeline.form.prior import PriorData, load_prior
from pipeline.form.priorunits import figures_for_units, prior_notes
from pipeline.templates.build import template_filename
from tests.conftest import message_fields


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def run_2023(tmp_path_factory, sample_dir) -> Path:
    """The 2023 consolidation of the sample: output/2023/ with totals.csv, values.csv, run.json."""
    out = tmp_path_factory.mktemp("prior") / "output" / "2023"
    api.consolidate(sample_dir, period="2023", out=out)
    return out


def prior_column(path: Path) -> tuple[str, dict[str, object]]:
    """The prior column of a template as an officer sees it: its header and ``code -> value``."""
    ws = openpyxl.load_workbook(path)[C.DATA_SHEET]
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if C.HEADER_CODE in values and C.HEADER_VALUE in values:
            code_col, prior_col = values.index(C.HEADER_CODE), values.index(C.HEADER_VALUE) + 1
            header, first = values[prior_col], row[0].row + 1
            break
    codes = {ws.cell(r, code_col + 1).value: ws.cell(r, prior_col + 1).value for r in range(first, ws.max_row + 1)}
    return header, codes


def _unit_figures(run: Path, unit: Unit, form) -> dict[str, float]:
    values = {r["code"]: float(r["value"]) for r in _rows(run / "values.csv") if r["unit_code"] == unit.code and r["value"]}
    return {ind.code: values.get(ind.code) for ind in form.indicators_for(unit.level)}


def test_city_alone_on_its_level_gets_the_level_totals(units):
    prior = PriorData(by_level={("X", "city"): 5, ("X", "communes"): 50, ("X", "all"): 55}, by_unit={("3386", "Y"): 7})
    filled = figures_for_units(prior, units)
    assert filled.by_unit == {("105", "X"): 5, ("03386", "Y"): 7}  # 3386: the code Excel left of 03386
    assert filled.by_level == prior.by_level


@pytest.mark.slow
def test_templates_from_totals_fill_the_city_and_say_why_communes_are_empty(run_2023, tmp_path, form, unit_by_code):
    result = _run("templates", "--period", "2024", "--prior", run_2023 / "totals.csv", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    city = unit_by_code["105"]
    header, figures = prior_column(tmp_path / template_filename(city))
    assert header == "Năm 2023"  # from the run.json beside totals.csv
    totals = {r["code"]: float(r["value"]) for r in _rows(run_2023 / "totals.csv") if r["level"] == "city" and r["value"]}
    assert {ind.code: figures[ind.code] for ind in form.indicators_for("city")} == {
        c: totals.get(c) for c in figures if c in form.indicators
    }
    assert any(v is not None for v in figures.values())
    for unit in unit_by_code.values():
        if unit.level == "communes":
            assert all(v is None for v in prior_column(tmp_path / template_filename(unit))[1].values())
    who = f"7 đơn vị {form.level_label('communes').lower()}"
    line = Msg.PRIOR_009.render(where=str(run_2023 / "totals.csv"), who=who, name="totals.csv")
    assert result.output.splitlines()[-1] == line


@pytest.mark.slow
@pytest.mark.parametrize("source", ["values.csv", ""])
def test_templates_from_values_or_the_run_folder_fill_every_unit(run_2023, tmp_path, form, units, source):
    result = _run("templates", "--period", "2024", "--prior", run_2023 / source, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"Đã tạo 8 biểu mẫu trong {tmp_path}."  # no unit without figures
    for unit in units:
        header, figures = prior_column(tmp_path / template_filename(unit))
        assert header == "Năm 2023"
        assert {code: figures[code] for code in _unit_figures(run_2023, unit, form)} == _unit_figures(run_2023, unit, form)


def test_a_new_unit_is_named(run_2023, tmp_path, form, units):
    listing = tmp_path / "units.csv"
    rows = [f"{u.code},{u.name},{u.level}" for u in units] + ["03999,Phường Mới Lập,communes"]
    listing.write_text("code,name,level\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = _run("templates", "--period", "2024", "--units", listing, "--prior", run_2023, "--out", tmp_path / "t")
    assert result.exit_code == 0, result.output
    fields = message_fields(Msg.PRIOR_010, result.output.splitlines()[-1])
    assert fields == {"where": str(run_2023), "count": "1", "name": "values.csv", "units": "03999 – Phường Mới Lập"}
    assert all(v is None for v in prior_column(tmp_path / "t" / "03999_Phuong_Moi_Lap.xlsx")[1].values())


def test_prior_of_another_period_is_said_not_refused(run_2023, form, units):
    notes = prior_notes(load_prior(run_2023), units, form.for_period("2024-H1"))
    assert notes == [
        Msg.PRIOR_008.render(where=str(run_2023), prior_period="năm 2023", expected="6 tháng đầu năm 2023", period="6 tháng đầu năm 2024")
    ]
    assert prior_notes(load_prior(run_2023), units, form.for_period("2024")) == []


@pytest.mark.parametrize("command", ["templates", "consolidate"])
def test_a_folder_without_the_run_files_exits_2(tmp_path, sample_dir, command):
    folder = tmp_path / "nam_truoc"
    folder.mkdir()
    (folder / "totals.csv").write_text("code,level,value\n", encoding="utf-8")
    args = ["--period", "2024", "--prior", folder, "--out", tmp_path / "o"]
    result = _run(command, *([sample_dir] if command == "consolidate" else []), *args)
    assert result.exit_code == 2
    assert result.output.strip() == "Lỗi: " + Msg.PRIOR_007.render(where=str(folder), missing="values.csv")


@pytest.mark.slow
def test_consolidate_with_the_run_folder_compares_as_with_its_totals(run_2023, make_return, units, tmp_path):
    returns = tmp_path / "bao_cao_2024"
    for unit in units:
        make_return(unit.code, {"DOCS_PLAN": "99"} if unit.code == "105" else None, period="2024", folder=returns)
    outs = {}
    for name, prior in (("folder", run_2023), ("totals", run_2023 / "totals.csv"), ("seed", settings.SAMPLE_DIR / "prior_2022.csv")):
        outs[name] = tmp_path / name
        result = _run("consolidate", returns, "--period", "2024", "--prior", prior, "--out", outs[name])
        assert result.exit_code == 0, result.output
        mismatch = [r for r in _rows(outs[name] / "findings.csv") if r["rule"] == Msg.PRIOR_008.slug]
        assert len(mismatch) == (name == "seed")
        if mismatch:  # 2022 figures for 2024: said on the terminal too
            assert message_fields(Msg.PRIOR_008, mismatch[0]["message"])["expected"] == "năm 2023"
            assert "[Cảnh báo] " + mismatch[0]["message"] in result.output
    text = (outs["folder"] / "comparison.csv").read_text(encoding="utf-8")
    assert text == (outs["totals"] / "comparison.csv").read_text(encoding="utf-8")
    assert "DOCS_PLAN,city,99,46,53," in text


def test_a_filled_template_with_prior_figures_reads_clean(run_2023, tmp_path, unit_by_code):
    unit = unit_by_code["03386"]
    run = api.make_templates(period="2024", prior_path=run_2023, out=tmp_path)
    template = next(p for p in run.paths if p.name.startswith(unit.code))
    from pipeline.sample import fill_return, sample_values

    typed = dict(sample_values()[unit.code], RESIDENTIAL_AREAS=None)  # left blank beside its prior figure
    path = fill_return(template, tmp_path / "filled.xlsx", typed)
    (verdict,) = api.check_files([path], period="2024")
    assert verdict.unit_code == unit.code
    assert not [p for p in verdict.problems if p.type == Msg.VALUE_013.slug], [p.message for p in verdict.problems]
