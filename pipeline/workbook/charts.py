"""Sheet 7 of the consolidated workbook, ``Biểu đồ``: native charts listed in ``charts.csv``.

``charts.csv`` (``chart,title,type,codes,level``; codes and levels separated by ``;``) is
read from the form's folder, else from the bundled definitions. Types:

* ``pie``: a slice per code, at ``level``;
* ``pie_total``: the last code is the whole, the others its parts; a slice
  ``Chưa rõ nguồn`` shows what the parts leave unexplained, when positive;
* ``column`` / ``bar``: a bar per code, a series per level listed in ``level``;
* ``units``: a bar per unit of ``level`` (every unit for ``all``) for the first code.

A chart naming a code or level the form does not have, or with nothing to show, is
skipped. Each chart sits beside its data table, whose cells refer to ``Tổng hợp``.
"""

from __future__ import annotations

import csv
import numbers
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL
from pipeline.core.errors import FormDefinitionError, Msg
from pipeline.workbook.formats import CHART_FONT, CHART_TITLE_FONT, NUM_WHOLE
from pipeline.workbook.layout import write_text

SHEET_CHARTS = "Biểu đồ"
CHARTS_CSV = "charts.csv"
CHART_COLUMNS = ("chart", "title", "type", "codes", "level")
CHART_TYPES = ("pie", "pie_total", "column", "bar", "units")
REMAINDER_LABEL = "Chưa rõ nguồn"
UNITS_CHART_MAX = 30  # more units than this: the largest ones
BLOCK_ROWS = 20  # rows per chart (the chart is 20 rows high)
CHARTS_PER_PAGE = 2
CHART_SIZE = {"width": 640, "height": 400}
LABEL_WIDTH = 46


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str
    type: str
    codes: tuple[str, ...]
    levels: tuple[str, ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def load_charts(folder: str | Path | None = None) -> list[ChartSpec]:
    """The charts of ``folder/charts.csv`` (default: the bundled one); none if there is no file.

    :raises FormDefinitionError: a missing column or an unknown chart type, with its line.
    """
    path = Path(folder or settings.DEFINITIONS_DIR) / CHARTS_CSV
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [(h or "").strip() for h in reader.fieldnames or []]
        missing = [c for c in CHART_COLUMNS if c not in header]
        if missing:
            raise FormDefinitionError(
                Msg.FORM_002.render(where=f"{CHARTS_CSV} › dòng 1", columns=", ".join(missing), expected=",".join(CHART_COLUMNS))
            )
        reader.fieldnames = header
        specs = []
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(row.values()):
                continue
            if row["type"] not in CHART_TYPES:
                where = f"{CHARTS_CSV} › dòng {line}"
                raise FormDefinitionError(
                    Msg.FORM_007.render(where=where, column="type", value=row["type"], allowed=", ".join(CHART_TYPES))
                )
            specs.append(ChartSpec(row["chart"], row["title"], row["type"], _split(row["codes"]), _split(row["level"]) or (LEVEL_ALL,)))
    return specs


def _usable(spec: ChartSpec, result: ConsolidationResult) -> bool:
    levels = {*result.levels, LEVEL_ALL}
    return bool(spec.codes) and all(c in result.form.indicators for c in spec.codes) and all(lv in levels for lv in spec.levels)


def _label(result: ConsolidationResult, code: str) -> str:
    label = result.form.indicators[code].label.removeprefix("Trong đó:").strip()
    return label[:1].upper() + label[1:]


def _number(value) -> float:
    return float(value) if isinstance(value, numbers.Real) and value == value else 0.0


def write_charts(workbook, fmt: dict, result: ConsolidationResult, totals_sheet: str, layout) -> None:
    """Add ``Biểu đồ`` with every usable chart of ``charts.csv``; nothing when none is usable."""
    own = Path(result.form.source) / CHARTS_CSV
    specs = [s for s in load_charts(own.parent if own.is_file() else None) if _usable(s, result)]
    blocks = [(spec, table) for spec in specs if (table := _table(spec, result, totals_sheet, layout))]
    if not blocks:
        return
    ws = workbook.add_worksheet(SHEET_CHARTS)
    widest = max(len(table[0]) for _, table in blocks)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, widest - 1, 16)
    ws.set_column(widest, widest, 3)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_footer('&C&"Times New Roman"&11Trang &P/&N')
    row, breaks = 0, []
    for number, (spec, table) in enumerate(blocks):
        if number and number % CHARTS_PER_PAGE == 0:
            breaks.append(row)
        _write_block(workbook, ws, fmt, row, spec, table, widest + 1)
        row += max(BLOCK_ROWS, len(table) + 3) + 1
    ws.set_h_pagebreaks(breaks)


def _ref(sheet: str, row: int, col: int) -> str:
    return f"{quote_sheetname(sheet)}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


