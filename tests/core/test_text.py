"""Text as the user sees it (pipeline/core/text.py): names that are not UTF-8 made readable,
control characters kept out of xlsx, docx and the terminal, and each output's text run
through the same cleaning, end to end through the CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import cli
from pipeline.core.errors import Msg
from pipeline.core.text import clean_text, escaped_name, for_console, shown_name, visible_text
from tests.conftest import message_fields
from tests.hostile import rewrite_zip

SAMPLE_FILE = "03386_Phuong_Quyet_Thang.xlsx"
# "Báo cáo phường.xlsx" as Windows names it in a zip (cp1258: ư 0xFD, ơ 0xF5, grave 0xCC).
CP1258_NAME = b"B\xe1o c\xe1o ph\xfd\xf5\xccng.xlsx"
CP1258_SHOWN = "Báo cáo phường.xlsx"  # once NFC-normalised
CP1258_RAW = "B\\xe1o c\\xe1o ph\\xfd\\xf5\\xccng.xlsx"


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _bad_name(folder, name: bytes):
    """Give the sample return of 03386 the raw bytes ``name`` (as ``unzip`` leaves it)."""
    os.rename(os.fsencode(folder / SAMPLE_FILE), os.fsencode(folder) + b"/" + name)
    return os.fsdecode(os.fsencode(folder) + b"/" + name)


# shown_name: a file name that is not UTF-8 ----------------------------------------------------


def test_utf8_names_are_shown_as_they_are():
    assert shown_name("Báo cáo.xlsx") == ("Báo cáo.xlsx", None)
    nfd = unicodedata.normalize("NFD", "Báo cáo.xlsx")
    assert shown_name(nfd) == (nfd, None)


def test_cp1258_name_is_decoded():
    shown, encoding = shown_name(os.fsdecode(CP1258_NAME))
    assert (unicodedata.normalize("NFC", shown), encoding) == (CP1258_SHOWN, "Windows-1258")
    assert escaped_name(os.fsdecode(CP1258_NAME)) == CP1258_RAW


def test_cp1252_name_when_cp1258_cannot():
    # 0x8A is Š in cp1252 and unassigned in cp1258
    assert shown_name(os.fsdecode(b"\x8aumava \xe9t\xe9.xlsx")) == ("Šumava été.xlsx", "Windows-1252")


def test_undecodable_bytes_are_escaped_and_utf8_parts_kept():
    name = os.fsdecode("Phường ".encode() + b"\x81\x90.xlsx")
    assert shown_name(name) == ("Phường \\x81\\x90.xlsx", "")


# clean_text: xlsx, docx and the terminal ------------------------------------------------------


def test_clean_text_keeps_ordinary_text():
    text = "Giá trị '1.250.000' của chỉ tiêu X\tđúng\nhai dòng"
    assert clean_text(text) is text or clean_text(text) == text


def test_clean_text_for_xml():
    # A line break pasted from Word (stored in xlsx as _x000B_) stays a line break.
    assert clean_text("12\x0b3") == "12\n3"
    assert clean_text("a\x00b\x01c\x1b]0;x\x07") == "a\ufffdb\ufffdc\ufffd]0;x\ufffd"
    assert clean_text("x\ufffey") == "x\ufffdy"


def test_clean_text_for_the_terminal():
    assert clean_text("tệp \x1b]0;hacked\x07 x.xlsx", terminal=True) == "tệp \ufffd]0;hacked\ufffd x.xlsx"
    assert clean_text("12\x0b3\r\n4\t5", terminal=True) == "12 3  4 5"
    assert clean_text("a\x9b31mb\u202ec", terminal=True) == "a\ufffd31mb\ufffdc"


def test_clean_text_makes_names_that_are_not_utf8_readable():
    name = os.fsdecode(CP1258_NAME)
    assert unicodedata.normalize("NFC", clean_text(name)) == CP1258_SHOWN
    assert unicodedata.normalize("NFC", clean_text(f"/tmp/{name}", terminal=True)) == f"/tmp/{CP1258_SHOWN}"


# for_console: what a console's encoding cannot show ------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "Đã kiểm tra 1 tệp: không có lỗi – Phường Quyết Thắng › Báo cáo…"),
        ("cp1258", "Đã kiểm tra 1 tệp: không có lỗi – Phường Quyết Thắng › Báo cáo…"),
        ("ascii", "Da kiem tra 1 tep: khong co loi - Phuong Quyet Thang > Bao cao..."),
    ],
)
def test_for_console(encoding, expected):
    text = for_console("Đã kiểm tra 1 tệp: không có lỗi – Phường Quyết Thắng › Báo cáo…", encoding)
    text.encode(encoding)  # never raises
    assert unicodedata.normalize("NFC", text) == expected


def test_for_console_replaces_what_has_no_near_form():
    assert for_console("tổng → 5 ≤ 6 中 \ufffd", "ascii") == "tong -> 5 <= 6 ? ?"


# End to end -------------------------------------------------------------------------------------


@pytest.fixture
def bad_names_run(returns_dir, tmp_path):
    """The sample, one return renamed with raw cp1258 bytes, consolidated and reported by the CLI."""
    real = _bad_name(returns_dir, CP1258_NAME)
    out = tmp_path / "out"
    consolidated = _run("consolidate", returns_dir, "--out", out, "--period", "2023")
    reported = _run("report", out, "--date", "15/11/2023")
    return real, out, consolidated, reported


def test_name_not_utf8_is_read_and_shown_readable(bad_names_run):
    real, out, consolidated, reported = bad_names_run
    assert consolidated.exit_code == 0, consolidated.output
    assert reported.exit_code == 0, reported.output
    assert os.path.isfile(real), "the user's file is never renamed"
    submission = next(row for row in _csv(out / "submissions.csv") if row["unit_code"] == "03386")
    assert submission["status"] == "received"
    shown = submission["file"]
    assert unicodedata.normalize("NFC", shown) == CP1258_SHOWN
    assert {row["file"] for row in _csv(out / "values.csv") if row["unit_code"] == "03386"} == {shown}
    name_findings = [row for row in _csv(out / "findings.csv") if row["rule"] == Msg.FILE_014.slug]
    assert [(row["severity"], row["file"]) for row in name_findings] == [("warning", shown)]
    expected = Msg.FILE_014.render(where=shown, shown=shown, raw=CP1258_RAW, encoding="Windows-1258")
    assert name_findings[0]["message"] == expected
    assert expected in consolidated.output
    book = openpyxl.load_workbook(out / "tong_hop.xlsx", read_only=True)
    assert any(shown in row for ws in book.worksheets for row in ws.iter_rows(values_only=True))
    appendix = "\n".join(p.text for p in Document(str(out / "phu_luc_so_lieu.docx")).paragraphs)
    assert unicodedata.normalize("NFC", shown) in appendix  # the drafter reads it composed (NFC), as typed


def test_check_a_file_whose_name_is_not_utf8(returns_dir):
    real = _bad_name(returns_dir, CP1258_NAME)
    result = _run("check", real)
    assert result.exit_code == 0, result.output
    shown = shown_name(real.rsplit("/", 1)[1])[0]
    assert result.output.splitlines()[0] == f"{shown} (03386 – Phường Quyết Thắng, năm 2023)"
    expected = Msg.FILE_014.render(where=shown, shown=shown, raw=CP1258_RAW, encoding="Windows-1258")
    assert f"  [Cảnh báo] {expected}" in result.output.splitlines()


def test_shown_name_of_another_file_is_not_taken(returns_dir, tmp_path):
    """A folder holding both 'Báo cáo phường.xlsx' and the same name in cp1258 bytes: the second
    is shown escaped, so each name in the outputs still means one file."""
    real = _bad_name(returns_dir, CP1258_NAME)
    shown = shown_name(real.rsplit("/", 1)[1])[0]
    (returns_dir / shown).write_bytes((returns_dir / "03388_Phuong_Quyet_Tien.xlsx").read_bytes())
    out = tmp_path / "out"
    assert _run("consolidate", returns_dir, "--out", out, "--period", "2023").exit_code == 0
    files = {row["file"] for row in _csv(out / "values.csv")}
    assert {shown, CP1258_RAW} <= files
    (found,) = [row for row in _csv(out / "findings.csv") if row["rule"] == Msg.FILE_014.slug]
    fields = message_fields(Msg.FILE_014, found["message"])
    assert (found["file"], fields["where"], fields["shown"], fields["raw"]) == (CP1258_RAW,) * 4
    assert fields["encoding"].startswith("Windows-1258") and f"'{shown}'" in fields["encoding"]


def test_folders_whose_names_are_not_utf8(sample_dir, tmp_path):
    """The returns and output folders of such a zip: outputs written, run.json keeps the real
    folder (JSON escapes), the terminal shows it readable."""
    returns = os.fsdecode(os.fsencode(tmp_path) + b"/B\xe1o c\xe1o")
    out = os.fsdecode(os.fsencode(tmp_path) + b"/K\xe1t qu\xe1")
    shutil.copytree(sample_dir, returns)
    consolidated = _run("consolidate", returns, "--out", out)
    assert consolidated.exit_code == 0, consolidated.output
    assert consolidated.output.splitlines()[-1] == f"Kết quả đã ghi vào thư mục {tmp_path}/Kát quá/ (mở tệp tong_hop.xlsx)."
    assert json.loads(Path(out, "run.json").read_text(encoding="utf-8"))["source"] == returns
    assert _run("report", out).exit_code == 0


def _with_text(src, dst, old: bytes, new: bytes):
    return rewrite_zip(src, dst, lambda name, data: data.replace(old, new))


def test_control_characters_never_reach_the_outputs_raw(make_return, returns_dir, tmp_path):
    """A line break pasted from Word into a number cell (``_x000B_`` in the xlsx) and a file name
    holding an escape sequence and a \\x01: consolidate and report work, and no output or
    terminal line carries a control character."""
    filled = make_return("03386", {"MEDIATORS": "12ZZ3"}, folder=tmp_path / "filled")
    (returns_dir / SAMPLE_FILE).unlink()
    name = "03386 \x1b]0;hacked\x07 bad\x01.xlsx"
    _with_text(filled, returns_dir / name, b"12ZZ3", b"12_x000B_3")
    out = tmp_path / "out"
    consolidated = _run("consolidate", returns_dir, "--out", out, "--period", "2023")
    assert consolidated.exit_code == 0, consolidated.output
    reported = _run("report", out, "--date", "15/11/2023")
    assert reported.exit_code == 0, reported.output
    controls = {chr(c) for c in [*range(0x20), 0x7F]} - {"\n"}
    assert not controls & set(consolidated.output)
    assert clean_text(name, terminal=True) in consolidated.output
    cells = [v for ws in openpyxl.load_workbook(out / "tong_hop.xlsx").worksheets for row in ws.values for v in row]
    texts = [v for v in cells if isinstance(v, str)]
    assert clean_text(name) in texts and not [t for t in texts if controls & set(t)]
    docx_text = "\n".join(p.text for p in Document(str(out / "phu_luc_so_lieu.docx")).paragraphs)
    assert clean_text(name) in docx_text and "12\n3" in docx_text
    assert not (controls - {"\t"}) & set(docx_text)


def test_csv_apostrophe_stays_in_the_csv(returns_dir, tmp_path):
    """A file named like a formula is guarded in the CSVs and shown bare in the Word text."""
    (returns_dir / "105_Thanh_pho_Lai_Chau.xlsx").rename(returns_dir / "+1+1.xlsx")  # its R04 warning is listed
    out = tmp_path / "out"
    assert _run("consolidate", returns_dir, "--out", out, "--period", "2023").exit_code == 0
    assert {row["file"] for row in _csv(out / "values.csv") if row["unit_code"] == "105"} == {"'+1+1.xlsx"}
    assert _run("report", out, "--date", "15/11/2023").exit_code == 0
    docx_text = "\n".join(p.text for p in Document(str(out / "phu_luc_so_lieu.docx")).paragraphs)
    assert "tệp +1+1.xlsx" in docx_text and "'+1+1" not in docx_text


# What a person may type, paste or be sent that turns text around or hides in it.
BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
INVISIBLES = [
    chr(c) for c in (*range(0x200B, 0x2010), 0xFEFF, 0x00AD, 0x2060, 0x061C, *range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x9B)
]


def test_visible_text_keeps_vietnamese_and_drops_what_cannot_be_seen():
    name = "Phường Quyết Thắng"
    assert visible_text(name) is name  # the common case costs nothing
    for ch in BIDI_CONTROLS + INVISIBLES:
        assert visible_text(f"Phường{ch} Quyết Thắng") == name, hex(ord(ch))
    assert unicodedata.category(BIDI_CONTROLS[0]) == "Cf" and all(unicodedata.category(c) in ("Cf", "Cc") for c in INVISIBLES)
    assert visible_text(unicodedata.normalize("NFD", name)) == name  # typed on a Mac: NFC


def test_visible_text_line_breaks_and_tabs():
    assert visible_text("Dòng 1\r\nDòng 2\u2028Dòng 3\tA") == "Dòng 1 Dòng 2 Dòng 3 A"  # a name: one line
    assert visible_text("Dòng 1\r\nDòng 2\rDòng 3\x85Dòng 4", lines=True) == "Dòng 1\nDòng 2\nDòng 3\nDòng 4"  # a note keeps its lines
    assert visible_text("B\udce1o.xlsx") == "Báo.xlsx"  # bytes that are not UTF-8 read as shown_name reads them
