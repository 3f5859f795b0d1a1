"""Absurd figures (``1e19`` đồng, ``99999999999999999999`` typed as text, two billion petitions)
are an ``out-of-bounds`` error on their cell, never a total. Every indicator type has a default
bound, shared by the template's data validation and the checks, that the form's ``max`` column
overrides; sums never pass through a fixed-width integer, so every output agrees."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate.collect import process_file
from pipeline.consolidate.combine import compute_totals
from pipeline.core import settings
from pipeline.core.constants import (
    DATA_SHEET,
    HEADER_CODE,
    HEADER_VALUE,
    LEVEL_ALL,
    TOTALS_CSV,
    TYPE_COUNT,
    TYPE_DECIMAL,
    TYPE_MONEY,
    VALUES_CSV,
)
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.form.definition import load_form
from pipeline.form.model import Unit
from pipeline.outputs.csvfiles import numbers_text
from pipeline.templates.build import build_template
from pipeline.validate.context import Context
from tests.agreement import assert_outputs_agree
from tests.conftest import write_form

RETURN = "03386_Phuong_Quyet_Thang.xlsx"


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def type_into(source: Path, target: Path, typed: dict[str, object]) -> Path:
    """Type ``typed`` (code -> value) into the ``Số liệu`` cells of a return or template exactly as
    given: a ``str`` stays text, as in a cell formatted as text."""
    book = openpyxl.load_workbook(source)
    ws = book[DATA_SHEET]
    header = None
    for row in ws.iter_rows():
        labels = [c.value for c in row]
        if header is None and HEADER_CODE in labels and HEADER_VALUE in labels:
            header = labels.index(HEADER_CODE), labels.index(HEADER_VALUE)
        elif header and row[header[0]].value in typed:
            row[header[1]].value = typed[row[header[0]].value]
    book.save(target)
    return target


def _cells(path: Path, form, units) -> dict[str, str]:
    """code -> the cell its value was read from, in a clean return."""
    outcome = process_file(path, Context(form, {u.code: u for u in units}))
    return {v.code: v.cell for v in outcome.values}


def _bounds_text(form, code: str) -> str:
    low, high = form.indicators[code].bounds
    return f"{format_number(low)} – {format_number(high)}"


ABSURD = [
    ("POOR_FUND_TOTAL", 1e19, 10**19),
    ("POOR_FUND_TOTAL", "99999999999999999999", 10**20 - 1),
    ("TET_GIFTS_VALUE", "1.000.000.000.000.001", 10**15 + 1),
    ("TET_GIFTS_VALUE", 1e308, int(1e308)),
    ("MEDIATORS", 2_000_000_000, 2 * 10**9),
    ("MEDIATORS", "2.000.000.000", 2 * 10**9),
]


@pytest.mark.parametrize(("code", "typed", "number"), ABSURD)
def test_check_finds_an_absurd_figure_on_its_cell(sample_dir, tmp_path, form, units, code, typed, number):
    cell = _cells(sample_dir / RETURN, form, units)[code]
    path = type_into(sample_dir / RETURN, tmp_path / RETURN, {code: typed})
    result = _run("check", path, "--period", "2023")
    assert result.exit_code == 1, result.output
    errors = [line.strip() for line in result.output.splitlines() if line.strip().startswith("[Lỗi]")]
    message = Msg.VALUE_005.render(
        where=f"{RETURN} › {DATA_SHEET}!{cell}",
        value=format_number(number),
        code=code,
        label=form.indicators[code].display_label,
        bounds=_bounds_text(form, code),
    )
    assert errors == [f"[Lỗi] {message}"]


@pytest.mark.parametrize(
    ("code", "typed"), [("POOR_FUND_TOTAL", 10**15), ("POOR_FUND_TOTAL", "1.000.000.000.000.000"), ("MEDIATORS", 10**9)]
)
def test_a_figure_on_the_default_bound_is_accepted(sample_dir, tmp_path, form, units, code, typed):
    path = type_into(sample_dir / RETURN, tmp_path / RETURN, {code: typed})
    outcome = process_file(path, Context(form, {u.code: u for u in units}))
    assert {v.code: v.value for v in outcome.values}[code] == form.indicators[code].bounds[1]
    assert not [p for p in outcome.problems if p.code == code and p.severity == "error"]


def test_default_bounds_by_type(form):
    assert settings.DEFAULT_MAXIMUM == {TYPE_COUNT: 10**9, TYPE_MONEY: 10**15, TYPE_DECIMAL: 10**12}
    assert max(settings.DEFAULT_MAXIMUM.values()) <= settings.LIMIT_FIGURE
    for ind in form.indicators.values():
        assert ind.maximum is None and ind.bounds == (0, settings.DEFAULT_MAXIMUM[ind.type])


@pytest.mark.slow
def test_consolidation_with_absurd_figures_agrees_everywhere(returns_dir, form, units, tmp_path):
    """The issue's run: totals.csv held a wrapped negative, values.csv another figure, the
    workbook 1e+19, and ``tonghop report`` crashed."""
    for (code, typed, _), name in zip(ABSURD, ["03386_Phuong_Quyet_Thang.xlsx", "03408_Phuong_Dong_Phong.xlsx",
                                                "03403_Xa_Sung_Phai.xlsx", "03388_Phuong_Quyet_Tien.xlsx",
                                                "105_Thanh_pho_Lai_Chau.xlsx", "03408_Phuong_Dong_Phong.xlsx"], strict=True):  # fmt: skip
        type_into(returns_dir / name, returns_dir / name, {code: typed})
    out = tmp_path / "out"
    result = _run("consolidate", returns_dir, "--period", "2023", "--out", out)
    assert result.exit_code == 0, result.output
    totals = assert_outputs_agree(out)
    assert all(0 <= total < 10**15 for total in totals.values())
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        bounds = [(r["unit_code"], r["code"]) for r in csv.DictReader(handle) if r["rule"] == Msg.VALUE_005.slug]
    assert sorted(bounds) == sorted({("03386", "POOR_FUND_TOTAL"), ("03408", "POOR_FUND_TOTAL"), ("03403", "TET_GIFTS_VALUE"),
                                     ("03388", "TET_GIFTS_VALUE"), ("105", "MEDIATORS"), ("03408", "MEDIATORS")})  # fmt: skip
    report = _run("report", out, "--date", "15/11/2023")
    assert report.exit_code == 0, report.output


@pytest.mark.slow
def test_figures_on_the_bound_in_every_unit_make_every_output(returns_dir, tmp_path):
    """Legal but huge: every unit at the money and count bounds (8 × 10^15 đồng in total)."""
    at_bound = {"POOR_FUND_TOTAL": 10**15, "TET_GIFTS_VALUE": 10**15, "PETITIONS_TOTAL": 10**9, "MEDIATORS": 10**9}
    for path in returns_dir.glob("*.xlsx"):
        type_into(path, path, at_bound)
    out = tmp_path / "out"
    result = _run("consolidate", returns_dir, "--period", "2023", "--out", out, "--prior", settings.SAMPLE_DIR / "prior_2022.csv")
    assert result.exit_code == 0, result.output
    totals = assert_outputs_agree(out)
    assert totals[("POOR_FUND_TOTAL", LEVEL_ALL)] == 8 * 10**15 and totals[("MEDIATORS", LEVEL_ALL)] == 8 * 10**9
    report = _run("report", out, "--date", "15/11/2023")
    assert report.exit_code == 0, report.output


def test_form_max_overrides_the_default_bound(sample_dir, tmp_path, form, units):
    cells = _cells(sample_dir / RETURN, form, units)
    folder = shutil.copytree(settings.DEFINITIONS_DIR, tmp_path / "form")
    path = folder / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Hòa giải viên,hòa giải viên,count,0,,", "Hòa giải viên,hòa giải viên,count,0,1000000000000,")
    text = text.replace("Trị giá quà Tết,đồng,money,0,,", "Trị giá quà Tết,đồng,money,0,50000000,")
    path.write_text(text, encoding="utf-8")
    form = load_form(folder)
    assert form.indicators["MEDIATORS"].bounds == (0, 10**12) and form.indicators["TET_GIFTS_VALUE"].bounds == (0, 5 * 10**7)
    typed = {"MEDIATORS": 2_000_000_000, "TET_GIFTS_VALUE": 75_000_000}
    returned = type_into(sample_dir / RETURN, tmp_path / RETURN, typed)
    result = _run("check", returned, "--form", folder)
    assert result.exit_code == 1
    errors = [line.strip() for line in result.output.splitlines() if line.strip().startswith("[Lỗi]")]
    where = f"{RETURN} › {DATA_SHEET}!{cells['TET_GIFTS_VALUE']}"
    bounds = f"{format_number(0)} – {format_number(5 * 10**7)}"
    assert errors == [
        f"[Lỗi] {Msg.VALUE_005.render(where=where, value='75.000.000', code='TET_GIFTS_VALUE', label='Trị giá quà Tết', bounds=bounds)}"
    ]


@pytest.mark.parametrize(("raw", "accepted"), [(2.5e11, True), (10**12, True), (1.5e12, False), ("1.000.000.000.000,5", False)])
def test_decimal_figures_have_a_default_bound(tmp_path, raw, accepted):
    form = load_form(write_form(tmp_path / "form", "AREA,I,Diện tích,ha,decimal,,,yes,city", "R1,AREA >= 0,error,city,skip_all,Đủ"))
    unit = Unit("105", "Thành phố Lai Châu", "city")
    path = build_template(form, unit, tmp_path / "t.xlsx", "2023")
    type_into(path, path, {"AREA": raw})
    outcome = process_file(path, Context(form, {"105": unit}))
    if accepted:
        assert [v.value for v in outcome.values] == [float(raw)] and not outcome.problems
    else:
        assert [(p.type, p.code) for p in outcome.problems if p.severity == "error"] == [("out-of-bounds", "AREA")]


def test_templates_validate_with_the_same_bounds(tmp_path, form, units):
    """The template's data validation and the checks use one definition of the bounds."""
    unit = next(u for u in units if u.level == "city")
    path = build_template(form, unit, tmp_path / "t.xlsx", "2023")
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    rows = {r[3].value: r[4].coordinate for r in ws.iter_rows() if len(r) > 4 and r[3].value in form.indicators}
    by_cell = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for code, cell in rows.items():
        low, high = form.indicators[code].bounds
        dv = by_cell[cell]
        assert (dv.formula1, dv.formula2) == (str(int(low)), str(int(high))), code
        assert format_number(high) in dv.prompt and format_number(high) in dv.error