def _table(spec: ChartSpec, result: ConsolidationResult, sheet: str, layout) -> list[list] | None:
    """The chart's data: a header row, then ``[label, (formula, value), ...]`` rows; ``None`` if empty."""
    form = result.form

    def cell(code: str, level: str):
        return f"={_ref(sheet, layout.rows[code], layout.cols[level])}", _number(result.total(code, level))

    if spec.type == "units":
        return _units_table(spec, result)
    level = spec.levels[0]
    parts = spec.codes[:-1] if spec.type == "pie_total" else spec.codes
    if spec.type in ("pie", "pie_total"):
        rows = [[_label(result, c), cell(c, level)] for c in parts]
        header = ["Nội dung", form.level_label(level)]
    else:
        rows = [[_label(result, c), *(cell(c, lv) for lv in spec.levels)] for c in parts]
        header = ["Nội dung", *(form.level_label(lv) for lv in spec.levels)]
    if spec.type == "pie_total":
        whole = spec.codes[-1]
        rest = _number(result.total(whole, level)) - sum(r[1][1] for r in rows)
        if rest > 0:
            formula = f"={_ref(sheet, layout.rows[whole], layout.cols[level])}-SUM({','.join(_ref(sheet, layout.rows[c], layout.cols[level]) for c in parts)})"
            rows.append([REMAINDER_LABEL, (formula, rest)])
    if not any(v[1] for r in rows for v in r[1:]):
        return None
    return [header, *rows]


def _units_table(spec: ChartSpec, result: ConsolidationResult) -> list[list] | None:
    code, level = spec.codes[0], spec.levels[0]
    v = result.values[result.values["code"] == code]
    if level != LEVEL_ALL:
        v = v[v["level"] == level]
    pairs = [(name, _number(value)) for name, value in zip(v["unit_name"], v["value"], strict=True)]
    if len(pairs) > UNITS_CHART_MAX:
        pairs = sorted(pairs, key=lambda p: -p[1])[:UNITS_CHART_MAX]
    if not any(value for _, value in pairs):
        return None
    unit = result.form.indicators[code].unit
    return [["Đơn vị", f"Số liệu ({unit})" if unit else "Số liệu"], *([name, (None, value)] for name, value in pairs)]


def _write_block(workbook, ws, fmt: dict, row: int, spec: ChartSpec, table: list[list], ncols: int) -> None:
    """The data table at ``row`` and its chart to the right of it."""
    header, *rows = table
    ws.write_string(row, 0, spec.title, fmt["chart_title"])
    for col, name in enumerate(header):
        ws.write_string(row + 1, col, name, fmt["th"])
    for i, data in enumerate(rows, start=row + 2):
        write_text(ws, i, 0, data[0], fmt["wrap"])
        for col, (formula, value) in enumerate(data[1:], start=1):
            if formula:
                ws.write_formula(i, col, formula, fmt["num"], value)
            else:
                ws.write_number(i, col, value, fmt["num"])
    first, last = row + 2, row + 1 + len(rows)
    chart = _chart(workbook, spec)
    name = quote_sheetname(SHEET_CHARTS)
    for col in range(1, len(header)):
        chart.add_series({
            "name": [SHEET_CHARTS, row + 1, col] if len(header) > 2 else spec.title,
            "categories": f"={name}!{xl_rowcol_to_cell(first, 0, True, True)}:{xl_rowcol_to_cell(last, 0, True, True)}",
            "values": f"={name}!{xl_rowcol_to_cell(first, col, True, True)}:{xl_rowcol_to_cell(last, col, True, True)}",
            "data_labels": _data_labels(spec),
        })  # fmt: skip
    chart.set_title({"name": spec.title, "name_font": CHART_TITLE_FONT})
    chart.set_legend({"position": "bottom" if spec.type != "units" else "none", "font": CHART_FONT})
    chart.set_size(CHART_SIZE)
    ws.insert_chart(row, ncols, chart, {"x_offset": 10, "y_offset": 6})


def _chart(workbook, spec: ChartSpec):
    if spec.type in ("pie", "pie_total"):
        return workbook.add_chart({"type": "pie"})
    chart = workbook.add_chart({"type": "bar" if spec.type in ("bar", "units") else "column"})
    # Every bar carries its value, so the value axis only gives the gridlines.
    value_axis = {"visible": False, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    horizontal = spec.type in ("bar", "units")
    category_axis = {"num_font": CHART_FONT, **({"reverse": True, "crossing": "max"} if horizontal else {})}
    chart.set_x_axis(category_axis if spec.type == "column" else value_axis)
    chart.set_y_axis(value_axis if spec.type == "column" else category_axis)
    return chart


def _data_labels(spec: ChartSpec) -> dict:
    if spec.type in ("pie", "pie_total"):
        return {"percentage": True, "leader_lines": True, "position": "best_fit", "font": CHART_FONT}
    return {"value": True, "num_format": NUM_WHOLE, "font": CHART_FONT}
