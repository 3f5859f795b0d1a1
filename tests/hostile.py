"""Builders of bad and hostile files for the tests (made in the test, never committed)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path


def rewrite_zip(src: Path, dst: Path, change) -> Path:
    """Copy a zip, passing each part through ``change(name, data) -> bytes | None`` (None drops it)."""
    with zipfile.ZipFile(src) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            data = change(info.filename, data)
            if data is not None:
                out.writestr(info.filename, data)
    return dst


def data_sheet_part(src: Path) -> str:
    with zipfile.ZipFile(src) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet1"))


def with_far_cell(src: Path, dst: Path, ref: str = "XFD1048576") -> Path:
    part = data_sheet_part(src)
    row = re.sub(r"[A-Z]+", "", ref)

    def change(name, data):
        if name == part:
            return data.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
        return data

    return rewrite_zip(src, dst, change)


def with_entities(src: Path, dst: Path) -> Path:
    lol = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
        + b"]>"
    )

    part = data_sheet_part(src)

    def change(name, data):
        if name == part:
            head, sep, body = data.partition(b"?>") if data.startswith(b"<?xml") else (b"", b"", data)
            return (
                head
                + sep
                + lol
                + body.replace(b"</sheetData>", b'<row r="300"><c r="A300" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>')
            )
        return data

    return rewrite_zip(src, dst, change)


def zip_bomb(dst: Path, inflated: int = 150 * 1024 * 1024) -> Path:
    """A workbook-looking zip whose sheet inflates to ``inflated`` bytes of spaces."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b" " * (1024 * 1024)
        with out.open("xl/worksheets/sheet1.xml", "w") as handle:
            for _ in range(inflated // len(chunk)):
                handle.write(chunk)
    return dst


def with_small_dimension(src: Path, dst: Path) -> Path:
    """What WPS writes: a saved sheet size of A1 whatever the content."""
    part = data_sheet_part(src)

    def change(name, data):
        if name == part:
            return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
        return data

    return rewrite_zip(src, dst, change)


def as_xlsm(src: Path, dst: Path) -> Path:
    """The return re-saved as a macro-enabled workbook carrying a (dummy) VBA project."""

    def change(name, data):
        if name == "[Content_Types].xml":
            return data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        return data

    rewrite_zip(src, dst, change)
    with zipfile.ZipFile(dst, "a") as out:
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b'Attribute VB_Name = "Module1"' * 10)
    return dst


def xml2003(book, dst: Path) -> Path:
    """Write a ``RawWorkbook`` as "XML Spreadsheet 2003", hidden sheets and properties kept."""
    from xml.sax.saxutils import escape

    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n')
    out.write('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office" '
              'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n')  # fmt: skip
    out.write("<o:CustomDocumentProperties>")
    for key, value in book.properties.items():
        out.write(f'<o:{key} dt:dt="string" xmlns:dt="uuid:C2F41010-65B3-11d1-A29F-00AA00C14882">{escape(value)}</o:{key}>')
    out.write("</o:CustomDocumentProperties>\n")
    for sheet in book.sheets:
        out.write(f'<Worksheet ss:Name="{escape(sheet.name)}"><Table>')
        for r, row in enumerate(sheet.rows, start=1):
            out.write(f'<Row ss:Index="{r}">')
            for c, value in enumerate(row, start=1):
                if value in ("", None):
                    continue
                kind = "Number" if isinstance(value, (int, float)) else "String"
                out.write(f'<Cell ss:Index="{c}"><Data ss:Type="{kind}">{escape(str(value))}</Data></Cell>')
            out.write("</Row>")
        out.write("</Table>")
        if not sheet.visible:
            out.write("<x:WorksheetOptions><x:Visible>SheetHidden</x:Visible></x:WorksheetOptions>")
        out.write("</Worksheet>\n")
    out.write("</Workbook>\n")
    dst.write_text(out.getvalue(), encoding="utf-8")
    return dst


def html_table(book, dst: Path) -> Path:
    """The data sheet of a ``RawWorkbook`` as an HTML table (as some software exports .xls)."""
    from html import escape

    sheet = next(s for s in book.sheets if s.visible)
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in sheet.rows)
    dst.write_text(f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>", encoding="utf-8")
    return dst
