"""The Word appendix "PHỤ LỤC SỐ LIỆU" of a consolidation, laid out as a Vietnamese
administrative document (Nghị định 30/2020/NĐ-CP): A4, Times New Roman, the header block
of the issuing committee and the national motto, then the tables, the sentences for the
report, the figures to verify and the charts. It renders; it computes nothing new.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline.appendix.charts import draw_charts
from pipeline.appendix.sentences import Figures, form_sentences, render_all, sentence_name
from pipeline.appendix.verification import verification_items
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, SubmissionStatus
from pipeline.core.text import clean_text
from pipeline.core.vnformat import format_number, format_signed
from pipeline.form.model import FormDefinition, Indicator, Section
from pipeline.form.period import period_label

DOCX_NAME = "phu_luc_so_lieu.docx"
DEFAULT_NUMBER = "…/BC-MTTQ-BTT"
FONT_NAME = "Times New Roman"
BODY_PT, TABLE_PT, HEAD_PT = 14, 11, 13
TEXT_WIDTH_CM = 21 - 3 - 1.5
CHART_WIDTH = Cm(15)
LABEL_MIN_CM = 4.0  # the narrowest a table's label column gets
# Where a long organisation name is broken in the header block.
ADMIN_UNITS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
CELL_MARGIN_TWIPS = 57  # 0,1 cm each side of a table cell
SENTENCES_INTRO = (
    "Các đoạn sau được điền tự động từ số liệu tổng hợp, theo văn phong của báo cáo; có thể chép nguyên văn vào phần II của báo cáo."
)
PARTS = ("A. SỐ LIỆU TỔNG HỢP", "B. SỐ LIỆU ĐỂ ĐƯA VÀO BÁO CÁO", "C. SỐ LIỆU CẦN XÁC MINH", "D. BIỂU ĐỒ")
LEFT, CENTER, RIGHT, JUSTIFY = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY


def _prior_period(result: ConsolidationResult) -> str | None:
    return result.prior.period if result.prior else None


def _figures(result: ConsolidationResult) -> Figures:
    return Figures.from_frames(result.form, result.period, result.totals, result.comparison, _prior_period(result))


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


def _new_document():
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


def _para(container, text: str = "", *, align=JUSTIFY, bold=False, italic=False, size=None, before=0, after=0, indent=None, keep=False):
    para = container.add_paragraph()
    fmt = para.paragraph_format
    para.alignment = align
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), keep
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if text:
        _run(para, text, bold=bold, italic=italic, size=size)
    return para


def _run(para, text: str, *, bold=False, italic=False, underline=False, size=None):
    """Every text of the document is written by this run: cleaned by ``clean_text`` first."""
    run = para.add_run(clean_text(text))
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    if size:
        run.font.size = Pt(size)
    return run


def _lines(para, lines: list[str], bold: bool) -> None:
    for i, line in enumerate(lines):
        run = _run(para, line, bold=bold, size=HEAD_PT - 1)
        if i < len(lines) - 1:
            run.add_break()


def _cell(cell, text: str, align=LEFT, bold=False, italic=False) -> None:
    para = cell.paragraphs[0]
    para.alignment = align
    _run(para, text, bold=bold, italic=italic, size=TABLE_PT)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    props = row._tr.get_or_add_trPr()
    for tag in ("cantSplit", *(("tblHeader",) if header else ())):
        props.append(_el(tag, val="true"))


def _widths(table, widths_cm: list[float]) -> None:
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


# Parts of the document ---------------------------------------------------------------------


def _header_block(doc, form: FormDefinition, number: str, when: date) -> None:
    table = doc.add_table(rows=2, cols=2)
    _widths(table, [7.0, TEXT_WIDTH_CM - 7.0])
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.paragraphs[0].alignment = CENTER
    _lines(left.paragraphs[0], admin_name_lines(form.settings.get("parent", "")), bold=False)
    _lines(_para(left, align=CENTER), admin_name_lines(form.committee), bold=True)
    _bottom_rule(left, 2.3)
    right.paragraphs[0].alignment = CENTER
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=HEAD_PT - 1)
    _run(_para(right, align=CENTER), "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=HEAD_PT)
    _cell(table.cell(1, 0), f"Số: {number}", CENTER)
    _cell(table.cell(1, 1), vn_date(when, form.settings.get("place", "")), CENTER, italic=True)
    for cell in (table.cell(1, 0), table.cell(1, 1)):
        cell.paragraphs[0].runs[0].font.size = Pt(HEAD_PT)
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _title(doc, result: ConsolidationResult, number: str, when: date) -> None:
    _para(doc, "PHỤ LỤC SỐ LIỆU", align=CENTER, bold=True, before=18)
    _para(doc, result.form.title_for(), align=CENTER, bold=True)
    attached = f"(Kèm theo Báo cáo số {number} ngày {when:%d/%m/%Y} của {result.form.committee})"
    _para(doc, attached, align=CENTER, italic=True, after=12)
    if result.submissions is not None and len(result.submissions):
        got = result.submissions[result.submissions["status"] == SubmissionStatus.RECEIVED]
        text = f"Số liệu tổng hợp từ báo cáo của {len(got)}/{len(result.submissions)} đơn vị"
        missing = result.submissions[result.submissions["status"] != SubmissionStatus.RECEIVED]["unit_name"].tolist()
        text += f" (chưa nhận báo cáo của: {', '.join(missing)})." if missing else "."
        if result.comparison is not None and len(result.comparison):
            text += f" Cột “Cùng kỳ” ghi số liệu {period_label(_prior_period(result)) if _prior_period(result) else 'kỳ trước'}."
        _para(doc, text, indent=1, after=6)


def _table_rows(section: Section, result: ConsolidationResult, compare: bool) -> list[tuple[Indicator, list[str]]]:
    totals = {(r.code, r.level): r.value for r in result.totals.itertuples()}
    prior = {} if not compare else {r.code: r for r in result.comparison.itertuples() if r.level == LEVEL_ALL}
    rows = []
    for ind in result.form.indicators.values():
        if ind.section != section.id or ind.type not in NUMERIC_TYPES:
            continue
        row = [ind.display_label, ind.unit, *(format_number(totals.get((ind.code, lv))) for lv in [*result.levels, LEVEL_ALL])]
        old = prior.get(ind.code)
        if compare:  # a flagged change ends with "*" and is printed in bold
            row += (
                ["", ""]
                if old is None
                else [format_number(old.prior), format_signed(old.change) + ("*" if str(old.flag) == "True" else "")]
            )
        rows.append((ind, row))
    return rows


def _text_cm(text: str) -> float:
    """Width of a figure in Times New Roman 11 pt: digits and signs 0,2 cm, separators 0,1 cm."""
    return sum(0.1 if ch in ".," else 0.2 for ch in text)


def _column_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Number columns as wide as their longest figure; the label column takes the rest, never
    less than ``LABEL_MIN_CM`` (very long figures then share what is left, and wrap)."""
    numbers = [max(1.6, max(_text_cm(r[i]) for r in rows) + 0.3) for i in range(2, len(header))]
    unit = 1.7
    room = TEXT_WIDTH_CM - unit - LABEL_MIN_CM
    if sum(numbers) > room:
        numbers = [width * room / sum(numbers) for width in numbers]
    return [TEXT_WIDTH_CM - unit - sum(numbers), unit, *numbers]


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
        _cell(cell, text, CENTER, bold=True)
    _row_flags(table.rows[0], header=True)
    return table


