"""A small tree of committees as an officer writes it, and accounts on it, for the tests of the
accounts (``tests/accounts/``) and of ``tonghop admin`` (``tests/cli/``):

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

from pipeline.accounts import invite, redeem
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


def make_account(store: Store, login: str, committee: str, role: str = "office", password: str | None = PASSWORD):
    """An account made by the server's owner, its password set through its invitation (none: left unset)."""
    account, token = invite(store, None, login, login.title(), committee, role)
    return redeem(store, token, password) if password else account
