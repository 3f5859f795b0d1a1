"""The output side: outputs are written as one set, and never left half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core import settings
from pipeline.core.errors import Msg, OutputError
from pipeline.outputs import staging as outputs
from pipeline.validate.context import Context
from tests.conftest import message_fields


@pytest.fixture(scope="module")
def result(sample_dir, form, units):
    return consolidate_folder(sample_dir, Context.of(form, units))


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_outputs_written_as_one_set(result, tmp_path):
    written = outputs.write_outputs(result, tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert {"totals.csv", "values.csv", "findings.csv", "tong_hop.xlsx"} <= set(names)


def test_workbook_open_in_excel_keeps_previous_outputs(result, tmp_path):
    outputs.write_outputs(result, tmp_path)
    before = _snapshot(tmp_path)
    (tmp_path / "~$tong_hop.xlsx").write_bytes(b"\x00" * 165)
    with pytest.raises(OutputError) as err:
        outputs.write_outputs(result, tmp_path)
    assert str(err.value) == Msg.OUTPUT_003.render(where=tmp_path, names="tong_hop.xlsx")
    after = _snapshot(tmp_path)
    after.pop("~$tong_hop.xlsx")
    assert after == before


def test_cli_says_why_when_output_cannot_be_written(sample_dir, tmp_path):
    blocker = tmp_path / "tep"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["consolidate", str(sample_dir), "--out", str(blocker / "kq")])
    assert result.exit_code == 2
    assert result.output == f"Lỗi: {Msg.OUTPUT_001.render(where=blocker / 'kq', reason='Not a directory')}\n"


def test_failure_mid_way_keeps_previous_outputs(result, tmp_path, monkeypatch):
    outputs.write_outputs(result, tmp_path)
    before = _snapshot(tmp_path)
    import pipeline.workbook.book

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.workbook.book, "write_workbook", boom)
    with pytest.raises(OutputError) as err:
        outputs.write_outputs(result, tmp_path)
    assert str(err.value) == Msg.OUTPUT_004.render(where=tmp_path, reason="No space left on device")
    assert _snapshot(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_large_runs_write_side_by_side_the_same_files(result, tmp_path, monkeypatch):
    """Past ``PARALLEL_VALUES`` the CSVs are written by a forked process beside the workbook:
    the same files as written one after the other."""
    outputs.write_outputs(result, tmp_path / "one")
    monkeypatch.setattr(outputs, "PARALLEL_VALUES", 1)
    outputs.write_outputs(result, tmp_path / "forked")
    one, forked = _snapshot(tmp_path / "one"), _snapshot(tmp_path / "forked")
    assert one.keys() == forked.keys() and "relations.csv" in one
    differ = {name for name in one if one[name] != forked[name]}
    assert differ <= {"run.json", "tong_hop.xlsx"}  # the time each was written
    assert one["relations.csv"] == forked["relations.csv"] and one["values.csv"] == forked["values.csv"]


def test_a_csv_process_that_dies_leaves_previous_outputs(result, tmp_path, monkeypatch):
    outputs.write_outputs(result, tmp_path)
    before = _snapshot(tmp_path)
    import pipeline.outputs.csvfiles

    monkeypatch.setattr(outputs, "PARALLEL_VALUES", 1)
    monkeypatch.setattr(pipeline.outputs.csvfiles, "write_csvs", lambda *args: os._exit(1))
    with pytest.raises(OutputError) as err:
        outputs.write_outputs(result, tmp_path)
    assert str(err.value) == Msg.OUTPUT_004.render(where=tmp_path, reason="tiến trình ghi các tệp CSV bị dừng")
    assert _snapshot(tmp_path) == before


@pytest.mark.slow
def test_killed_run_leaves_previous_outputs_intact(returns_dir, tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out)]).exit_code == 0
    before = (out / "totals.csv").read_bytes()
    for i in range(3):  # more files, so the run lasts long enough to be killed
        for path in list(returns_dir.glob("*.xlsx"))[:8]:
            (returns_dir / f"ban_sao_{i}_{path.name}").write_bytes(path.read_bytes())
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "consolidate", str(returns_dir), "--out", str(out)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert (out / "totals.csv").read_bytes() == before
        import openpyxl

        openpyxl.load_workbook(out / "tong_hop.xlsx", read_only=True).close()
    done = subprocess.run([sys.executable, "-m", "pipeline", "consolidate", str(returns_dir), "--out", str(out)], capture_output=True)
    assert done.returncode == 0
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_outputs_follow_the_umask_so_colleagues_can_open_them(result, tmp_path):
    """A colleague on the same machine or share opens tong_hop.xlsx: outputs are not owner-only."""
    import os
    import stat

    umask = os.umask(0o022)
    try:
        written = outputs.write_outputs(result, tmp_path)
    finally:
        os.umask(umask)
    files = [p for path in written for p in ([*path.iterdir()] if path.is_dir() else [path])]  # the notices' folder too
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {path.name: 0o644 for path in files}
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o755 for path in written if path.is_dir())


def test_only_tonghops_own_leftovers_are_cleaned(result, tmp_path):
    mine = [tmp_path / ".ghi_chu.tmp", tmp_path / ".~bao_cao.docx.tmp", tmp_path / ".so_lieu.1234abcd.csv.tmp"]
    for path in mine:
        path.write_text("của người dùng", encoding="utf-8")
    leftovers = [tmp_path / ".totals.0a1b2c3d.csv.tmp", tmp_path / ".phu_luc_so_lieu.deadbeef.docx.tmp"]
    for path in leftovers:  # what atomic_path leaves when a run is killed mid-write
        path.write_bytes(b"half")
    (tmp_path / f"{outputs.STAGING_PREFIX}k9x2").mkdir()
    outputs.write_outputs(result, tmp_path)
    assert all(path.read_text(encoding="utf-8") == "của người dùng" for path in mine)
    assert not [p for p in [*leftovers, tmp_path / f"{outputs.STAGING_PREFIX}k9x2"] if p.exists()]


# A consolidation whose workbook takes a while to write (run as its own process).
SLOW_RUN = """
import sys, time
import pipeline.workbook.book as book
real = book.write_workbook
def slow(*args, **kwargs):
    time.sleep(float(sys.argv[3]))
    return real(*args, **kwargs)
