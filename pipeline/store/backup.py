"""Backups of a store, and their restore (``tonghop admin backup | restore``): one tar archive
with a ``manifest.json`` (the schema revision, the rows of each table, the sha256 and size of
every kept file) and the store itself: on SQLite the database copied through SQLite's online
backup API and the blob files; on PostgreSQL a ``pg_dump -Fc`` of the database, the files
included (``pgdump.py``).

A backup is consistent while uploads go on: the database is read as one snapshot, and on SQLite
a blob's file is written before its row, so every file the snapshot names is already whole.
The archive is written to a temporary file and renamed into place. A restore refuses a target
that holds data unless told to replace it (``force``), checks every file's hash and every
table's rows against the manifest, and opens the store (which upgrades an older backup)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from pipeline.core.atomic import atomic_path
from pipeline.core.errors import Msg, StoreError
from pipeline.store import pgdump
from pipeline.store.blobs import Blobs
from pipeline.store.blobstore import BLOBS_DIR, CHUNK_BYTES
from pipeline.store.engine import SQLITE_FILE, database_url
from pipeline.store.schema import blobs, metadata
from pipeline.store.store import Store

MANIFEST = "manifest.json"
FORMAT = "tonghop-backup"
DUMP = "database.dump"
COUNTED = ("rounds", "round_units", "submissions", "reviews", "audit_log", "blobs", "committees", "accounts")


@dataclass
class Manifest:
    """What a backup holds: ``database`` ("sqlite" or "postgresql"), the schema ``revision``,
    the rows of the main tables, and every kept file's size by sha256."""

    database: str
    revision: str
    counts: dict[str, int]
    blobs: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> bytes:
        fields = {"format": FORMAT, "version": 1, "database": self.database, "revision": self.revision}
        return json.dumps({**fields, "counts": self.counts, "blobs": self.blobs}, indent=1, sort_keys=True).encode()


def read_snapshot(conn: sa.Connection, database: str) -> Manifest:
    """The manifest of the database as ``conn`` sees it (one snapshot)."""
    revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    counts = {name: conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[name])).scalar_one() for name in COUNTED}
    kept = {row.sha256: row.size for row in conn.execute(sa.select(blobs.c.sha256, blobs.c.size).order_by(blobs.c.sha256))}
    return Manifest(database, revision, counts, kept)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    archive.addfile(info, io.BytesIO(data))


class _Hashing(io.RawIOBase):
    """A file read through, hashed on the way (a blob checked while it is archived)."""

    def __init__(self, raw) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def backup(data_dir: Path, url: str | None, out: Path) -> Manifest:
    """Write the backup of the store in ``data_dir`` (database ``url``) to ``out``.

    :raises StoreError: the store cannot be read, a kept file is missing or damaged, or (PostgreSQL) pg_dump is missing or fails.
    """
    data_dir, out = Path(data_dir), Path(out)
    if url is None and not (data_dir / SQLITE_FILE).is_file():
        raise StoreError(Msg.ACCOUNT_139, where=data_dir)  # never an empty store made to be backed up
    Store.open(data_dir, url).close()  # a store, at this version's schema
    with atomic_path(out) as tmp, tarfile.open(tmp, "w") as archive:
        if url is None:
            manifest = _backup_sqlite(data_dir, archive, tmp.parent)
        else:
            manifest = pgdump.dump(database_url(data_dir, url), archive, DUMP, read_snapshot)
        _add_bytes(archive, MANIFEST, manifest.to_json())
    return manifest


def _backup_sqlite(data_dir: Path, archive: tarfile.TarFile, scratch: Path) -> Manifest:
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".tonghop-backup-") as folder:
        copy = Path(folder) / SQLITE_FILE
        with contextlib.closing(sqlite3.connect(data_dir / SQLITE_FILE)) as source, contextlib.closing(sqlite3.connect(copy)) as target:
            source.backup(target)  # one consistent snapshot, while writers go on
        engine = sa.create_engine(f"sqlite+pysqlite:///{copy}")
        with engine.connect() as conn:
            manifest = read_snapshot(conn, "sqlite")
        engine.dispose()
        archive.add(copy, SQLITE_FILE)
    files = Blobs(data_dir / BLOBS_DIR)
    for sha256, size in manifest.blobs.items():
        path = files.path(sha256)
        try:
            with open(path, "rb") as kept:
                reader = _Hashing(kept)
                info = archive.gettarinfo(path, f"{BLOBS_DIR}/{sha256[:2]}/{sha256[2:]}")
                archive.addfile(info, reader)
        except FileNotFoundError:
            raise StoreError(Msg.STORE_004, where=path, sha256=sha256) from None
        if reader.digest.hexdigest() != sha256 or info.size != size:
            raise StoreError(Msg.STORE_005, where=path)
    return manifest


