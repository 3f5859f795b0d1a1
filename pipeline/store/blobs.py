"""Files kept byte for byte, named by their sha256: ``<data>/blobs/ab/cdef…``.

A blob is written to a temporary file beside its place, flushed to disk, then renamed into place,
so a blob that exists is whole; it is never rewritten or removed. The name is always the hash of
the content, checked on the way in and out: no name a user sent ever becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import Msg, StoreError, StoreUnavailableError

SHA256 = re.compile(r"[0-9a-f]{64}")


def not_written(target: Path, err: OSError) -> StoreError:
    return StoreUnavailableError(Msg.STORE_010, where=target.parent, reason=err.strerror or err)


class _Mismatch(Exception):
    """Bytes that do not match the name they were to be kept under."""


class Blobs:
    """The blob folder of a store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives (whether or not it exists yet)."""
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 in lowercase hex: {sha256!r}")
        return self.folder / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> tuple[str, bool]:
        """Keep ``data``; return its sha256 and whether it was new (the same bytes are kept once)."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.is_file() and target.stat().st_size == len(data):
            return sha256, False
        with atomic_path(target, error=not_written) as tmp:
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        return sha256, True

    def put_chunks(self, chunks: Iterable[bytes], sha256: str, *, sync: bool = True) -> bool:
        """Keep the bytes of ``chunks`` (a restore, a copy from the database) as the blob
        ``sha256``, written as they come; False, and nothing kept, when they do not match their name.

        :param sync: flush the file to disk before it is renamed into place (a restore of many
            files syncs them all at once at its end instead)."""
        target = self.path(sha256)
        try:
            with atomic_path(target, error=not_written) as tmp, open(tmp, "wb") as out:
                digest = hashlib.sha256()
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
                if digest.hexdigest() != sha256:
                    raise _Mismatch
                out.flush()
                if sync:
                    os.fsync(out.fileno())
        except _Mismatch:
            return False
        return True

    def get(self, sha256: str) -> bytes:
        """The bytes of blob ``sha256``, checked against their hash."""
        return _checked(self.path(sha256), sha256)

    def check_all(self, sha256s: Iterable[str]) -> None:
        """Each of the blobs whole and undamaged, as ``get`` checks it (its errors, the first in
        order), without keeping their bytes: many at once, their paths made as plain strings."""
        folder = os.fspath(self.folder)
        for sha256 in sha256s:
            if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
                raise ValueError(f"not a sha256 in lowercase hex: {sha256!r}")
            _checked(os.path.join(folder, sha256[:2], sha256[2:]), sha256)


def _checked(target: str | Path, sha256: str) -> bytes:
    """The bytes of the blob file ``target``, checked against their hash ``sha256``."""
    try:
        with open(target, "rb") as kept:
            data = kept.read()
    except FileNotFoundError:
        raise StoreError(Msg.STORE_004, where=Path(target), sha256=sha256) from None
    except OSError as err:
        raise StoreUnavailableError(Msg.STORE_011, where=Path(target), reason=err.strerror or err) from err
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(Msg.STORE_005, where=Path(target))
    return data
