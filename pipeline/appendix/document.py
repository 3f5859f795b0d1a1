"""The Word appendix "PHỤ LỤC SỐ LIỆU" of a consolidation: under the committee's header block
(``docxparts``: the page, paragraphs and tables of an administrative document), the tables, the
sentences for the report, the figures to verify and the charts. It renders; it computes
nothing new.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time
from pathlib import Path

from docx.shared import Cm

from pipeline.appendix.charts import draw_charts
from pipeline.appendix.docxparts import (
    BODY_PT,
    CENTER,
    LEFT,
    RIGHT,
    TABLE_PT,
    TEXT_WIDTH_CM,
    cell_text,
    grid_table,
    header_block,
    new_document,
    paragraph,
    row_flags,
    set_widths,
    text_run,
)
from pipeline.appendix.sentences import Figures, form_sentences, render_all, sentence_name
from pipeline.appendix.verification import verification_items
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.constants import LEVEL_ALL, NUMERIC_TYPES, SubmissionStatus
from pipeline.core.vnformat import format_number, format_signed, vietnam_today
from pipeline.form.model import Indicator, Section
from pipeline.form.period import period_label

DOCX_NAME = "phu_luc_so_lieu.docx"
DEFAULT_NUMBER = "…/BC-MTTQ-BTT"
CHART_WIDTH = Cm(15)
LABEL_MIN_CM = 4.0  # the narrowest a table's label column gets
SENTENCES_INTRO = (
    "Các đoạn sau được điền tự động từ số liệu tổng hợp, theo văn phong của báo cáo; có thể chép nguyên văn vào phần II của báo cáo."
)
PARTS = ("A. SỐ LIỆU TỔNG HỢP", "B. SỐ LIỆU ĐỂ ĐƯA VÀO BÁO CÁO", "C. SỐ LIỆU CẦN XÁC MINH", "D. BIỂU ĐỒ")


def _prior_period(result: ConsolidationResult) -> str | None:
    return result.prior.period if result.prior else None


def _figures(result: ConsolidationResult) -> Figures:
    return Figures.from_frames(result.form, result.period, result.totals, result.comparison, _prior_period(result))


# Parts of the document ---------------------------------------------------------------------


def _title(doc, result: ConsolidationResult, number: str, when: date) -> None:
    paragraph(doc, "PHỤ LỤC SỐ LIỆU", align=CENTER, bold=True, before=18)
    paragraph(doc, result.form.title_for(), align=CENTER, bold=True)
    attached = f"(Kèm theo Báo cáo số {number} ngày {when:%d/%m/%Y} của {result.form.committee})"
    paragraph(doc, attached, align=CENTER, italic=True, after=12)
    if result.submissions is not None and len(result.submissions):
        got = result.submissions[result.submissions["status"] == SubmissionStatus.RECEIVED]
        text = f"Số liệu tổng hợp từ báo cáo của {len(got)}/{len(result.submissions)} đơn vị"
        missing = result.submissions[result.submissions["status"] != SubmissionStatus.RECEIVED]["unit_name"].tolist()
        text += f" (chưa nhận báo cáo của: {', '.join(missing)})." if missing else "."
        if result.comparison is not None and len(result.comparison):
            text += f" Cột “Cùng kỳ” ghi số liệu {period_label(_prior_period(result)) if _prior_period(result) else 'kỳ trước'}."
        paragraph(doc, text, indent=1, after=6)


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


FIGURE_PAD_CM = 0.35  # a number cell's margins (0,1 cm each side) and borders, with some slack
SMALLEST_FIGURE_PT = 8.0


def _text_cm(text: str, size: float = TABLE_PT) -> float:
    """Width of a figure in Times New Roman: a digit or sign is half an em, a separator a quarter."""
    em_cm = size * 2.54 / 72
    return sum(em_cm / 4 if ch in ".," else em_cm / 2 for ch in text)


def _column_widths(header: list[str], rows: list[list[str]]) -> tuple[list[float], float]:
    """Number columns as wide as their longest figure, and the font size of the figures; the
    label column takes the rest, never less than ``LABEL_MIN_CM``. When the figures do not fit
    on one line each, they are set smaller (down to ``SMALLEST_FIGURE_PT``) rather than broken
    across lines ("792.454.89 / 6"); only beyond that do they share what is left, and wrap."""
    unit = 1.7
    room = TEXT_WIDTH_CM - unit - LABEL_MIN_CM
    longest = [max(_text_cm(r[i]) for r in rows) for i in range(2, len(header))]
    size = float(TABLE_PT)
    if sum(longest) + FIGURE_PAD_CM * len(longest) > room:
        fitting = TABLE_PT * (room - FIGURE_PAD_CM * len(longest)) / max(sum(longest), 0.01)
        size = max(SMALLEST_FIGURE_PT, int(fitting * 2) / 2)
    numbers = [max(1.6, width * size / TABLE_PT + FIGURE_PAD_CM) for width in longest]
    if sum(numbers) > room:
        numbers = [width * room / sum(numbers) for width in numbers]
    return [TEXT_WIDTH_CM - unit - sum(numbers), unit, *numbers], size


def _section_table(doc, section: Section, result: ConsolidationResult, compare: bool) -> None:
    rows = _table_rows(section, result, compare)
    if not rows:
        return
    paragraph(doc, f"Mục {section.id}. {section.title}", bold=True, before=8, after=4, keep=True)
    levels = [result.form.level_label(lv) for lv in [*result.levels, LEVEL_ALL]]
    header = ["Chỉ tiêu", "Đơn vị tính", *levels]
    if compare:
        header += [f"Cùng kỳ {period_label(_prior_period(result))}" if _prior_period(result) else "Cùng kỳ", "Tăng/giảm"]
    table = grid_table(doc, header)
    widths, size = _column_widths(header, [values for _, values in rows])
    for ind, values in rows:
        row = table.add_row()  # kept: ``table.rows[-1]`` walks every row (quadratic on long lists)
        cells = row.cells
        sub = bool(ind.parent)  # a part of the indicator above: in italics
        cell_text(cells[0], values[0], italic=sub)
        cell_text(cells[1], values[1], CENTER, italic=sub)
        for cell, text in zip(cells[2:], values[2:], strict=True):
            cell_text(cell, text.rstrip("*"), RIGHT, bold=text.endswith("*"), size=size)
        row_flags(row)
    set_widths(table, widths)


def _tables_part(doc, result: ConsolidationResult) -> None:
    compare = result.comparison is not None and len(result.comparison) > 0
    for section in result.form.sections.values():
        _section_table(doc, section, result, compare)


def _sentences_part(doc, result: ConsolidationResult) -> None:
    sentences = form_sentences(result.form)
    paragraph(doc, SENTENCES_INTRO, italic=True, indent=1, after=6)
    done = render_all(sentences, _figures(result))
    current = None
    for item in (r for r in done if r.text):
        section = item.sentence.section
        if section != current and section in result.form.sections:
            paragraph(doc, f"Mục {section}. {result.form.sections[section].title}", bold=True, italic=True, before=6, keep=True)
            current = section
        paragraph(doc, item.text, indent=1, before=3)
    for item in (r for r in done if not r.text):
        note = f"Chưa đưa vào {sentence_name(item.sentence, result.form)} vì thiếu số liệu: {'; '.join(item.missing)}."
        paragraph(doc, note, italic=True, size=TABLE_PT + 1, indent=1, before=3)
    if not sentences:
        paragraph(doc, "Biểu mẫu không có tệp câu mẫu (sentences.csv).", italic=True, indent=1)


def _verify_part(doc, result: ConsolidationResult) -> None:
    items = verification_items(result.findings.to_findings(), result.relations, result.form, result.units)
    if not items:
        paragraph(doc, "Không có lỗi hay cảnh báo nào cần xác minh.", indent=1)
    for i, (severity, place, text) in enumerate(items, start=1):
        para = paragraph(doc, indent=1, before=3)
        text_run(para, f"{i}. {severity.capitalize()} – ", italic=True)
        text_run(para, place, bold=True)
        text_run(para, f": {text}")


def _charts_part(doc, result: ConsolidationResult) -> None:
    with tempfile.TemporaryDirectory(prefix="tonghop_charts_") as folder:
        charts, notes = draw_charts(result.form.charts, _figures(result), result.values, result.units, folder)
        for i, chart in enumerate(charts, start=1):
            picture = paragraph(doc, align=CENTER, before=10, keep=True)
            picture.add_run().add_picture(str(chart.path), width=CHART_WIDTH)
            paragraph(doc, f"Biểu đồ {i}. {chart.spec.title}", align=CENTER, bold=True, size=BODY_PT - 1, keep=bool(chart.note))
            if chart.note:
                paragraph(doc, chart.note, align=CENTER, italic=True, size=BODY_PT - 1)
    for note in notes if result.form.charts else ["Biểu mẫu không có tệp danh sách biểu đồ (charts.csv)."]:
        paragraph(doc, note, italic=True, indent=1)


def write_appendix(result: ConsolidationResult, path: str | Path, when: date | None = None, number: str | None = None) -> Path:
    """Write the appendix to ``path`` (atomically).

    :param when: the document's date (default: today); :param number: its number, e.g. ``481/BC-MTTQ-BTT``.
    """
    when, number = when or vietnam_today(), number or DEFAULT_NUMBER
    doc = new_document()
    props = doc.core_properties
    props.author = props.last_modified_by = result.form.committee
    props.title = f"Phụ lục số liệu – {result.form.title_for()}"
    props.created = props.modified = datetime.combine(when, time())
    header_block(doc, result.form, number, when)
    _title(doc, result, number, when)
    for heading, draw in zip(PARTS, (_tables_part, _sentences_part, _verify_part, _charts_part), strict=True):
        paragraph(doc, heading, bold=True, before=12, after=6, keep=True, align=LEFT)
        draw(doc, result)
    path = Path(path)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
