"""A cell showing a formula error (``#N/A``, ``#DIV/0!``, ``#REF!``, ``#VALUE!``, ``#NAME?``,
``#NUM!``, ``#NULL!``) is a ``formula-error`` on that cell, naming the error; never "blank".

python-calamine reads such a cell as "" (as it reads an empty one) in xlsx, xls and ods alike;
the readers find the error in each format's own cells and give a ``CellError`` instead."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate.collect import process_file
from pipeline.core.constants import DATA_SHEET, TYPES
from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.ingest.raw import CellError
from pipeline.ingest.readers import read_calamine, read_openpyxl
from pipeline.ingest.values import Kind, error_meaning, parse_value
from pipeline.validate.context import Context
from tests import hostile
from tests.agreement import assert_outputs_agree
from tests.consolidate.test_absurd_numbers import type_into
from tests.ingest.test_officer_libreoffice import OFFICER, SYSTEM_PYTHON, _uno_available

RETURN = "03386_Phuong_Quyet_Thang.xlsx"
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")
# One figure per error; their cells are looked up in a clean return.
CODES = ("MEDIATORS", "MEDIATION_TEAMS", "VOTER_MEETINGS", "LEGAL_SESSIONS", "POOR_FUND_TOTAL", "TET_GIFTS", "PETITIONS_TOTAL")


def _ctx(form, units):
    return Context(form, {u.code: u for u in units})


@pytest.fixture(scope="module")
def cells(sample_dir, form, units):
    """code -> the cell of its value in the clean sample return."""
    return {v.code: v.cell for v in process_file(sample_dir / RETURN, _ctx(form, units)).values}


def _expected(file: str, cell: str, code: str, name: str, sheet: str = DATA_SHEET) -> str:
    label = load_form().for_period("2023").indicators[code].display_label  # the sample's period, as the fixture ``form``
    return Msg.VALUE_016.render(where=f"{file} › {sheet}!{cell}", code=code, label=label, value=name, reason=error_meaning(name))


def _formula_errors(outcome) -> dict[str, tuple[str, str]]:
    """code -> (cell, message) of each formula-error finding."""
    return {p.code: (p.cell, p.message) for p in outcome.problems if p.type == Msg.VALUE_016.slug}


def with_error_cells(src: Path, dst: Path, errors: dict[str, str], formula: bool = True) -> Path:
    """The return with each cell of ``errors`` (cell -> error name) holding that error, as Excel
    saves it: ``<c r="E50" t="e"><f>…</f><v>#DIV/0!</v></c>`` (without ``<f>``: an error typed in)."""
    part = hostile.data_sheet_part(src)

    def change(name, data):
        if name != part:
            return data
        text = data.decode("utf-8")
        for cell, error in errors.items():
            body = ("<f>1/0</f>" if formula else "") + f"<v>{error}</v>"
            text, n = re.subn(rf'<c r="{cell}"( s="\d+")?[^>]*?(/>|>.*?</c>)', rf'<c r="{cell}"\1 t="e">{body}</c>', text, count=1)
            assert n == 1, cell
        return text.encode("utf-8")

    return hostile.rewrite_zip(src, dst, change)


# xlsx, as Excel saves it.


@pytest.mark.parametrize("formula", [True, False], ids=["formula", "typed"])
def test_every_excel_error_in_an_xlsx_is_a_finding_on_its_cell(sample_dir, tmp_path, form, units, cells, formula):
    errors = {cells[code]: name for code, name in zip(CODES, EXCEL_ERRORS, strict=True)}
    path = with_error_cells(sample_dir / RETURN, tmp_path / RETURN, errors, formula)
    outcome = process_file(path, _ctx(form, units))
    expected = {code: (cells[code], _expected(RETURN, cells[code], code, name)) for code, name in zip(CODES, EXCEL_ERRORS, strict=True)}
    assert _formula_errors(outcome) == expected
    assert not set(CODES) & {v.code for v in outcome.values}
    assert not [p for p in outcome.problems if p.code in CODES and p.type != Msg.VALUE_016.slug]
    assert all(p.severity == "error" for p in outcome.problems if p.type == Msg.VALUE_016.slug)


def test_both_readers_give_the_error(sample_dir, tmp_path, cells):
    path = with_error_cells(sample_dir / RETURN, tmp_path / RETURN, {cells["MEDIATORS"]: "#DIV/0!"})
    row, col = openpyxl.utils.cell.coordinate_to_tuple(cells["MEDIATORS"])
    for read in (read_calamine, read_openpyxl):
        sheet = next(s for s in read(path).sheets if s.name == DATA_SHEET)
        value = sheet.rows[row - 1][col - 1]
        assert isinstance(value, CellError) and value == "#DIV/0!", read.__name__


def test_error_written_by_openpyxl(sample_dir, tmp_path, form, units, cells):
    """openpyxl (a script) writes "#N/A" as an error cell, as Excel does when it is typed."""
    path = type_into(sample_dir / RETURN, tmp_path / RETURN, {"MEDIATORS": "#N/A"})
    assert b't="e"' in zipfile.ZipFile(path).read(hostile.data_sheet_part(path))
    outcome = process_file(path, _ctx(form, units))
    assert _formula_errors(outcome) == {"MEDIATORS": (cells["MEDIATORS"], _expected(RETURN, cells["MEDIATORS"], "MEDIATORS", "#N/A"))}