def _section_table(doc, section: Section, result: ConsolidationResult, compare: bool) -> None:
    rows = _table_rows(section, result, compare)
    if not rows:
        return
    _para(doc, f"Mục {section.id}. {section.title}", bold=True, before=8, after=4, keep=True)
    levels = [result.form.level_label(lv) for lv in [*result.levels, LEVEL_ALL]]
    header = ["Chỉ tiêu", "Đơn vị tính", *levels]
    if compare:
        header += [f"Cùng kỳ {period_label(_prior_period(result))}" if _prior_period(result) else "Cùng kỳ", "Tăng/giảm"]
    table = grid_table(doc, header)
    for ind, values in rows:
        cells = table.add_row().cells
        sub = bool(ind.parent)  # a part of the indicator above: in italics
        _cell(cells[0], values[0], italic=sub)
        _cell(cells[1], values[1], CENTER, italic=sub)
        for cell, text in zip(cells[2:], values[2:], strict=True):
            _cell(cell, text.rstrip("*"), RIGHT, bold=text.endswith("*"))
        _row_flags(table.rows[-1])
    _widths(table, _column_widths(header, [values for _, values in rows]))


def _tables_part(doc, result: ConsolidationResult) -> None:
    compare = result.comparison is not None and len(result.comparison) > 0
    for section in result.form.sections.values():
        _section_table(doc, section, result, compare)


