"""Returns sent inside a zip (Zalo, Windows' "Send to → Compressed folder"): read as if the zip
were a subfolder, names as the zip's maker wrote them, bounded like any file, the zip untouched."""

from __future__ import annotations

import csv
import os
import shutil
import struct
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.validate.context import Context, Options
from tests.conftest import message_fields, set_saved_time

WARDS = ("03386", "03388", "03403")  # Quyết Thắng, Quyết Tiến, Sùng Phài: the sample names their files by code
ZIP_NAME = "Báo cáo 3 phường.zip"
WHEN = (2024, 1, 10, 15, 30, 0)
# Real RAR archives (made by WinRAR) from the rarfile project's tests (ISC licence), see its README.
ARCHIVES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"  # the members' time in the zip: Vietnam time, as Windows writes it


def _ward_files(returns_dir: Path) -> list[Path]:
    return [next(returns_dir.glob(f"{code}_*.xlsx")) for code in WARDS]


def _cp1258(text: str) -> bytes:
    """``text`` as a Vietnamese Windows writes it in Windows-1258: a letter it has whole, else the
    letter without its tone mark followed by the mark (``ế`` is ``ê`` and a combining acute)."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", base + "".join(marks[:-1])).encode("cp1258") + marks[-1].encode("cp1258")
    return out


def _zip_returns(returns_dir: Path, names: dict[Path, str], target: Path) -> Path:
    """Move ``names``' files into a zip at ``target``, each under its given name (Python writes
    a name that is not ASCII in UTF-8 and sets the flag)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in names.items():
            archive.writestr(zipfile.ZipInfo(name, WHEN), path.read_bytes(), zipfile.ZIP_DEFLATED)
            path.unlink()
    return target


