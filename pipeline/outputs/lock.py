"""One run at a time writes into an output folder: a lock file ``.tonghop.lock`` held with the
operating system's file lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows).

The system releases the lock when the process ends, however it ends, so the lock of a run
killed mid-way never blocks the next one (a lock file left behind is simply locked again).
The file holds the process id and start time of the run holding it, for the message.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import Msg, OutputError
from pipeline.core.vnformat import vietnam_now

LOCK_NAME = ".tonghop.lock"
_WINDOWS_BYTE = 1 << 20  # Windows locks bytes: lock one far from the text, which stays readable


def _try_lock(fd: int) -> bool:
    """Take the lock on ``fd`` without waiting; False when another process holds it."""
    try:
        if os.name == "nt":  # pragma: no cover - Windows only
            import msvcrt

            os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False


def _unlock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _holder(path: Path) -> tuple[str, str]:
    """The process id and start time written by the run holding the lock (it writes them just
    after taking it: wait a moment for them)."""
    for _ in range(20):
        with contextlib.suppress(OSError):
            pid, _, since = path.read_text(encoding="utf-8").partition("\n")
            if pid.strip():
                return pid.strip(), since.strip() or "không rõ"
        time.sleep(0.05)
    return "không rõ", "không rõ"


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still is the file open as ``fd`` (the run before may have removed it)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[Path]:
    """Hold the lock of ``folder`` (which must exist) while the block writes into it.

    :raises OutputError: ``OUTPUT_006`` another run holds it; ``OUTPUT_001`` the lock file
        cannot be made.
    """
    path = Path(folder) / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise OutputError(Msg.OUTPUT_001, where=folder, reason=err.strerror) from err
        if not _try_lock(fd):
            os.close(fd)
            pid, since = _holder(path)
            raise OutputError(Msg.OUTPUT_006, where=folder, pid=pid, since=since)
        if _same_file(fd, path):
            break
        _unlock(fd)  # locked a file the previous holder had just removed: lock the new one
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n{vietnam_now().strftime('%H:%M:%S %d/%m/%Y')}\n".encode())
        yield path
    finally:
        with contextlib.suppress(OSError):  # removed while still held (Windows keeps an open file: it stays)
            path.unlink()
        _unlock(fd)
        os.close(fd)
