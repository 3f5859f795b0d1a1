"""The store's kept files (``Store.put_blob``, ``blob``, ``blob_path``): on SQLite, files under
``<data>/blobs`` (``blobs.py``); on PostgreSQL, in the database itself, in chunks of
``CHUNK_BYTES`` in the ``blob_chunks`` table, so that every ``serve`` process of a deployment,
on one machine or several, reads the same files. Either way a file is named by its sha256,
checked on the way in and out, kept once and never rewritten.

What reads a kept file by path (the checks, the consolidation) gets a copy written, hash
checked, into ``<data>/blob_cache`` (content-addressed too: any process may fill it, none
changes a file in it); the chunks stream in and out, a file is never whole in memory on the way."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import sqlalchemy as sa

from pipeline.core.errors import Msg, StoreError
from pipeline.core.vnformat import utc_now
from pipeline.store.blobs import Blobs
from pipeline.store.schema import blob_chunks, blobs

T = TypeVar("T")

CHUNK_BYTES = 1 << 20
BLOBS_DIR = "blobs"
CACHE_DIR = "blob_cache"
FETCH_MANY = 500  # blobs fetched from the database by one query
SYNC_EACH = not hasattr(os, "sync")  # copies fetched together are synced together (where the system can)


def _pieces(data: bytes | BinaryIO) -> Iterator[bytes]:
    """``data`` in chunks; a file is read from where it is, chunk by chunk."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_BYTES):
            yield bytes(view[start : start + CHUNK_BYTES])
        return
    while chunk := data.read(CHUNK_BYTES):
        yield chunk


