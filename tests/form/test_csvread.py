"""One reader for every CSV the office gives: whatever Excel on a Vietnamese Windows saved (or
a workbook), the same rows; where a file cannot be read, a Vietnamese message saying what was
found, never a codec's text."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import openpyxl
import pytest

from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.form.crosswalk import load_crosswalk
from pipeline.form.csvread import Given, read_table, uploaded_name
from pipeline.form.csvrows import read_csv_rows
from pipeline.form.prior import load_prior
from pipeline.form.units import load_units
from tests.conftest import message_fields
from tests.excelcsv import EXCEL_KINDS, cp1258, excel_csv, excel_text

UNITS = [
    ["code", "name", "level"],
    ["105", "Thành phố Lai Châu", "city"],
    ["03386", "Phường Quyết Thắng", "communes"],
    ["03387", "Phường Tân Phong", "communes"],
    ["03391", "Xã Sơn Bình, cũ", "communes"],  # a comma inside a name: quoted in a comma file
]


@pytest.mark.parametrize("kind", EXCEL_KINDS)
def test_every_way_excel_saves_a_unit_list_reads_the_same(tmp_path, form, kind):
    path = excel_csv(tmp_path / "don_vi.csv", UNITS, kind)
    units = load_units(path, form)
    assert [(u.code, u.name, u.level) for u in units] == [tuple(row) for row in UNITS[1:]]
    assert all(unicodedata.is_normalized("NFC", u.name) for u in units)


def test_windows_1258_writes_tone_marks_apart_and_they_are_joined_again(tmp_path):
    raw = cp1258("Phường Quyết Thắng")
    assert b"\xcc" in raw or b"\xec" in raw, "the test writes combining marks as Windows does"
    table = read_table(excel_csv(tmp_path / "a.csv", [["code", "name"], ["1", "Phường Quyết Thắng"]], "ansi"))
    assert (table.encoding, table.separator, table.rows) == ("cp1258", ";", [(2, ["1", "Phường Quyết Thắng"])])
    assert table.found() == Msg.CSV_008.render(kind="CSV Windows-1258", separator="dấu chấm phẩy")


def test_rows_keep_excel_line_numbers_and_a_quoted_line_break(tmp_path):
    rows = [["code", "name"], ["1", "Dòng\nhai dòng"], ["", ""], ["2", "Ba"]]
    table = read_table(excel_csv(tmp_path / "a.csv", rows, "utf8"))
    assert table.rows == [(2, ["1", "Dòng\nhai dòng"]), (4, ["2", "Ba"])]


def test_a_mac_csv_with_lone_carriage_returns(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"code,name\r1,A\r2,B\r")
    assert read_table(path).rows == [(2, ["1", "A"]), (3, ["2", "B"])]


def test_the_file_tonghop_writes_is_known_as_written(tmp_path):
    path = tmp_path / "totals.csv"
    path.write_text("code,level,value\nX,all,1\n", encoding="utf-8")
    assert read_table(path).as_written
    assert not read_table(excel_csv(tmp_path / "b.csv", [["code", "level", "value"], ["X", "all", "1"]], "utf8")).as_written


def test_a_legacy_vietnamese_code_page_is_named_at_its_line(tmp_path):
    # TCVN3 (ABC) bytes for "Phường": read as Windows-1258 they are not Vietnamese letters.
    path = tmp_path / "tcvn3.csv"
    path.write_bytes(b"code,name,level\r\n03386,Ph\xad\xeang Quy\xd5t Th\xbeng,communes\r\n")
    with pytest.raises(FormDefinitionError) as raised:
        read_table(path)
    fields = message_fields(Msg.CSV_002, str(raised.value))
    assert fields["where"] == "tcvn3.csv › dòng 2" and "Ph" in fields["sample"]
    assert "codec" not in str(raised.value) and "utf-8" not in str(raised.value)


@pytest.mark.parametrize(
    ("data", "msg"),
    [
        (b"\xef\xbb\xbfcode,name\r\nA,\xff\xfe\r\n", Msg.CSV_003),  # a BOM, then not UTF-8
        (b"\xff\xfec\x00o\x00\n\x00\x00\xd8", Msg.CSV_003),  # UTF-16 cut in a surrogate pair
        (b"%PDF-1.5\n\x00\x01\x02binary", Msg.CSV_001),
        (b"\x7fELF\x02\x01\x01\x03\x04\x05\x06\x07\x08\x0e\x0fcode", Msg.CSV_001),
    ],
    ids=["utf8-broken", "utf16-broken", "binary", "control"],
)
def test_unreadable_files_say_what_was_found(tmp_path, data, msg):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(FormDefinitionError) as raised:
        read_table(path)
    assert message_fields(msg, str(raised.value)), str(raised.value)
    assert str(tmp_path) not in str(raised.value)


def test_a_few_controls_pasted_into_cells_are_read(tmp_path):
    """A bell or an escape pasted into a name (or a value a consolidation wrote back) is no
    reason to refuse the whole list: the file is read, the name cleaned where it is shown."""
    path = tmp_path / "units.csv"
    path.write_bytes("code,name,level\r\n03386,Phường\x07 Quyết Thắng\x1f\x19,communes\r\n".encode())
    (row,) = read_table(path).rows
    assert row[1][1].startswith("Phường")


def test_an_unclosed_quote_names_its_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('code,name\r\nA,"open\r\n' + "x" * 140_000 + "\r\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError) as raised:
        read_table(path)
    assert message_fields(Msg.CSV_006, str(raised.value))["where"] == "q.csv › dòng 2"


def test_an_upload_is_named_as_the_office_named_it(form):
    data = b"code;name;level\r\n03386;Ph\xad\xeang;communes\r\n"
    with pytest.raises(FormDefinitionError) as raised:
        load_units(Given("Danh sách đơn vị.csv", data), form)
    assert message_fields(Msg.CSV_002, str(raised.value))["where"] == "Danh sách đơn vị.csv › dòng 2"


def test_missing_columns_say_what_the_header_was_and_how_the_file_was_read(tmp_path, form):
    path = excel_csv(tmp_path / "dv.csv", [["mã", "tên", "cấp"], ["1", "A", "city"]], "ansi")
    with pytest.raises(FormDefinitionError) as raised:
        load_units(path, form)
    fields = message_fields(Msg.FORM_002, str(raised.value))
    assert fields["header"] == "mã;tên;cấp"
    assert fields["found"] == Msg.CSV_008.render(kind="CSV Windows-1258", separator="dấu chấm phẩy")


def _workbook(path, rows, *, title=None, numeric_codes=False):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
    for row in rows:
        cells = list(row)
        if numeric_codes and cells[0].isdigit():
            cells[0] = int(cells[0])
        sheet.append(cells)
    book.save(path)
    return path


def test_a_unit_list_kept_as_a_workbook(tmp_path, form):
    path = _workbook(tmp_path / "don_vi.xlsx", UNITS, title="DANH SÁCH ĐƠN VỊ NĂM 2025")
    units = load_units(path, form)
    assert [(u.code, u.name, u.level) for u in units] == [tuple(row) for row in UNITS[1:]]


def test_a_workbook_named_csv_is_still_read_and_numeric_codes_lose_only_their_zeros(tmp_path, form):
    path = _workbook(tmp_path / "don_vi.csv", UNITS, numeric_codes=True)
    assert [u.code for u in load_units(path, form)] == ["105", "3386", "3387", "3391"]


def test_a_workbook_with_a_password_is_refused_plainly(tmp_path, form):
    path = tmp_path / "mat_khau.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    with pytest.raises(FormDefinitionError) as raised:
        load_units(path, form)
    assert message_fields(Msg.CSV_004, str(raised.value))["where"] == "mat_khau.xlsx"


@pytest.mark.parametrize("kind", EXCEL_KINDS)
def test_crosswalk_and_prior_figures_saved_by_excel(tmp_path, kind):
    crosswalk = load_crosswalk(excel_csv(tmp_path / "xw.csv", [["old_code", "new_code"], ["03386", "09001"]], kind))
    assert [(k.old, k.new, k.line) for k in crosswalk.links] == [("03386", "09001", 2)]
    rows = [["code", "level", "period", "value"], ["POOR_FUND_TOTAL", "city", "2023", "862.796.456"], ["MEETINGS", "all", "2023", "1,5"]]
    prior = load_prior(excel_csv(tmp_path / "prior.csv", rows, kind))
    assert prior.by_level == {("POOR_FUND_TOTAL", "city"): 862796456, ("MEETINGS", "all"): 1.5}


def test_the_row_reader_gives_named_rows(tmp_path):
    path = excel_csv(tmp_path / "a.csv", [[" Code ", "Label"], ["A", unicodedata.normalize("NFD", " Tổng ")]], "utf8")
    header, rows, table = read_csv_rows(path, lower=True)
    assert (header, rows, table.separator) == (["code", "label"], [(2, {"code": "A", "label": "Tổng"})], ";")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(
    ("charset", "sep"), [("76", "59"), ("40", "59"), ("65535", "9")], ids=["utf8-semicolon", "cp1258-semicolon", "utf16-tab"]
)
def test_a_unit_list_resaved_by_libreoffice(tmp_path, form, charset, sep):
    """The real thing: the list opened and saved again as CSV by LibreOffice with a separator
    and character set of the filter options (76 UTF-8, 40 Windows-1258, 65535 UTF-16)."""
    source = tmp_path / "in" / "don_vi.csv"
    source.parent.mkdir()
    source.write_bytes(excel_text(UNITS, ",").encode("utf-8"))
    profile = (tmp_path / "profile").as_uri()
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--infilter=CSV:44,34,76,1,1/2",
         "--convert-to", f'csv:Text - txt - csv (StarCalc):{sep},34,{charset},1', "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    saved = out / "don_vi.csv"
    table = read_table(saved)
    assert table.separator == {"59": ";", "9": "\t"}[sep]
    assert [(u.code, u.name, u.level) for u in load_units(saved, form)] == [tuple(row) for row in UNITS[1:]]


def test_an_uploaded_name_loses_the_folders_a_browser_sent():
    assert uploaded_name("C:\\Users\\vp\\Danh sách.csv") == uploaded_name("a/b/Danh sách.csv") == "Danh sách.csv"


def test_a_prior_figure_that_reads_two_ways_is_refused_not_guessed(tmp_path):
    rows = [["code", "level", "period", "value"], ["POOR_FUND_TOTAL", "all", "2023", "1.250"]]
    with pytest.raises(FormDefinitionError) as raised:
        load_prior(excel_csv(tmp_path / "prior.csv", rows, "utf8"))
    fields = message_fields(Msg.CSV_010, str(raised.value))
    assert (fields["where"], fields["decimal"], fields["whole"], fields["plain"]) == ("prior.csv › dòng 2", "1,25", "1.250", "1250")
    rows.append(["MEETINGS", "all", "2023", "12.500.000"])  # the file groups thousands with dots
    assert load_prior(excel_csv(tmp_path / "prior.csv", rows, "utf8")).by_level[("POOR_FUND_TOTAL", "all")] == 1250


def test_a_workbook_beyond_the_limits_of_a_return_is_refused(tmp_path, form):
    book = openpyxl.Workbook()
    for row in UNITS:
        book.active.append(row)
    book.active.cell(row=20_001, column=1, value="x")
    book.save(tmp_path / "big.xlsx")
    with pytest.raises(FormDefinitionError) as raised:
        load_units(tmp_path / "big.xlsx", form)
    fields = message_fields(Msg.CSV_011, str(raised.value))
    assert fields["where"] == "big.xlsx › Sheet" and int(fields["rows"]) > 10_000


def test_prior_figures_kept_as_a_workbook_are_numbers_not_text(tmp_path):
    rows = [["code", "level", "period", "value"], ["POOR_FUND_TOTAL", "all", "2023", 862.796], ["MEETINGS", "all", "2023", 3]]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "prior.xlsx")
    assert load_prior(tmp_path / "prior.xlsx").by_level == {("POOR_FUND_TOTAL", "all"): 862.796, ("MEETINGS", "all"): 3}


def test_a_crosswalk_kept_as_a_workbook_with_numeric_codes(tmp_path):
    path = _workbook(tmp_path / "doi_chieu.xlsx", [["old_code", "new_code"], ["03386", "09001"], ["03387", "09001"]], numeric_codes=True)
    crosswalk = load_crosswalk(path)
    assert [(k.old, k.new, k.line) for k in crosswalk.into("09001")] == [("3386", "09001", 2), ("3387", "09001", 3)]
