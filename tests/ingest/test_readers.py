"""Both readers give the same neutral sheets; non-workbooks are recognised by their bytes."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_calamine, read_openpyxl

READERS = [read_calamine, read_openpyxl]


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_readers_find_the_same_values_and_metadata(reader, sample_dir, form):
    path = sample_dir / "03388_Phuong_Quyet_Tien.xlsx"
    raw = extract_return(reader(path), form, path.name)
    assert raw.meta["unit_code"] == "03388" and raw.meta["period"] == "2023"
    values = {v.code: (v.raw, v.cell) for v in raw.values}
    assert len(values) == 47
    assert values["POOR_FUND_TOTAL"][0] == "10.841.560"
    assert float(values["MEDIATORS"][0]) == 55
    assert raw.modified is not None


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_blank_rows_kept_so_rows_match_excel(reader, sample_dir, form):
    path = sample_dir / "03386_Phuong_Quyet_Thang.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    expected = {row[0].value: row[0].coordinate for row in sheet.iter_rows() if row[0].value}
    raw = extract_return(reader(path), form, path.name)
    code_col = {v.cell for v in raw.values}
    assert all(cell.startswith("E") for cell in code_col)
    sheet_rows = {v.code: v.row for v in raw.values}
    header = next(r for r in sheet.iter_rows() if any(c.value == "Mã" for c in r))
    code_idx = next(c.column for c in header if c.value == "Mã")
    for code, row in sheet_rows.items():
        assert sheet.cell(row=row, column=code_idx).value == code
    assert expected


def test_metadata_from_properties_when_hidden_sheet_deleted(sample_dir, form, tmp_path):
    path = tmp_path / "no_sheet.xlsx"
    book = openpyxl.load_workbook(sample_dir / "03386_Phuong_Quyet_Thang.xlsx")
    del book["_tonghop"]
    book.save(path)
    raw = extract_return(read_calamine(path), form, path.name)
    assert raw.meta["unit_code"] == "03386" and raw.meta["form_id"] == form.id


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "tệp rỗng"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"code,value\nA,1\n", "tệp văn bản"),
        (b"PK\x03\x04\x14\x00 truncated", "bị hỏng"),
        (_zip({"word/document.xml": "<w/>", "[Content_Types].xml": "<T/>"}), "tệp Word"),
    ],
    ids=["empty", "pdf", "jpeg", "csv", "truncated-zip", "docx"],
)
def test_not_a_workbook(tmp_path, content, said):
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookReadError) as info:
        read_calamine(path)
    assert info.value.msg is Msg.FILE_001 and said in info.value.reason


@pytest.mark.parametrize(
    ("fmt", "part", "text", "sheet"),
    [
        ("xlsx", "xl/workbook.xml", "<definedName name='tonghop_data'>'Báo cáo'!$1:$1048576</definedName>", "Báo cáo"),
        ("xlsx", "xl/workbook.xml", "<definedName name='tonghop_data'>'Đội ''A'''!$A$1</definedName>", "Đội 'A'"),
        ("xlsx", "xl/workbook.xml", "<definedName name='tonghop_data'>BC!$1:$1048576</definedName>", "BC"),
        ("xlsx", "xl/workbook.xml", "<definedName name='tonghop_data'>#REF!</definedName>", None),
        ("xlsx", "xl/workbook.xml", "<definedName name='tonghop_data' localSheetId='0'>'Nháp'!$A$1</definedName>", None),
        ("ods", "content.xml#names", "<table:named-range table:name='x' table:cell-range-address='$Khác.$A$1'/>", None),
        ("ods", "content.xml#names", '<table:named-range table:name="tonghop_data" table:cell-range-address="$&apos;BC Tân Phong&apos;.$A:.$XFD"/>', "BC Tân Phong"),
    ],
)  # fmt: skip
def test_the_sheet_of_a_workbook_wide_defined_name(fmt, part, text, sheet):
    from pipeline.ingest.raw import RawWorkbook

    body = f"<workbook><definedNames>{text}</definedNames></workbook>" if fmt == "xlsx" else text
    book = RawWorkbook(None, fmt, [], parts={part: body.encode()})
    assert book.named_sheet("tonghop_data") == sheet