def test_check_names_the_error_and_exits_1(sample_dir, tmp_path, cells):
    path = with_error_cells(sample_dir / RETURN, tmp_path / RETURN, {cells["POOR_FUND_TOTAL"]: "#REF!"})
    result = CliRunner().invoke(cli, ["check", str(path), "--period", "2023"])
    assert result.exit_code == 1, result.output
    errors = [line.strip() for line in result.output.splitlines() if line.strip().startswith("[Lỗi]")]
    assert errors == [f"[Lỗi] {_expected(RETURN, cells['POOR_FUND_TOTAL'], 'POOR_FUND_TOTAL', '#REF!')}"]


def test_consolidation_leaves_the_error_out_and_lists_it(returns_dir, tmp_path, cells):
    with_error_cells(returns_dir / RETURN, tmp_path / RETURN, {cells["MEDIATORS"]: "#VALUE!"})
    shutil.move(tmp_path / RETURN, returns_dir / RETURN)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert_outputs_agree(out)
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    assert f"error,formula-error,,03386,MEDIATORS,{RETURN},{DATA_SHEET},{cells['MEDIATORS']}," in findings
    assert "03386,MEDIATORS," not in (out / "values.csv").read_text(encoding="utf-8")


# The text formats that government software exports under an .xls name.


@pytest.mark.parametrize("kind", ["xml2003", "html"])
def test_errors_in_exported_text_formats(sample_dir, tmp_path, form, units, cells, kind):
    marked = type_into(sample_dir / RETURN, tmp_path / "marked.xlsx", {"MEDIATORS": 424242})
    book = read_calamine(marked)
    if kind == "xml2003":
        path = hostile.xml2003(book, tmp_path / "xuat.xls")
        before, after = '<Data ss:Type="Number">424242.0</Data>', '<Data ss:Type="Error">#DIV/0!</Data>'
    else:
        path = hostile.html_table(book, tmp_path / "xuat.xls")
        before, after = "<td>424242.0</td>", "<td>#DIV/0!</td>"
    text = path.read_text(encoding="utf-8")
    assert text.count(before) == 1
    path.write_text(text.replace(before, after), encoding="utf-8")
    outcome = process_file(path, _ctx(form, units))
    sheet = DATA_SHEET if kind == "xml2003" else "Bảng 1"
    expected = _expected("xuat.xls", cells["MEDIATORS"], "MEDIATORS", "#DIV/0!", sheet)
    assert _formula_errors(outcome) == {"MEDIATORS": (cells["MEDIATORS"], expected)}


# The value reader.


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("name", [*EXCEL_ERRORS, "Err:502", "#SPILL!"])
def test_parse_value_reads_an_error_cell_as_an_error(type_, name):
    parsed = parse_value(CellError(name), type_)
    assert (parsed.kind, parsed.msg, parsed.value, parsed.reason) == (Kind.ERROR, Msg.VALUE_016, None, error_meaning(name))


def test_every_excel_error_has_its_own_meaning():
    meanings = [error_meaning(name) for name in EXCEL_ERRORS]
    assert len(set(meanings)) == len(EXCEL_ERRORS) and error_meaning("Err:502") not in meanings


def test_the_text_of_an_error_typed_in_a_text_cell_is_not_a_number():
    parsed = parse_value("#N/A", "count")
    assert (parsed.kind, parsed.msg) == (Kind.ERROR, Msg.VALUE_002)


# Saved by LibreOffice as xlsx, ods and xls.

LO_FORMULAS = {
    "MEDIATORS": ("=NA()", "#N/A"),
    "MEDIATION_TEAMS": ("=1/0", "#DIV/0!"),
    "VOTER_MEETINGS": ('=INDIRECT("XFZ1")', "#REF!"),
    "LEGAL_SESSIONS": ('="a"+1', "#VALUE!"),
    "POOR_FUND_TOTAL": ("=FOOBAR()", "#NAME?"),
    "TET_GIFTS": ("=10^400", "#NUM!"),
    "PETITIONS_TOTAL": ("=SQRT(-1)", "Err:502"),  # LibreOffice's own error; #VALUE! in xlsx and xls
}


@pytest.fixture(scope="module")
def saved_by_libreoffice(template_cache, tmp_path_factory):
    if not _uno_available():
        pytest.skip("LibreOffice with its Python bridge (python3-uno) is not installed")
    out = tmp_path_factory.mktemp("libreoffice_errors")
    plan = {"values": {"RECEPTION_TURNS": 12}, "formulas": {code: formula for code, (formula, _) in LO_FORMULAS.items()}}
    (out / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    template = shutil.copy(template_cache["03386"], out / RETURN)
    done = subprocess.run([str(SYSTEM_PYTHON), str(OFFICER), str(template), str(out), str(out / "plan.json")],
                          capture_output=True, text=True, timeout=240)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("ext", ["xlsx", "ods", "xls"])
def test_errors_saved_by_libreoffice(saved_by_libreoffice, form, units, cells, ext):
    name = f"03386_Phuong_Quyet_Thang.{ext}"
    outcome = process_file(saved_by_libreoffice / name, _ctx(form, units))
    assert outcome.accepted, [p.message for p in outcome.problems]
    expected = {}
    for code, (_, error) in LO_FORMULAS.items():
        error = "#VALUE!" if error == "Err:502" and ext != "ods" else error
        expected[code] = (cells[code], _expected(name, cells[code], code, error))
    assert _formula_errors(outcome) == expected
    assert {v.code: v.value for v in outcome.values}["RECEPTION_TURNS"] == 12
