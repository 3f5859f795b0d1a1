"""What a monitor asks of a store (``GET /healthz``): the database answers, its schema is at this
version's newest migration, and the data folder's disk has room. The answers are short fixed
words in English, for machines: never a path, an address or a version."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from pipeline.core.errors import PipelineError
from pipeline.store.schema import current_revision, head_revision

if TYPE_CHECKING:
    from pipeline.store.store import Store

MIN_FREE_ENV = "TONGHOP_MIN_FREE_MB"
MIN_FREE_MB = 500  # below this much free space on the data folder's disk, the server is unhealthy
OK, DATABASE_DOWN, SCHEMA_BEHIND, DISK_LOW = "ok", "database unreachable", "database schema not current", "disk space low"


def min_free_bytes() -> int:
    """The free space the data folder's disk must keep (``TONGHOP_MIN_FREE_MB``, else 500 MB)."""
    try:
        return int(os.environ.get(MIN_FREE_ENV, MIN_FREE_MB)) * 1024 * 1024
    except ValueError:
        return MIN_FREE_MB * 1024 * 1024


def problems(store: Store, min_free: int | None = None) -> list[str]:
    """What is wrong with the store, in fixed words; empty when healthy."""
    found = []
    try:
        with store._read() as conn:
            if current_revision(conn) != head_revision():
                found.append(SCHEMA_BEHIND)
    except PipelineError:
        found.append(DATABASE_DOWN)
    try:
        free = shutil.disk_usage(store.data_dir).free
    except OSError:
        free = 0
    if free < (min_free_bytes() if min_free is None else min_free):
        found.append(DISK_LOW)
    return found
