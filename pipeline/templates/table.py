"""The form's rows as both workbooks draw them: a heading row per section, then one row per
indicator with its STT, Nội dung, Đơn vị tính and Mã. The template adds its input cells and
the consolidated workbook its figures to the rows ``write_form_rows`` yields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pipeline.core.sheetlayout import set_height
from pipeline.form.model import FormDefinition, Indicator, Section

STT, LABEL, UNIT, CODE = range(4)  # the first four columns of the table
CELL_PADDING_WIDTH = 2  # column width a label cell loses to its padding
PART_INDENT_WIDTH = 6  # and a part's label to its padding, its indent and italic letters


def form_rows(form: FormDefinition, level: str | None = None) -> Iterator[tuple[Section, tuple[int, Indicator] | None]]:
    """The form's rows in order: ``(section, None)`` for a section heading (only sections with
    indicators), then ``(section, (number, indicator))`` for each of its indicators.

    :param level: only the indicators a unit of this level reports; default: every indicator.
    """
    indicators = form.indicators_for(level) if level is not None else list(form.indicators.values())
    for section in form.sections.values():
        members = [ind for ind in indicators if ind.section == section.id]
        if members:
            yield section, None
            for number, ind in enumerate(members, start=1):
                yield section, (number, ind)


def write_form_rows(
    ws, fmt: dict, form: FormDefinition, widths: Sequence[float], first_row: int, *, level: str | None = None, section_code: bool = False
) -> Iterator[tuple[int, Indicator]]:
    """Write the form's section rows and the first four cells of its indicator rows from
    ``first_row`` down, yielding ``(row, indicator)`` for the caller to fill in the other cells.

    :param widths: the widths of the table's columns, STT, Nội dung, Đơn vị tính and Mã first.
    :param level: only the indicators a unit of this level reports; default: every indicator.
    :param section_code: also write the section's id in the Mã column of its heading row.
    """
    for row, (section, item) in enumerate(form_rows(form, level), start=first_row):
        if item is None:
            _write_section(ws, fmt, row, section, widths, section_code)
        else:
            _write_indicator(ws, fmt, row, *item, widths)
            yield row, item[1]


def _write_section(ws, fmt: dict, row: int, section: Section, widths: Sequence[float], section_code: bool) -> None:
    """A section heading: its number and title in bold across the table."""
    set_height(ws, row, (section.title, widths[LABEL]), bold=True)
    ws.write_string(row, STT, section.id, fmt["section_id"])
    ws.write_string(row, LABEL, section.title, fmt["section_title"])
    for col in range(UNIT, len(widths)):
        if section_code and col == CODE:
            ws.write_string(row, col, section.id, fmt["section_code"])
        else:
            ws.write_blank(row, col, None, fmt["section_blank"])


def _write_indicator(ws, fmt: dict, row: int, number: int, ind: Indicator, widths: Sequence[float]) -> None:
    """STT, Nội dung, Đơn vị tính and Mã of an indicator row; a part ("Trong đó: …") indented in italics."""
    label_room = widths[LABEL] - (PART_INDENT_WIDTH if ind.parent else CELL_PADDING_WIDTH)
    set_height(ws, row, (ind.display_label, label_room), (ind.unit, widths[UNIT]))
    ws.write_number(row, STT, number, fmt["stt"])
    ws.write_string(row, LABEL, ind.display_label, fmt["label_sub" if ind.parent else "label"])
    ws.write_string(row, UNIT, ind.unit, fmt["measure"])
    ws.write_string(row, CODE, ind.code, fmt["code"])
