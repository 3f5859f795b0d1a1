"""``tonghop serve``: the web pages of the collection round, served by waitress."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

import pipeline.cli.params as params
from pipeline import rounds
from pipeline.cli.commands import _fail, cli
from pipeline.cli.frame import echo
from pipeline.cli.rounds import store_options
from pipeline.core.errors import PipelineError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
THREADS = 8  # requests served at once; a slow client holds one thread at most CHANNEL_TIMEOUT_S
CHANNEL_TIMEOUT_S = 60


def dashboard_url(host: str, port: int, token: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/?token={token}"


@cli.command()
@store_options
@click.option("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", help="Địa chỉ nghe (mặc định 127.0.0.1: chỉ máy này).")
@click.option("--port", type=params.IntRange(1, 65535), default=8000, help="Cổng nghe (mặc định 8000).")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
def serve(data_dir, url, host, port, no_browser) -> None:
    """Chạy trang web thu báo cáo: văn phòng theo dõi, đơn vị nộp qua đường dẫn riêng.

    In ra địa chỉ trang quản lý kèm mã đăng nhập (đặt mã bằng biến môi trường TONGHOP_ADMIN_TOKEN).

    \b
    Ví dụ:
        tonghop serve
        tonghop serve --host 0.0.0.0 --port 8080 --no-browser
    """
    import waitress

    from pipeline.web import create_app

    try:
        app = create_app(Path(data_dir) if data_dir else rounds.default_data_dir(), url)
    except PipelineError as err:
        _fail(err)
    address = dashboard_url(host, port, app.config["ADMIN_TOKEN"])
    echo(f"Trang quản lý (giữ kín đường dẫn này): {address}")
    if host not in LOCAL_HOSTS:
        echo("Chú ý: trang web nghe trên mạng; đường dẫn và tệp đi qua mạng, hãy đặt sau HTTPS.", err=True)
    echo("Nhấn Ctrl+C để dừng.")
    if not no_browser:
        webbrowser.open(address)
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=THREADS,
        channel_timeout=CHANNEL_TIMEOUT_S,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024,
        ident="tonghop",
    )
