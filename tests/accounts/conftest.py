"""A store with a small tree of committees, made from a unit list as an officer writes it:

00 Trung ương (central)
├── 12 Tỉnh Lai Châu (province)
│   ├── 03386 Phường Tân Phong (commune)
│   │   └── 03386-01 Tổ dân phố 1 (village)
│   └── 03408 Xã Bình Lư (commune)
└── 01 Thành phố Hà Nội (province)
    └── 00004 Phường Ba Đình (commune)
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.accounts import init_from_units, invite, redeem
from pipeline.store import Store

TREE_CSV = """code,name,level,parent
00,Ủy ban Trung ương,central,
12,Tỉnh Lai Châu,province,00
03386,Phường Tân Phong,commune,12
03386-01,Tổ dân phố 1,village,03386
03408,Xã Bình Lư,commune,12
01,Thành phố Hà Nội,province,00
00004,Phường Ba Đình,commune,01
"""
PASSWORD = "mùa xuân nho nhỏ 2026"
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """``None`` (SQLite in the data folder) or the URL of a fresh PostgreSQL database."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def units_file(tmp_path):
    path = tmp_path / "uy_ban.csv"
    path.write_text(TREE_CSV, encoding="utf-8-sig")  # as Excel saves "CSV UTF-8"
    return path


@pytest.fixture
def tree_store(tmp_path, units_file):
    """A SQLite store holding the tree."""
    with Store.open(tmp_path / "data") as store:
        init_from_units(store, units_file)
        yield store


@pytest.fixture
def tree_store_both(tmp_path, units_file, db_url):
    """The tree, on SQLite and on PostgreSQL."""
    with Store.open(tmp_path / "data", db_url) as store:
        init_from_units(store, units_file)
        yield store


def make_account(store: Store, login: str, committee: str, role: str = "office", password: str | None = PASSWORD):
    """An account made by the server's owner, its password set through its invitation."""
    account, token = invite(store, None, login, login.title(), committee, role)
    return redeem(store, token, password) if password else account