def _hash(data: bytes | BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in _pieces(data):
        digest.update(chunk)
        size += len(chunk)
    if not isinstance(data, bytes | bytearray | memoryview):
        data.seek(0)
    return digest.hexdigest(), size


def insert_chunks(conn: sa.Connection, sha256: str, data: bytes | BinaryIO, table: sa.TableClause = blob_chunks) -> None:
    """The chunks of ``data`` into ``blob_chunks`` (its ``blobs`` row already added), one at a time."""
    for seq, chunk in enumerate(_pieces(data)):
        conn.execute(table.insert().values(sha256=sha256, seq=seq, data=chunk))


def read_chunks(conn: sa.Connection, sha256: str) -> Iterator[bytes]:
    """The chunks of the blob ``sha256`` in order, fetched a few at a time."""
    query = sa.select(blob_chunks.c.data).where(blob_chunks.c.sha256 == sha256).order_by(blob_chunks.c.seq)
    for row in conn.execution_options(stream_results=True, max_row_buffer=4).execute(query):
        yield bytes(row.data)


class BlobStore:
    """The kept files' methods of ``Store`` (which provides ``data_dir``, ``_write``, ``_read``,
    ``_where`` and ``blobs_in_database``)."""

    def _blob_files(self) -> Blobs:
        return Blobs(self.data_dir / BLOBS_DIR)

    def _blob_cache(self) -> Blobs:
        return Blobs(self.data_dir / CACHE_DIR)

    def put_blob(self, data: bytes | BinaryIO) -> str:
        """Keep ``data`` (bytes, or a binary file read from where it is) once, whatever how
        often it is sent; its sha256 names it."""
        if not self.blobs_in_database:
            data = data if isinstance(data, bytes) else data.read()
            sha256, _new = self._blob_files().put(bytes(data))
            self._blob_row(sha256, len(data))
            return sha256
        sha256, size = _hash(data)
        with self._write() as conn:
            if self._blob_row(sha256, size, conn):
                insert_chunks(conn, sha256, data)
        return sha256

    def _blob_row(self, sha256: str, size: int, conn: sa.Connection | None = None) -> bool:
        """The blob's row, added unless there; whether it was added."""
        if conn is None:
            with self._write() as conn:
                return self._blob_row(sha256, size, conn)
        if conn.dialect.name == "postgresql":  # the dialect in use only: PostgreSQL's loads asyncio, 20 ms at every start
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        row = insert(blobs).values(sha256=sha256, size=size, stored_at=utc_now()).on_conflict_do_nothing(index_elements=["sha256"])
        return conn.execute(row.returning(blobs.c.sha256)).first() is not None

    def blob(self, sha256: str) -> bytes:
        """The bytes of a kept file. :raises StoreError: missing or damaged."""
        if not self.blobs_in_database:
            return self._blob_files().get(sha256)
        self._cached(sha256)
        return self._healed(sha256, self._blob_cache().get)

    def blob_path(self, sha256: str) -> Path:
        """Where a kept file can be read as a file (read it, never write it): in the data folder,
        or its hash-checked copy from the database."""
        if not self.blobs_in_database:
            return self._blob_files().path(sha256)
        return self._cached(sha256)

    def checked_paths(self, sha256s: Sequence[str]) -> list[Path]:
        """Where each of many kept files can be read as a file (``blob_path``), each first
        checked whole and undamaged as ``blob`` checks it (the first failure in ``sha256s``'
        order raised); from the database, the copies not in the cache fetched a few hundred a
        query (``_cache_many``)."""
        wanted = list(dict.fromkeys(sha256s))
        files = self._blob_cache() if self.blobs_in_database else self._blob_files()
        if not self.blobs_in_database:
            files.check_all(wanted)
            return [files.path(sha) for sha in sha256s]
        self._cache_many([sha for sha in wanted if not files.path(sha).is_file()])
        for sha256 in wanted:
            self._healed(sha256, lambda sha: files.check_all([sha]))
        return [files.path(sha) for sha in sha256s]

    def _healed(self, sha256: str, check: Callable[[str], T]) -> T:
        """``check(sha256)`` on the cached copy of a blob kept in the database; a copy found damaged
        or gone (a power cut before the cache was synced) is removed and copied again from the
        database, which holds the file: only a file the database itself has wrong is an error."""
        try:
            return check(sha256)
        except StoreError as err:
            if err.msg not in (Msg.STORE_004, Msg.STORE_005):
                raise
        self._blob_cache().path(sha256).unlink(missing_ok=True)
        self._cached(sha256)  # written again, synced before it is renamed into place
        return check(sha256)

    def _cache_many(self, missing: list[str]) -> None:
        """The copies of blobs from the database in the cache folder, ``missing`` there: their
        chunks streamed in a query per ``FETCH_MANY`` blobs, each file hash checked as it is
        written, all synced to disk at once at the end (``_cached`` syncs each, as here on Windows)."""
        cache = self._blob_cache()
        for start in range(0, len(missing), FETCH_MANY):
            some = missing[start : start + FETCH_MANY]
            query = (
                sa.select(blob_chunks.c.sha256, blob_chunks.c.data)
                .where(blob_chunks.c.sha256.in_(some))
                .order_by(blob_chunks.c.sha256, blob_chunks.c.seq)
            )
            with self._read() as conn:
                found = set(conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256.in_(some))).scalars())
                for sha256 in some:
                    if sha256 not in found:
                        raise StoreError(Msg.STORE_100, where=self._where, sha256=sha256)
                rows = conn.execution_options(stream_results=True, max_row_buffer=64).execute(query)
                chunked = itertools.groupby(rows, key=lambda row: row.sha256)
                for sha256, chunks in itertools.chain(chunked, ((sha, ()) for sha in some)):  # then those without chunks
                    if not cache.path(sha256).is_file() and not cache.put_chunks(
                        (bytes(row.data) for row in chunks), sha256, sync=SYNC_EACH
                    ):
                        raise StoreError(Msg.STORE_101, where=self._where, sha256=sha256)
        if missing and not SYNC_EACH:
            os.sync()  # on disk before they are used as copies (a cached file is never written again)

    def blob_chunks(self, sha256: str) -> Iterator[bytes]:
        """The kept file in chunks, as stored (check the hash where it matters)."""
        if not self.blobs_in_database:
            with open(self._blob_files().path(sha256), "rb") as kept:
                yield from _pieces(kept)
            return
        with self._read() as conn:
            yield from read_chunks(conn, sha256)

    def _cached(self, sha256: str) -> Path:
        """The copy of a blob from the database in the cache folder, written (hash checked) if missing."""
        cache = self._blob_cache()
        target = cache.path(sha256)
        if target.is_file():
            return target
        with self._read() as conn:
            if conn.execute(sa.select(blobs.c.size).where(blobs.c.sha256 == sha256)).first() is None:
                raise StoreError(Msg.STORE_100, where=self._where, sha256=sha256)
            if not cache.put_chunks(read_chunks(conn, sha256), sha256):
                raise StoreError(Msg.STORE_101, where=self._where, sha256=sha256)
        return target
