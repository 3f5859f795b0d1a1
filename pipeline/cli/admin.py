"""``tonghop admin …``: the server owner's commands for a server of many committees (issue 22):
the committees (``init``) and the office accounts (``user add | list | reset``). Each opens the
store, calls one function of ``pipeline.accounts``, prints; the one-time set-password links are
printed once and never kept."""

from __future__ import annotations

from pathlib import Path

import click

import pipeline.cli.params as params
from pipeline import accounts, rounds
from pipeline.accounts.invitations import VALID_HOURS
from pipeline.cli.frame import Group, UsageError, echo
from pipeline.cli.options import store_options
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.vnformat import format_number
from pipeline.rounds.settings import BASE_URL_FILE
from pipeline.store import AccountRecord, Store
from pipeline.store import backup as backups


def _folder(data_dir) -> Path:
    return Path(data_dir) if data_dir else rounds.default_data_dir()


def _base_url(folder: Path, given: str | None) -> str:
    """The address links are built on: ``--base-url`` (then kept), else the one kept in the data folder.

    :raises PipelineError: none given nor kept (``ACCOUNT_018``).
    """
    if given:
        return rounds.save_base_url(folder, given)
    kept = rounds.saved_base_url(folder)
    if kept is None:
        raise PipelineError(Msg.ACCOUNT_018, where=folder / BASE_URL_FILE)
    return kept


def _committee_text(store: Store, code: str) -> str:
    committee = store.committee(code)
    return f"{committee.name} ({code})" if committee else code


def _state(account: AccountRecord) -> str:
    if account.disabled_at is not None:
        return Msg.ACCOUNT_044.render()
    return (Msg.ACCOUNT_043 if account.password_hash else Msg.ACCOUNT_042).render()


base_url_option = click.option(
    "--base-url", metavar="URL", help="Địa chỉ trang web mà người dùng mở (mặc định: địa chỉ đã ghi nhớ trong thư mục dữ liệu)."
)


@click.group(cls=Group, name="admin")
def admin_group() -> None:
    """Một máy chủ cho nhiều ủy ban: tạo các ủy ban và tài khoản văn phòng.

    \b
    Ví dụ:
        tonghop admin init --data /srv/tonghop --province "Lai Châu"
        tonghop admin user add vp.tinh --committee 12 --name "Văn phòng tỉnh" --base-url https://baocao.example.vn
        tonghop admin user list
        tonghop admin user reset vp.tinh
        tonghop admin backup --data /srv/tonghop --out /var/backups/tonghop-2026-12-07.tar
        tonghop admin restore /var/backups/tonghop-2026-12-07.tar --data /srv/tonghop-moi
    """


@admin_group.command()
@store_options
@click.option("--province", metavar="TÊN", help='Tạo ủy ban tỉnh và các xã, phường của tỉnh theo danh mục hành chính, ví dụ "Lai Châu".')
@click.option("--units", "units_file", type=params.Path(dir_okay=False, exists=True), help="Danh sách ủy ban (code,name,level,parent).")
@click.option("--country", is_flag=True, help="Tạo 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu của cả nước.")
def init(data_dir, url, province, units_file, country) -> None:
    """Tạo các ủy ban trên máy chủ (chạy lại không tạo trùng).

    \b
    Ví dụ:
        tonghop admin init --data /srv/tonghop --province "Lai Châu"
        tonghop admin init --units uy_ban.csv
        tonghop admin init --country
    """
    if sum(bool(x) for x in (province, units_file, country)) != 1:
        raise UsageError(Msg.ACCOUNT_019.render(), click.get_current_context())
    folder = _folder(data_dir)
    with Store.open(folder, url) as store:
        if units_file:
            report = accounts.init_from_units(store, units_file)
        else:
            report = accounts.init_from_registry(store, province if province else None)
    if report.note:
        echo(report.note)
    echo(Msg.ACCOUNT_030.render(added=str(len(report.added)), kept=str(report.kept), total=str(report.total), where=folder))


@admin_group.group(cls=Group, name="user")
def user_group() -> None:
    """Tài khoản văn phòng: tạo, xem danh sách, gửi đường dẫn đặt mật khẩu mới.

    \b
    Ví dụ:
        tonghop admin user add vp.xa.binhlu --committee 03408 --role office --name "Văn phòng xã Bình Lư"
        tonghop admin user list
        tonghop admin user reset vp.xa.binhlu
    """


@user_group.command()
@store_options
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--committee", required=True, metavar="MÃ", help="Mã ủy ban của tài khoản, ví dụ 12 (tỉnh Lai Châu) hoặc 03408.")
@click.option("--role", type=click.Choice(["office", "viewer"]), default="office", show_default=True,
              help="office: làm việc với các đợt của ủy ban; viewer: chỉ xem.")  # fmt: skip
