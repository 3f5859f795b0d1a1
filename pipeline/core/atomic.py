"""Atomic output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``target`` in one step.

    On any failure the temporary file is removed and ``target`` is left as it was.
    :raises OutputError: the folder cannot be written or the target is locked.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
        os.close(fd)
    except OSError as err:
        raise OutputError(f"Không ghi được vào thư mục '{target.parent}': {err.strerror}. Hãy chọn thư mục khác bằng --out.") from err
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except OSError as err:
        raise OutputError(
            f"Không ghi được tệp '{target}': {err.strerror}. Nếu tệp đang mở trong Excel, hãy đóng tệp rồi chạy lại."
        ) from err
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
