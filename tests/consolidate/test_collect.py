"""Reading a folder in parallel: the same outputs whatever the number of processes, and a
reader process that dies costs only the file that killed it."""

from __future__ import annotations

import csv
import os
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate import collect
from pipeline.consolidate.combine import consolidate_folder, consolidate_returns
from pipeline.validate.context import Context, Options


def _copies(returns_dir, n=3):
    for i in range(n):
        for path in sorted(returns_dir.glob("*.xlsx"))[:8]:
            shutil.copy(path, returns_dir / f"ban_{i}_{path.name}")


@pytest.mark.slow
def test_csvs_byte_for_byte_with_one_or_two_processes(returns_dir, tmp_path):
    _copies(returns_dir)
    (returns_dir / "hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out), "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        outputs[jobs] = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert outputs[1] == outputs[2]
    assert len(outputs[1]) >= 5


_REAL_PROCESS_FILE = collect.process_file


def dying(path, ctx, severity="warning", name=None):
    """``process_file``, except that the reader process dies on one file, as a native reader
    aborting on a hostile file would (module level, so the re-read can send it to a process)."""
    if path.name == "lam_sap.xlsx":
        os._exit(1)
    return _REAL_PROCESS_FILE(path, ctx, severity, name)


def test_worker_that_dies_becomes_a_finding_for_that_file_only(returns_dir, form, units, monkeypatch):
    _copies(returns_dir)
    shutil.copy(returns_dir / "03386_Phuong_Quyet_Thang.xlsx", returns_dir / "lam_sap.xlsx")
    monkeypatch.setattr(collect, "process_file", dying)
    paths = sorted(returns_dir.iterdir())
    ctx = Context(form, {u.code: u for u in units})
    results = collect.read_returns(paths, ctx, jobs=2)
    assert len(results) == len(paths)
    crashed = [p for r in results for p in r.problems if p.type == "reader-crash"]
    assert [p.file for p in crashed] == ["lam_sap.xlsx"] and crashed[0].severity == "warning"
    result = consolidate_returns(results, ctx)
    assert result.received == 8 and result.total("POOR_FUND_TOTAL") == 862796456


@pytest.mark.slow
def test_returns_in_subfolders_are_read_and_named_by_their_path(returns_dir, form, units, tmp_path):
    # A folder as downloads arrive: Zalo and email attachments in folders of their own.
    (returns_dir / "Zalo").mkdir()
    (returns_dir / "Email" / "Tân Phong").mkdir(parents=True)
    shutil.move(returns_dir / "bao cao doan ket.xlsx", returns_dir / "Zalo" / "bao cao doan ket.xlsx")
    shutil.move(returns_dir / "BC MTTQ Tân Phong năm 2023 (bản cuối).xlsx", returns_dir / "Email" / "Tân Phong" / "BC.xlsx")
    (returns_dir / "Zalo" / "anh_chup.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    (returns_dir / "Zalo" / "~$bao cao doan ket.xlsx").write_bytes(b"lock")
    (returns_dir / "__MACOSX").mkdir()
    (returns_dir / "__MACOSX" / "._BC.xlsx").write_bytes(b"\x00\x05\x16\x07 resource fork")
    (returns_dir / ".an").mkdir()
    (returns_dir / ".an" / "cu.xlsx").write_bytes(b"hidden")
    out = returns_dir / "ket_qua"  # the outputs kept beside the returns, read on the next run
    for _ in range(2):
        done = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out)])
        assert done.exit_code == 0, done.output
    result = consolidate_folder(returns_dir, Context.of(form, units, options=Options(jobs=2)))
    assert result.received == 8 and result.total("POOR_FUND_TOTAL") == 862796456
    used = result.submissions.set_index("unit_code")["file"]
    assert (used["03389"], used["03387"]) == ("Zalo/bao cao doan ket.xlsx", "Email/Tân Phong/BC.xlsx")
    assert set(result.values.loc[result.values["unit_code"] == "03387", "file"]) == {"Email/Tân Phong/BC.xlsx"}
    found = {(p.file, p.type) for p in result.findings.problems if p.type in ("not-a-workbook", "lock-file", "no-metadata")}
    assert found == {("Zalo/anh_chup.jpg", "not-a-workbook"), ("Zalo/~$bao cao doan ket.xlsx", "lock-file")}
    assert not [f for f in result.files["file"] if f.startswith(("ket_qua/", "__MACOSX/", ".an/"))]
    written = {row["file"] for row in csv.DictReader((out / "values.csv").open(encoding="utf-8"))}
    assert "Zalo/bao cao doan ket.xlsx" in written
