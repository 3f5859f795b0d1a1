"""The live self-checks of a template: each rule of a return as Excel formulas that show
"Đạt", "Chưa khớp" (errors) or "Cần xem lại" (warnings) while the officer types, and the
difference, written the Vietnamese way (+1.200.000), when it fails.

The formulas read a figure typed as text the way ``tonghop check`` does for the common case:
a hidden helper cell beside each input (``value_formula``) gives the number of ``1.200.000``,
``24 000 000`` or ``1200000`` typed as text (thousands grouped by dots, spaces or non-breaking
spaces, whatever the spreadsheet's locale), "" for a blank and ``#N/A`` for text that is no such
number. They read a subset of what ``tonghop check`` reads, always as the same number: every
text it refuses (``12 500.000``, which reads as 12.500 or 12.500.000; ``1.5``; ``abc``) is
``#N/A`` (tests/templates/test_template_text_numbers.py holds them to it in LibreOffice). A rule reading
``#N/A`` never shows "Đạt" nor a difference: it names the first such input and its text
(``UNREADABLE``), as the program's finding on that cell does. A helper cell of the rule's row
holds its difference. Only functions Excel, LibreOffice and WPS share
(IF, ISNUMBER, ISERROR, IFERROR, TRIM, SUBSTITUTE, VALUE, FIXED, TEXT, INT, ROUND, SUM, COUNT).
"""

from __future__ import annotations

from pipeline.core import constants as C
from pipeline.core.vnformat import format_signed
from pipeline.form.model import Rule

RESULT_OK, RESULT_FAIL, RESULT_REVIEW = "Đạt", "Chưa khớp", "Cần xem lại"
DIFFERENCE = "Chênh lệch: "
TEXT_NUMBER = "Có số nhập dạng chữ: kiểm tra lại"
UNREADABLE = "Ô {cell} có “{text}”: không rõ là số nào, hãy gõ số liền"
SHOWN_TEXT = 15  # characters of an unreadable input the note repeats
_COMPARE = {"==": "=", "<=": "<=", "<": "<", ">=": ">=", ">": ">"}
_SPACES = ("\u00a0", "\u202f")  # non-breaking spaces: typed, pasted, or a locale's thousands separator
_GROUPS = 5  # thousand groups written by ``vn_number_text`` (up to 999.999.999.999.999)


def value_formula(cell: str) -> str:
    """The helper formula reading input ``cell``: its number, also when typed as text with
    grouped thousands; "" when blank; ``#N/A`` for any other text."""
    trimmed = cell
    for space in _SPACES:
        trimmed = f'SUBSTITUTE({trimmed},"{space}"," ")'
    trimmed = f"TRIM({trimmed})"
    value = f'VALUE(SUBSTITUTE(SUBSTITUTE({trimmed},".","")," ",""))'
    grouped = f"FIXED({value},0)"  # grouped by the locale's separator: made dots below
    for mark in (",", " ", *_SPACES):
        grouped = f'SUBSTITUTE({grouped},"{mark}",".")'
    forms = f'{trimmed}=FIXED({value},0,TRUE),{trimmed}={grouped},{trimmed}=SUBSTITUTE({grouped},"."," ")'
    readable = f"IFERROR(IF(AND({value}>=0,OR({forms})),{value},NA()),NA())"
    return f'=IF(ISNUMBER({cell}),{cell},IF({trimmed}="","",{readable}))'


def difference_formula(rule: Rule, helpers: dict[str, str]) -> str:
    """The rule's left side minus its right side, from the helper cells of its inputs
    (``#N/A`` when one of them holds text that is no number)."""

    def side(terms) -> str:
        parts = [("-" if t.sign < 0 else "+") + (f"SUM({helpers[t.ref[0]]})" if t.ref else repr(float(t.constant))) for t in terms]
        return "".join(parts).lstrip("+") or "0"

    return f"=({side(rule.expression.lhs)})-({side(rule.expression.rhs)})"


def rule_formulas(
    rule: Rule, helpers: dict[str, str], diff_cell: str, status_cell: str, decimals: int, inputs: dict[str, str] | None = None
) -> tuple[str, str]:
    """Excel formulas giving the status of ``rule`` and, when it fails, the difference held in
    ``diff_cell``; with ``inputs`` (code -> input cell), a text that is no number is named."""
    fail = RESULT_REVIEW if rule.severity == C.Severity.WARNING else RESULT_FAIL
    status = f'IF(ROUND({diff_cell},6){_COMPARE[rule.expression.op]}0,"{RESULT_OK}","{fail}")'
    skip = rule.blank.excel_condition([helpers[code] for code in rule.codes])  # COUNT: numbers only, not ""
    if skip:
        status = f'IF({skip},"",{status})'
    status = f'IF(ISERROR({diff_cell}),"{fail}",{status})'
    shown = f'"{DIFFERENCE}"&IF({diff_cell}>0,"+",IF({diff_cell}<0,"-",""))&{vn_number_text(diff_cell, decimals)}'
    note = f'IF(ISERROR({diff_cell}),{unreadable_note(rule, helpers, inputs or {})},IF({status_cell}="{fail}",{shown},""))'
    return "=" + status, "=" + note


def unreadable_note(rule: Rule, helpers: dict[str, str], inputs: dict[str, str]) -> str:
    """A formula naming the first input of ``rule`` holding text that is no number, with its
    text (``UNREADABLE``); ``TEXT_NUMBER`` when none can be named."""
    note = f'"{TEXT_NUMBER}"'
    for code in reversed([code for code in dict.fromkeys(rule.codes) if code in inputs]):
        cell = inputs[code]
        head, tail = UNREADABLE.split("{text}")
        text = f'"{head.format(cell=cell)}"&LEFT(TRIM({cell}),{SHOWN_TEXT})&"{tail}"'
        note = f"IF(AND(ISNA({helpers[code]}),ISTEXT({cell})),{text},{note})"
    return note


def vn_number_text(cell: str, decimals: int = 0) -> str:
    """A formula writing the absolute value of ``cell`` the Vietnamese way (``1.200.000``,
    ``1,25``) in every locale: digit groups by arithmetic, never by the locale's separators.
    No MOD (Excel's fails on large quotients)."""
    whole = f"INT(ROUND(ABS({cell}),{decimals}))"

    def group(i: int) -> str:  # the i-th group of three digits, from the right
        return f'TEXT(INT({whole}/1E{3 * i})-INT({whole}/1E{3 * i + 3})*1000,"000")'

    text = f'{whole}&""'
    for n in range(1, _GROUPS):  # n + 1 groups from 10^(3n) on
        lead = f"INT({whole}/1E{3 * n})"
        text = f'IF({whole}<1E{3 * n},{text},{lead}&"."&' + '&"."&'.join(group(i) for i in range(n - 1, -1, -1)) + ")"
    if decimals:
        fraction = f"ROUND((ROUND(ABS({cell}),{decimals})-{whole})*1E{decimals},0)"
        text += f'&IF({fraction}>0,","&TEXT({fraction},"{"0" * decimals}"),"")'
    return text


def cached_results(rule: Rule) -> tuple[str, str]:
    """The results a blank template shows before any recalculation."""
    result = rule.expression.evaluate(lambda code, level: None, rule.blank)
    if result.status == C.RuleStatus.SKIPPED:
        return "", ""
    if result.status == C.RuleStatus.OK:
        return RESULT_OK, ""
    fail = RESULT_REVIEW if rule.severity == C.Severity.WARNING else RESULT_FAIL
    return fail, DIFFERENCE + format_signed(result.difference)
