"""A template filled in LibreOffice itself, as an officer does (through LibreOffice's own
Python bridge): the sheet unprotected, rows inserted, numbers typed as numbers and as text,
the sheet renamed, the file saved as .xlsx, .ods and .xls. Every value is found by its code.
The data sheet copied as a draft placed first (Sheet › Duplicate Sheet) supplies nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.consolidate.collect import process_file
from pipeline.core.errors import Msg
from pipeline.sample import sample_values
from pipeline.validate.context import Context

SYSTEM_PYTHON = Path("/usr/bin/python3")
OFFICER = Path(__file__).resolve().parents[1] / "uno" / "officer.py"


def _uno_available() -> bool:
    if shutil.which("soffice") is None or not SYSTEM_PYTHON.exists():
        return False
    return subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _uno_available(), reason="LibreOffice with its Python bridge (python3-uno) is not installed")

TYPED_AS_TEXT = {
    "POOR_FUND_TOTAL": "12.500.000",
    "POOR_FUND_LOCAL": "12 500 000 đồng",
    "TET_GIFTS_VALUE": "75 triệu",
    "RECEPTION_GROUPS": "-",
}


DRAFT_SHEET = "Báo cáo (nháp)"
DRAFT_VALUES = {"VOTER_MEETINGS": 99, "PETITIONS_TOTAL": 1}


@pytest.fixture(scope="module")
def saved(template_cache, tmp_path_factory):
    out = tmp_path_factory.mktemp("officer")
    values = {code: int(v) for code, v in sample_values()["03386"].items() if v.strip().isdigit()}
    values.update(TYPED_AS_TEXT)
    plan = {"values": values, "insert_rows_above": ["DOCS_ISSUED", "MEDIATORS"], "rename_sheet": "BC Quyết Thắng",
            "save_as": "03386_Phuong_Quyet_Thang"}  # fmt: skip
    draft = {"name": DRAFT_SHEET, "values": DRAFT_VALUES}
    plans = [
        plan,
        {"values": values, "draft": draft, "save_as": "nhap"},
        {"values": values, "rename_sheet": "BC Quyết Thắng", "draft": draft, "save_as": "nhap_doi_ten"},
    ]
    (out / "plan.json").write_text(json.dumps(plans, ensure_ascii=False), encoding="utf-8")
    template = shutil.copy(template_cache["03386"], out / "bieu_mau.xlsx")
    done = subprocess.run([str(SYSTEM_PYTHON), str(OFFICER), str(template), str(out), str(out / "plan.json")],
                          capture_output=True, text=True, timeout=240)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, values


@pytest.mark.parametrize("ext", ["xlsx", "ods", "xls"])
def test_every_value_found_by_code(saved, form, units, ext):
    out, typed = saved
    checked = process_file(out / f"03386_Phuong_Quyet_Thang.{ext}", Context(form, {u.code: u for u in units}))
    assert checked.accepted and checked.unit.code == "03386", [p.message for p in checked.problems]
    values = {v.code: v.value for v in checked.values}
    expected = {**{c: v for c, v in typed.items() if isinstance(v, int)}, "POOR_FUND_TOTAL": 12_500_000,
                "POOR_FUND_LOCAL": 12_500_000, "TET_GIFTS_VALUE": 75_000_000, "RECEPTION_GROUPS": 0}  # fmt: skip
    assert {c: values.get(c) for c in expected} == expected
    assert {v.sheet for v in checked.values} == {"BC Quyết Thắng"}
    interpreted = {p.code for p in checked.problems if p.type == "interpreted-value"}
    assert interpreted == set(TYPED_AS_TEXT)
    assert not [p for p in checked.problems if p.severity == "error"]


def _check(path, form, units):
    return process_file(path, Context(form, {u.code: u for u in units}))


@pytest.mark.parametrize(("name", "ext", "data_sheet"), [
    ("nhap", "xlsx", "Báo cáo"), ("nhap", "ods", "Báo cáo"), ("nhap", "xls", "Báo cáo"),
    ("nhap_doi_ten", "xlsx", "BC Quyết Thắng"), ("nhap_doi_ten", "ods", "BC Quyết Thắng"),
])  # fmt: skip
def test_draft_copy_placed_first_is_named_and_not_used(saved, form, units, name, ext, data_sheet):
    out, typed = saved
    checked = _check(out / f"{name}.{ext}", form, units)
    values = {v.code: v.value for v in checked.values}
    assert {v.sheet for v in checked.values} == {data_sheet}
    assert {code: values[code] for code in DRAFT_VALUES} == {code: typed[code] for code in DRAFT_VALUES}
    unused = [p for p in checked.problems if p.severity != "info"]
    assert [p.message for p in unused] == [
        Msg.META_013.render(where=f"{name}.{ext} › {DRAFT_SHEET}", sheet=DRAFT_SHEET, data_sheet=data_sheet)
    ]


def test_draft_copy_of_a_renamed_sheet_in_xls_falls_back_to_the_first_sheet(saved, form, units):
    # .xls keeps the sheet names but its defined names are not read: the recorded name
    # "Báo cáo" is gone, so the sheets are read in order, as before the mark, and every
    # code of the renamed sheet is reported as a duplicate of the draft's.
    out, _ = saved
    checked = _check(out / "nhap_doi_ten.xls", form, units)
    assert {v.code: v.value for v in checked.values}["VOTER_MEETINGS"] == 99
    duplicates = {p.sheet for p in checked.problems if p.type == "duplicate-code"}
    assert duplicates == {"BC Quyết Thắng"}
