"""Write docs/findings.md, the table of finding types, from the message catalogue.

Every finding type is an entry of ``Msg`` in ``pipeline/core/errors.py`` (its slug, its
Vietnamese label); what it means and its usual severity are the notes below, in English for
developers. A type the notes do not cover yet is still listed, with its catalogue title, so
the table never leaves one out. ``tests/test_docs.py`` fails when the committed file differs
from what this script writes: after changing the catalogue or a note, run

    python docs/make_findings.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from pipeline.core.errors import Msg  # noqa: E402

TARGET = HERE / "findings.md"

INTRO = """\
<!-- Written by docs/make_findings.py from pipeline/core/errors.py; do not edit by hand. -->
# Finding types

Each type is one entry of the message catalogue (`Msg` in `pipeline/core/errors.py`), which binds
its slug (the `rule` column of `findings.csv`), its Vietnamese label (the "Quy tắc" column of
"Các vấn đề") and its message: `problem(Msg.VALUE_002, Severity.ERROR, file=…, cell=…, value=…)`.

| type | entry | severity | "Quy tắc" | what it means |
|---|---|---|---|---|
"""

OUTRO = """
Exit codes follow the [table of commands](architecture.md#commands). A finding never stops the run;
only a broken form definition or an output that cannot be written does (exit 2, `Lỗi: …`).
"""

# slug: (severity, what it means). Severity "the rule's" is the form's rule's own severity.
NOTES: dict[str, tuple[str, str]] = {
    "missing-unit": ("error", "a unit of the list has no usable return"),
    "not-a-workbook": ("warning", "the file is not a readable spreadsheet (PDF, image, broken zip, …)"),
    "encrypted": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "over-limit": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "hostile-file": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "unsupported-format": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "symlink": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "reader-crash": ("warning", "the file is rejected whole; see [Bad files and limits](limits.md#bad-files-and-limits)"),
    "zip-refused": (
        "warning",
        "a zip of returns refused whole (damaged, password, a limit, nested too deep), or an archive to extract (`.rar`, `.7z`, a zip under another name)",
    ),
    "archive-to-extract": (
        "warning",
        "a zip of returns refused whole (damaged, password, a limit, nested too deep), or an archive to extract (`.rar`, `.7z`, a zip under another name)",
    ),
    "name-encoding": ("warning", "the file's name is not UTF-8; it is read and used, shown by its name decoded as Windows-1258"),
    "lock-file": ("info", "an Office lock file `~$…`"),
    "files-summarised": (
        "the type's",
        "more than 20 files with the same file finding (the `rule` column names that type): one row says how many, with an example; each file is in `files.csv`",
    ),
    "superseded": ("info", "an older return of a unit that sent several; the changed values are listed"),
    "future-saved-time": (
        "warning",
        "a return's saved time is later than the run (plus a day): not used to choose the newest, the file's time stands in",
    ),
    "superseded-finding": (
        "info",
        "a finding of such an older return, kept at its own file and cell: it counts as no error and marks no cell",
    ),
    "no-metadata": ("warning", "the file is not one of our templates"),
    "wrong-form": ("warning", "the return is rejected; the message says which template to use"),
    "wrong-version": ("warning", "the return is rejected; the message says which template to use"),
    "wrong-period": ("warning", "the return is rejected; the message says which template to use"),
    "unknown-unit": ("warning", "the return is rejected; the message says which template to use"),
    "form-changed": ("info", "the template was made from an edited form of the same version"),
    "level-mismatch": ("warning", "the return's level differs from the unit list (the list wins)"),
    "no-data-table": (
        "warning",
        "no header row with `Mã` and `Số liệu`, and no column of indicator codes under a row of the template's headers",
    ),
    "heading-mismatch": (
        "warning",
        "the heading's \"Đơn vị báo cáo\" line names another unit than the file's metadata (a sheet copied from another unit's return); both are named",
    ),
    "metadata-mismatch": (
        "warning",
        "the hidden sheet `_tonghop` and the document properties name two units; the sheet is used, both are named",
    ),
    "unit-codes-padded": (
        "warning",
        "the unit list's codes lost their leading zeros (Excel re-saved `units.csv`); they were padded to the width the returns show",
    ),
    "unused-sheet": ("warning", 'another sheet holds codes too (a draft copy of "Báo cáo"): it is named, and its values are not used'),
    "missing-value": ("error", "a required indicator is blank"),
    "missing-row": ("error", "a required indicator's row was deleted"),
    "not-a-number": ("error", "the value cannot be used; the cell is named"),
    "not-whole": ("error", "the value cannot be used; the cell is named"),
    "negative": ("error", "the value cannot be used; the cell is named"),
    "ambiguous-value": ("error", "the value cannot be used; the cell is named"),
    "out-of-bounds": ("error", "the value cannot be used; the cell is named"),
    "interpreted-value": ("info", "a value typed as text (`120.341.560`, `30 triệu`, `-`, `23 đơn`) and how it was read"),
    "money-on-count": (
        "warning",
        "money wording on a count (`500k`, `30 triệu`, `12 đồng` khu dân cư): not consolidated; the message gives the reading, to type it bare if it is right",
    ),
    "formula-without-value": ("error", "a formula whose result was never saved: open in Excel, save, resend"),
    "formula-error": (
        "error",
        "a cell showing a formula error (`#N/A`, `#DIV/0!`, `#REF!`, …): the error is named and explained; fix the formula or type the figure",
    ),
    "empty-return": ("warning", "a return with nothing typed in it (a blank template): not counted as the unit's return"),
    "duplicate-code": ("error", "an indicator appears twice in one return"),
    "unknown-code": ("warning", "a value beside a code the form does not have, or not for this unit's level"),
    "not-for-level": ("warning", "a value beside a code the form does not have, or not for this unit's level"),
    "wrong-column": ("error", "a figure typed beside its cell instead of in the `Số liệu` column"),
    "uncoded-value": ("warning", "a figure on a row without a code (an inserted row): not consolidated, never dropped silently"),
    "legacy-encoding": ("info", "text typed in TCVN3 or VNI, converted to Unicode before reading"),
    "recognised-without-metadata": ("warning", "the template's identity was removed; recognised by codes and unit name"),
    "relation-failed": ("the rule's", "a rule of `rules.csv` does not hold; both sides and the difference are given"),
    "relation-not-evaluated": (
        "info",
        "a rule of a return not evaluated because an operand's cell was rejected; the rule, the operands and their cells are named (see [Rules over a rejected value](returns.md#rules-over-a-rejected-value))",
    ),
    "relation-failed-incomplete": (
        "warning",
        "a rule fails on a level's total that lacks rejected values of its codes; each value left out is named (one per rule and level; the cause is the rejected cell's error)",
    ),
    "ambiguous-newest": (
        "warning",
        "two returns of a unit with the same saved time and file time but different figures: both files and every figure that differs are named (see [Which return is used](returns.md#which-return-is-used))",
    ),
    "duplicate-return": (
        "info",
        "a second copy of a return with the same times and figures, counted once; a finding of a copy not used, kept at its place",
    ),
    "unused-copy-finding": (
        "info",
        "a second copy of a return with the same times and figures, counted once; a finding of a copy not used, kept at its place",
    ),
    "own-forward": (
        "warning",
        "the committee's own consolidation filled in with `tonghop forward` lies among the returns: not used as a return (whatever form the upper template is on)",
    ),
    "forward-report": ("info", "the `_ghi_chu.csv` report `tonghop forward` writes beside that file lies among the returns: not read"),
    "value-header-renamed": ("info", "the value column's header was typed over or cleared; the table was found by its codes"),
    "no-value-column": ("warning", "codes found but no column of figures: the cell where `Số liệu` was expected is named"),
    "prior-outlier": ("warning", "a total changed more than `--factor` times against the prior period"),
    "prior-period-mismatch": ("warning", "the `--prior` figures are not of the period a year before (the comparison is still made)"),
    "crosswalk-split": (
        "info",
        "a unit received part of an old unit split across several new ones: compared only through the level totals",
    ),
    "crosswalk-old-unknown": (
        "warning",
        "a `--crosswalk` row names an old code the per-unit prior figures lack, or a new code the unit list lacks",
    ),
    "crosswalk-new-unknown": (
        "warning",
        "a `--crosswalk` row names an old code the per-unit prior figures lack, or a new code the unit list lacks",
    ),
    "totals-levels-differ": (
        "warning",
        'found by `tonghop report` in a consolidation folder whose CSVs were edited: `all` is not the sum of the levels, a total is not the sum of `values.csv` for its code and level, a figure in scientific notation has fewer digits than its whole part; the row and both figures are named, on the terminal and in "Số liệu cần xác minh"',
    ),
    "totals-values-differ": (
        "warning",
        'found by `tonghop report` in a consolidation folder whose CSVs were edited: `all` is not the sum of the levels, a total is not the sum of `values.csv` for its code and level, a figure in scientific notation has fewer digits than its whole part; the row and both figures are named, on the terminal and in "Số liệu cần xác minh"',
    ),
    "figure-rounded": (
        "warning",
        'found by `tonghop report` in a consolidation folder whose CSVs were edited: `all` is not the sum of the levels, a total is not the sum of `values.csv` for its code and level, a figure in scientific notation has fewer digits than its whole part; the row and both figures are named, on the terminal and in "Số liệu cần xác minh"',
    ),
    "other-unit-link": ("error", "a file sent through a unit's link is another unit's return: kept, not accepted; both units are named"),
    "forward-not-consolidated": (
        "warning",
        "`tonghop forward`: an indicator of the upper form that our consolidation lacks; its cell is left blank",
    ),
    "forward-no-total": ("warning", "`tonghop forward`: an indicator of the upper form that no unit reported; its cell is left blank"),
    "forward-not-asked": ("info", "`tonghop forward`: a total of ours that the upper form does not ask for; not sent"),
    "forward-other-period": ("warning", "`tonghop forward --force`: the upper template is for another period than our figures"),
    "forward-other-unit": ("warning", "`tonghop forward --force`: the upper template names another committee than ours"),
    "forward-unit-missing": ("warning", "`tonghop forward`: a unit without a usable return, so the totals sent up lack its part"),
    "forward-value-rejected": ("warning", "`tonghop forward`: a value rejected when consolidating, so not in the totals sent up"),
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def findings_markdown() -> str:
    """The whole of docs/findings.md: one row per finding type, in catalogue order."""
    rows = []
    for msg in Msg.findings():
        severity, meaning = NOTES.get(msg.slug, ("", msg.title))
        rows.append(f"| `{msg.slug}` | `{msg.name}` | {severity} | {_cell(msg.label)} | {meaning} |\n")
    return INTRO + "".join(rows) + OUTRO


def main() -> None:
    TARGET.write_text(findings_markdown(), encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
