"""Stores holding the tree of ``tests/committees.py``: on SQLite, and on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from pipeline.accounts import init_from_units
from pipeline.store import Store
from tests.committees import TREE_CSV


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