@click.option("--name", default="", metavar="HỌ_TÊN", help="Họ tên hoặc tên văn phòng, hiện trên trang web.")
@base_url_option
def add(data_dir, url, login, committee, role, name, base_url) -> None:
    """Tạo tài khoản và in đường dẫn đặt mật khẩu (dùng một lần, hết hạn sau 72 giờ).

    \b
    Ví dụ:
        tonghop admin user add vp.tinh --committee 12 --name "Văn phòng tỉnh Lai Châu"
        tonghop admin user add can.bo.xem --committee 12 --role viewer
    """
    folder = _folder(data_dir)
    address = _base_url(folder, base_url)
    with Store.open(folder, url) as store:
        account, token = accounts.invite(store, None, login, name, committee, role)
        committee_text = _committee_text(store, account.committee_code)
    role_label = accounts.Role(account.role).label
    echo(Msg.ACCOUNT_031.render(login=account.login, role=role_label, committee=committee_text, hours=VALID_HOURS))
    echo(accounts.invitation_url(address, token))


@user_group.command(name="list")
@store_options
def list_accounts(data_dir, url) -> None:
    """Danh sách tài khoản, theo ủy ban.

    \b
    Ví dụ:
        tonghop admin user list
    """
    with Store.open(_folder(data_dir), url) as store:
        found = store.accounts()
        names = {c.code: c.name for c in store.committees()}
    if not found:
        echo(Msg.ACCOUNT_033.render())
        return
    echo(Msg.ACCOUNT_034.render())
    for account in found:
        committee = f"{names.get(account.committee_code, '')} ({account.committee_code})"
        echo(" | ".join((account.login, account.name, committee, accounts.Role(account.role).label, _state(account))))


@user_group.command()
@store_options
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@base_url_option
def reset(data_dir, url, login, base_url) -> None:
    """In đường dẫn đặt mật khẩu mới cho một tài khoản (người dùng quên mật khẩu, hoặc người mới nhận việc).

    \b
    Ví dụ:
        tonghop admin user reset vp.tinh
    """
    folder = _folder(data_dir)
    address = _base_url(folder, base_url)
    with Store.open(folder, url) as store:
        account = store.account_by_login(login)
        if account is None:
            raise PipelineError(Msg.ACCOUNT_017, login=login)
        token = accounts.reset_link(store, None, account)
    echo(Msg.ACCOUNT_032.render(login=account.login, hours=VALID_HOURS))
    echo(accounts.invitation_url(address, token))


def _counted(manifest: backups.Manifest, where: Path) -> dict[str, str]:
    counts = manifest.counts
    return {"where": where, "rounds": format_number(counts["rounds"]), "submissions": format_number(counts["submissions"]),
            "blobs": format_number(counts["blobs"])}  # fmt: skip


@admin_group.command()
@store_options
@click.option(
    "--out", required=True, type=params.Path(dir_okay=False), metavar="TỆP", help="Tệp sao lưu sẽ ghi, ví dụ tonghop-2026-12-07.tar."
)
def backup(data_dir, url, out) -> None:
    """Sao lưu toàn bộ kho (cơ sở dữ liệu và mọi tệp đã nhận) vào một tệp, kể cả khi trang web đang chạy.

    \b
    Ví dụ:
        tonghop admin backup --data /srv/tonghop --out /var/backups/tonghop-2026-12-07.tar
        tonghop admin backup --db postgresql://tonghop@localhost/tonghop --data /srv/tonghop --out tonghop.tar
    """
    manifest = backups.backup(_folder(data_dir), url, Path(out))
    echo(Msg.ACCOUNT_130.render(**_counted(manifest, Path(out))))


@admin_group.command()
@store_options
@click.argument("archive", type=params.Path(dir_okay=False, exists=True), metavar="TỆP_SAO_LƯU")
@click.option("--force", is_flag=True, help="Thay dữ liệu đang có ở nơi khôi phục bằng bản sao lưu (mặc định: từ chối nếu đã có dữ liệu).")
def restore(data_dir, url, archive, force) -> None:
    """Khôi phục kho từ một tệp sao lưu vào thư mục dữ liệu (và cơ sở dữ liệu) trống, rồi kiểm tra từng tệp.

    \b
    Ví dụ:
        tonghop admin restore tonghop-2026-12-07.tar --data /srv/tonghop-moi
        tonghop admin restore tonghop.tar --data /srv/tonghop --db postgresql://tonghop@localhost/tonghop_moi
    """
    manifest = backups.restore(Path(archive), _folder(data_dir), url, force=force)
    echo(Msg.ACCOUNT_131.render(**_counted(manifest, Path(archive))))
