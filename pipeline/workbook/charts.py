"""Sheet 7 of the consolidated workbook, ``Biểu đồ``: the form's charts (``form.charts``,
read from ``charts.csv`` with the form, see ``pipeline.form.charts``) as native charts.

* ``parts``: a pie of the parts at the chart's level, with a slice ``remainder`` for what
  the parts leave of the total, when positive and the chart names a remainder;
* ``levels``: a clustered column chart, a group of columns per code and a series per level;
* ``units``: a bar per unit of the chart's levels (the largest ``UNITS_CHART_MAX``).

A chart with nothing to show (no figures, or none of its levels in this consolidation) is
left out. Each chart sits beside its data table, whose cells refer to ``Tổng hợp``.
"""

from __future__ import annotations

import numbers

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import LEVEL_ALL
from pipeline.form.charts import KIND_LEVELS, KIND_PARTS, KIND_UNITS, ChartSpec
from pipeline.workbook.formats import CHART_FONT, CHART_TITLE_FONT, NUM_WHOLE
from pipeline.workbook.layout import write_text

SHEET_CHARTS = "Biểu đồ"
UNITS_CHART_MAX = 30  # more units than this: the largest ones
BLOCK_ROWS = 20  # rows per chart (the chart is 20 rows high)
CHARTS_PER_PAGE = 2
CHART_SIZE = {"width": 640, "height": 400}
LABEL_WIDTH = 46


def _number(value) -> float:
    return float(value) if isinstance(value, numbers.Real) and value == value else 0.0


def write_charts(workbook, fmt: dict, result: ConsolidationResult, totals_sheet: str, layout) -> None:
    """Add ``Biểu đồ`` with every chart of ``result.form.charts`` that has something to show;
    nothing when none has."""
    tables = ((spec, _table(spec, result, totals_sheet, layout)) for spec in result.form.charts)
    blocks = [(spec, table) for spec, table in tables if table]
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
    if spec.kind == KIND_UNITS:
        return _units_table(spec, result)
    levels = [lv for lv in spec.levels if lv in layout.cols]  # a level without units has no column
    if not levels:
        return None

    def cell(code: str, level: str):
        return f"={_ref(sheet, layout.rows[code], layout.cols[level])}", _number(result.total(code, level))

    if spec.kind == KIND_PARTS:
        rows = _parts_rows(spec, result, sheet, layout, cell)
    else:
        rows = [[label, *(cell(c, lv) for lv in levels)] for label, c in zip(spec.labels, spec.codes, strict=True)]
    if not any(v[1] for r in rows for v in r[1:]):
        return None
    return [["Nội dung", *(result.form.level_label(lv) for lv in levels)], *rows]


def _parts_rows(spec: ChartSpec, result: ConsolidationResult, sheet: str, layout, cell) -> list[list]:
    """A row per part, then the remainder (the total less the parts) when positive and named."""
    level, (whole, *parts) = spec.levels[0], spec.codes
    rows = [[label, cell(c, level)] for label, c in zip(spec.labels[1:], parts, strict=True)]
    rest = _number(result.total(whole, level)) - sum(r[1][1] for r in rows)
    if rest > 0 and spec.remainder:
        col = layout.cols[level]
        formula = f"={_ref(sheet, layout.rows[whole], col)}-SUM({','.join(_ref(sheet, layout.rows[c], col) for c in parts)})"
        rows.append([spec.remainder, (formula, rest)])
    return rows


def _units_table(spec: ChartSpec, result: ConsolidationResult) -> list[list] | None:
    code = spec.codes[0]
    v = result.values[result.values["code"] == code]
    if LEVEL_ALL not in spec.levels:
        v = v[v["level"].isin(spec.levels)]
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
    chart.set_legend({"position": "bottom" if spec.kind != KIND_UNITS else "none", "font": CHART_FONT})
    chart.set_size(CHART_SIZE)
    ws.insert_chart(row, ncols, chart, {"x_offset": 10, "y_offset": 6})


def _chart(workbook, spec: ChartSpec):
    """``parts``: a pie; ``levels``: clustered columns; ``units``: horizontal bars."""
    if spec.kind == KIND_PARTS:
        return workbook.add_chart({"type": "pie"})
    columns = spec.kind == KIND_LEVELS
    chart = workbook.add_chart({"type": "column" if columns else "bar"})
    # Every bar carries its value, so the value axis only gives the gridlines.
    value_axis = {"visible": False, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    category_axis = {"num_font": CHART_FONT, **({} if columns else {"reverse": True, "crossing": "max"})}
    chart.set_x_axis(category_axis if columns else value_axis)
    chart.set_y_axis(value_axis if columns else category_axis)
    return chart


def _data_labels(spec: ChartSpec) -> dict:
    if spec.kind == KIND_PARTS:
        return {"percentage": True, "leader_lines": True, "position": "best_fit", "font": CHART_FONT}
    return {"value": True, "num_format": NUM_WHOLE, "font": CHART_FONT}
