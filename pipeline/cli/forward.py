"""``tonghop forward``: send a consolidation up as the upper committee's return."""

from __future__ import annotations

import click

import pipeline.cli.params as params
from pipeline import api
from pipeline.cli.commands import _fail
from pipeline.cli.frame import Command, echo
from pipeline.cli.summary import SUMMARY_LINES
from pipeline.core.constants import Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem, split_place, where
from pipeline.core.vnformat import format_number
from pipeline.form.period import period_label


def _listed(names: list[str]) -> str:
    more = f" và {format_number(len(names) - SUMMARY_LINES)} nơi khác" if len(names) > SUMMARY_LINES else ""
    return ", ".join(names[:SUMMARY_LINES]) + more


def _left_out(run: api.ForwardRun, units: list[Problem], values: list[Problem]) -> list[str]:
    """One warning line for the units missing from the totals, one for the values rejected."""
    lines = []
    if units:
        names = [split_place(p)[0] for p in units]  # "03389 – Phường Đoàn Kết"
        cover = run.coverage
        text = Msg.CLI_060.render(
            count=cover.received, expected=cover.expected, missing=len(units), names=_listed(names), report=run.report
        )
        lines.append(f"  [{Severity.WARNING.label}] {text}")
    if values:
        cells = [f"{p.note or p.code} ở {where(p.file, p.sheet, p.cell)}" for p in values]  # “label” (CODE) của unit (code)
        lines.append(f"  [{Severity.WARNING.label}] {Msg.CLI_061.render(count=len(values), cells=_listed(cells), report=run.report)}")
    return lines


def forward_lines(run: api.ForwardRun) -> list[str]:
    """What was filled and for whom, each warning, the indicators not sent (named), the files."""
    who = f"{run.unit_code} – {run.unit_name}" if run.unit_code else "đơn vị"
    lines = [f"Đã điền {format_number(len(run.filled))} chỉ tiêu vào báo cáo {period_label(run.period)} của {who} gửi cấp trên."]
    lines.append(f"Ghi chú trên báo cáo: {run.note}")
    warnings = run.of(Severity.WARNING)
    summed = {Msg.FORWARD_022.slug: [], Msg.FORWARD_023.slug: []}
    for p in warnings:
        summed.get(p.type, []).append(p)
    lines += [f"  [{Severity.WARNING.label}] {p.message}" for p in warnings if p.type not in summed]
    lines += _left_out(run, summed[Msg.FORWARD_022.slug], summed[Msg.FORWARD_023.slug])
    unsent = [p.code for p in run.of(Severity.INFO)]
    if unsent:
        more = f" và {format_number(len(unsent) - SUMMARY_LINES)} chỉ tiêu khác" if len(unsent) > SUMMARY_LINES else ""
        lines.append(
            f"{format_number(len(unsent))} chỉ tiêu của kết quả tổng hợp không có trong biểu mẫu cấp trên, không gửi lên: "
            f"{', '.join(unsent[:SUMMARY_LINES])}{more}."
        )
    lines.append(f"Đã ghi báo cáo gửi cấp trên: {run.path} (ghi chú từng chỉ tiêu: {run.report}).")
    return lines


@click.command(cls=Command)
@click.argument("consolidated_dir", metavar=params.FOLDER, type=params.Path(exists=True, file_okay=False))
@click.option("--template", required=True, type=params.Path(exists=True, dir_okay=False),
              help="Biểu mẫu cấp trên gửi cho đơn vị mình (tệp .xlsx do cấp trên tạo bằng tonghop templates); tệp này không bị sửa.")  # fmt: skip
@click.option("--out", required=True, type=params.Path(dir_okay=False), help="Tệp báo cáo ghi ra để gửi cấp trên (.xlsx).")
@click.option(
    "--force", is_flag=True, help="Vẫn điền khi biểu mẫu cấp trên khác kỳ báo cáo với kết quả tổng hợp, hoặc là biểu mẫu của đơn vị khác."
)
def forward(consolidated_dir, template, out, force) -> None:
    """Điền kết quả tổng hợp (tổng chung các cấp) vào biểu mẫu cấp trên để gửi lên.

    \b
    Ví dụ:
        tonghop forward output/2023 --template bieu_mau_tinh/105_Thanh_pho_Lai_Chau.xlsx --out gui_tinh/105_Thanh_pho_Lai_Chau.xlsx
    """
    try:
        run = api.forward(consolidated_dir, template=template, out=out, force=force)
    except PipelineError as err:
        _fail(err)
    for line in forward_lines(run):
        echo(line)
