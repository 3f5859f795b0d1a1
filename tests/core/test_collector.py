"""The garbage collector around the pool: paused and frozen while workers run, handed back after."""

from __future__ import annotations

import gc

import pytest

from pipeline.core import collector
from pipeline.core.pool import map_chunks


def _collecting(context, item):
    return gc.isenabled(), gc.get_freeze_count() > 0


def test_workers_collect_what_they_make_and_the_parent_gets_its_collector_back():
    assert gc.isenabled()
    done = map_chunks(_collecting, [[1, 2], [3]], None, 2)
    assert done == [[(True, True), (True, True)], [(True, True)]]  # the inherited heap frozen, the collector on
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_pause_inside_a_pause_leaves_the_collector_off_until_the_outer_one_ends():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_a_failure():
    with pytest.raises(RuntimeError), collector.frozen_for_fork():
        assert not gc.isenabled() and gc.get_freeze_count() > 0
        raise RuntimeError
    assert gc.isenabled() and gc.get_freeze_count() == 0
