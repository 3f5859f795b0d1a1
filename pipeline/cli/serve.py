"""``tonghop serve``: the web pages of the collection round, served by waitress."""

from __future__ import annotations

import logging
import os
import sys
import webbrowser
from pathlib import Path

import click

import pipeline.cli.params as params
from pipeline import rounds
from pipeline.cli.frame import Command, echo
from pipeline.cli.options import store_options
from pipeline.core.errors import Msg, PipelineError
from pipeline.rounds.settings import TOKEN_ENV, TOKEN_FILE

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
ANY_HOST = ("0.0.0.0", "::")  # every address of this machine: links need a --base-url


def local_url(host: str, port: int) -> str:
    """This machine's address of the server listening on ``host``:``port``."""
    shown = "127.0.0.1" if host in ANY_HOST else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


def dashboard_url(base_url: str, token: str) -> str:
    return f"{base_url}/?token={token}"


def on_terminal() -> bool:
    return sys.stdout.isatty()


def _show_login(address: str, token: str, data_dir: Path) -> None:
    """The office's login address: in full on a terminal; where a log may keep the output (a
    service, a redirected output), the address without the token and where the token is kept."""
    if on_terminal():
        echo(f"Trang quản lý (giữ kín đường dẫn này): {dashboard_url(address, token)}")
    else:
        where = f"biến môi trường {TOKEN_ENV}" if token == os.environ.get(TOKEN_ENV) else f"tệp {data_dir / TOKEN_FILE}"
        echo(Msg.CLI_054.render(url=f"{address}/", where=where))
    echo(Msg.CLI_057.render(url=f"{address.rstrip('/')}/dang-nhap"))


@click.command(cls=Command)
@store_options
@click.option("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", help="Địa chỉ nghe (mặc định 127.0.0.1: chỉ máy này).")
@click.option("--port", type=params.IntRange(1, 65535), default=8000, help="Cổng nghe (mặc định 8000).")
@click.option("--base-url", metavar="URL",
              help="Địa chỉ mà các đơn vị và văn phòng mở, ví dụ https://baocao.example.vn: mọi đường dẫn và mã QR dùng địa chỉ này. Được ghi nhớ trong thư mục dữ liệu.")  # fmt: skip
@click.option("--behind-proxy", is_flag=True, help="Chạy sau một máy chủ web (Caddy, nginx): tin các tiêu đề X-Forwarded-* của nó.")
@click.option("--new-token", is_flag=True, help="Tạo mã đăng nhập mới: đường dẫn đăng nhập cũ và các phiên đăng nhập hết dùng được.")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
def serve(data_dir, url, host, port, base_url, behind_proxy, new_token, no_browser) -> None:
    """Chạy trang web thu báo cáo: văn phòng theo dõi, đơn vị nộp qua đường dẫn riêng.

    In ra địa chỉ trang quản lý kèm mã đăng nhập. Mã được giữ trong thư mục dữ liệu (qua các lần
    chạy lại) đến khi chạy với --new-token; đặt mã bằng biến môi trường TONGHOP_ADMIN_TOKEN cũng được.

    \b
    Ví dụ:
        tonghop serve
        tonghop serve --host 0.0.0.0 --port 8080 --base-url https://baocao.example.vn --behind-proxy --no-browser
    """
    from pipeline.web.access_log import log_to

    logged = log_to()  # one line per request and per job, on stderr (the journal under systemd)
    try:
        _serve(data_dir, url, host, port, base_url, behind_proxy, new_token, no_browser)
    finally:
        logging.getLogger().removeHandler(logged)


def _serve(data_dir, url, host, port, base_url, behind_proxy, new_token, no_browser) -> None:
    from pipeline.web import create_app
    from pipeline.web.server import make_server

    folder = Path(data_dir) if data_dir else rounds.default_data_dir()
    kept = rounds.save_base_url(folder, base_url) if base_url else rounds.saved_base_url(folder)
    address = kept or local_url(host, port)
    app = create_app(folder, url, base_url=address, behind_proxy=behind_proxy, new_token=new_token)
    try:
        server = make_server(app, host, port)
    except OSError as err:
        app.extensions["tonghop_store"].close()
        raise PipelineError(Msg.CLI_055, where=f"{host}:{port}", reason=err.strerror or err) from err
    if base_url:
        echo(Msg.CLI_052.render(url=kept), err=True)
    if new_token:
        echo((Msg.CLI_056 if os.environ.get(TOKEN_ENV) else Msg.CLI_053).render(), err=True)
    _show_login(address, app.config["ADMIN_TOKEN"], folder)
    if host in ANY_HOST and not kept:
        echo(Msg.CLI_051.render(where=f"--host {host}", url=address), err=True)
    if host not in LOCAL_HOSTS and not address.startswith("https://"):
        echo(Msg.CLI_030.render(where=f"--host {host}"), err=True)
    echo("Nhấn Ctrl+C để dừng.")
    if not no_browser:
        webbrowser.open(dashboard_url(address, app.config["ADMIN_TOKEN"]))
    poller = rounds.JobPoller(app.extensions["tonghop_store"], folder).start()  # jobs left by a stopped server
    try:
        server.run()  # until Ctrl+C
    finally:
        poller.stop()
        app.extensions["tonghop_store"].close()
