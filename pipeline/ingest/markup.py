"""Readers for the text formats government software exports under an ``.xls`` name:
"XML Spreadsheet 2003" (Excel's single-file XML, which keeps hidden sheets and custom
properties, so a re-saved template is still recognised) and HTML tables."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from defusedxml import ElementTree as SafeET

from pipeline.core import settings
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.raw import CellError, RawSheet, RawWorkbook, as_cell_error, parse_time

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"


def _decode(data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")


def _cell_value(cell) -> object:
    data = cell.find(f"{SS}Data")
    if data is None:
        return ""
    text = "".join(data.itertext())
    if data.get(f"{SS}Type") == "Error":
        return CellError(text.strip() or "#?")
    if data.get(f"{SS}Type") == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _xml_sheet(sheet) -> RawSheet:
    rows: list[list[object]] = []
    table = sheet.find(f"{SS}Table")
    for row in table.iter(f"{SS}Row") if table is not None else []:
        index = int(row.get(f"{SS}Index", len(rows) + 1))
        if index > settings.LIMIT_ROWS:
            raise WorkbookReadError(Msg.FILE_008, reason=f"trang tính có dòng {index}, vượt giới hạn {settings.LIMIT_ROWS} dòng")
        rows.extend([] for _ in range(index - len(rows)))
        values: list[object] = []
        for cell in row.iter(f"{SS}Cell"):
            col = int(cell.get(f"{SS}Index", len(values) + 1))
            if col > settings.LIMIT_COLUMNS:
                raise WorkbookReadError(Msg.FILE_008, reason=f"trang tính có cột {col}, vượt giới hạn {settings.LIMIT_COLUMNS} cột")
            values.extend("" for _ in range(col - 1 - len(values)))
            values.append(_cell_value(cell))
            values.extend("" for _ in range(int(cell.get(f"{SS}MergeAcross", 0))))
        rows[index - 1] = values
    options = sheet.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
    visible = True
    if options is not None:
        flag = options.find("{urn:schemas-microsoft-com:office:excel}Visible")
        visible = flag is None or flag.text not in ("SheetHidden", "SheetVeryHidden")
    return RawSheet(sheet.get(f"{SS}Name", ""), rows, visible)


def read_xml2003(data: bytes, path: Path) -> RawWorkbook:
    """Read an "XML Spreadsheet 2003" file; entities and DTDs are refused by defusedxml."""
    try:
        root = SafeET.fromstring(_decode(data).encode("utf-8"))
    except Exception as err:
        raise WorkbookReadError(Msg.FILE_001, reason="tệp XML bị hỏng hoặc chứa khai báo không an toàn") from err
    sheets = [_xml_sheet(ws) for ws in root.iter(f"{SS}Worksheet")]
    props: dict[str, str] = {}
    custom = root.find(f"{OFFICE}CustomDocumentProperties")
    for prop in custom if custom is not None else []:
        props[prop.tag.rsplit("}", 1)[-1]] = (prop.text or "").strip()
    modified = None
    doc = root.find(f"{OFFICE}DocumentProperties")
    if doc is not None and doc.find(f"{OFFICE}LastSaved") is not None:
        modified = parse_time(doc.find(f"{OFFICE}LastSaved").text or "")
    return RawWorkbook(path, "xml2003", sheets, modified, given_properties=props)


class _Tables(HTMLParser):
    """Collect the text of every <table> as rows of cells (colspan padded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell, span = [], dict(attrs).get("colspan") or "1"
            self._span = min(int(span), settings.LIMIT_COLUMNS) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            row = self.tables[-1][-1]
            text = " ".join("".join(self._cell).split())
            row.append(as_cell_error(text) or text)
            row.extend("" for _ in range(self._span - 1))
            self._cell = None
            if len(row) > settings.LIMIT_COLUMNS or len(self.tables[-1]) > settings.LIMIT_ROWS:
                raise WorkbookReadError(Msg.FILE_008, reason="bảng HTML vượt giới hạn số dòng hoặc cột")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_html(data: bytes, path: Path) -> RawWorkbook:
    """Read the tables of an HTML file saved under a spreadsheet name."""
    parser = _Tables()
    parser.feed(_decode(data))
    sheets = [RawSheet(f"Bảng {i + 1}", table) for i, table in enumerate(parser.tables)]
    if not sheets:
        raise WorkbookReadError(Msg.FILE_001, reason="tệp HTML không có bảng số liệu")
    return RawWorkbook(path, "html", sheets)


def read_markup(data: bytes, fmt: str, path: Path) -> RawWorkbook:
    """Read a text format's bytes (``fmt`` as ``sniff`` found it); ``path`` names the workbook."""
    return read_xml2003(data, path) if fmt == "xml2003" else read_html(data, path)
