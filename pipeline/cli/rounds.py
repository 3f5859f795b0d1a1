"""``tonghop round …``: a collection round from the command line, for scripts and for the
office that files the returns that came by Zalo or email. Each command opens the store, calls
one function of ``pipeline.rounds``, prints; an error of the store or of the round ends the
command as every ``PipelineError`` does (``frame.Group``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import pipeline.cli.params as params
from pipeline import rounds
from pipeline.cli.frame import Group, echo
from pipeline.cli.options import form_options, progress, store_options
from pipeline.cli.summary import consolidation_lines
from pipeline.core.constants import RoundStatus
from pipeline.core.errors import Msg, OutputError
from pipeline.core.vnformat import format_number, format_vn_time
from pipeline.form.period import format_date, period_label
from pipeline.rounds.create import open_private
from pipeline.store import Store

NAME_WIDTH = 32  # a unit's name in the status table, cut beyond


def round_option(func):
    return click.option("--round", "round_id", required=True, metavar="MÃ_ĐỢT", help="Mã đợt, do lệnh 'tonghop round create' in ra.")(func)


def opened(data_dir, url) -> Store:
    """The store of ``--data`` and ``--db``, to use in a ``with`` block (closed at its end)."""
    return Store.open(Path(data_dir) if data_dir else rounds.default_data_dir(), url)


@click.group(cls=Group, name="round")
def round_group() -> None:
    """Thu báo cáo theo đợt: tạo đợt, đường dẫn nộp của từng đơn vị, nhận tệp, theo dõi, tổng hợp.

    \b
    Ví dụ:
        tonghop round create --period 2024 --deadline 15/11/2024
        tonghop round links --round MÃ_ĐỢT --out duong_dan.csv
        tonghop round add --round MÃ_ĐỢT bao_cao_zalo/
        tonghop round status --round MÃ_ĐỢT
        tonghop round consolidate --round MÃ_ĐỢT --out output/2024
    """


@round_group.command()
@store_options
@form_options
@click.option(
    "--period",
    required=True,
    metavar="KỲ",
    help="Kỳ báo cáo: năm (2024), 6 tháng (2024-H1, 2024-H2), quý (2024-Q3) hoặc 9 tháng (2024-M9).",
)
@click.option("--deadline", required=True, metavar="NGÀY", help="Hạn nộp, dạng DD/MM/YYYY, ví dụ 15/11/2024.")
def create(data_dir, url, form_path, units_path, period, deadline) -> None:
    """Tạo một đợt thu báo cáo; in ra mã đợt.

    \b
    Ví dụ:
        tonghop round create --period 2024 --deadline 15/11/2024 --units units_2024.csv
    """
    with opened(data_dir, url) as store:
        rnd = rounds.create_round(store, form_path=form_path, units_path=units_path, period=period, deadline=deadline)
        count = len(store.units(rnd.id))
    echo(rnd.id)  # alone on standard output, for scripts: ID=$(tonghop round create …)
    due = f", hạn nộp {format_date(rnd.deadline)}" if rnd.deadline else ""
    echo(f"Đã tạo đợt {rnd.id}: {period_label(rnd.period)}{due}, {format_number(count)} đơn vị.", err=True)
    echo(f"Tạo đường dẫn nộp báo cáo cho các đơn vị: tonghop round links --round {rnd.id} --out duong_dan.csv", err=True)


@round_group.command()
@store_options
@round_option
@click.option("--base-url", metavar="URL",
              help=f"Địa chỉ trang web mà các đơn vị mở (mặc định: địa chỉ đã đặt bằng 'tonghop serve --base-url', nếu chưa đặt thì {rounds.DEFAULT_BASE_URL}).")  # fmt: skip
@click.option("--out", required=True, type=params.Path(dir_okay=False), help="Tệp CSV ghi đường dẫn (unit_code,unit_name,url).")
@click.option("--unit", "unit_codes", multiple=True, metavar="MÃ", help="Chỉ ghi đường dẫn của đơn vị này (ghi nhiều lần được).")
@click.option(
    "--reissue",
    is_flag=True,
    help="Cấp đường dẫn MỚI (cho các đơn vị ở --unit, không có --unit thì cho mọi đơn vị): đường dẫn cũ hết dùng được.",
)
def links(data_dir, url, round_id, base_url, out, unit_codes, reissue) -> None:
    """Ghi đường dẫn nộp báo cáo của từng đơn vị ra tệp CSV (mở được bằng Excel).

    Mỗi lần chạy cho cùng các đường dẫn (như trang "Đường dẫn" của trang web): đường dẫn đã gửi
    vẫn dùng được. Đơn vị làm lộ hoặc mất đường dẫn: --unit MÃ --reissue cấp đường dẫn mới, đường
    dẫn cũ của đơn vị đó hết dùng được. Hãy giữ tệp này cẩn thận và gửi riêng cho từng đơn vị.

    \b
    Ví dụ:
        tonghop round links --round MÃ_ĐỢT --base-url https://baocao.example.vn --out duong_dan.csv
        tonghop round links --round MÃ_ĐỢT --unit 03386 --reissue --out duong_dan_03386.csv
    """
    base_url = rounds.check_base_url(base_url) if base_url else None
    try:
        target = open_private(Path(out))  # before new links are issued: the old ones stay valid if this fails
    except OSError as err:
        raise OutputError(Msg.OUTPUT_002, where=out, reason=err.strerror) from err
    with target, opened(data_dir, url) as store:
        rows = rounds.links(store, round_id, base_url, units=list(unit_codes) or None, reissue=reissue)
        target.write(rounds.links_csv(rows))
    echo(f"Đã ghi {format_number(len(rows))} đường dẫn vào tệp {out}.")
    if reissue:
        echo("Đường dẫn cũ của các đơn vị này không còn dùng được; hãy gửi đường dẫn mới cho từng đơn vị.")


@round_group.command()
@click.argument("paths", nargs=-1, required=True, metavar=f"{params.ANY}...", type=params.Path(exists=True))
@store_options
@round_option
def add(paths, data_dir, url, round_id) -> None:
    """Nhận các tệp báo cáo văn phòng nhận qua Zalo, email (nhiều tệp, thư mục cùng lúc).

    Mỗi tệp được nhận ra đơn vị theo thông tin trong tệp và xếp vào đơn vị đó, như đơn vị tự
    nộp qua đường dẫn. Thoát với mã 1 nếu có tệp không được nhận.

    \b
    Ví dụ:
        tonghop round add --round MÃ_ĐỢT bao_cao_zalo/ "BC Tân Phong.xlsx"
    """
    with opened(data_dir, url) as store:
        verdicts = rounds.add_paths(store, round_id, list(paths))
    for v in verdicts:
        who = f"{v.unit_code} {v.unit_name}" if v.unit_code else "không nhận ra đơn vị"
        state = "đã nhận" if v.accepted else "không nhận"
        echo(f"{v.filename}: {who}, {state} ({format_number(v.errors)} lỗi, {format_number(v.warnings)} cảnh báo)")
        if not v.accepted:
            reason = next((f["message"] for f in v.findings if f["severity"] == "error"), "")
            if reason:
                echo(f"  {reason}")
    bad = sum(not v.accepted for v in verdicts)
    echo(f"Đã nhận {format_number(len(verdicts) - bad)}/{format_number(len(verdicts))} tệp.")
    sys.exit(1 if bad else 0)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


@round_group.command(name="status")
@store_options
@round_option
def status_(data_dir, url, round_id) -> None:
    """Tình hình nộp báo cáo của từng đơn vị trong đợt.

    \b
    Ví dụ:
        tonghop round status --round MÃ_ĐỢT
    """
    with opened(data_dir, url) as store:
        rnd = store.round(round_id)
        board = rounds.status(store, round_id)
    due = f", hạn nộp {format_date(rnd.deadline)}" if rnd.deadline else ""
    echo(f"Đợt {rnd.id}: {period_label(rnd.period)}{due}.")
    table = [["Mã", "Đơn vị", "Trạng thái", "Nhận lúc", "Muộn", "Lỗi", "Cảnh báo", "Số bản"]]
    for row in board:
        name = row.unit_name if len(row.unit_name) <= NAME_WIDTH else row.unit_name[: NAME_WIDTH - 1] + "…"
        when = format_vn_time(row.received_at)
        late = f"{row.late} ngày" if row.late else ""
        table.append([row.unit_code, name, row.status.label, when, late, str(row.errors), str(row.warnings), str(row.versions)])
    for line in _table(table):
        echo(line)
    counts = [f"{format_number(sum(r.status is s for r in board))} {s.label.lower()}" for s in RoundStatus]
    echo(f"Tổng: {format_number(len(board))} đơn vị: {', '.join(counts)}.")


@round_group.command(name="consolidate")
@store_options
@round_option
@click.option("--out", type=params.Path(file_okay=False), help="Thư mục kết quả (mặc định <--data>/output/<mã đợt>/).")
def consolidate_(data_dir, url, round_id, out) -> None:
    """Tổng hợp bản báo cáo đang dùng của mỗi đơn vị trong đợt (như lệnh tonghop consolidate).

    \b
    Ví dụ:
        tonghop round consolidate --round MÃ_ĐỢT --out output/2024
    """
    folder = Path(data_dir) if data_dir else rounds.default_data_dir()
    with opened(data_dir, url) as store, progress() as (step, start):
        result, out_dir = rounds.consolidate_round(
            store, round_id, Path(out) if out else folder / "output" / round_id, progress=step, on_files=start
        )
    for line in consolidation_lines(result, out_dir):
        echo(line)
