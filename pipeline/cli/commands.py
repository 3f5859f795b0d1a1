"""The commands of ``tonghop`` that work on files (``templates``, ``check``, ``consolidate``,
``report``, ``demo``): parse options, call one function of ``pipeline.api``, print."""

from __future__ import annotations

import sys

import click

import pipeline.cli.params as params
from pipeline import api
from pipeline.cli.frame import Command, UsageError, echo
from pipeline.cli.options import crosswalk_option, form_options, progress
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.sample import EXAMPLES


def _summary():
    """The lines a command prints at the end (``cli.summary``), imported only then: it imports
    what a consolidation's result is made of (pandas), which writing templates never needs."""
    from pipeline.cli import summary

    return summary


LIST_FILES = 20  # templates listed one by one; beyond, a count


@click.command(cls=Command)
@form_options
@click.option(
    "--period",
    metavar="KỲ",
    help="Kỳ báo cáo: năm (2024), 6 tháng (2024-H1, 2024-H2), quý (2024-Q3) hoặc 9 tháng (2024-M9); mặc định: năm hiện tại.",
)
@click.option("--deadline", metavar="NGÀY", help="Hạn nộp, dạng DD/MM/YYYY, ví dụ 15/11/2024.")
@click.option(
    "--prior",
    "prior_path",
    type=params.Path(exists=True),
    help="Số liệu kỳ trước in bên cạnh: thư mục kết quả tổng hợp kỳ trước (ví dụ output/2023/), hoặc tệp values.csv, totals.csv, code,level,period,value.",
)
@crosswalk_option
@click.option("--out", type=params.Path(file_okay=False), help="Thư mục ghi biểu mẫu (mặc định input_templates/<kỳ>/).")
@click.option("--jobs", type=params.IntRange(1, 64), default=None, help="Số tiến trình ghi biểu mẫu song song (mặc định: số lõi của máy).")
def templates(form_path, units_path, period, deadline, prior_path, crosswalk_path, out, jobs) -> None:
    """Tạo một biểu mẫu Excel cho mỗi đơn vị.

    \b
    Ví dụ:
        tonghop templates --period 2023 --deadline 15/11/2023
    """
    run = api.make_templates(
        form_path=form_path, units_path=units_path, period=period, deadline=deadline, prior_path=prior_path, out=out, jobs=jobs,
        crosswalk_path=crosswalk_path,
    )  # fmt: skip
    if not period:
        echo(f"Kỳ báo cáo: {api.chosen_period(None).label} (chưa chọn --period nên lấy năm hiện tại)")
    for warning in run.warnings:
        echo(warning)
    paths = run.paths
    for path in paths[:LIST_FILES]:
        echo(f"  {path}")
    if len(paths) > LIST_FILES:
        echo(f"  … và {len(paths) - LIST_FILES} tệp khác")
    echo(f"Đã tạo {len(paths)} biểu mẫu trong {paths[0].parent if paths else out}.")
    for note in run.notes:
        echo(note)


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, metavar=f"{params.ANY}...", type=params.Path(exists=True))
@form_options
@click.option("--period", metavar="KỲ", help="Kiểm tra cả kỳ báo cáo: 2024, 2024-H1, 2024-Q3, 2024-M9.")
def check(files, form_path, units_path, period) -> None:
    """Kiểm tra từng báo cáo trước khi gửi; thoát với mã 1 nếu có lỗi.

    \b
    Ví dụ:
        tonghop check "03386_Phuong_Quyet_Thang.xlsx" --period 2023
    """
    verdicts = api.check_files(list(files), form_path=form_path, units_path=units_path, period=period)
    for verdict in verdicts:
        for line in _summary().check_lines(verdict):
            echo(line)
    bad = sum(v.has_errors for v in verdicts)
    echo(f"Đã kiểm tra {len(verdicts)} tệp: {bad} tệp có lỗi." if bad else f"Đã kiểm tra {len(verdicts)} tệp: không có lỗi.")
    sys.exit(1 if bad else 0)


@click.command(cls=Command)
@click.argument("returns_dir", metavar=params.FOLDER, type=params.Path(file_okay=False))
@form_options
@click.option(
    "--period",
    metavar="KỲ",
    help="Kỳ báo cáo: 2024, 2024-H1 (6 tháng đầu năm), 2024-Q3, 2024-M9 (9 tháng); mặc định: kỳ của đa số báo cáo.",
)
@click.option("--out", type=params.Path(file_okay=False), help="Thư mục kết quả (mặc định output/<kỳ>/).")
@click.option("--prior", "prior_path", type=params.Path(exists=True),
              help="Số liệu kỳ trước để so sánh: thư mục kết quả tổng hợp kỳ trước (ví dụ output/2023/) hoặc tệp totals.csv.")  # fmt: skip
