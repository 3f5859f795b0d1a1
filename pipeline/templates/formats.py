"""Cell styles for the templates, as plain xlsxwriter format dicts.

Every style is a dict built on ``BASE`` (Times New Roman, the font of Vietnamese
administrative documents). ``add_formats(workbook)`` turns them into ``Format`` objects
once per workbook; the sheet writers look them up by name. The workbook's options and what
a protected sheet still allows are here too.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.core import constants as C
from pipeline.core.sheetlayout import ROW_PIXELS

FONT_NAME = "Times New Roman"
FONT_SIZE = 12

# Number formats. ``#,##0`` shows the separators of the spreadsheet's locale (1,200,000 in an
# English Excel), so whole numbers are grouped by literal dots, one section per size: 1.200.000
# in every program and locale. A format has two conditions at most: numbers from 10^9 and from
# 10^12 on get their groups from conditional formats (``vietnamese_tiers``). A decimal mark cannot
# be literal: decimals carry the Vietnamese locale, which LibreOffice follows (1,5) and Excel not.
NUM_WHOLE = r"[<1000]0;[<1000000]#\.##0;#\.###\.##0"
NUM_TIERS = ((10**12, r"#\.###\.###\.###\.##0"), (10**9, r"#\.###\.###\.##0"))  # the larger first: it wins
NUM_DECIMAL = "[$-42A]#,##0.0#"
NUM_TEXT = "@"

# Column widths of the report table, by header, and of the guide's text column.
WIDTHS = {
    C.HEADER_STT: 7,
    C.HEADER_LABEL: 46,
    C.HEADER_UNIT: 12,
    C.HEADER_CODE: 24,
    C.HEADER_VALUE: 16,
    C.HEADER_PRIOR: 14,
    C.HEADER_NOTE: 18,
}
GUIDE_WIDTH = 82

YELLOW = "#FFF2CC"
GREY = "#EDEDED"
HEADER_FILL = "#DDEBF7"
SECTION_FILL = "#F2F2F2"
BORDER_COLOUR = "#808080"

BASE = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "vcenter"}
_CELL = {**BASE, "border": 1, "border_color": BORDER_COLOUR}

# The form's table as both the templates and the consolidated workbook show it.
TABLE_STYLES: dict[str, dict] = {
    "th": {**_CELL, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL},
    "section_id": {**_CELL, "bold": True, "align": "center", "bg_color": SECTION_FILL},
    "section_title": {**_CELL, "bold": True, "text_wrap": True, "bg_color": SECTION_FILL},
    "section_blank": {**_CELL, "bg_color": SECTION_FILL},
    "stt": {**_CELL, "align": "center"},
    "label": {**_CELL, "text_wrap": True},
    "label_sub": {**_CELL, "text_wrap": True, "italic": True, "indent": 1},
    "measure": {**_CELL, "align": "center", "text_wrap": True},
    "code": {**_CELL, "font_size": 9, "font_color": "#595959", "align": "center", "shrink": True},
}

STYLES: dict[str, dict] = {
    # Heading block.
    "org": {**BASE, "align": "center", "text_wrap": True},
    "org_bold": {**BASE, "align": "center", "bold": True, "text_wrap": True},
    "motto": {**BASE, "align": "center", "bold": True, "underline": 1},
    "title": {**BASE, "font_size": 14, "bold": True, "align": "center", "text_wrap": True},
    "info": {**BASE},
    "info_center": {**BASE, "align": "center"},
    "hint": {**BASE, "italic": True, "font_color": "#7F6000"},
    # Table.
    **TABLE_STYLES,
    "section_code": {**_CELL, "font_size": 9, "font_color": "#595959", "align": "center", "bg_color": SECTION_FILL, "shrink": True},
    "input_whole": {**_CELL, "num_format": NUM_WHOLE, "bg_color": YELLOW, "locked": False},
    "input_decimal": {**_CELL, "num_format": NUM_DECIMAL, "bg_color": YELLOW, "locked": False},
    "input_text": {**_CELL, "num_format": NUM_TEXT, "bg_color": YELLOW, "locked": False, "text_wrap": True},
    "prior": {**_CELL, "num_format": NUM_WHOLE, "bg_color": GREY, "font_color": "#404040"},
    "prior_decimal": {**_CELL, "num_format": NUM_DECIMAL, "bg_color": GREY, "font_color": "#404040"},
    "note": {**_CELL, "text_wrap": True, "locked": False},
    # Check block, and its hidden helper cells (formulas not shown in the formula bar).
    "helper": {**BASE, "hidden": True, "locked": True},
    "check_title": {**BASE, "bold": True},
    "check_status": {**_CELL, "bold": True, "align": "center"},
    "check_note": {**_CELL, "text_wrap": True, "font_size": 11},
    # Footer.
    "place": {**BASE, "italic": True, "align": "center"},
    "sign": {**BASE, "bold": True, "align": "center"},
    "sign_hint": {**BASE, "italic": True, "align": "center"},
    # Guide sheet.
    "guide_title": {**BASE, "font_size": 14, "bold": True},
    "guide_text": {**BASE, "text_wrap": True, "valign": "top"},
    "guide_key": {**BASE, "bold": True, "valign": "top", "text_wrap": True},
    # Metadata sheet.
    "meta": {"font_name": FONT_NAME, "font_size": 11, "num_format": NUM_TEXT},
}

# Conditional formats for the check results (xlsxwriter needs Format objects here too).
CONDITIONAL: dict[str, dict] = {
    "fail": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
    "review": {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
    "ok": {"bg_color": "#C6EFCE", "font_color": "#006100"},
}


# Workbook options: rows one line high unless set (see ``core.sheetlayout``); text is always
# written as text (a form title or unit name starting with "=" never becomes a live formula,
# nor one that looks like a number or a link anything but text). Formulas use write_formula.
WORKBOOK_OPTIONS = {
    "default_row_height": ROW_PIXELS,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# What officers may still do on a protected sheet.
PROTECT_OPTIONS = dict.fromkeys(("select_locked_cells", "select_unlocked_cells", "format_columns", "format_rows", "insert_rows"), True)


def add_formats(workbook) -> dict[str, object]:
    """Create every style once for ``workbook``; returns ``name -> Format``."""
    formats = {name: workbook.add_format(style) for name, style in STYLES.items()}
    formats.update({f"cf_{name}": workbook.add_format(style) for name, style in CONDITIONAL.items()})
    for fill, colour in (("input", YELLOW), ("prior", GREY)):
        formats.update({f"tier_{fill}_{low}": workbook.add_format({"num_format": code, "bg_color": colour}) for low, code in NUM_TIERS})
    return formats


def input_style(indicator_type: str) -> str:
    """Name of the input cell style for an indicator type."""
    if indicator_type == C.TYPE_TEXT:
        return "input_text"
    return "input_decimal" if indicator_type == C.TYPE_DECIMAL else "input_whole"


def vietnamese_tiers(ws, fmt: dict, rows: list[int], cols: dict[int, str]) -> None:
    """Group numbers from 10^9 on by dots too in ``rows`` of ``cols`` (column -> its fill:
    ``input`` or ``prior``), by conditional formats (``NUM_WHOLE`` stops at three groups). The
    formats repeat the cells' fill: LibreOffice drops it from a text cell under one."""
    if not rows:
        return
    for col, fill in cols.items():
        cells = [xl_rowcol_to_cell(row, col) for row in rows]
        for low, _code in NUM_TIERS:
            options = {"type": "formula", "criteria": f"=AND(ISNUMBER({cells[0]}),{cells[0]}>={low})",
                       "format": fmt[f"tier_{fill}_{low}"], "multi_range": " ".join(cells)}  # fmt: skip
            ws.conditional_format(rows[0], col, rows[0], col, options)
