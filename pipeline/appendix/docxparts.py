"""The parts of a Word document laid out as a Vietnamese administrative document (Nghị định
30/2020/NĐ-CP), shared by the appendix and the notices: an A4 page in Times New Roman, the header
block of the issuing committee and the national motto, paragraphs, runs (every text cleaned by
``clean_text``) and grid tables with a repeated header row.
"""

from __future__ import annotations

from datetime import date

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline.core.text import clean_text
from pipeline.form.model import FormDefinition

FONT_NAME = "Times New Roman"
BODY_PT, TABLE_PT, HEAD_PT = 14, 11, 13
TEXT_WIDTH_CM = 21 - 3 - 1.5
# Where a long organisation name is broken in the header block.
ADMIN_UNITS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
CELL_MARGIN_TWIPS = 57  # 0,1 cm each side of a table cell
LEFT, CENTER, RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def admin_name_lines(name: str, width: int = 26) -> list[str]:
    """An organisation's name in capitals, broken before its place when too long for the
    header column: ``ỦY BAN MTTQ VIỆT NAM`` / ``THÀNH PHỐ LAI CHÂU``."""
    upper = name.upper()
    if len(upper) <= width:
        return [upper]
    cuts = [i for i in (upper.find(f" {unit} ") for unit in ADMIN_UNITS) if i > 0]
    return [upper[: min(cuts)], upper[min(cuts) + 1 :]] if cuts else [upper]


def vn_date(when: date, place: str) -> str:
    """``Lai Châu, ngày 05 tháng 02 năm 2024``: days below 10 and months 1–2 take a leading zero."""
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{place}, ngày {when.day:02d} tháng {month} năm {when.year}"


# Fonts and page ----------------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Times New Roman in every script slot (ascii, hAnsi, eastAsia, cs), theme fonts removed,
    so Vietnamese text never falls back to another font."""
    fonts = rpr.get_or_add_rFonts()
    for key in [k for k in fonts.attrib if k.lower().endswith("theme")]:  # asciiTheme … cstheme
        del fonts.attrib[key]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT_NAME)


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.element.get_or_add_rPr().append(_el("lang", val="vi-VN"))  # last in rPr: spell-check as Vietnamese
    normal.paragraph_format.space_before, normal.paragraph_format.space_after = Pt(0), Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    section.different_first_page_header_footer = True  # page numbers centred in the header from page 2
    section.header.paragraphs[0].alignment = CENTER
    section.header.paragraphs[0]._p.append(_el("fldSimple", instr="PAGE"))
    return doc


# Paragraphs and cells ------------------------------------------------------------------------


def _el(tag: str, children=(), **attrs):
    """A WordprocessingML element ``w:tag`` with ``w:`` attributes and children."""
    node = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), str(value))
    for child in children:
        node.append(child)
    return node


def paragraph(container, text: str = "", *, align=JUSTIFY, bold=False, italic=False, size=None, before=0, after=0, indent=None, keep=False):
    para = container.add_paragraph()
    fmt = para.paragraph_format
    para.alignment = align
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), keep
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if text:
        text_run(para, text, bold=bold, italic=italic, size=size)
    return para


def text_run(para, text: str, *, bold=False, italic=False, underline=False, size=None):
    """Every text of the document is written by this run: cleaned by ``clean_text`` first."""
    run = para.add_run(clean_text(text))
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    if size:
        run.font.size = Pt(size)
    return run


def _lines(para, lines: list[str], bold: bool) -> None:
    for i, line in enumerate(lines):
        run = text_run(para, line, bold=bold, size=HEAD_PT - 1)
        if i < len(lines) - 1:
            run.add_break()


def cell_text(cell, text: str, align=LEFT, bold=False, italic=False, size: float = TABLE_PT) -> None:
    para = cell.paragraphs[0]
    para.alignment = align
    text_run(para, text, bold=bold, italic=italic, size=size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    props = row._tr.get_or_add_trPr()
    for tag in ("cantSplit", *(("tblHeader",) if header else ())):
        props.append(_el(tag, val="true"))


def set_widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _bottom_rule(cell, indent_cm: float) -> None:
    """A short line under the committee's name, as drawn in administrative documents.

    The border goes in first: python-docx then inserts alignment and indents after it, in
    the order the schema requires."""
    para = cell.add_paragraph()
    para._p.get_or_add_pPr().append(_el("pBdr", [_el("bottom", val="single", sz=6, space=1, color="000000")]))
    para.alignment = CENTER
    para.paragraph_format.left_indent = para.paragraph_format.right_indent = Cm(indent_cm)


def header_block(doc, form: FormDefinition, number: str, when: date) -> None:
    table = doc.add_table(rows=2, cols=2)
    set_widths(table, [7.0, TEXT_WIDTH_CM - 7.0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.paragraphs[0].alignment = CENTER
    _lines(left.paragraphs[0], admin_name_lines(form.settings.get("parent", "")), bold=False)
    _lines(paragraph(left, align=CENTER), admin_name_lines(form.committee), bold=True)
    _bottom_rule(left, 2.3)
    right.paragraphs[0].alignment = CENTER
    text_run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=HEAD_PT - 1)
    text_run(paragraph(right, align=CENTER), "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=HEAD_PT)
    cell_text(table.cell(1, 0), f"Số: {number}", CENTER)
    cell_text(table.cell(1, 1), vn_date(when, form.settings.get("place", "")), CENTER, italic=True)
    for cell in (table.cell(1, 0), table.cell(1, 1)):
        cell.paragraphs[0].runs[0].font.size = Pt(HEAD_PT)
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _cell_margins(table) -> None:
    margins = _el("tblCellMar", [_el(side, w=CELL_MARGIN_TWIPS, type="dxa") for side in ("left", "right")])
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    look.addprevious(margins) if look is not None else table._tbl.tblPr.append(margins)


def grid_table(doc, header: list[str] | tuple[str, ...]):
    """A grid table with its bold header row, repeated on each page."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    _cell_margins(table)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell_text(cell, text, CENTER, bold=True)
    row_flags(table.rows[0], header=True)
    return table