@crosswalk_option
@click.option("--factor", type=params.FloatRange(1, min_open=True), default=settings.OUTLIER_FACTOR,
              help=f"Cảnh báo khi tổng số liệu tăng hoặc giảm quá số lần này so với kỳ trước (dùng với --prior; mặc định {format_number(settings.OUTLIER_FACTOR)}).")  # fmt: skip
@click.option("--jobs", type=params.IntRange(1, 64), default=None, help="Số tiến trình đọc tệp song song (mặc định: số lõi của máy).")
@click.option("--strict", is_flag=True, help="Thoát với mã 1 nếu có lỗi.")
@click.option("--deadline", metavar="NGÀY", help="Hạn nộp, ví dụ 15/11/2024 (mặc định: hạn ghi trong biểu mẫu).")
@click.option("--fix-days", type=params.IntRange(0, 365), default=settings.FIX_DAYS,
              help=f"Số ngày để đơn vị gửi lại báo cáo đã sửa, tính từ ngày tổng hợp (hoặc từ hạn nộp nếu muộn hơn; mặc định {settings.FIX_DAYS}).")  # fmt: skip
def consolidate(
    returns_dir, form_path, units_path, period, out, prior_path, crosswalk_path, factor, jobs, strict, deadline, fix_days
) -> None:
    """Tổng hợp mọi báo cáo trong một thư mục, đối soát và ghi kết quả.

    \b
    Ví dụ:
        tonghop consolidate bao_cao_2023/ --period 2023 --out output/2023 --prior output/2022/
    """
    with progress() as (step, start):
        result, out_dir = api.consolidate(
            returns_dir, form_path=form_path, units_path=units_path, period=period, out=out, jobs=jobs,
            prior_path=prior_path, factor=factor, progress=step, on_files=start, deadline=deadline, fix_days=fix_days,
            crosswalk_path=crosswalk_path,
        )  # fmt: skip
    for line in _summary().consolidation_lines(result, out_dir):
        echo(line)
    sys.exit(1 if strict and result.findings.has_errors else 0)


@click.command(cls=Command)
@click.argument("consolidated_dir", metavar=params.FOLDER, type=params.Path(file_okay=False))
@click.option("--out", type=params.Path(dir_okay=False), help="Tệp Word (mặc định <thư mục>/phu_luc_so_lieu.docx).")
@click.option(
    "--date",
    "when",
    metavar="NGÀY",
    help="Ngày của văn bản, dạng DD/MM/YYYY (mặc định hôm nay; ngày cuối kỳ hoặc hạn nộp khi kỳ báo cáo đã qua lâu).",
)
@click.option("--number", metavar="SỐ", help="Số văn bản, ví dụ 481/BC-MTTQ-BTT (mặc định …/BC-MTTQ-BTT).")
def report(consolidated_dir, out, when, number) -> None:
    """Lập phụ lục số liệu (Word) từ thư mục kết quả tổng hợp.

    \b
    Ví dụ:
        tonghop report output/2023 --date 15/11/2023 --number 481/BC-MTTQ-BTT
    """
    run = api.write_report(consolidated_dir, out=out, when=when, number=number)
    for warning in run.warnings:
        echo(f"  [{warning.severity.label}] {warning.message}")
    echo(run.date.why)
    echo(f"Đã ghi phụ lục số liệu: {run.path}")


@click.command(cls=Command)
@click.option(
    "--out", type=params.Path(file_okay=False), help="Thư mục kết quả (mặc định output/demo, với --example: output/demo_<ví dụ>)."
)
@click.option(
    "--example",
    metavar="VÍ_DỤ",
    help=f"Chạy trên một ví dụ khác: {', '.join(EXAMPLES)} (Ủy ban MTTQ tỉnh Lai Châu; xã Bản Bo và 12 khu dân cư; sau 1/7/2025, số liệu giả định).",
)
def demo(out, example) -> None:
    """Chạy toàn bộ quy trình trên bộ số liệu mẫu thành phố Lai Châu năm 2023 (hoặc một ví dụ khác).

    \b
    Ví dụ:
        tonghop demo --out output/demo
        tonghop demo --example tinh-lai-chau-2025
    """
    if example is not None and example not in EXAMPLES:
        raise UsageError(Msg.CLI_041.render(example=example, examples=", ".join(EXAMPLES)), click.get_current_context())
    done = api.demo(out=out, example=example)
    for line in _summary().demo_lines(done):
        echo(line)