book.write_workbook = slow
from pipeline.cli import cli
cli(["consolidate", sys.argv[1], "--out", sys.argv[2], "--jobs", "1"])
"""


def _start_slow_run(returns, out, seconds):
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(returns), str(out), str(seconds)], stderr=subprocess.PIPE, text=True)
    for _ in range(600):  # until it writes into the folder
        if out.is_dir() and list(out.glob(outputs.STAGING_PREFIX + "*")):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the first run never started writing")


@pytest.mark.slow
def test_a_second_run_into_the_same_folder_says_another_run_is_writing(sample_dir, tmp_path):
    out = tmp_path / "out"
    first = _start_slow_run(sample_dir, out, 4)
    second = CliRunner().invoke(cli, ["consolidate", str(sample_dir), "--out", str(out)])
    assert second.exit_code == 2
    fields = message_fields(Msg.OUTPUT_006, second.output.removeprefix("Lỗi: ").rstrip("\n"))
    assert fields and fields["where"] == str(out) and fields["pid"] == str(first.pid)
    assert first.wait(timeout=60) == 0, first.stderr.read()
    assert {"totals.csv", "tong_hop.xlsx"} <= {p.name for p in out.iterdir()}
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_the_lock_of_a_killed_run_does_not_block_the_next(sample_dir, tmp_path):
    out = tmp_path / "out"
    first = _start_slow_run(sample_dir, out, 30)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert (out / ".tonghop.lock").read_text(encoding="utf-8").split("\n")[0] == str(first.pid)  # left behind
    again = CliRunner().invoke(cli, ["consolidate", str(sample_dir), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_outputs_of_an_earlier_run_not_written_again_are_removed(sample_dir, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    prior = str(settings.SAMPLE_DIR / "prior_2022.csv")
    assert runner.invoke(cli, ["consolidate", str(sample_dir), "--out", str(out), "--prior", prior]).exit_code == 0
    assert runner.invoke(cli, ["report", str(out)]).exit_code == 0
    assert {"comparison.csv", "phu_luc_so_lieu.docx"} <= {p.name for p in out.iterdir()}
    theirs = {"ghi_chu.txt": "x", "phu_luc_ban_sua.docx": "y", "totals_2022.csv": "z"}
    for name, text in theirs.items():
        (out / name).write_text(text, encoding="utf-8")
    assert runner.invoke(cli, ["consolidate", str(sample_dir), "--out", str(out)]).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert not names & {"comparison.csv", "phu_luc_so_lieu.docx"}
    assert all((out / name).read_text(encoding="utf-8") == text for name, text in theirs.items())
    assert names == set(theirs) | {"totals.csv", "values.csv", "findings.csv", "relations.csv", "submissions.csv", "files.csv",
                                   "run.json", "tong_hop.xlsx", "thong_bao"}  # fmt: skip
