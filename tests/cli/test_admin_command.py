"""``tonghop admin …``: committees made from a unit list, accounts created with a one-time link
that really sets the password, the list, a new link, and errors that say what is wrong."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.accounts import Role, authenticate, redeem
from pipeline.cli import cli
from pipeline.core.errors import Msg
from pipeline.store import Store
from tests.committees import PASSWORD, TREE_CSV

BASE = "https://baocao.example.vn"


def _run(*args):
    return CliRunner().invoke(cli, ["admin", *map(str, args)], catch_exceptions=False)


def _token(output: str) -> str:
    link = output.strip().splitlines()[-1]
    assert link.startswith(f"{BASE}/mat-khau/")
    return link.rsplit("/", 1)[1]


def _init(tmp_path):
    units = tmp_path / "uy_ban.csv"
    units.write_bytes(TREE_CSV.replace("\n", "\r\n").encode("utf-8-sig"))  # as Excel saves "CSV UTF-8" on Windows
    data = tmp_path / "data"
    return data, units, _run("init", "--data", data, "--units", units)


def test_init_from_a_unit_list_twice(tmp_path):
    data, units, first = _init(tmp_path)
    total = len(TREE_CSV.splitlines()) - 1
    assert first.exit_code == 0 and first.output == Msg.ACCOUNT_030.render(added=total, kept=0, total=total, where=data) + "\n"
    again = _run("init", "--data", data, "--units", units)
    assert again.output == Msg.ACCOUNT_030.render(added=0, kept=total, total=total, where=data) + "\n"


def test_init_needs_exactly_one_source(tmp_path):
    for args in ([], ["--country", "--province", "Lai Châu"]):
        done = _run("init", "--data", tmp_path / "data", *args)
        assert done.exit_code == 2 and Msg.ACCOUNT_019.render() in done.output


def test_add_a_user_the_link_sets_the_password_then_list_and_reset(tmp_path):
    data, _units, _ = _init(tmp_path)
    done = _run("user", "add", "VP.Xa", "--data", data, "--committee", "03386", "--name", "Văn phòng xã", "--base-url", BASE)
    assert done.exit_code == 0, done.output
    first_line = Msg.ACCOUNT_031.render(login="vp.xa", role=Role.OFFICE.label, committee="Phường Tân Phong (03386)", hours=72)
    assert done.output.splitlines()[0] == first_line
    with Store.open(data) as store:
        redeem(store, _token(done.output), PASSWORD)
        assert authenticate(store, "vp.xa", PASSWORD, "127.0.0.1").committee_code == "03386"
    viewer = _run("user", "add", "xem.tinh", "--data", data, "--committee", "12", "--role", "viewer")  # the base URL was kept
    assert viewer.exit_code == 0 and _token(viewer.output)
    listed = _run("user", "list", "--data", data)
    assert listed.output.splitlines() == [
        Msg.ACCOUNT_034.render(),
        f"vp.xa | Văn phòng xã | Phường Tân Phong (03386) | {Role.OFFICE.label} | {Msg.ACCOUNT_043.render()}",
        f"xem.tinh |  | Tỉnh Lai Châu (12) | {Role.VIEWER.label} | {Msg.ACCOUNT_042.render()}",
    ]
    reset = _run("user", "reset", "VP.XA", "--data", data)
    assert reset.output.splitlines()[0] == Msg.ACCOUNT_032.render(login="vp.xa", hours=72)
    with Store.open(data) as store:
        redeem(store, _token(reset.output), "mật khẩu mới toanh 2027")
        assert authenticate(store, "vp.xa", "mật khẩu mới toanh 2027", "127.0.0.1").login == "vp.xa"


def test_errors_point_at_what_is_wrong(tmp_path):
    data, _units, _ = _init(tmp_path)
    assert _run("user", "list", "--data", data).output == Msg.ACCOUNT_033.render() + "\n"
    no_base = _run("user", "add", "vp.xa", "--data", data, "--committee", "03386")
    assert no_base.exit_code == 2 and Msg.ACCOUNT_018.render(where=data / "base_url.txt") in no_base.output
    unknown = _run("user", "add", "vp.xa", "--data", data, "--committee", "99", "--base-url", BASE)
    assert unknown.exit_code == 2 and Msg.ACCOUNT_003.render(code="99") in unknown.output
    bad_login = _run("user", "add", "vp xã", "--data", data, "--committee", "03386")
    assert bad_login.exit_code == 2 and Msg.ACCOUNT_008.render(login="vp xã") in bad_login.output
    _run("user", "add", "vp.xa", "--data", data, "--committee", "03386")
    taken = _run("user", "add", "Vp.Xa", "--data", data, "--committee", "03408")
    assert taken.exit_code == 2 and Msg.ACCOUNT_002.render(login="vp.xa") in taken.output
    missing = _run("user", "reset", "khong.co", "--data", data)
    assert missing.exit_code == 2 and Msg.ACCOUNT_017.render(login="khong.co") in missing.output
    with Store.open(data) as store:
        assert [a.login for a in store.accounts()] == ["vp.xa"]


def test_a_province_not_found_names_the_command_the_officer_typed(tmp_path):
    pytest.importorskip("vietnam_provinces", reason="the optional catalogue (pip install 'tonghop[units]')")
    result = _run("init", "--data", tmp_path / "data", "--province", "Atlantis")
    assert result.exit_code != 0
    assert Msg.UNITS_004.render(where="tonghop admin init --province", query="Atlantis") in result.output
