"""One-time set-password links: used once, expired, guessed, replaced, outside the inviter's
scope; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from pipeline.accounts import authenticate, invitation_url, invite, redeem, reset_link
from pipeline.accounts.invitations import VALID_HOURS, token_sha256
from pipeline.core.errors import Msg, PipelineError, StoreError
from tests.committees import PASSWORD, T0, make_account


def _refused(msg: Msg, call, *args, **kwargs) -> PipelineError:
    with pytest.raises(PipelineError) as caught:
        call(*args, **kwargs)
    assert caught.value.msg is msg, caught.value
    return caught.value


def test_an_invitation_sets_the_password_once(tree_store_both, tmp_path):
    store = tree_store_both
    account, token = invite(store, None, "  Nguyen.Van.An ", "Nguyễn Văn An", "03386", "office", now=T0)
    assert (account.login, account.display_name, account.created_by, account.password_hash) == (
        "nguyen.van.an",
        "Nguyễn Văn An",
        "server",
        None,
    )
    assert len(token) >= 43 and store.invitation(token_sha256(token)).expires_at == T0 + timedelta(hours=VALID_HOURS)
    done = redeem(store, token, PASSWORD, now=T0 + timedelta(hours=1))
    assert done.password_hash.startswith("$argon2id$") and done.session_epoch == account.session_epoch + 1
    assert authenticate(store, "NGUYEN.VAN.AN", PASSWORD, "10.0.0.1").id == account.id
    error = _refused(Msg.ACCOUNT_011, redeem, store, token, "một mật khẩu khác hẳn", now=T0 + timedelta(hours=2))
    assert error.status == 409
    assert authenticate(store, "nguyen.van.an", PASSWORD, "10.0.0.1").id == account.id  # the second use changed nothing


def test_the_token_is_kept_only_as_its_hash(tree_store, tmp_path):
    _account, token = invite(tree_store, None, "nguyen.van.an", "An", "03386")
    tree_store.close()  # the write-ahead log folded into the database file
    database = (tmp_path / "data" / "tonghop.sqlite3").read_bytes()
    assert token.encode() not in database and token_sha256(token).encode() in database


def test_expired_and_guessed_links_are_refused_without_saying_whether_an_account_exists(tree_store_both):
    store = tree_store_both
    _account, token = invite(store, None, "nguyen.van.an", "An", "03386", now=T0)
    expired = _refused(Msg.ACCOUNT_012, redeem, store, token, PASSWORD, now=T0 + timedelta(hours=VALID_HOURS))
    assert str(expired) == Msg.ACCOUNT_012.render(hours=VALID_HOURS)
    for guess in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", "x" * 10_000, token.upper()):
        guessed = _refused(Msg.ACCOUNT_010, redeem, store, guess, PASSWORD, now=T0)
        assert guessed.status == 404 and "nguyen" not in str(guessed)


def test_a_new_link_replaces_the_earlier_one_and_the_old_password_works_until_then(tree_store):
    account = make_account(tree_store, "nguyen.van.an", "03386")
    office = make_account(tree_store, "tinh.office", "12")
    first = reset_link(tree_store, office, account)
    second = reset_link(tree_store, None, account)
    assert authenticate(tree_store, "nguyen.van.an", "mùa xuân nho nhỏ 2026", "10.0.0.1").id == account.id
    _refused(Msg.ACCOUNT_011, redeem, tree_store, first, "mật khẩu mới toanh 2027")
    after = redeem(tree_store, second, "mật khẩu mới toanh 2027")
    assert after.session_epoch > account.session_epoch
    _refused(Msg.ACCOUNT_015, authenticate, tree_store, "nguyen.van.an", PASSWORD, "10.0.0.1")


@pytest.mark.parametrize(
    ("committee", "role"),
    [("12", "office"), ("00", "office"), ("03408", "office"), ("00004", "office"), ("03386-01", "viewer"), ("99999", "office")],
    ids=["parent", "grandparent", "sibling", "unrelated", "viewer-under-it", "unknown"],
)
def test_an_invitation_outside_the_inviters_scope_is_refused(tree_store, committee, role):
    office = make_account(tree_store, "xa.office", "03386")
    error = _refused(Msg.ACCOUNT_013, invite, tree_store, office, "nguoi.moi", "Người mới", committee, role)
    assert error.status == 404 and tree_store.account_by_login("nguoi.moi") is None


def test_an_office_invites_colleagues_and_offices_under_it_and_a_viewer_invites_nobody(tree_store):
    office = make_account(tree_store, "xa.office", "03386")
    colleague, _ = invite(tree_store, office, "xa.viewer", "Chị Xem", "03386", "viewer")
    village, _ = invite(tree_store, office, "to1.office", "Tổ 1", "03386-01", "office")
    assert (colleague.created_by, village.role) == ("xa.office", "office")
    viewer = make_account(tree_store, "xa.viewer2", "03386", "viewer")
    _refused(Msg.ACCOUNT_013, invite, tree_store, viewer, "nguoi.moi", "Người mới", "03386", "viewer")


def test_a_reset_link_only_for_an_account_under_the_office(tree_store):
    office = make_account(tree_store, "xa.office", "03386")
    province = make_account(tree_store, "tinh.office", "12", password=None)
    sibling = make_account(tree_store, "binhlu.office", "03408", password=None)
    for account in (province, sibling):
        _refused(Msg.ACCOUNT_014, reset_link, tree_store, office, account)


def test_logins_and_committees_are_checked(tree_store):
    for login in ("ab", "nguyễn", "có dấu cách", "-dash", "x" * 65):
        _refused(Msg.ACCOUNT_008, invite, tree_store, None, login, "X", "03386")
    invite(tree_store, None, "nguyen.van.an", "An", "03386")
    with pytest.raises(StoreError) as taken:
        invite(tree_store, None, "Nguyen.Van.An", "An khác", "03408")
    assert taken.value.msg is Msg.ACCOUNT_002
    with pytest.raises(StoreError) as unknown:
        invite(tree_store, None, "nguoi.khac", "X", "99999")
    assert unknown.value.msg is Msg.ACCOUNT_003


def test_the_link_is_built_on_the_base_url():
    url = invitation_url("https://baocao.example.vn/", "abc")
    assert url == "https://baocao.example.vn/mat-khau/abc" and urlsplit(url).path.endswith("/abc")
