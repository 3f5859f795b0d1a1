"""A return saved by LibreOffice as a flat XML spreadsheet (.fods) is read as the .ods it stands
for, with the same checks."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipeline.consolidate.combine import consolidate_folder
from pipeline.ingest.readers import read_workbook
from pipeline.validate.context import Context

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _as_fods(path, tmp_path):
    profile = (tmp_path / "profile").as_uri()
    converted = tmp_path / "converted"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "fods", "--outdir", str(converted), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return converted / path.with_suffix(".fods").name


def test_a_fods_return_is_consolidated_like_its_xlsx(returns_dir, sample_dir, form, units, tmp_path):
    (original,) = returns_dir.glob("03386_*.xlsx")
    fods = _as_fods(original, tmp_path)
    assert fods.read_bytes().startswith(b"<?xml") and b"office:document" in fods.read_bytes()[:4096]
    original.unlink()
    shutil.copy(fods, returns_dir / fods.name)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    used = {r["unit_code"]: r["file"] for _, r in result.submissions.iterrows()}
    assert used["03386"] == fods.name
    assert result.totals.equals(consolidate_folder(sample_dir, Context.of(form, units)).totals)
    book = read_workbook(returns_dir / fods.name)
    assert [(s.name, s.visible) for s in book.sheets if s.name == "_tonghop"] == [("_tonghop", False)]
    assert book.modified is not None  # the saved time, from its meta


def test_a_fods_declaring_entities_is_refused(tmp_path, returns_dir, form, units):
    (original,) = returns_dir.glob("03386_*.xlsx")
    data = _as_fods(original, tmp_path).read_bytes()
    prolog_end = data.index(b"?>") + 2
    hostile = data[:prolog_end] + b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data[prolog_end:]
    original.unlink()
    (returns_dir / "bom.fods").write_bytes(hostile)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    (found,) = [p for p in result.findings.problems if p.file == "bom.fods"]
    assert found.type == "hostile-file"