def read_manifest(archive: tarfile.TarFile, where: Path) -> Manifest:
    try:
        fields = json.loads(archive.extractfile(MANIFEST).read())
        if fields.get("format") != FORMAT:
            raise ValueError(f"format {fields.get('format')!r}")
        return Manifest(fields["database"], fields["revision"], fields["counts"], fields["blobs"])
    except (KeyError, ValueError, AttributeError, TypeError) as err:
        raise StoreError(Msg.ACCOUNT_134, where=where, reason=err) from err


def restore(archive_path: Path, data_dir: Path, url: str | None, *, force: bool = False) -> Manifest:
    """Bring the backup ``archive_path`` back into ``data_dir`` (database ``url``); the restored
    store opened and checked against the manifest.

    :param force: replace the data the target holds (else refused, ``ACCOUNT_133``).
    """
    archive_path, data_dir = Path(archive_path), Path(data_dir)
    try:
        archive = tarfile.open(archive_path, "r")
    except (OSError, tarfile.TarError) as err:
        raise StoreError(Msg.ACCOUNT_134, where=archive_path, reason=getattr(err, "strerror", None) or err) from err
    with archive:
        manifest = read_manifest(archive, archive_path)
        target = "postgresql" if url else "sqlite"
        if manifest.database != target:
            raise StoreError(Msg.ACCOUNT_135, where=archive_path, kind=manifest.database, target=target)
        if url is None:
            _restore_sqlite(archive, archive_path, data_dir, force)
        else:
            pgdump.restore(database_url(data_dir, url), archive, DUMP, force=force)
    with Store.open(data_dir, url) as store:
        check(store, manifest)
    return manifest


def _restore_sqlite(archive: tarfile.TarFile, where: Path, data_dir: Path, force: bool) -> None:
    database = data_dir / SQLITE_FILE
    held = database.exists() or any((data_dir / BLOBS_DIR).glob("*/*"))
    if held and not force:
        raise StoreError(Msg.ACCOUNT_133, where=data_dir)
    files = Blobs(data_dir / BLOBS_DIR)
    for member in archive:
        if member.name.startswith(f"{BLOBS_DIR}/") and member.isfile():
            sha256 = member.name[len(BLOBS_DIR) + 1 :].replace("/", "")
            files.path(sha256)  # a sha256, or ValueError: never a path from the archive
            with archive.extractfile(member) as kept:
                if not files.put_chunks(iter(lambda: kept.read(CHUNK_BYTES), b""), sha256, sync=False):
                    raise StoreError(Msg.ACCOUNT_137, where=where, sha256=sha256)
    os.sync()  # every file on disk before the database that names them
    member = archive.getmember(SQLITE_FILE)
    data_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(database) as tmp, open(tmp, "wb") as out, archive.extractfile(member) as source:
        shutil.copyfileobj(source, out)
    for stale in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        stale.unlink(missing_ok=True)  # the replaced database's journal would be replayed into the restored one


def check(store: Store, manifest: Manifest) -> None:
    """Every kept file of the manifest is in the store and matches its hash; every table has the rows the manifest says."""
    with store._read() as conn:
        found = read_snapshot(conn, manifest.database)
    for table, expected in manifest.counts.items():
        if found.counts.get(table) != expected:
            raise StoreError(Msg.ACCOUNT_138, where=store._where, table=table, found=found.counts.get(table), expected=expected)
    for sha256 in manifest.blobs:
        digest = hashlib.sha256()
        try:
            for chunk in store.blob_chunks(sha256):
                digest.update(chunk)
        except FileNotFoundError:
            pass
        if digest.hexdigest() != sha256 or sha256 not in found.blobs:
            raise StoreError(Msg.ACCOUNT_137, where=store._where, sha256=sha256)
