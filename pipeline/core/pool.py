"""Spread work over processes: items cut into chunks, one shared context sent once per worker.

Both the reading of returns and the writing of templates work this way. A worker that dies
(out of memory, an abort in a native library) breaks the whole pool; ``map_chunks`` then
gives, for each chunk it could not finish, the exception instead of its results, so the
caller decides what to do with those items (read them again one by one, or raise).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from pipeline.core import collector

Item = TypeVar("Item")
Result = TypeVar("Result")

_CONTEXT: Any = None  # the shared context, in a worker process


def default_jobs() -> int:
    """One process per core."""
    return max(1, os.cpu_count() or 1)


def chunked(items: Sequence[Item], jobs: int, most: int) -> list[list[Item]]:
    """``items`` cut into chunks of at most ``most``, about four per process."""
    size = max(1, min(most, len(items) // (jobs * 4)))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _init(context: Any) -> None:
    global _CONTEXT
    _CONTEXT = context
    gc.enable()  # paused in the parent while it forks (``map_chunks``): a worker collects what it makes, not the frozen heap


def _run_chunk(work: Callable[[Any, Item], Result], chunk: list[Item]) -> list[Result]:
    return [work(_CONTEXT, item) for item in chunk]


def map_chunks(
    work: Callable[[Any, Item], Result],
    chunks: list[list[Item]],
    context: Any,
    jobs: int,
    on_chunk: Callable[[int], None] | None = None,
    on_results: Callable[[int, list[Result]], list[Result]] | None = None,
) -> list[list[Result] | Exception]:
    """``work(context, item)`` for every item, in ``jobs`` processes; results keep the chunks' order.

    :param work: a module-level function (it is pickled by name).
    :param context: sent once to each worker, not with every chunk.
    :param on_chunk: called in this process with the size of each chunk done (a progress bar).
    :param on_results: called in this process with the index and the results of each chunk done
        whole, while the workers go on with the next ones; what it returns stands for them.
    :returns: one list of results per chunk, or the exception that stopped the chunk (a worker that
        raised, or died and broke the pool).

    This process's objects are out of the garbage collector's reach meanwhile, and its collector
    paused while the results pile up (``collector.frozen_for_fork``).
    """
    done: list[list[Result] | Exception] = []
    with (
        collector.frozen_for_fork(),
        ProcessPoolExecutor(max_workers=max(1, min(jobs, len(chunks))), initializer=_init, initargs=(context,)) as pool,
    ):
        futures = [pool.submit(_run_chunk, work, chunk) for chunk in chunks]
        for index, (chunk, future) in enumerate(zip(chunks, futures, strict=True)):
            try:
                done.append(future.result())
            except Exception as err:  # noqa: BLE001 - the caller decides
                done.append(err)
            else:
                if on_results:
                    done[-1] = on_results(index, done[-1])
            if on_chunk:
                on_chunk(len(chunk))
    return done