def _rename_raw(path: Path, names: dict[str, bytes]) -> None:
    """Put raw name bytes (cp437, Windows-1258) in place of ASCII placeholders of the same length,
    in each local header and the central directory, without the UTF-8 flag: a zip as an old
    Windows tool writes it."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        start = archive.start_dir
    for info in infos:
        raw = names.get(info.filename)
        if raw is None:
            continue
        assert len(raw) == len(info.filename.encode())
        data[info.header_offset + 30 : info.header_offset + 30 + len(raw)] = raw
    pos = start
    while data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        name = bytes(data[pos + 46 : pos + 46 + name_len]).decode()
        if name in names:
            data[pos + 46 : pos + 46 + name_len] = names[name]
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _of(result, msg: Msg) -> list:
    return [p for p in result.findings.problems if p.type == msg.slug]


def test_three_returns_in_a_zip_are_read_as_if_in_a_subfolder(returns_dir, form, units, tmp_path):
    wards = _ward_files(returns_dir)
    for ward in wards:
        set_saved_time(ward, "2023-12-01T08:00:00Z")  # saved before it was zipped and sent
    shown = ["BC Quyết Thắng.xlsx", "BC Quyết Tiến.xlsx", "BC Sùng Phài.xlsx"]
    archive = _zip_returns(returns_dir, dict(zip(wards, shown, strict=True)), returns_dir / ZIP_NAME)
    before, stamp = archive.read_bytes(), archive.stat().st_mtime
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = {row["file"]: row for row in _rows(out / "files.csv")}
    for name in shown:
        assert files[f"{ZIP_NAME}/{name}"]["status"] == "used"
    assert ZIP_NAME not in files  # the zip is a folder of files, not a file that failed
    submissions = {row["unit_code"]: row for row in _rows(out / "submissions.csv")}
    assert all(row["status"] == "received" for row in submissions.values())
    assert submissions["03388"]["file"] == f"{ZIP_NAME}/BC Quyết Tiến.xlsx"
    # the member's own time in the zip is its file time: the office got it no earlier
    assert (submissions["03388"]["received_at"], submissions["03388"]["received_from"]) == ("2024-01-10T15:30:00+07:00", "file")
    reminder = out / "thong_bao" / "nhac_nop.txt"
    assert not reminder.exists() or "Quyết Tiến" not in reminder.read_text(encoding="utf-8-sig")
    # never changed, never extracted into the user's folder
    assert archive.read_bytes() == before and archive.stat().st_mtime == stamp
    assert sorted(p.name for p in returns_dir.iterdir()) == sorted([ZIP_NAME, *(p.name for p in returns_dir.glob("*.xlsx"))])
    assert len(list(returns_dir.glob("*.xlsx"))) == 5


def test_same_totals_as_the_files_loose(returns_dir, sample_dir, form, units):
    loose = consolidate_folder(sample_dir, Context.of(form, units))
    _zip_returns(returns_dir, {p: p.name for p in _ward_files(returns_dir)}, returns_dir / "bc.zip")
    zipped = consolidate_folder(returns_dir, Context.of(form, units, options=Options(jobs=2)))
    assert zipped.received == loose.received == 8
    assert zipped.totals.equals(loose.totals)


def test_names_in_cp437_windows_1258_and_utf8(returns_dir, form, units):
    wards = _ward_files(returns_dir)
    cp437, cp1258 = "Báo cáo.xlsx".encode("cp437"), _cp1258("BC Quyết Tiến.xlsx")
    placeholders = {"a" * len(cp437): cp437, "b" * len(cp1258): cp1258}
    archive = _zip_returns(returns_dir, dict(zip(wards, [*placeholders, "Sùng Phài.xlsx"], strict=True)), returns_dir / "cu.zip")
    _rename_raw(archive, placeholders)
    with zipfile.ZipFile(archive) as check:  # as a Windows tool wrote them: no UTF-8 flag on the two
        assert [bool(i.flag_bits & 0x800) for i in check.infolist()] == [False, False, True]
    result = consolidate_folder(returns_dir, Context.of(form, units))
    used = {r["unit_code"]: r["file"] for _, r in result.submissions.iterrows()}
    assert used["03386"] == "cu.zip/Báo cáo.xlsx"
    assert used["03388"] == "cu.zip/BC Quyết Tiến.xlsx"
    assert used["03403"] == "cu.zip/Sùng Phài.xlsx"
    assert result.received == 8


def test_a_zip_inside_a_zip_is_read_and_a_third_level_is_a_finding(returns_dir, form, units, tmp_path):
    first, second, third = _ward_files(returns_dir)
    inner = _zip_returns(returns_dir, {second: "BC Quyết Tiến.xlsx"}, tmp_path / "trong.zip")
    deep = _zip_returns(returns_dir, {third: "BC Sùng Phài.xlsx"}, tmp_path / "sâu.zip")
    with zipfile.ZipFile(inner, "a") as archive:
        archive.write(deep, "sâu.zip")
    with zipfile.ZipFile(returns_dir / "ngoai.zip", "w") as archive:
        archive.write(first, "BC Quyết Thắng.xlsx")
        archive.write(inner, "trong.zip")
    first.unlink()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    used = {r["unit_code"]: r["file"] for _, r in result.submissions.iterrows()}
    assert used["03386"] == "ngoai.zip/BC Quyết Thắng.xlsx"
    assert used["03388"] == "ngoai.zip/trong.zip/BC Quyết Tiến.xlsx"
    assert used["03403"] == ""  # three zips deep: not read, and said so
    (refused,) = _of(result, Msg.FILE_020)
    assert refused.file == "ngoai.zip/trong.zip/sâu.zip"
    assert f"quá {2} cấp" in message_fields(Msg.FILE_020, refused.message)["reason"]


@pytest.mark.slow
def test_a_zip_bomb_is_refused_without_inflating_it(returns_dir, form, units):
    wards = _ward_files(returns_dir)
    bomb = returns_dir / "Báo cáo.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(wards[0], "BC Quyết Thắng.xlsx")
        with archive.open("BC Quyết Tiến.xlsx", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(settings.LIMIT_UNCOMPRESSED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        result = consolidate_folder(returns_dir, Context.of(form, units))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024  # nothing inflated: the limit alone is 100 MB
    (refused,) = _of(result, Msg.FILE_020)
    assert refused.file == "Báo cáo.zip" and "MB" in refused.message
    assert result.received == 8  # the ward's own file is still read (the bomb's copy is refused)


def test_a_member_packed_like_no_return_is_refused(returns_dir, form, units):
    with zipfile.ZipFile(returns_dir / "nen.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BC.xlsx", bytes(5 * 1024 * 1024))  # 5 MB of zeros: about 5 kB packed
    result = consolidate_folder(returns_dir, Context.of(form, units))
    (refused,) = _of(result, Msg.FILE_020)
    assert refused.file == "nen.zip" and f"{settings.LIMIT_ZIP_RATIO} lần" in refused.message


def test_a_member_that_is_not_a_workbook_is_a_finding_of_its_own(returns_dir, form, units):
    (ward, *_) = _ward_files(returns_dir)
    with zipfile.ZipFile(returns_dir / "gui.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(ward, "BC Quyết Thắng.xlsx")
        archive.writestr("Ghi chú.txt", "Kính gửi Ủy ban MTTQ thành phố")
        archive.writestr("__MACOSX/._BC Quyết Thắng.xlsx", b"\x00\x05\x16\x07")
        archive.writestr("~$BC Quyết Thắng.xlsx", b"lock")
    ward.unlink()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.received == 8
    (note,) = _of(result, Msg.FILE_001)
    assert note.file == "gui.zip/Ghi chú.txt"
    assert {row["file"] for _, row in result.files.iterrows()} >= {"gui.zip/BC Quyết Thắng.xlsx", "gui.zip/Ghi chú.txt"}
    assert not any("MACOSX" in row["file"] or "~$" in row["file"] for _, row in result.files.iterrows())


def test_a_damaged_or_password_zip_is_one_finding_naming_it(returns_dir, form, units):
    (returns_dir / "hong.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    result = consolidate_folder(returns_dir, Context.of(form, units))
    (refused,) = _of(result, Msg.FILE_020)
    assert refused.file == "hong.zip" and refused.severity == "warning"
    assert result.received == 8


def test_rar_and_7z_say_to_extract_naming_what_a_rar_holds(returns_dir, form, units):
    for name in ("rar5-subdirs.rar", "rar3-subdirs.rar", "rar5-hpsw.rar"):  # RAR 5, RAR 3, RAR 5 with its names encrypted
        shutil.copy(ARCHIVES / name, returns_dir / name)
    (returns_dir / "bc.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64))
    result = consolidate_folder(returns_dir, Context.of(form, units))
    found = {p.file: message_fields(Msg.FILE_021, p.message)["reason"] for p in _of(result, Msg.FILE_021)}
    inside = "tệp nén RAR chứa 4 tệp: sub/dir2/file2.txt, sub/with space/long fn.txt, sub/üȵĩöḋè/file.txt, sub/dir1/file1.txt"
    assert found == {"rar5-subdirs.rar": inside, "rar3-subdirs.rar": inside, "rar5-hpsw.rar": "tệp nén RAR", "bc.7z": "tệp nén 7z"}
    assert result.received == 8


def test_a_zip_under_another_name_names_what_is_inside(returns_dir, form, units):
    wards = _ward_files(returns_dir)
    _zip_returns(returns_dir, {wards[0]: "BC Quyết Thắng.xlsx", wards[1]: "BC Quyết Tiến.xlsx"}, returns_dir / "gui_qua_zalo.xlsx")
    result = consolidate_folder(returns_dir, Context.of(form, units))
    (found,) = _of(result, Msg.FILE_021)
    assert found.file == "gui_qua_zalo.xlsx"
    assert message_fields(Msg.FILE_021, found.message)["reason"] == "tệp nén zip chứa 2 tệp: BC Quyết Thắng.xlsx, BC Quyết Tiến.xlsx"


def test_check_reads_each_return_in_a_zip(returns_dir, tmp_path):
    wards = _ward_files(returns_dir)
    archive = _zip_returns(returns_dir, {wards[0]: "BC Quyết Thắng.xlsx", wards[1]: "BC Quyết Tiến.xlsx"}, tmp_path / ZIP_NAME)
    result = CliRunner().invoke(cli, ["check", str(archive)])
    assert f"{ZIP_NAME}/BC Quyết Thắng.xlsx" in result.output and f"{ZIP_NAME}/BC Quyết Tiến.xlsx" in result.output
    assert "không phải là báo cáo" not in result.output
    shutil.rmtree(returns_dir)


def test_a_workbook_named_zip_is_read_as_the_workbook_it_is(returns_dir, form, units):
    (ward, *_) = _ward_files(returns_dir)
    ward.rename(returns_dir / "BC Quyết Thắng.zip")  # renamed by a phone's file manager
    result = consolidate_folder(returns_dir, Context.of(form, units))
    used = {r["unit_code"]: r["file"] for _, r in result.submissions.iterrows()}
    assert used["03386"] == "BC Quyết Thắng.zip" and result.received == 8


def test_a_damaged_zip_inside_a_zip_is_a_finding_and_the_rest_is_read(returns_dir, form, units):
    (ward, *_) = _ward_files(returns_dir)
    with zipfile.ZipFile(returns_dir / "gui.zip", "w") as archive:
        archive.write(ward, "BC Quyết Thắng.xlsx")
        archive.writestr("hong.zip", b"PK\x03\x04" + bytes(40))
    ward.unlink()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.received == 8
    (broken,) = [p for p in result.findings.problems if p.file == "gui.zip/hong.zip"]
    assert broken.type == Msg.FILE_001.slug


def test_a_return_both_loose_and_in_a_zip_is_counted_once(returns_dir, form, units, tmp_path):
    (ward, *_) = _ward_files(returns_dir)
    set_saved_time(ward, "2023-12-01T08:00:00Z")
    with zipfile.ZipFile(returns_dir / "gui lai.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("BC Quyết Thắng.xlsx", WHEN), ward.read_bytes())  # the same file, zipped later
    os.utime(ward, (1_700_000_000, 1_700_000_000))  # the loose copy's time: 2023-11-14, before the zip's
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.received == 8
    rows = result.files.set_index("file")
    assert rows.loc["gui lai.zip/BC Quyết Thắng.xlsx", "status"] == "used"
    assert rows.loc[ward.name, "status"] == "superseded"
    (older,) = [p for p in _of(result, Msg.FILE_004) if p.unit_code == "03386"]
    assert older.file == ward.name and message_fields(Msg.FILE_004, older.message)["newer"] == "gui lai.zip/BC Quyết Thắng.xlsx"
