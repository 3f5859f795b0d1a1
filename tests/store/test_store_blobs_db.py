"""Kept files in PostgreSQL (issue 23): streamed in and out in chunks, content-addressed, read by
every process of a deployment; a copy checked by hash for what reads a file by path; the
migration that moves an existing PostgreSQL store's files into the database checks every hash
and leaves the files on disk."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from pipeline.core.errors import Msg
from pipeline.store import Store, StoreError, schema
from pipeline.store.blobstore import CHUNK_BYTES
from pipeline.store.schema import blob_chunks

BIG = os.urandom(CHUNK_BYTES) * 2 + os.urandom(12_345)  # three chunks, the last one short


@pytest.fixture
def pg_store(tmp_path, postgres_url):
    with Store.open(tmp_path / "data", postgres_url) as store:
        yield store


def _chunks(store, sha):
    with store._read() as conn:
        return conn.execute(
            sa.select(blob_chunks.c.seq, sa.func.length(blob_chunks.c.data)).where(blob_chunks.c.sha256 == sha).order_by(blob_chunks.c.seq)
        ).all()


def test_a_big_file_goes_into_the_database_in_chunks_and_comes_back_whole(pg_store, tmp_path):
    sha = pg_store.put_blob(io.BytesIO(BIG))  # an upload read from its spooled file
    assert sha == hashlib.sha256(BIG).hexdigest()
    assert [size for _seq, size in _chunks(pg_store, sha)] == [CHUNK_BYTES, CHUNK_BYTES, 12_345]
    assert not (tmp_path / "data" / "blobs").exists(), "nothing kept on disk"
    assert b"".join(pg_store.blob_chunks(sha)) == BIG and pg_store.blob(sha) == BIG
    assert pg_store.put_blob(BIG) == sha and len(_chunks(pg_store, sha)) == 3, "kept once"


def test_another_process_reads_the_file_from_the_database(pg_store, tmp_path, postgres_url):
    sha = pg_store.put_blob(BIG)
    with Store.open(tmp_path / "elsewhere", postgres_url) as other:  # another machine: its own data folder
        path = other.blob_path(sha)
        assert path.parent.parent == tmp_path / "elsewhere" / "blob_cache" and path.read_bytes() == BIG


def test_a_damaged_file_in_the_database_is_refused(pg_store):
    sha = pg_store.put_blob(BIG)
    with pg_store._write() as conn:
        conn.execute(blob_chunks.update().where(blob_chunks.c.sha256 == sha, blob_chunks.c.seq == 1).values(data=b"x" * CHUNK_BYTES))
    with pytest.raises(StoreError) as caught:
        pg_store.blob_path(sha)
    assert str(caught.value) == Msg.STORE_101.render(where=pg_store._where, sha256=sha)
    assert (
        not list((pg_store.data_dir / "blob_cache").rglob("*.tmp")) and not (pg_store.data_dir / "blob_cache" / sha[:2] / sha[2:]).exists()
    )
    with pytest.raises(StoreError, match="Không tìm thấy tệp đã lưu"):
        pg_store.blob("0" * 64)


def _old_store(tmp_path, url, contents):
    """A PostgreSQL store as revision 0005 left it: files under <data>/blobs."""
    data = tmp_path / "data"
    Store.open(data, url).close()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0005")
    shas = []
    for content in contents:
        sha = hashlib.sha256(content).hexdigest()
        (data / "blobs" / sha[:2]).mkdir(parents=True, exist_ok=True)
        (data / "blobs" / sha[:2] / sha[2:]).write_bytes(content)
        shas.append(sha)
    with engine.begin() as conn:
        for content, sha in zip(contents, shas, strict=True):
            conn.execute(sa.text("INSERT INTO blobs (sha256, size, stored_at) VALUES (:s, :n, now())"), {"s": sha, "n": len(content)})
    engine.dispose()
    return data, shas


def test_the_migration_moves_the_files_into_the_database_and_leaves_them_on_disk(tmp_path, postgres_url):
    contents = [BIG, b"small", b""]
    data, shas = _old_store(tmp_path, postgres_url, contents)
    with Store.open(data, postgres_url) as store:
        for content, sha in zip(contents, shas, strict=True):
            shutil.rmtree(data / "blob_cache", ignore_errors=True)
            assert store.blob(sha) == content
    assert all((data / "blobs" / sha[:2] / sha[2:]).is_file() for sha in shas), "the files on disk are left in place"


def test_the_migration_refuses_a_damaged_file_and_changes_nothing(tmp_path, postgres_url):
    data, shas = _old_store(tmp_path, postgres_url, [b"first", b"second"])
    damaged = data / "blobs" / shas[1][:2] / shas[1][2:]
    damaged.write_bytes(b"changed")
    with pytest.raises(StoreError) as caught:
        Store.open(data, postgres_url)
    assert str(caught.value) == Msg.STORE_103.render(where=damaged, sha256=shas[1])
    damaged.write_bytes(b"second")
    with Store.open(data, postgres_url) as store:  # put back, it opens: nothing was half done
        assert store.blob(shas[0]) == b"first" and store.blob(shas[1]) == b"second"


def test_sqlite_keeps_its_files_on_disk(tmp_path):
    with Store.open(tmp_path / "data") as store:
        sha = store.put_blob(io.BytesIO(b"on disk"))
        assert not store.blobs_in_database and (tmp_path / "data" / "blobs" / sha[:2] / sha[2:]).read_bytes() == b"on disk"
        store.create_round("", "BC-MTTQ", "3", "2023", date(2023, 11, 15), [])


def test_many_files_are_fetched_together_into_another_process_cache(pg_store, tmp_path, postgres_url):
    """A round's consolidation on a machine whose cache is empty fetches its files a few hundred a
    query, each hash checked, and reads them from the cache like ``blob_path``."""
    contents = [BIG, b"small", b""]
    shas = [pg_store.put_blob(content) for content in contents]
    with Store.open(tmp_path / "elsewhere", postgres_url) as other:
        paths = other.checked_paths([shas[1], *shas])  # in the order asked, a file asked twice too
        assert [p.read_bytes() for p in paths] == [b"small", *contents]
        assert paths[1:] == [other.blob_path(sha) for sha in shas] and not list((tmp_path / "elsewhere").rglob("*.tmp"))


def test_a_damaged_or_missing_file_stops_the_fetch_of_many(pg_store, tmp_path, postgres_url):
    good, bad = pg_store.put_blob(b"good"), pg_store.put_blob(BIG)
    with pg_store._write() as conn:
        conn.execute(blob_chunks.update().where(blob_chunks.c.sha256 == bad, blob_chunks.c.seq == 2).values(data=b"x"))
    with Store.open(tmp_path / "elsewhere", postgres_url) as other:
        with pytest.raises(StoreError) as caught:
            other.checked_paths([good, bad])
        assert str(caught.value) == Msg.STORE_101.render(where=other._where, sha256=bad)
        assert not (tmp_path / "elsewhere" / "blob_cache" / bad[:2] / bad[2:]).exists()
        with pytest.raises(StoreError) as caught:
            other.checked_paths([good, "0" * 64])
        assert str(caught.value) == Msg.STORE_100.render(where=other._where, sha256="0" * 64)


def test_a_cache_copy_left_damaged_by_a_power_cut_is_copied_again(pg_store, tmp_path, postgres_url):
    """The copies fetched for a consolidation are synced to disk together at the end: a power cut
    before that can leave a copy empty or cut short. The database still holds the file, so the
    copy is made again instead of the consolidation failing until someone deletes it by hand."""
    shas = [pg_store.put_blob(BIG), pg_store.put_blob(b"small")]
    with Store.open(tmp_path / "elsewhere", postgres_url) as other:
        paths = other.checked_paths(shas)
        paths[0].write_bytes(BIG[:1000])  # cut short
        paths[1].write_bytes(b"")  # empty, as a file renamed before its data reached the disk
        again = other.checked_paths(shas)
        assert [p.read_bytes() for p in again] == [BIG, b"small"]
        paths[1].write_bytes(b"x")
        assert other.blob(shas[1]) == b"small"