def test_sums_never_wrap_around(form):
    """10,000 units at the money bound: 10^19 đồng, past the largest 64-bit integer."""
    n = 10_000
    values = pd.DataFrame({
        "unit_code": [f"{i:05d}" for i in range(n)], "unit_name": "", "level": "communes",
        "code": "POOR_FUND_TOTAL", "value": [10**15] * n, "file": "", "sheet": "", "cell": "",
    })  # fmt: skip
    totals = compute_totals(values, form, ["city", "communes"])
    assert totals["value"].tolist() == [10**19, 10**19]
    assert numbers_text(totals["value"]).tolist() == ["10000000000000000000", "10000000000000000000"]


def test_numbers_text_is_exact_past_64_bits():
    column = pd.Series([10**19, 2**63, 2**53 + 1, 1e19, 1e308, -(10**19), 1.5, None], dtype=object)
    assert numbers_text(column).tolist() == [
        "10000000000000000000", str(2**63), str(2**53 + 1), "10000000000000000000", str(int(1e308)), "-10000000000000000000", "1.5", "",
    ]  # fmt: skip


def test_totals_of_whole_figures_stay_exact_beside_decimals(tmp_path):
    """A decimal indicator in the same frame must not turn money into floats (2^53 + 1 đồng)."""
    form = load_form(
        write_form(
            tmp_path / "form",
            "MONEY,I,Tiền,đồng,money,,,yes,city;communes\nAREA,I,Diện tích,ha,decimal,,,yes,city;communes",
            "R1,AREA >= 0,error,all,skip_all,Đủ",
        )
    )
    values = pd.DataFrame({
        "unit_code": ["1", "2", "1", "2"], "unit_name": "", "level": ["city", "communes", "city", "communes"],
        "code": ["MONEY", "MONEY", "AREA", "AREA"], "value": [2**53, 1, 0.5, 0.25], "file": "", "sheet": "", "cell": "",
    })  # fmt: skip
    totals = compute_totals(values, form, ["city", "communes"])
    got = {(r.code, r.level): r.value for r in totals.itertuples()}
    assert got[("MONEY", LEVEL_ALL)] == 2**53 + 1 and isinstance(got[("MONEY", LEVEL_ALL)], int)
    assert got[("AREA", LEVEL_ALL)] == 0.75


def test_outputs_of_the_sample_agree(sample_dir, tmp_path):
    out = tmp_path / "out"
    assert _run("consolidate", sample_dir, "--out", out).exit_code == 0
    assert (out / TOTALS_CSV).is_file() and (out / VALUES_CSV).is_file()
    assert_outputs_agree(out)


def test_check_value_bounds_text_uses_the_defaults(form):
    ind = dataclasses.replace(form.indicators["MEDIATORS"], minimum=10)
    assert ind.bounds == (10, settings.DEFAULT_MAXIMUM[TYPE_COUNT])
