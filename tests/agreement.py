"""Whether the outputs of a consolidation agree: each total of totals.csv is the sum of the
values of values.csv for its code and level, and the workbook's "Tổng hợp" shows that total."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl

from pipeline.core.constants import HEADER_CODE, LEVEL_ALL, NUMERIC_TYPES, TOTALS_CSV, VALUES_CSV, WHOLE_TYPES, WORKBOOK_XLSX
from pipeline.form.definition import load_form
from pipeline.workbook.book import SHEET_TOTALS


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= Decimal("1e-9") * max(Decimal(1), abs(a), abs(b))


def sums_of_values(out_dir: Path) -> dict[tuple[str, str], Decimal]:
    """``(code, level) -> the exact sum`` of values.csv, for every level and ``all``."""
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    form = load_form(run["form"])
    level_of = {u["code"]: u["level"] for u in run["units"]}
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in _rows(out_dir / VALUES_CSV):
        if form.indicators[row["code"]].type in NUMERIC_TYPES:
            value = Decimal(row["value"])
            sums[(row["code"], level_of[row["unit_code"]])] += value
            sums[(row["code"], LEVEL_ALL)] += value
    return dict(sums)


def workbook_totals(out_dir: Path, form) -> dict[tuple[str, str], object]:
    """``(code, level) -> the cell's value`` of every total on the workbook's "Tổng hợp" sheet."""
    ws = openpyxl.load_workbook(out_dir / WORKBOOK_XLSX, read_only=True)[SHEET_TOTALS]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    labels = {form.level_label(level): level for level in [*form.levels, LEVEL_ALL]}
    top = next(i for i, row in enumerate(rows) if HEADER_CODE in row and form.level_label(LEVEL_ALL) in row)
    code_col = rows[top].index(HEADER_CODE)
    level_cols = {labels[name]: col for col, name in enumerate(rows[top]) if name in labels}
    cells = {}
    for row in rows[top + 1 :]:
        code = row[code_col] if code_col < len(row) else None
        if code in form.indicators:
            for level, col in level_cols.items():
                cells[(code, level)] = row[col] if col < len(row) else None
    return cells


def assert_outputs_agree(out_dir: Path) -> dict[tuple[str, str], Decimal]:
    """Assert the agreement; returns the totals of totals.csv as exact decimals."""
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    form = load_form(run["form"])
    totals = {(row["code"], row["level"]): Decimal(row["value"]) for row in _rows(out_dir / TOTALS_CSV)}
    sums = sums_of_values(out_dir)
    assert set(totals) == set(sums), set(totals) ^ set(sums)
    for key, total in totals.items():
        if form.indicators[key[0]].type in WHOLE_TYPES:
            assert total == sums[key] and total == int(total), (key, total, sums[key])
        else:
            assert _close(total, sums[key]), (key, total, sums[key])
    for key, cell in workbook_totals(out_dir, form).items():
        if key not in totals:
            assert cell is None, (key, cell)
        else:
            assert isinstance(cell, (int, float)) and not isinstance(cell, bool), (key, cell)
            # a cell keeps the total to the 16 significant digits XlsxWriter writes (Excel shows 15)
            kept = float(f"{float(totals[key]):.16G}")
            assert _close(Decimal(cell), totals[key]) and cell == kept, (key, cell, totals[key])
    return totals
