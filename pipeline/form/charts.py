"""The form's charts: ``charts.csv`` in the form's folder, checked when the form is loaded.

Columns ``chart,title,kind,codes,level,labels,remainder``; codes, levels and labels are
separated by ``;``. Kinds:

* ``parts``: the first code is a total, the others its parts, at one level (default
  ``all``); what the parts leave of the total is shown as ``remainder`` when the chart
  names one (e.g. "Chưa rõ nguồn");
* ``levels``: each code at each level (default: every level of ``levels.csv``, then ``all``);
* ``units``: one code, one bar per unit of the levels given (default ``all``: every unit).

``labels`` (optional, one per code) replace the indicators' labels; ``remainder`` is only
for ``parts``. Each output draws these charts in its own way: native charts in the
workbook's ``Biểu đồ`` sheet, pictures in the Word appendix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.core.constants import LEVEL_ALL
from pipeline.core.errors import FormDefinitionError, Msg

CHARTS_CSV = "charts.csv"
CHART_COLUMNS = ("chart", "title", "kind", "codes", "level")  # and, optional: labels, remainder
KIND_PARTS, KIND_LEVELS, KIND_UNITS = "parts", "levels", "units"
KINDS = (KIND_PARTS, KIND_LEVELS, KIND_UNITS)


@dataclass(frozen=True)
class ChartSpec:
    """One chart, checked against the form, its defaults filled in.

    ``levels``: the levels to show (``all`` is the total, or every unit for ``units``);
    ``labels``: one per code, the CSV's or else the indicators' own, filled for the form's
    period; ``patterns``: the same as written, with the period's placeholders.
    """

    id: str
    title: str
    kind: str
    codes: tuple[str, ...]
    levels: tuple[str, ...]
    labels: tuple[str, ...]
    remainder: str = ""
    patterns: tuple[str, ...] = ()


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def indicator_label(label: str) -> str:
    """An indicator's label as a chart shows it, capitalised (a part's label carries no "Trong đó")."""
    return label[:1].upper() + label[1:]


def _bad(where: str, column: str, value: str, allowed: str) -> FormDefinitionError:
    return FormDefinitionError(Msg.FORM_007, where=where, column=column, value=value or "(trống)", allowed=allowed)


def _check_codes(where: str, kind: str, codes: tuple[str, ...], numeric: Mapping[str, str]) -> None:
    for code in codes or ("",):
        if code not in numeric:
            raise _bad(where, "codes", code, "mã của một chỉ tiêu kiểu số trong indicators.csv, các mã cách nhau bằng dấu ;")
    if kind == KIND_PARTS and len(codes) < 2:
        raise _bad(where, "codes", ";".join(codes), "mã tổng số rồi ít nhất một mã thành phần, cách nhau bằng dấu ;")
    if kind == KIND_UNITS and len(codes) != 1:
        raise _bad(where, "codes", ";".join(codes), "đúng một mã chỉ tiêu cho biểu đồ units")


def _check_levels(where: str, kind: str, levels: tuple[str, ...], form_levels: Sequence[str]) -> None:
    allowed = (*form_levels, LEVEL_ALL)
    for level in levels:
        if level not in allowed:
            raise FormDefinitionError(Msg.FORM_006, where=where, level=level, allowed=", ".join(allowed))
    if kind == KIND_PARTS and len(levels) > 1:
        raise _bad(where, "level", ";".join(levels), "một cấp cho biểu đồ parts")


def _default_levels(kind: str, form_levels: Sequence[str]) -> tuple[str, ...]:
    return (*form_levels, LEVEL_ALL) if kind == KIND_LEVELS else (LEVEL_ALL,)


def parse_chart(line: int, row: dict[str, str], form_levels: Sequence[str], numeric: Mapping[str, str], fname: str) -> ChartSpec:
    """One row of ``charts.csv`` as a ``ChartSpec``.

    :raises FormDefinitionError: naming ``fname`` and ``line``.
    """
    where = f"{fname} › dòng {line}"
    if not row["chart"].isidentifier():
        raise _bad(where, "chart", row["chart"], "chữ, số và dấu gạch dưới, ví dụ poor_fund_sources")
    kind = row["kind"]
    if kind not in KINDS:
        raise _bad(where, "kind", kind, ", ".join(KINDS))
    codes, levels, labels = _split(row["codes"]), _split(row["level"]), _split(row.get("labels", ""))
    _check_codes(where, kind, codes, numeric)
    _check_levels(where, kind, levels, form_levels)
    if labels and len(labels) != len(codes):
        allowed = f"{len(codes)} nhãn cách nhau bằng dấu ; (một nhãn cho mỗi mã ở cột codes), hoặc để trống"
        raise _bad(where, "labels", row["labels"], allowed)
    remainder = row.get("remainder", "")
    if remainder and kind != KIND_PARTS:
        raise _bad(where, "remainder", remainder, "để trống (chỉ biểu đồ parts có phần còn lại)")
    return ChartSpec(
        id=row["chart"],
        title=row["title"],
        kind=kind,
        codes=codes,
        levels=levels or _default_levels(kind, form_levels),
        labels=labels or tuple(indicator_label(numeric[code]) for code in codes),
        remainder=remainder,
    )


def parse_charts(
    rows: list[tuple[int, dict[str, str]]], form_levels: Sequence[str], numeric: Mapping[str, str], fname: str = CHARTS_CSV
) -> list[ChartSpec]:
    """The charts of ``rows`` (``(line, row)`` as ``read_definition_csv`` gives them), checked.

    :param form_levels: the form's level codes, in order.
    :param numeric: the label of each numeric indicator by code (a chart shows only those).
    :raises FormDefinitionError: naming ``fname`` and the line of the first fault.
    """
    charts: dict[str, tuple[int, ChartSpec]] = {}
    for line, row in rows:
        spec = parse_chart(line, row, form_levels, numeric, fname)
        if spec.id in charts:
            raise FormDefinitionError(Msg.FORM_003, where=f"{fname} › dòng {line}", code=spec.id, first_row=charts[spec.id][0])
        charts[spec.id] = (line, spec)
    return [spec for _, spec in charts.values()]
