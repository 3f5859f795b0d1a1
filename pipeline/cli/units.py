"""``tonghop units``: a province committee's unit list from the official catalogue after the reform
of 1 July 2025 (the optional package ``vietnam-provinces``), or the list of provinces."""

from __future__ import annotations

import click

import pipeline.cli.params as params
from pipeline import api
from pipeline.cli.frame import Command, UsageError, echo
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.sample import EXAMPLES

EXAMPLE_FORM = EXAMPLES["tinh-lai-chau-2025"].form_dir  # a province's form, to name in a hint


def _catalogue(day: str) -> str:
    """``danh mục sau 1/7/2025, cập nhật ngày 18/10/2025`` from the catalogue's ISO date."""
    parts = day.split("-")
    shown = f", cập nhật ngày {parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else ""
    return f"danh mục hành chính sau 1/7/2025{shown}"


def _list_lines() -> list[str]:
    provinces, day = api.provinces()
    width = max(len(p.name) for p in provinces)
    lines = [f"  {'Mã':<3} {'Tỉnh, thành phố':<{width}}  Số xã, phường, đặc khu"]
    lines += [f"  {p.code:<3} {p.name:<{width}}  {len(p.communes):>5}" for p in provinces]
    communes = format_number(sum(len(p.communes) for p in provinces))
    lines.append(f"{len(provinces)} tỉnh, thành phố; {communes} xã, phường, đặc khu ({_catalogue(day)}).")
    return lines


def _written_lines(made: api.UnitList, form_path) -> list[str]:
    counts: dict[str, int] = {}
    for unit in made.units:
        counts[unit.level] = counts.get(unit.level, 0) + 1
    levels = "; ".join(f"{made.labels[level]} ({level}): {count} đơn vị" for level, count in counts.items())
    lines = [made.note] if made.note else []
    lines += [
        f"Đã ghi danh sách {len(made.units)} đơn vị của {made.province.name} vào tệp {made.path}.",
        f"  {levels}.",
        f"  Theo {_catalogue(made.catalogue)} (gói vietnam-provinces).",
    ]
    form = f' --form "{form_path}"' if form_path else ""
    if not form_path:
        lines.append(f"  Các cấp ghi theo biểu mẫu kèm theo; biểu mẫu cho cấp tỉnh: --form {EXAMPLE_FORM}")
    lines.append(f'Tạo biểu mẫu: tonghop templates{form} --units "{made.path}"')
    return lines


@click.command(cls=Command)
@click.option("--province", metavar="TỈNH", help='Tên tỉnh, thành phố (có dấu hoặc không dấu, ví dụ "Lai Châu") hoặc mã tỉnh (12).')
@click.option("--list", "show_list", is_flag=True, help="Liệt kê 34 tỉnh, thành phố kèm mã và số xã, phường, đặc khu.")
@click.option(
    "--out", type=params.Path(dir_okay=False), help="Tệp CSV ghi danh sách (mặc định don_vi_<mã>_<tên>.csv trong thư mục hiện tại)."
)
@click.option("--form", "form_path", type=params.Path(exists=True, file_okay=False),
              help="Thư mục định nghĩa biểu mẫu: danh sách ghi các cấp của biểu mẫu này (mặc định: biểu mẫu kèm theo).")  # fmt: skip
def units(province, show_list, out, form_path) -> None:
    """Lập danh sách đơn vị (code,name,level) của một tỉnh, thành phố theo danh mục hành chính sau
    1/7/2025: Ủy ban tỉnh rồi từng xã, phường, đặc khu. Cần gói không bắt buộc vietnam-provinces:
    pip install "tonghop[units]".

    \b
    Ví dụ:
        tonghop units --province "Lai Châu" --out don_vi_lai_chau.csv
        tonghop units --list
    """
    if not (province or show_list):
        raise UsageError(Msg.CLI_040.render(), click.get_current_context())
    if show_list:
        lines = _list_lines()
    else:
        lines = _written_lines(api.province_unit_list(province=province, form_path=form_path, out=out), form_path)
    for line in lines:
        echo(line)
