"""The notices to the units, written into the folder ``thong_bao/`` of a consolidation: one text
file per unit that must act and ``nhac_nop.txt`` (UTF-8 with a byte order mark, CR LF, so
Windows Notepad shows the Vietnamese letters), and one Word document to print: a page per
notice, then the reminder list, each under the committee's header block (Decree 30/2020)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx.enum.text import WD_BREAK

from pipeline.appendix.docxparts import (
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
)  # fmt: skip
from pipeline.appendix.notices import (
    NOTICE_TITLE,
    REMINDER_TITLE,
    Notice,
    locked_files,
    missing_units,
    notice_closing,
    notice_intro,
    notice_text,
    reminder_closing,
    reminder_intro,
    reminder_note,
    reminder_text,
    unit_notices,
)  # fmt: skip
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.vnformat import vietnam_today
from pipeline.form.model import Unit
from pipeline.form.units import unit_file_stem

NOTICES_DIR = "thong_bao"
REMINDER_TXT = "nhac_nop.txt"
NOTICES_DOCX = "phieu_de_nghi.docx"
NOTICE_NUMBER = "…/PĐN-BTT"
ITEM_WIDTHS_CM = [1.0, 4.2, TEXT_WIDTH_CM - 5.2]


def notice_filename(unit: Unit) -> str:
    """``03386_Phuong_Quyet_Thang.txt``: the unit code and an ASCII slug of its name."""
    return unit_file_stem(unit) + ".txt"


def _write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8-sig", newline="\r\n")
    return path


def write_notices(result: ConsolidationResult, folder: str | Path) -> list[Path]:
    """Write the notices of ``result`` into ``folder`` (created only when there is one to write);
    returns the files written, none when no unit must act and every unit sent its return."""
    notices, missing = unit_notices(result), missing_units(result)
    if not notices and not missing:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [_write_text(folder / notice_filename(n.unit), notice_text(n, result)) for n in notices]
    if missing:
        written.append(_write_text(folder / REMINDER_TXT, reminder_text(missing, result)))
    written.append(_write_document(result, notices, missing, folder / NOTICES_DOCX))
    return written


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _heading(doc, result: ConsolidationResult, title: str, when: date) -> None:
    header_block(doc, result.form, NOTICE_NUMBER, when)
    paragraph(doc, title, align=CENTER, bold=True, before=18)
    paragraph(doc, result.form.title_for(), align=CENTER, bold=True, after=12)


def _signature(doc) -> None:
    paragraph(doc, "TM. BAN THƯỜNG TRỰC", align=RIGHT, bold=True, before=18)
    paragraph(doc, "(Ký, ghi rõ họ tên, đóng dấu)", align=RIGHT, italic=True, size=TABLE_PT + 1)


def _notice_page(doc, notice: Notice, result: ConsolidationResult, when: date) -> None:
    _heading(doc, result, NOTICE_TITLE, when)
    para = paragraph(doc, align=CENTER, after=10)
    text_run(para, "Kính gửi: ")
    text_run(para, f"{notice.unit.name} (mã {notice.unit.code})", bold=True)
    paragraph(doc, notice_intro(notice, result), indent=1, after=6)
    table = grid_table(doc, ("STT", "Vị trí, chỉ tiêu", "Nội dung cần bổ sung, chỉnh sửa"))
    for i, item in enumerate(notice.items, start=1):
        row = table.add_row()  # kept: ``table.rows[-1]`` walks every row (quadratic on long lists)
        cells = row.cells
        cell_text(cells[0], str(i), CENTER)
        cell_text(cells[1], item.column, LEFT)
        cell_text(cells[2], f"{item.severity.label}: {item.text}", LEFT)
        row_flags(row)
    set_widths(table, ITEM_WIDTHS_CM)
    paragraph(doc, notice_closing(notice, result), indent=1, before=10)
    _signature(doc)


def _reminder_page(doc, missing: list[Unit], result: ConsolidationResult, when: date) -> None:
    _heading(doc, result, REMINDER_TITLE, when)
    paragraph(doc, reminder_intro(missing, result), indent=1, after=6)
    table = grid_table(doc, ("STT", "Mã đơn vị", "Tên đơn vị"))
    locked = locked_files(result)
    for i, unit in enumerate(missing, start=1):
        row = table.add_row()  # kept: ``table.rows[-1]`` walks every row (quadratic on long lists)
        cells = row.cells
        name = " – ".join(filter(None, (unit.name, reminder_note(unit, locked))))
        for cell, text, align in zip(cells, (str(i), unit.code, name), (CENTER, CENTER, LEFT), strict=True):
            cell_text(cell, text, align)
        row_flags(row)
    set_widths(table, [1.0, 3.0, TEXT_WIDTH_CM - 4.0])
    paragraph(doc, reminder_closing(result), indent=1, before=10)
    _signature(doc)


def _write_document(result: ConsolidationResult, notices: list[Notice], missing: list[Unit], path: Path) -> Path:
    """One page per notice, then the reminder list, each page starting on a new sheet."""
    when = result.consolidated_on or vietnam_today()
    doc = new_document()
    doc.sections[0].header.is_linked_to_previous = True  # letters of one page each: no page numbers
    pages = [lambda n=n: _notice_page(doc, n, result, when) for n in notices]
    if missing:
        pages.append(lambda: _reminder_page(doc, missing, result, when))
    for i, page in enumerate(pages):
        if i:
            _page_break(doc)
        page()
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
