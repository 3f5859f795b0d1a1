"""Charts for the Word appendix, drawn with matplotlib (Agg) as PNG files.

Which charts to draw is the form's (``form.charts``, read from ``charts.csv`` with the form,
see ``pipeline.form.charts``):

* ``parts``: horizontal bars of the parts at the chart's level, then the remainder (what
  the parts leave of the total) when the chart names one; the note gives the total;
* ``levels``: each code at each level that has figures, a group of columns per level;
* ``units``: one bar per unit of the chart's levels, from values.csv; the note names the
  units without a figure.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.appendix.sentences import Figures
from pipeline.core.constants import LEVEL_ALL, TYPE_MONEY
from pipeline.core.vnformat import format_number
from pipeline.form.charts import KIND_PARTS, KIND_UNITS, ChartSpec
from pipeline.form.model import FormDefinition, Unit

# DejaVu Sans ships with matplotlib and has every Vietnamese glyph; a system "Liberation Serif"
# may be the 1.x release, which lacks the stacked diacritics (ệ, ồ, ữ).
FONT = {"font.family": "DejaVu Sans", "font.size": 10}
COLORS = ("#1f4e79", "#2e75b6", "#9dc3e6", "#548235", "#a9d18e", "#bf9000")
REMAINDER_COLOR = "#c00000"
WIDTH_IN, DPI = 6.3, 200


@dataclass
class Chart:
    spec: ChartSpec
    path: Path
    note: str = ""


def _unit(spec: ChartSpec, form: FormDefinition) -> str:
    return form.indicators[spec.codes[0]].unit


def _scale(values: list[float], spec: ChartSpec, form: FormDefinition) -> tuple[float, str]:
    """Divide the axis by a million for money figures in the millions."""
    money = all(form.indicators[c].type == TYPE_MONEY for c in spec.codes)
    return (1e6, "triệu đồng") if money and max(values, default=0) >= 1e6 else (1.0, _unit(spec, form))


def _axes(height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _hbar(labels: list[str], values: list[float], colors: list[str], spec: ChartSpec, form: FormDefinition):
    from matplotlib.ticker import FuncFormatter

    scale, unit = _scale(values, spec, form)
    fig, ax = _axes(0.9 + 0.42 * len(values))
    y = range(len(values))
    ax.barh(y, values, color=colors, height=0.6)
    ax.set_yticks(list(y), [textwrap.fill(text, 34) for text in labels])
    ax.invert_yaxis()
    for i, value in enumerate(values):
        ax.text(value, i, " " + format_number(value), va="center", fontsize=9)
    ax.set_xlim(0, max(values, default=1) * 1.28 or 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v / scale)))
    ax.set_xlabel(unit)
    return fig


def _parts(spec: ChartSpec, figures: Figures):
    level = spec.levels[0]
    got = [figures.totals.get((code, level)) for code in spec.codes]
    if any(v is None for v in got):
        return None, "thiếu số liệu"
    total, parts = got[0], got[1:]
    labels = list(spec.labels[1:])
    colors = [COLORS[i % len(COLORS)] for i in range(len(parts))]
    rest = total - sum(parts)
    unit = _unit(spec, figures.form)
    note = f"{spec.labels[0]}: {format_number(total)} {unit}"
    if rest > 0 and spec.remainder:
        labels, parts, colors = [*labels, spec.remainder], [*parts, rest], [*colors, REMAINDER_COLOR]
        note += f"; {spec.remainder.lower()}: {format_number(rest)} {unit}"
    elif rest < 0:
        note += f"; các nguồn cộng lại vượt tổng số {format_number(-rest)} {unit}"
    return _hbar(labels, parts, colors, spec, figures.form), note + "."


def _levels(spec: ChartSpec, figures: Figures):
    levels = [lv for lv in spec.levels if any((code, lv) in figures.totals for code in spec.codes)]
    if not levels:
        return None, "thiếu số liệu"
    fig, ax = _axes(3.2)
    width = 0.8 / len(spec.codes)
    for j, code in enumerate(spec.codes):
        xs = [i + (j - (len(spec.codes) - 1) / 2) * width for i in range(len(levels))]
        values = [figures.totals.get((code, lv), math.nan) for lv in levels]  # not reported: no bar, no label
        bars = ax.bar(xs, values, width * 0.95, color=COLORS[j % len(COLORS)], label=spec.labels[j])
        ax.bar_label(bars, [format_number(v) for v in values], fontsize=9, padding=2)
    ax.set_xticks(range(len(levels)), [figures.form.level_label(lv) for lv in levels])
    ax.set_ylabel(_unit(spec, figures.form))
    ax.margins(y=0.15)
    ax.legend(frameon=False)
    return fig, ""


def _units(spec: ChartSpec, figures: Figures, values: pd.DataFrame, units: list[Unit]):
    wanted = [u for u in units if LEVEL_ALL in spec.levels or u.level in spec.levels]
    rows = values[values["code"] == spec.codes[0]]
    by_unit = dict(zip(rows["unit_code"], pd.to_numeric(rows["value"], errors="coerce"), strict=True))
    shown = [(u.name, by_unit[u.code]) for u in wanted if pd.notna(by_unit.get(u.code))]
    if not shown:
        return None, "thiếu số liệu"
    missing = [u.name for u in wanted if pd.isna(by_unit.get(u.code))]
    colors = [COLORS[1]] * len(shown)
    fig = _hbar([name for name, _ in shown], [float(v) for _, v in shown], colors, spec, figures.form)
    return fig, f"Chưa có số liệu: {', '.join(missing)}." if missing else ""


def draw_charts(
    specs: list[ChartSpec], figures: Figures, values: pd.DataFrame, units: list[Unit], folder: str | Path
) -> tuple[list[Chart], list[str]]:
    """Draw each chart into ``folder`` as PNG; returns the charts and notes on those left out."""
    import matplotlib

    drawn, notes = [], []
    with matplotlib.rc_context(FONT):
        for spec in specs:
            if spec.kind == KIND_UNITS:
                fig, note = _units(spec, figures, values, units)
            else:
                fig, note = (_parts if spec.kind == KIND_PARTS else _levels)(spec, figures)
            if fig is None:
                notes.append(f"Biểu đồ “{spec.title}” không vẽ được: {note}.")
                continue
            path = Path(folder) / f"{spec.id}.png"
            fig.tight_layout()
            fig.savefig(path, dpi=DPI)
            drawn.append(Chart(spec, path, note))
    return drawn, notes
