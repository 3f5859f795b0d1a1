"""Options shared by several commands, as decorators (``--form``/``--units``, ``--crosswalk``,
``--data``/``--db``), and the progress bar of the commands that read many files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import click

import pipeline.cli.params as params


def form_options(func):
    """--form and --units, shared by every command that reads the form."""
    func = click.option(
        "--units", "units_path", type=params.Path(exists=True, dir_okay=False), help="Danh sách đơn vị (CSV: code,name,level)."
    )(func)
    return click.option(
        "--form", "form_path", type=params.Path(exists=True, file_okay=False), help="Thư mục định nghĩa biểu mẫu (các tệp CSV)."
    )(func)


# --crosswalk, shared by the commands that take --prior.
crosswalk_option = click.option(
    "--crosswalk",
    "crosswalk_path",
    type=params.Path(exists=True, dir_okay=False),
    help="Tệp đối chiếu mã đơn vị cũ và mới sau khi sáp nhập (CSV: old_code,new_code; dùng với --prior): "
    "số liệu kỳ trước của các đơn vị cũ được cộng vào đơn vị mới.",
)


def store_options(func):
    """--data and --db, shared by every command that opens the rounds' store."""
    from pipeline import rounds  # only the commands of rounds (which load it anyway) take these

    func = click.option("--db", "url", metavar="URL",
                        help="Cơ sở dữ liệu dùng chung, ví dụ postgresql://user@host/tonghop (mặc định: tệp SQLite trong --data).")(func)  # fmt: skip
    return click.option("--data", "data_dir", type=params.Path(file_okay=False),
                        help=f"Thư mục lưu dữ liệu các đợt (mặc định {rounds.default_data_dir()}).")(func)  # fmt: skip


@contextlib.contextmanager
def progress() -> Iterator[tuple[Callable[[int], None] | None, Callable[[int], None] | None]]:
    """``(step, start)`` of a progress bar of the files read, on a terminal (closed at the end of
    the block); ``(None, None)`` otherwise."""
    if not sys.stderr.isatty():
        yield None, None
        return
    bars = []

    def start(total: int) -> None:
        bars.append(click.progressbar(length=total, label="Đang đọc báo cáo", file=sys.stderr))
        bars[-1].__enter__()

    def step(n: int) -> None:
        bars[-1].update(n)

    try:
        yield step, start
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