def _sentences_part(doc, result: ConsolidationResult) -> None:
    sentences = form_sentences(result.form)
    _para(doc, SENTENCES_INTRO, italic=True, indent=1, after=6)
    done = render_all(sentences, _figures(result))
    current = None
    for item in (r for r in done if r.text):
        section = item.sentence.section
        if section != current and section in result.form.sections:
            _para(doc, f"Mục {section}. {result.form.sections[section].title}", bold=True, italic=True, before=6, keep=True)
            current = section
        _para(doc, item.text, indent=1, before=3)
    for item in (r for r in done if not r.text):
        note = f"Chưa đưa vào {sentence_name(item.sentence, result.form)} vì thiếu số liệu: {'; '.join(item.missing)}."
        _para(doc, note, italic=True, size=TABLE_PT + 1, indent=1, before=3)
    if not sentences:
        _para(doc, "Biểu mẫu không có tệp câu mẫu (sentences.csv).", italic=True, indent=1)


def _verify_part(doc, result: ConsolidationResult) -> None:
    items = verification_items(result.findings.to_findings(), result.relations, result.form, result.units)
    if not items:
        _para(doc, "Không có lỗi hay cảnh báo nào cần xác minh.", indent=1)
    for i, (severity, place, text) in enumerate(items, start=1):
        para = _para(doc, indent=1, before=3)
        _run(para, f"{i}. {severity.capitalize()} – ", italic=True)
        _run(para, place, bold=True)
        _run(para, f": {text}")


def _charts_part(doc, result: ConsolidationResult) -> None:
    with tempfile.TemporaryDirectory(prefix="tonghop_charts_") as folder:
        charts, notes = draw_charts(result.form.charts, _figures(result), result.values, result.units, folder)
        for i, chart in enumerate(charts, start=1):
            picture = _para(doc, align=CENTER, before=10, keep=True)
            picture.add_run().add_picture(str(chart.path), width=CHART_WIDTH)
            _para(doc, f"Biểu đồ {i}. {chart.spec.title}", align=CENTER, bold=True, size=BODY_PT - 1, keep=bool(chart.note))
            if chart.note:
                _para(doc, chart.note, align=CENTER, italic=True, size=BODY_PT - 1)
    for note in notes if result.form.charts else ["Biểu mẫu không có tệp danh sách biểu đồ (charts.csv)."]:
        _para(doc, note, italic=True, indent=1)


def write_appendix(result: ConsolidationResult, path: str | Path, when: date | None = None, number: str | None = None) -> Path:
    """Write the appendix to ``path`` (atomically).

    :param when: the document's date (default: today); :param number: its number, e.g. ``481/BC-MTTQ-BTT``.
    """
    when, number = when or date.today(), number or DEFAULT_NUMBER
    doc = _new_document()
    props = doc.core_properties
    props.author = props.last_modified_by = result.form.committee
    props.title = f"Phụ lục số liệu – {result.form.title_for()}"
    props.created = props.modified = datetime.combine(when, time())
    _header_block(doc, result.form, number, when)
    _title(doc, result, number, when)
    for heading, draw in zip(PARTS, (_tables_part, _sentences_part, _verify_part, _charts_part), strict=True):
        _para(doc, heading, bold=True, before=12, after=6, keep=True, align=LEFT)
        draw(doc, result)
    path = Path(path)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
