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
from pipeline.core.errors import Msg, PipelineError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# What a slow or hostile client can hold. Waitress reads a whole request (into memory up to
# INBUF_OVERFLOW, then a temporary file) before a thread handles it, so a slow upload holds a
# connection, never a thread; a connection silent for CHANNEL_TIMEOUT_S is closed.
THREADS = 8  # requests handled at once
CONNECTION_LIMIT = 200  # connections open at once (50 units sending at once, and room to spare)
CHANNEL_TIMEOUT_S = 60  # seconds without a byte before a connection is closed (phones on poor networks pause)
CLEANUP_INTERVAL_S = 15  # how often silent connections are looked for
HEADER_LIMIT = 64 * 1024  # request line and headers
BODY_MARGIN = 1024 * 1024  # a body a little over the app's limit still gets its Vietnamese 413 page
INBUF_OVERFLOW = 512 * 1024  # a request body over this waits in a temporary file, not in memory
OUTBUF_OVERFLOW = 1024 * 1024  # an answer over this (a workbook, a zip) is spooled to a temporary file


def server_options(max_body: int) -> dict:
    """Waitress's limits for an app that accepts request bodies of up to ``max_body`` bytes: a
    larger body is refused (413) before it is read."""
    return {
        "threads": THREADS,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT_S,
        "cleanup_interval": CLEANUP_INTERVAL_S,
        "max_request_header_size": HEADER_LIMIT,
        "max_request_body_size": max_body + BODY_MARGIN,
        "inbuf_overflow": INBUF_OVERFLOW,
        "outbuf_overflow": OUTBUF_OVERFLOW,
        "ident": "tonghop",
    }


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
        echo(Msg.CLI_030.render(where=f"--host {host}"), err=True)
    echo("Nhấn Ctrl+C để dừng.")
    if not no_browser:
        webbrowser.open(address)
    waitress.serve(app, host=host, port=port, **server_options(app.config["MAX_CONTENT_LENGTH"]))
