"""``tonghop round …`` on the command line: create a round, write the links, file what the office
received, show the board and consolidate, each command opening the same store."""

from __future__ import annotations

import csv
import io
import shutil
import stat
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.constants import RoundStatus
from pipeline.core.errors import Msg
from pipeline.core.vnformat import vietnam_today
from pipeline.store import Store

DUE = vietnam_today().replace(year=vietnam_today().year + 1).strftime("%d/%m/%Y")


def _run(*args):
    return CliRunner().invoke(cli, ["round", *map(str, args)], catch_exceptions=False)


def _create(data):
    done = _run("create", "--data", data, "--period", "2023", "--deadline", DUE)
    assert done.exit_code == 0, done.output
    return done.stdout.strip()


@pytest.mark.slow
def test_the_round_on_the_command_line(tmp_path, sample_dir, make_return):
    data = tmp_path / "data"
    round_id = _create(data)
    assert round_id and "\n" not in round_id  # the id alone on standard output, for scripts

    links = tmp_path / "duong_dan.csv"
    done = _run("links", "--data", data, "--round", round_id, "--base-url", "https://bc.example.vn", "--out", links)
    assert done.exit_code == 0, done.output
    raw = links.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 8 and list(rows[0]) == ["unit_code", "unit_name", "url"]
    assert rows[1]["unit_name"] == "Phường Quyết Thắng" and rows[1]["url"].startswith("https://bc.example.vn/u/")
    if sys.platform != "win32":
        assert stat.S_IMODE(links.stat().st_mode) == 0o600

    bad = make_return("03386", {"MEDIATORS": "sáu mươi lăm"}, folder=tmp_path / "zalo", name="bc sai.xlsx")
    done = _run("add", "--data", data, "--round", round_id, sample_dir, bad)
    assert done.exit_code == 0, done.output
    assert "03387 Phường Tân Phong, đã nhận" in done.output
    assert "bc sai.xlsx: 03386 Phường Quyết Thắng, đã nhận (1 lỗi" in done.output
    assert "Đã nhận 9/9 tệp." in done.output

    done = _run("status", "--data", data, "--round", round_id)
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1].split()[:3] == ["Mã", "Đơn", "vị"]
    line = next(x for x in done.output.splitlines() if x.startswith("03387"))
    assert RoundStatus.ON_TIME.label in line

    out = tmp_path / "ket_qua"
    done = _run("consolidate", "--data", data, "--round", round_id, "--out", out)
    assert done.exit_code == 0, done.output
    direct = tmp_path / "direct"
    returns = shutil.copytree(sample_dir, tmp_path / "returns")
    shutil.copy2(bad, returns / bad.name)  # the newest return of Quyết Thắng, as the round uses it
    done = CliRunner().invoke(cli, ["consolidate", str(returns), "--period", "2023", "--deadline", DUE, "--out", str(direct)])
    assert done.exit_code == 0, done.output
    for name in ("totals.csv", "values.csv"):
        assert (out / name).read_bytes() == (direct / name).read_bytes(), name


def test_add_says_which_file_was_not_accepted(tmp_path):
    data = tmp_path / "data"
    round_id = _create(data)
    junk = tmp_path / "anh.jpg"
    junk.write_bytes(b"\xff\xd8\xff not a workbook")
    done = _run("add", "--data", data, "--round", round_id, junk)
    assert done.exit_code == 1
    assert "anh.jpg: không nhận ra đơn vị, không nhận" in done.output
    store = Store.open(data)
    try:
        assert [s.filename for s in store.submissions(round_id)] == ["anh.jpg"]  # kept all the same
    finally:
        store.close()


def test_round_errors_are_vietnamese(tmp_path):
    done = _run("create", "--data", tmp_path / "data", "--period", "2023", "--deadline", "31/02/2023")
    assert done.exit_code == 2 and "Lỗi: Hạn nộp '31/02/2023'" in done.output
    done = _run("status", "--data", tmp_path / "data")
    assert done.exit_code == 2 and "--round" in done.output


def test_a_round_command_that_cannot_work_says_why_in_one_line(tmp_path):
    """An error out of the store (no such round) or out of writing the links (a file where a folder
    should be): ``Lỗi: …`` alone, exit code 2; no link issued by a command that failed."""
    data = tmp_path / "data"
    round_id = _create(data)
    done = _run("status", "--data", data, "--round", "khongco")
    assert (done.exit_code, done.output) == (2, f"Lỗi: {Msg.STORE_001.render(round_id='khongco')}\n")
    (tmp_path / "ghi_chu.txt").write_text("một tệp, không phải thư mục", encoding="utf-8")
    out = tmp_path / "ghi_chu.txt" / "duong_dan.csv"
    with pytest.raises(OSError) as refused:  # what the system says of that path, as the command is told it
        out.parent.mkdir(parents=True, exist_ok=True)
    done = _run("links", "--data", data, "--round", round_id, "--out", out)
    assert (done.exit_code, done.output) == (2, f"Lỗi: {Msg.OUTPUT_002.render(where=out, reason=refused.value.strerror)}\n")
    with Store.open(data) as store:
        assert store.current_tokens(round_id) == {}


def test_round_help_has_examples():
    for command in ("create", "links", "add", "status", "consolidate"):
        done = _run(command, "--help")
        assert done.exit_code == 0 and "Ví dụ:" in done.output and f"tonghop round {command}" in done.output
