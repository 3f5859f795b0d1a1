"""Printing on consoles that are not UTF-8: a Vietnamese Windows console or redirected output
(cp1258), tools that read ASCII. The commands run as real processes so that Python sets up
the streams from PYTHONIOENCODING, as it does on a user's machine."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import pytest

from pipeline.core.errors import Msg

ENCODINGS = ("cp1258", "ascii")


def _tonghop(encoding: str, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    command = [sys.executable, "-m", "pipeline", *(str(a) for a in args)]
    return subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)


def _lines(data: bytes, encoding: str) -> list[str]:
    """Output decoded as the console would, in NFC (cp1258 writes most tones as combining marks)."""
    return unicodedata.normalize("NFC", data.decode(encoding)).splitlines()


def _ascii(text: str) -> str:
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D").replace("–", "-").replace("›", ">"))
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_check_prints_in_the_console_encoding(encoding, sample_dir, make_return, tmp_path):
    bad = make_return("03386", {"MEDIATORS": "sáu mươi lăm"}, folder=tmp_path / "x")
    done = _tonghop(encoding, "check", sample_dir / "03388_Phuong_Quyet_Tien.xlsx", bad)
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    lines = _lines(done.stdout, encoding)
    expected = ["03388_Phuong_Quyet_Tien.xlsx (03388 – Phường Quyết Tiến, năm 2023)", "Đã kiểm tra 2 tệp: 1 tệp có lỗi."]
    if encoding == "ascii":
        expected = [_ascii(line) for line in expected]
    assert [lines[0], lines[-1]] == expected


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_consolidate_prints_in_the_console_encoding(encoding, sample_dir, tmp_path):
    out = tmp_path / "out"
    done = _tonghop(encoding, "consolidate", sample_dir, "--out", out, "--jobs", "1")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert (out / "tong_hop.xlsx").is_file() and (out / "findings.csv").is_file()
    lines = _lines(done.stdout, encoding)
    expected = f"Kết quả đã ghi vào thư mục {out}/ (mở tệp tong_hop.xlsx)."
    assert lines[-1] == (_ascii(expected) if encoding == "ascii" else expected)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_errors_and_help_print_in_the_console_encoding(encoding, tmp_path):
    done = _tonghop(encoding, "consolidate", tmp_path / "khong_co")
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    expected = "Lỗi: " + Msg.FILE_006.render(where=str(tmp_path / "khong_co"))
    assert _lines(done.stderr, encoding) == [_ascii(expected) if encoding == "ascii" else expected]
    helped = _tonghop(encoding, "consolidate", "--help")
    assert helped.returncode == 0 and b"Traceback" not in helped.stderr
