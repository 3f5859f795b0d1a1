"""Cell styles of the consolidated workbook, as plain xlsxwriter format dicts.

``add_formats(workbook)`` turns every dict into a ``Format`` once per workbook; the sheet
writers look them up by name. Styles a finding can mark (``num``, ``cell``, ...) also
exist as ``<name>_<mark>`` with the mark's fill: ``num_warning``, ``cell_error``, ...

Number formats carry the Vietnamese locale ``[$-42A]`` so that LibreOffice shows
862.796.456 (dots between thousands, comma before decimals) whatever the machine's
locale; see ``pipeline/write_xlsx.py`` for the reasoning.
"""

from __future__ import annotations

from pipeline.core.constants import Severity
from pipeline.core.sheetlayout import ROW_PIXELS
from pipeline.templates.formats import _CELL, BASE, FONT_NAME, FONT_SIZE, HEADER_FILL, TABLE_STYLES  # one look for both workbooks

LOCALE_VI = "[$-42A]"
NUM_WHOLE = LOCALE_VI + "#,##0"
NUM_DECIMAL = LOCALE_VI + "#,##0.0#"
NUM_SIGNED = LOCALE_VI + "+#,##0;-#,##0;0"

ERROR_FILL = "#FF9999"
WARNING_FILL = "#FFCC99"
INFO_FILL = "#E4DFEC"
FLAG_FILL = "#FFFF99"
OK_FILL = "#E2EFDA"

FLAG = "flag"
MARK_MISSING = "missing"  # a unit without a return (not the submission status of the same name)
# Fills of the cells concerned by a finding (by severity), an outlier or a missing unit.
MARKS: dict[str, dict] = {
    Severity.ERROR: {"bg_color": ERROR_FILL, "font_color": "#7F0000"},
    Severity.WARNING: {"bg_color": WARNING_FILL, "font_color": "#7F3F00"},
    Severity.INFO: {"bg_color": INFO_FILL},
    FLAG: {"bg_color": FLAG_FILL},
    MARK_MISSING: {"bg_color": ERROR_FILL, "font_color": "#7F0000"},
}


STYLES: dict[str, dict] = {
    # Heading block.
    "committee": {**BASE, "bold": True},
    "title": {**BASE, "font_size": 14, "bold": True, "align": "center", "text_wrap": True},
    "info": {**BASE},
    "hint": {**BASE, "italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "subtitle": {**BASE, "bold": True},
    # Table header and form rows.
    **TABLE_STYLES,
    "th_missing": {**_CELL, "bold": True, "align": "center", "text_wrap": True, **MARKS[MARK_MISSING]},
    # Body cells (markable).
    "num": {**_CELL, "num_format": NUM_WHOLE},
    "dec": {**_CELL, "num_format": NUM_DECIMAL},
    "signed": {**_CELL, "num_format": NUM_SIGNED},
    "cell": {**_CELL},
    "wrap": {**_CELL, "text_wrap": True},
    "center": {**_CELL, "align": "center"},
    "ok": {**_CELL, "align": "center", "bg_color": OK_FILL},
    # Column formats of the large sheets (no border: cells carry no format of their own).
    "col_text": {**BASE, "indent": 1},
    "col_num": {**BASE, "num_format": NUM_WHOLE},
    "col_dec": {**BASE, "num_format": NUM_DECIMAL},
    "col_th": {**BASE, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL, "border": 1},
    # Biểu đồ sheet.
    "chart_title": {**BASE, "bold": True, "font_size": 13},
}
MARKABLE = ("num", "dec", "signed", "cell", "wrap", "center", "col_text", "col_num", "col_dec")
STYLES.update({f"{name}_{mark}": {**STYLES[name], **fill} for name in MARKABLE for mark, fill in MARKS.items()})

# Fonts of the charts (xlsxwriter font dicts).
CHART_FONT = {"name": FONT_NAME, "size": 11}
CHART_TITLE_FONT = {"name": FONT_NAME, "size": 13, "bold": True}

# Cell comments: Times New Roman, in a box sized for its text.
COMMENT_FONT = {"font_name": FONT_NAME, "font_size": 11}
COMMENT_AUTHOR = "Tổng hợp số liệu"

# Workbook-wide default font (empty cells, comments' defaults, default row height).
WORKBOOK_OPTIONS = {
    "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
    "default_row_height": ROW_PIXELS,  # one line of 12pt Times New Roman
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def add_formats(workbook) -> dict[str, object]:
    """Create every style once for ``workbook``; returns ``name -> Format``."""
    return {name: workbook.add_format(style) for name, style in STYLES.items()}


def marked(name: str, mark: str | None) -> str:
    """The style ``name`` with ``mark``'s fill (``num`` + ``warning`` -> ``num_warning``)."""
    return f"{name}_{mark}" if mark else name
