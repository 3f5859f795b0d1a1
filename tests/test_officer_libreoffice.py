"""A template filled in LibreOffice itself, as an officer does (through LibreOffice's own
Python bridge): the sheet unprotected, rows inserted, numbers typed as numbers and as text,
the sheet renamed, the file saved as .xlsx, .ods and .xls. Every value is found by its code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.consolidate.collect import process_file
from pipeline.sample import sample_values
from pipeline.validate.checks import Context

SYSTEM_PYTHON = Path("/usr/bin/python3")
OFFICER = Path(__file__).resolve().parent / "uno" / "officer.py"


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


@pytest.fixture(scope="module")
def saved(template_cache, tmp_path_factory):
    out = tmp_path_factory.mktemp("officer")
    values = {code: int(v) for code, v in sample_values()["03386"].items() if v.strip().isdigit()}
    values.update(TYPED_AS_TEXT)
    plan = {"values": values, "insert_rows_above": ["DOCS_ISSUED", "MEDIATORS"], "rename_sheet": "BC Quyết Thắng"}
    (out / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    template = shutil.copy(template_cache["03386"], out / "03386_Phuong_Quyet_Thang.xlsx")
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
