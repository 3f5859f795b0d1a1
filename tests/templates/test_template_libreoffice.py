"""A template filled in and saved by LibreOffice: metadata, codes and values survive, and
the check formulas recalculate to the expected results."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipeline.core import constants as C
from pipeline.templates.build import build_template, template_filename

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

UNIT_CODE = "03386"
# R02 fails (12 festivals > 10 areas), R03 holds, R04 (a warning) is 50 short, R05 has no values.
FILLED = {
    "RESIDENTIAL_AREAS": 10,
    "UNITY_FESTIVAL_HELD": 12,
    "CULTURAL_AREAS": 8,
    "POOR_FUND_TOTAL": 120341560,
    "POOR_FUND_CENTRAL": 100000000,
    "POOR_FUND_PROVINCE": 20000000,
    "POOR_FUND_OTHER_PROVINCES": 0,
    "POOR_FUND_LOCAL": 341510,
}


def find_table(ws) -> tuple[dict[str, int], dict[str, int]]:
    """``header -> column`` and ``code -> row``, by the ``Mã`` and ``Số liệu`` header cells."""
    for row in ws.iter_rows():
        values = [cell.value for cell in row]
        if C.HEADER_CODE in values and C.HEADER_VALUE in values:
            cols = {v: i + 1 for i, v in enumerate(values) if v}
            start = row[0].row + 1
            break
    else:
        raise AssertionError("no table header")
    codes = {ws.cell(r, cols[C.HEADER_CODE]).value: r for r in range(start, ws.max_row + 1)}
    return cols, {k: v for k, v in codes.items() if k}


def fill_template(template: Path, values: dict, folder: Path) -> Path:
    """A copy of ``template`` in ``folder`` with ``values`` (code -> value) typed in, saved by openpyxl."""
    wb = openpyxl.load_workbook(template)
    ws = wb[C.DATA_SHEET]
    cols, codes = find_table(ws)
    for code, value in values.items():
        ws.cell(codes[code], cols[C.HEADER_VALUE]).value = value
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(folder / template.name)
    return folder / template.name


def convert(source: Path, fmt: str, out: Path, profile: Path) -> Path:
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(out),
        str(source),
    ]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    result = out / f"{source.stem}.{fmt}"
    assert result.is_file(), f"LibreOffice did not write {result.name}"
    return result


@pytest.fixture(scope="module")
def converted(tmp_path_factory, form, units):
    """The filled template, and its LibreOffice conversions to .xlsx and .ods."""
    base = tmp_path_factory.mktemp("libreoffice")
    unit = next(u for u in units if u.code == UNIT_CODE)
    template = build_template(form, unit, base / template_filename(unit), "2023", "15/12/2023")
    filled = fill_template(template, FILLED, base / "filled")
    profile = base / "profile"
    return {
        "form": form,
        "unit": unit,
        "xlsx": convert(filled, "xlsx", base / "xlsx", profile),
        "ods": convert(filled, "ods", base / "ods", profile),
    }


@pytest.fixture(scope="module")
def result(converted):
    return openpyxl.load_workbook(converted["xlsx"], data_only=True)


def test_metadata_survives(result, converted):
    form, unit = converted["form"], converted["unit"]
    meta = result[C.META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(min_row=2, values_only=True)}
    assert values[C.META_UNIT_CODE] == UNIT_CODE
    assert values[C.META_UNIT_NAME] == unit.name
    assert values[C.META_FINGERPRINT] == form.fingerprint
    assert values[C.META_FORM_VERSION] == form.version
    assert values[C.META_PERIOD] == "2023"


def test_codes_and_values_survive(result, converted):
    form, unit = converted["form"], converted["unit"]
    ws = result[C.DATA_SHEET]
    cols, codes = find_table(ws)
    assert {ind.code for ind in form.indicators_for(unit.level)} <= set(codes)
    for code, value in FILLED.items():
        assert ws.cell(codes[code], cols[C.HEADER_VALUE]).value == value


def test_checks_recalculated(result):
    ws = result[C.DATA_SHEET]
    cols, codes = find_table(ws)

    def status(rule_id: str):
        return ws.cell(codes[rule_id], cols[C.HEADER_VALUE]).value, ws.cell(codes[rule_id], cols[C.HEADER_NOTE]).value

    assert status("R02") == ("Chưa khớp", "Chênh lệch: +2")
    assert status("R03")[0] == "Đạt"
    assert status("R04") == ("Cần xem lại", "Chênh lệch: -50")
    assert status("R05")[0] in (None, "")


def test_ods_metadata_readable_with_calamine(converted):
    book = CalamineWorkbook.from_path(str(converted["ods"]))
    assert C.META_SHEET in book.sheet_names
    rows = book.get_sheet_by_name(C.META_SHEET).to_python()
    values = {row[0]: row[1] for row in rows[1:] if row and row[0]}
    assert values[C.META_UNIT_CODE] == UNIT_CODE
    assert values[C.META_FORM_ID] == converted["form"].id


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_pipeline_recognises_the_converted_return(converted, units, fmt):
    from pipeline.consolidate.collect import process_file
    from pipeline.validate.context import Context

    checked = process_file(converted[fmt], Context(converted["form"], {u.code: u for u in units}))
    assert checked.accepted and checked.unit.code == UNIT_CODE and checked.meta["period"] == "2023"
    values = {v.code: v.value for v in checked.values}
    assert values == FILLED
    blanks = {p.code for p in checked.problems if p.type == "missing-value"}
    assert blanks == {i.code for i in converted["form"].indicators_for("communes")} - set(FILLED)
