"""The values reader is handed the parts ``sniff`` already inflated, packed without compression:
it must read exactly what it reads from the file the officer sent."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pipeline.ingest.readers import read_calamine
from pipeline.ingest.repack import stored_zip
from pipeline.ingest.sniff import sniff


def _calamine(data: bytes) -> list[tuple]:
    """Every sheet as python-calamine gives it: name, kind, visibility, values."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        (m.name, str(m.typ), str(m.visible), book.get_sheet_by_name(m.name).to_python(skip_empty_area=False))
        for m in book.sheets_metadata
        if str(m.typ) == str(python_calamine.SheetTypeEnum.WorkSheet)
    ]


def _openpyxl_book(path):
    """Every kind of cell an officer's file holds, written by openpyxl (inline strings)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo năm"
    sheet["A1"] = "Ủy ban MTTQ Việt Nam & <phường>"
    sheet["B2"] = 120341560
    sheet["B3"] = 2.5
    sheet["B4"] = "120.341.560"
    sheet["B5"] = True
    sheet["B6"] = dt.date(2023, 12, 31)
    sheet["B7"] = "=B2+1"  # a formula without a saved value
    sheet["B8"] = CellRichText([TextBlock(InlineFont(b=True), "Trong đó"), ": nữ"])
    sheet["B9"] = "  khoảng trắng  "
    sheet["D40"] = "xa"
    hidden = book.create_sheet("_tonghop")
    hidden["A1"], hidden["B1"] = "form_id", "mttq"
    hidden.sheet_state = "hidden"
    book.save(path)


def _xlsxwriter_book(path):
    """Shared strings, a saved formula result, an error cell and a chart sheet (XlsxWriter)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Số liệu")
    sheet.write("A1", "Mã")
    sheet.write("B1", "Số liệu")
    sheet.write_number("B2", 55)
    sheet.write_formula("B3", "=B2*2", None, 110)
    sheet.write_formula("B4", "=1/0", None, "#DIV/0!")
    sheet.write_rich_string("C1", book.add_format({"bold": True}), "Ghi", " chú")
    sheet.write_datetime("C2", dt.datetime(2023, 6, 30, 8, 15), book.add_format({"num_format": "dd/mm/yyyy hh:mm"}))
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "='Số liệu'!$B$2:$B$3"})
    book.add_chartsheet("Biểu đồ").set_chart(chart)
    book.close()


@pytest.mark.parametrize("maker", [_openpyxl_book, _xlsxwriter_book], ids=["openpyxl", "xlsxwriter"])
def test_repacked_parts_read_as_the_file_itself(maker, tmp_path):
    path = tmp_path / "bao_cao.xlsx"
    maker(path)
    found = sniff(path)
    packed = stored_zip(found.inflated)
    assert packed is not None and _calamine(packed) == _calamine(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:  # a valid zip, every part stored and checked
        assert archive.testzip() is None
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}


def test_templates_and_returns_read_the_same(sample_dir, template_cache):
    """The returns and blank templates tonghop makes, read through the repacked parts and from
    the files: the same sheets, values and error cells."""
    files = [*sorted(sample_dir.glob("*.xlsx")), *list(template_cache.values())[:2]]
    assert len(files) >= 8
    for path in files:
        found = sniff(path)
        assert _calamine(stored_zip(found.inflated)) == _calamine(found.data), path.name
        book = read_calamine(path)
        assert [s.name for s in book.sheets] and all(s.rows for s in book.sheets), path.name


def test_formulas_left_out_values_kept(tmp_path):
    """The repacked data sheet holds no formula, every saved result is read as from the file, and
    the parts kept for the formula readers still hold the formulas."""
    path = tmp_path / "bc.xlsx"
    _xlsxwriter_book(path)
    found = sniff(path)
    packed = stored_zip(found.inflated)
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in sheet for sheet in sheets)
    assert any(b"<f>" in part for name, part in found.parts.items() if name.startswith("xl/worksheets/"))
    assert _calamine(packed) == _calamine(path.read_bytes())
    rows = read_calamine(path).sheets[0].rows
    assert rows[2][1] == 110 and rows[3][1] == "#DIV/0!"


def test_a_formula_written_oddly_is_left_out_whole_or_kept_whole():
    """An attribute value holding "/>" or ">" (valid XML) never cuts a formula element in two."""
    from pipeline.ingest.repack import _FORMULA

    odd = b'<c r="A1"><f a="x/>y" ref=\'A1\'>IF(B1>2,1,0)</f><v>1</v></c><c r="A2"><foo/><f t="shared" si="0"/><v>2</v></c>'
    assert _FORMULA.sub(b"", odd) == b'<c r="A1"><v>1</v></c><c r="A2"><foo/><v>2</v></c>'


def test_non_ascii_part_names_keep_their_names(tmp_path):
    """A part named outside ASCII (some tools do) keeps its UTF-8 name in the repacked zip."""
    path = tmp_path / "bc.xlsx"
    _openpyxl_book(path)
    found = sniff(path)
    extra = zipfile.ZipInfo("xl/ghi chú/tệp.xml")
    data = b"<a/>"
    extra.CRC, extra.file_size = zipfile.crc32(data), len(data)
    with zipfile.ZipFile(io.BytesIO(stored_zip([*found.inflated, (extra, data)]))) as archive:
        assert archive.read("xl/ghi chú/tệp.xml") == data
