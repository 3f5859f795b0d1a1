"""Python's cyclic garbage collector kept out of the way of steps that make millions of
objects that live on (the returns read, the frames of a consolidation).

A full collection walks every object alive. While 10,000 returns' outcomes pile up in the main
process, the collector ran over all of them again and again: half of that process's CPU while
reading (0.55 of 0.95 s). In a forked worker it walked the whole inherited heap as well, which
also copies the pages it touches (the collector writes to each object's header).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off over a step; back on afterwards, unless it was off before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """This process's objects moved out of the collector's reach (``gc.freeze``) while worker
    processes are forked from it and run, and the collector paused here meanwhile: the workers
    collect only what they make, and never touch (so never copy) the pages they share with this
    process. Everything is handed back to the collector afterwards."""
    with paused():
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
