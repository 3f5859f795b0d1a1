"""Knowing a file by its first bytes and refusing it before any parser is at risk
(pipeline/ingest/sniff.py). Every file is built in the test; the whole-pipeline findings for
hostile files are in test_hostile.py."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from pipeline.core import settings
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.sniff import OLE_MAGIC, sniff

SHEET = b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
ODS_HEAD = (
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table>'
)
ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"
ODS_VALUE_ROW = b'<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'


def _zip(entries: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx(changes: dict[str, bytes | str] | None = None) -> dict[str, bytes | str]:
    """The parts of a minimal xlsx, with ``changes`` (part name: content) added or replaced."""
    parts = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": "<workbook/>",
        "xl/worksheets/sheet1.xml": SHEET,
        "xl/theme/theme1.xml": "<theme/>",
        "docProps/core.xml": "<coreProperties/>",
    }
    return {**parts, **(changes or {})}


def _sniff(tmp_path, content: bytes, name: str = "bao_cao.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return sniff(path)


def _refused(tmp_path, content: bytes) -> WorkbookReadError:
    with pytest.raises(WorkbookReadError) as info:
        _sniff(tmp_path, content)
    return info.value


# What the file is -----------------------------------------------------------------------


def test_empty_file(tmp_path):
    assert _refused(tmp_path, b"").msg is Msg.FILE_001


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"GIF89a\x01\x00", "GIF"),
    ],
)
def test_documents_and_pictures_are_not_workbooks(tmp_path, content, named):
    err = _refused(tmp_path, content)
    assert err.msg is Msg.FILE_001 and named in str(err)


@pytest.mark.parametrize(
    ("content", "named"),
    [(b"Rar!\x1a\x07\x00", "RAR"), (b"Rar!\x1a\x07\x01\x00", "RAR"), (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z")],
)
def test_archives_we_do_not_open_say_to_extract(tmp_path, content, named):
    err = _refused(tmp_path, content + bytes(32))
    assert err.msg is Msg.FILE_021 and err.reason == f"tệp nén {named}"


@pytest.mark.parametrize(
    ("entries", "entry", "named"),
    [
        ({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"}, Msg.FILE_001, "Word"),
        ({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<presentation/>"}, Msg.FILE_001, "PowerPoint"),
        ({"anh.jpg": b"\xff\xd8\xff", "ghi_chu.txt": "x"}, Msg.FILE_021, "tệp nén zip chứa 2 tệp: anh.jpg, ghi_chu.txt"),
        ({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": b"\x00\x01"}, Msg.FILE_010, ".xlsb"),
    ],
    ids=["docx", "pptx", "other-zip", "xlsb"],
)
def test_zips_that_are_not_readable_workbooks(tmp_path, entries, entry, named):
    err = _refused(tmp_path, _zip(entries))
    assert err.msg is entry and named in err.reason


@pytest.mark.parametrize(
    "content",
    [b"code,value\nDOCS_ISSUED,215\n", "Mã\tSố liệu\nMEDIATORS\t65\n".encode(), b"\x00\x01\x02\x03 binary"],
    ids=["csv", "tab-separated", "binary"],
)
def test_text_and_unknown_bytes_are_not_workbooks(tmp_path, content):
    assert _refused(tmp_path, content).msg is Msg.FILE_001


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><table><tr><td>M\xc3\xa3</td></tr></table></body></html>",
        b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body></body></html>",
        b"\n  <table border=1><tr><td>1</td></tr></table>",
        b"\xef\xbb\xbf<html><table></table></html>",
        b"\xff\xfe" + "<html><table><tr><td>Mã</td></tr></table></html>".encode("utf-16-le"),
    ],
    ids=["html", "doctype", "bare-table", "utf8-bom", "utf16-bom"],
)
def test_html_saved_as_xls_is_recognised(tmp_path, content):
    found = _sniff(tmp_path, content, "bang.xls")
    assert (found.format, found.data) == ("html", content)


def test_xml_spreadsheet_2003_is_recognised(tmp_path):
    content = (
        b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>'
    )
    assert _sniff(tmp_path, content, "xuat.xls").format == "xml2003"
    other_xml = b'<?xml version="1.0"?><danh_sach><don_vi/></danh_sach>'
    assert _refused(tmp_path, other_xml).msg is Msg.FILE_001


def test_ole_files(tmp_path):
    found = _sniff(tmp_path, OLE_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le"), "cu.xls")
    assert found.format == "xls"
    encrypted = OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")  # an xlsx with a password
    assert _refused(tmp_path, encrypted).msg is Msg.FILE_007
    word = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    err = _refused(tmp_path, word)
    assert err.msg is Msg.FILE_001 and "Word" in str(err)


def test_xlsx_parts_are_kept_for_the_metadata_and_formula_readers(tmp_path):
    found = _sniff(tmp_path, _zip(_xlsx({"docProps/custom.xml": "<Properties/>"})))
    assert found.format == "xlsx"
    assert sorted(found.parts) == ["docProps/core.xml", "docProps/custom.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]
    assert found.parts["xl/worksheets/sheet1.xml"] == SHEET


def test_ods_is_recognised(tmp_path):
    content = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ODS_HEAD + ODS_VALUE_ROW + ODS_TAIL})
    assert _sniff(tmp_path, content, "bao_cao.ods").format == "ods"


# Refused before any parser sees it --------------------------------------------------------


def test_zip_with_too_many_entries(tmp_path):
    padding = {f"xl/extra/part{i}.xml": "<x/>" for i in range(settings.LIMIT_ZIP_ENTRIES - len(_xlsx()))}
    assert _sniff(tmp_path, _zip({**_xlsx(), **padding})).format == "xlsx"  # exactly at the limit
    padding["xl/extra/one_more.xml"] = "<x/>"
    assert _refused(tmp_path, _zip({**_xlsx(), **padding})).msg is Msg.FILE_008


def test_part_whose_checksum_is_wrong_is_corrupt(tmp_path):
    blob = bytearray(_zip(_xlsx(), zipfile.ZIP_STORED))
    at = blob.index(b"<v>1</v>") + 3
    blob[at : at + 1] = b"7"  # the sheet's bytes changed after the checksum was written
    assert _refused(tmp_path, bytes(blob)).msg is Msg.FILE_001


def test_part_in_a_compression_method_we_do_not_read_is_corrupt(tmp_path):
    assert _refused(tmp_path, _zip(_xlsx(), zipfile.ZIP_BZIP2)).msg is Msg.FILE_001


def test_part_with_a_password_is_encrypted(tmp_path):
    blob = bytearray(_zip(_xlsx()))
    entry = blob.index(b"PK\x01\x02")  # the first entry of the central directory
    blob[entry + 8 : entry + 10] = struct.pack("<H", 0x1)  # its "encrypted" flag
    assert _refused(tmp_path, bytes(blob)).msg is Msg.FILE_007


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet>&a;</worksheet>'),
        ("xl/sharedStrings.xml", b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a SYSTEM "file:///etc/passwd">]><sst/>'),
        ("xl/_rels/workbook.xml.rels", b"<!DOCTYPE Relationships><Relationships/>"),
    ],
    ids=["sheet-entity", "external-entity", "rels-doctype"],
)
def test_xml_part_declaring_entities_is_hostile(tmp_path, part, content):
    err = _refused(tmp_path, _zip(_xlsx({part: content})))
    assert err.msg is Msg.FILE_011 and part in str(err)


def _sheet_with(ref: str) -> bytes:
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return SHEET.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>2</v></c></row></sheetData>'.encode())


@pytest.mark.parametrize("ref", ["A10000", "GR1", "GR10000"])  # row 10000 and column 200 are the last allowed
def test_sheet_within_the_limits_is_accepted(tmp_path, ref):
    assert _sniff(tmp_path, _zip(_xlsx({"xl/worksheets/sheet1.xml": _sheet_with(ref)}))).format == "xlsx"


@pytest.mark.parametrize("ref", ["A10001", "GS1", "XFD1048576"])
def test_sheet_with_a_cell_beyond_the_limits_is_refused(tmp_path, ref):
    err = _refused(tmp_path, _zip(_xlsx({"xl/worksheets/sheet1.xml": _sheet_with(ref)})))
    assert err.msg is Msg.FILE_008 and "giới hạn" in str(err)


def test_ods_values_far_away_are_refused_but_trailing_empty_repeats_are_not(tmp_path):
    empty_tail = (
        b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    as_saved = _zip({"content.xml": ODS_HEAD + ODS_VALUE_ROW + empty_tail + ODS_TAIL})
    assert _sniff(tmp_path, as_saved, "bao_cao.ods").format == "ods"
    skipped = b'<table:table-row table:number-rows-repeated="20000"><table:table-cell/></table:table-row>'
    far = _zip({"content.xml": ODS_HEAD + ODS_VALUE_ROW + skipped + ODS_VALUE_ROW + ODS_TAIL})
    assert _refused(tmp_path, far).msg is Msg.FILE_008


def test_inflated_size_is_limited_by_settings(tmp_path, monkeypatch):
    pictures = _zip(_xlsx({"xl/media/image1.png": b"\x00" * 5000, "xl/media/image2.png": b"\x00" * 5000}))
    big_strings = _zip(_xlsx({"xl/sharedStrings.xml": b"<sst>" + b" " * 9000 + b"</sst>"}))  # the last part read
    assert _sniff(tmp_path, pictures).format == _sniff(tmp_path, big_strings).format == "xlsx"
    monkeypatch.setattr(settings, "LIMIT_UNCOMPRESSED_BYTES", 8000)
    assert _refused(tmp_path, pictures).msg is Msg.FILE_008  # each picture fits, not both: never inflated, their sizes still count
    assert _refused(tmp_path, big_strings).msg is Msg.FILE_008


def test_file_size_is_limited_by_settings(tmp_path, monkeypatch):
    content = _zip(_xlsx())
    monkeypatch.setattr(settings, "LIMIT_FILE_BYTES", len(content))
    assert _sniff(tmp_path, content).format == "xlsx"
    monkeypatch.setattr(settings, "LIMIT_FILE_BYTES", len(content) - 1)
    assert _refused(tmp_path, content).msg is Msg.FILE_008
