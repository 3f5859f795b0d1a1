"""Real-world and hostile files: nothing crashes, nothing good is lost, each bad file gets
one clear finding."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from pipeline.consolidate.collect import process_file
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.ingest.readers import read_calamine
from pipeline.validate.context import Context
from tests import hostile
from tests.conftest import message_fields

GOOD = "03386_Phuong_Quyet_Thang.xlsx"
SOFFICE = shutil.which("soffice")


def _only(result, file):
    found = [p for p in result.findings.problems if p.file == file]
    assert len(found) == 1, [p.message for p in found]
    return found[0]


def _check(path, form, units):
    return process_file(Path(path), Context(form, {u.code: u for u in units}))


def _unreadable(path, form, units):
    """The one finding on a file that could not be read at all."""
    outcome = _check(path, form, units)
    assert not outcome.readable and not outcome.accepted
    (found,) = outcome.problems
    return found


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("rong.xlsx", b"", "not-a-workbook"),
        ("cong_van.xlsx", b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n", "not-a-workbook"),
        ("anh_chup.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "not-a-workbook"),
        ("so_lieu.xlsx", b"code,value\nDOCS_ISSUED,215\n", "not-a-workbook"),
        ("cat_do.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not-a-workbook"),
    ],
)
def test_not_a_spreadsheet_gets_one_warning(returns_dir, form, units, name, content, kind):
    (returns_dir / name).write_bytes(content)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    found = _only(result, name)
    assert (found.type, found.severity) == (kind, "warning")
    assert message_fields(Msg.FILE_001, found.message)["where"] == name
    assert result.received == 8 and result.total("POOR_FUND_TOTAL") == 862796456


def test_word_file_renamed(returns_dir, form, units, tmp_path):
    docx = tmp_path / "d.docx"
    import docx as python_docx

    python_docx.Document().save(docx)
    shutil.copy(docx, returns_dir / "bao_cao.xlsx")
    found = _only(consolidate_folder(returns_dir, Context.of(form, units)), "bao_cao.xlsx")
    assert found.type == "not-a-workbook" and "Word" in message_fields(Msg.FILE_001, found.message)["reason"]


def test_encrypted_workbook(sample_dir, form, units, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    target = tmp_path / "co_mat_khau.xlsx"
    with (sample_dir / GOOD).open("rb") as src, target.open("wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    found = _unreadable(target, form, units)
    assert (found.type, found.severity) == ("encrypted", "warning")
    assert found.message == Msg.FILE_007.render(where=target.name)


def test_xlsm_values_read_macros_ignored(sample_dir, form, units, tmp_path):
    path = hostile.as_xlsm(sample_dir / GOOD, tmp_path / "bao_cao.xlsm")
    checked = _check(path, form, units)
    assert checked.accepted and checked.unit.code == "03386" and len(checked.values) == 47


def test_xml_spreadsheet_2003_keeps_metadata(sample_dir, form, units, tmp_path):
    book = read_calamine(sample_dir / GOOD)
    path = hostile.xml2003(book, tmp_path / "xuat_tu_phan_mem.xls")
    checked = _check(path, form, units)
    assert checked.accepted and checked.unit.code == "03386" and len(checked.values) == 47
    assert {v.code: v.value for v in checked.values}["MEDIATORS"] == 65


def test_html_table_recognised_by_codes_and_unit_name(sample_dir, form, units, tmp_path):
    book = read_calamine(sample_dir / GOOD)
    path = hostile.html_table(book, tmp_path / "bang.xls")
    checked = _check(path, form, units)
    assert checked.accepted and checked.unit.code == "03386"
    assert [p.type for p in checked.problems if p.severity == "warning"] == ["recognised-without-metadata"]


def test_html_without_our_table_is_rejected(form, units, tmp_path):
    path = tmp_path / "khac.xls"
    path.write_text("<html><body><table><tr><td>Họ tên</td><td>Lương</td></tr></table></body></html>", encoding="utf-8")
    found = _check(path, form, units)
    assert found.accepted is False and found.problems[0].type == "no-metadata"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_xls_and_ods_saved_by_libreoffice(sample_dir, form, units, tmp_path, fmt):
    profile = f"-env:UserInstallation=file://{tmp_path}/lo"
    subprocess.run([SOFFICE, "--headless", profile, "--convert-to", fmt, "--outdir", str(tmp_path), str(sample_dir / GOOD)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    path = tmp_path / GOOD.replace(".xlsx", f".{fmt}")
    checked = _check(path, form, units)
    assert checked.accepted and checked.unit.code == "03386", [p.message for p in checked.problems]
    values = {v.code: v.value for v in checked.values}
    assert len(values) == 47 and values["MEDIATORS"] == 65


def test_zip_bomb_is_rejected_whole_even_with_valid_metadata(sample_dir, form, units, tmp_path):
    bomb = hostile.zip_bomb(tmp_path / "bom.xlsx")
    assert bomb.stat().st_size < 1_000_000
    found = _unreadable(bomb, form, units)
    assert (found.type, found.severity) == ("over-limit", "warning") and "giới hạn" in message_fields(Msg.FILE_008, found.message)["reason"]


def test_far_cell_is_rejected_before_the_reader_allocates(sample_dir, form, units, tmp_path):
    path = hostile.with_far_cell(sample_dir / GOOD, tmp_path / "trieu_dong.xlsx")
    found = _unreadable(path, form, units)
    assert found.type == "over-limit" and "1048576" in message_fields(Msg.FILE_008, found.message)["reason"]


def test_entity_expansion_is_refused(sample_dir, form, units, tmp_path):
    path = hostile.with_entities(sample_dir / GOOD, tmp_path / "laughs.xlsx")
    found = _unreadable(path, form, units)
    assert found.type == "hostile-file"


def test_wps_small_saved_dimension_still_read_in_full(sample_dir, form, units, tmp_path):
    path = hostile.with_small_dimension(sample_dir / GOOD, tmp_path / "wps.xlsx")
    checked = _check(path, form, units)
    assert checked.accepted and len(checked.values) == 47


@pytest.mark.slow
def test_hostile_folder_bounded_memory_and_good_totals_unchanged(returns_dir, sample_dir, tmp_path):
    hostile.zip_bomb(returns_dir / "bom.xlsx")
    hostile.with_far_cell(sample_dir / GOOD, returns_dir / "xa_vo_tan.xlsx")
    hostile.with_entities(sample_dir / GOOD, returns_dir / "laughs.xlsx")
    out = tmp_path / "out"
    code = (
        "import resource, sys\n"
        "from pipeline.cli import cli\n"
        "try:\n    cli([ 'consolidate', sys.argv[1], '--out', sys.argv[2], '--jobs', '2'])\n"
        "except SystemExit as e:\n    rc = e.code\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print('PEAK', peak)\nsys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(returns_dir), str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    peak_kib = int(done.stdout.split("PEAK")[-1])
    assert peak_kib < 1024 * 1024
    totals = (out / "totals.csv").read_text(encoding="utf-8")
    assert "POOR_FUND_TOTAL,all,862796456" in totals
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    for name in ("bom.xlsx", "xa_vo_tan.xlsx", "laughs.xlsx"):
        assert f",{name}," in findings


def test_metadata_removed_recognised_by_codes_and_name(sample_dir, form, units, tmp_path):
    book = openpyxl.load_workbook(sample_dir / GOOD)
    del book["_tonghop"]
    for key in list(book.custom_doc_props.names):
        del book.custom_doc_props[key]
    book.save(tmp_path / "mat_thong_tin.xlsx")
    checked = _check(tmp_path / "mat_thong_tin.xlsx", form, units)
    assert checked.accepted and checked.unit.code == "03386"
    warning = [p for p in checked.problems if p.type == "recognised-without-metadata"]
    assert len(warning) == 1 and warning[0].severity == "warning"
    assert message_fields(Msg.META_009, warning[0].message)["unit_name"] == "Phường Quyết Thắng"


def _edit(src, dst, edit):
    book = openpyxl.load_workbook(src)
    sheet = book.worksheets[0]
    rows = {row[3].value: row for row in sheet.iter_rows() if row[3].value}
    edit(sheet, rows)
    book.save(dst)
    return dst


def test_codes_edited_or_deleted(sample_dir, form, units, tmp_path):
    def edit(sheet, rows):
        rows["MEDIATORS"][3].value = "HOA_GIAI_VIEN"
        rows["CONFERENCES"][3].value = None
        rows["DOCS_ISSUED"][3].value = " docs_issued "

    checked = _check(_edit(sample_dir / GOOD, tmp_path / "ma.xlsx", edit), form, units)
    types = sorted((p.type, p.code) for p in checked.problems if p.severity != "info")
    assert types == [("missing-row", "CONFERENCES"), ("missing-row", "MEDIATORS"), ("uncoded-value", ""), ("unknown-code", "HOA_GIAI_VIEN")]
    uncoded = next(p for p in checked.problems if p.type == "uncoded-value")
    assert uncoded.cell.startswith("E") and message_fields(Msg.VALUE_015, uncoded.message)["where"].endswith(f"!{uncoded.cell}")
    assert {v.code for v in checked.values} >= {"DOCS_ISSUED"}


def test_figures_on_inserted_rows_are_not_lost_silently(sample_dir, form, units, tmp_path):
    def edit(sheet, rows):
        row = rows["MEDIATORS"][4].row
        sheet.insert_rows(row + 1)
        sheet.cell(row + 1, 2).value = "Trong đó: hòa giải viên nữ"
        sheet.cell(row + 1, 5).value = 30

    checked = _check(_edit(sample_dir / GOOD, tmp_path / "chen.xlsx", edit), form, units)
    found = [p for p in checked.problems if p.type == "uncoded-value"]
    assert [(p.severity, p.cell) for p in found] == [("warning", f"E{found[0].row}")]
    assert message_fields(Msg.VALUE_015, found[0].message)["value"] == "30"
    assert {v.code: v.value for v in checked.values}["MEDIATORS"] == 65


def test_value_typed_in_wrong_column(sample_dir, form, units, tmp_path):
    def edit(sheet, rows):
        row = rows["MEDIATORS"]
        row[4].value = None
        row[5].value = 65

    checked = _check(_edit(sample_dir / GOOD, tmp_path / "cot.xlsx", edit), form, units)
    found = [p for p in checked.problems if p.code == "MEDIATORS"]
    assert [(p.type, p.severity) for p in found] == [("wrong-column", "error")]
    assert message_fields(Msg.VALUE_013, found[0].message)["stray_cell"].startswith("F") and found[0].cell.startswith("E")


def test_merged_cells_and_hidden_rows_keep_values(sample_dir, form, units, tmp_path):
    def edit(sheet, rows):
        row = rows["MEDIATORS"][4].row
        sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=6)
        sheet.row_dimensions[rows["MEDIATION_TEAMS"][4].row].hidden = True

    checked = _check(_edit(sample_dir / GOOD, tmp_path / "gop.xlsx", edit), form, units)
    values = {v.code: v.value for v in checked.values}
    assert values["MEDIATORS"] == 65 and values["MEDIATION_TEAMS"] == 12


def test_another_form_is_rejected(sample_dir, form, units, tmp_path):
    def edit(book):
        book["_tonghop"]["B2"].value = "bieu-mau-khac"

    book = openpyxl.load_workbook(sample_dir / GOOD)
    edit(book)
    book.save(tmp_path / "khac.xlsx")
    checked = _check(tmp_path / "khac.xlsx", form, units)
    assert not checked.accepted and checked.problems[0].type == "wrong-form"
    assert message_fields(Msg.META_002, checked.problems[0].message)["expected_title"] == form.title_for("2023")


def test_file_names_nfd_long_spaces(returns_dir, form, units):
    nfd = unicodedata.normalize("NFD", "Báo cáo phường Quyết Thắng.xlsx")
    os.rename(returns_dir / GOOD, returns_dir / nfd)
    long_name = "bao cao " + "rat dai " * 25 + ".xlsx"
    os.rename(returns_dir / "03403_Xa_Sung_Phai.xlsx", returns_dir / long_name)
    result = consolidate_folder(returns_dir, Context.of(form, units))
    assert result.received == 8
    files = set(result.submissions["file"])
    assert nfd in files and long_name in files


def test_symlinks_are_not_followed(returns_dir, form, units, tmp_path):
    outside = tmp_path / "ngoai.xlsx"
    shutil.copy(returns_dir / GOOD, outside)
    os.symlink(outside, returns_dir / "lien_ket_ngoai.xlsx")
    os.symlink(returns_dir / GOOD, returns_dir / "lien_ket_trong.xlsx")
    result = consolidate_folder(returns_dir, Context.of(form, units))
    for name in ("lien_ket_ngoai.xlsx", "lien_ket_trong.xlsx"):
        found = _only(result, name)
        assert (found.type, found.severity) == ("symlink", "warning")
    assert result.received == 8 and not (result.submissions["superseded"] != "").any()


def test_limits_are_settings(monkeypatch, sample_dir, form, units):
    monkeypatch.setattr(settings, "LIMIT_FILE_BYTES", 1000)
    found = _unreadable(sample_dir / GOOD, form, units)
    assert found.type == "over-limit" and "MB" in message_fields(Msg.FILE_008, found.message)["reason"]


def test_legacy_tcvn3_and_vni_text_converted_with_info(make_return, form, units, tmp_path):
    path = make_return("03386", {"UNITY_HOUSES_VALUE": "60 triÖu", "TET_GIFTS_VALUE": "75 trieäu ñoàng"}, folder=tmp_path / "cu")
    checked = _check(path, form, units)
    values = {v.code: v.value for v in checked.values}
    assert values["UNITY_HOUSES_VALUE"] == 60_000_000 and values["TET_GIFTS_VALUE"] == 75_000_000
    legacy = sorted((p.code, p.severity) for p in checked.problems if p.type == "legacy-encoding")
    assert legacy == [("TET_GIFTS_VALUE", "info"), ("UNITY_HOUSES_VALUE", "info")]
    message = next(p.message for p in checked.problems if p.type == "legacy-encoding" and p.code == "UNITY_HOUSES_VALUE")
    fields = message_fields(Msg.VALUE_014, message)
    assert fields["encoding"] == "TCVN3" and "60 triệu" in fields["converted"]


def test_cells_without_address_count_towards_the_limits():
    from pipeline.core.errors import WorkbookReadError
    from pipeline.ingest.sniff import _check_sheet_extent

    wide = b"<sheetData><row>" + b"<c><v>1</v></c>" * (settings.LIMIT_COLUMNS + 1) + b"</row></sheetData>"
    with pytest.raises(WorkbookReadError) as info:
        _check_sheet_extent("s", wide)
    assert info.value.msg is Msg.FILE_008
    _check_sheet_extent("s", b'<cols><col min="1"/></cols><sheetData><row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row></sheetData>')


@pytest.mark.slow
def test_one_folder_with_every_bad_case_beside_the_good_returns(returns_dir, sample_dir, tmp_path):
    """The issue's 'done when': one run, good totals unchanged, a finding for every bad file."""
    from msoffcrypto.format.ooxml import OOXMLFile

    bad = {
        "rong.xlsx": b"",
        "cong_van.xlsx": b"%PDF-1.5\n",
        "anh.xlsx": b"\xff\xd8\xff\xe0\x00\x10JFIF",
        "so_lieu.xlsx": b"code,value\nA,1\n",
        "cat_do.xlsx": (sample_dir / GOOD).read_bytes()[:3000],
        "~$03386_Phuong_Quyet_Thang.xlsx": b"\x00" * 165,
    }
    for name, content in bad.items():
        (returns_dir / name).write_bytes(content)
    with (sample_dir / GOOD).open("rb") as src, (returns_dir / "mat_khau.xlsx").open("wb") as out:
        OOXMLFile(src).encrypt("1", out)
    hostile.zip_bomb(returns_dir / "bom.xlsx")
    hostile.with_entities(sample_dir / GOOD, returns_dir / "laughs.xlsx")
    hostile.with_far_cell(sample_dir / GOOD, returns_dir / "xa.xlsx")
    (returns_dir / "bang.xls").write_text("<html><table><tr><td>Họ tên</td></tr></table></html>", encoding="utf-8")
    os.symlink(returns_dir / GOOD, returns_dir / "lien_ket.xlsx")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "consolidate", str(returns_dir), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr
    assert "POOR_FUND_TOTAL,all,862796456" in (out / "totals.csv").read_text(encoding="utf-8")
    import csv

    with (out / "findings.csv").open(encoding="utf-8") as handle:
        files = {row["file"] for row in csv.DictReader(handle)}
    expected = {*bad, "mat_khau.xlsx", "bom.xlsx", "laughs.xlsx", "xa.xlsx", "bang.xls", "lien_ket.xlsx"}
    assert expected <= files, expected - files


def test_legacy_text_recognised_by_the_cells_font(sample_dir, form, units, tmp_path):
    from openpyxl.styles import Font

    def edit(sheet, rows):
        cell = rows["MEDIATORS"][4]
        cell.value = "mét"  # "một" typed in .VnTime: nothing but the font tells it apart from French
        cell.font = Font(name=".VnTime")

    checked = _check(_edit(sample_dir / GOOD, tmp_path / "font.xlsx", edit), form, units)
    found = {p.type: p for p in checked.problems if p.code == "MEDIATORS"}
    assert set(found) == {"legacy-encoding", "not-a-number"}
    fields = message_fields(Msg.VALUE_014, found["legacy-encoding"].message)
    assert (fields["converted"], fields["encoding"]) == ("một", "TCVN3")
