"""``tonghop admin backup`` and ``restore`` (issue 23), on SQLite and PostgreSQL: the restored store
opens, its files match their hashes, its round consolidates to the same figures as before; a
backup taken while uploads go on is consistent; a target holding data is refused unless told,
and the archive is written whole or not at all."""

from __future__ import annotations

import secrets
import tarfile
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner

from pipeline import rounds
from pipeline.cli import cli
from pipeline.core.errors import Msg
from pipeline.core.vnformat import vietnam_today
from pipeline.store import Store, backup
from pipeline.store.engine import SQLITE_FILE, database_url

CSVS = ("totals.csv", "values.csv", "findings.csv", "submissions.csv", "files.csv")


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request):
    return request.param


@pytest.fixture
def new_url(kind, request):
    """new_url() → a new empty database of the kind under test (None: SQLite in the data folder)."""
    if kind == "sqlite":
        return lambda: None
    import psycopg

    socket_dir, port = request.getfixturevalue("postgres_server")

    def make():
        name = "t_backup_" + secrets.token_hex(6)
        with psycopg.connect(host=str(socket_dir), port=port, user="tonghop", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://tonghop@/{name}?host={socket_dir}&port={port}"

    return make


def _db(url):
    return ["--db", url] if url else []


def _run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def _round_with_returns(data, url, sample_dir):
    with Store.open(data, url) as store:
        round_id = rounds.create_round(store, period="2023", deadline=(vietnam_today() + timedelta(days=30)).strftime("%d/%m/%Y")).id
        rounds.add_paths(store, round_id, [sample_dir])
    return round_id


def _consolidated(data, url, round_id, out):
    with Store.open(data, url) as store:
        _result, folder = rounds.consolidate_round(store, round_id, out)
    return {name: (folder / name).read_bytes() for name in CSVS}


def test_backup_and_restore_round_trip(kind, new_url, tmp_path, sample_dir):
    url = new_url()
    round_id = _round_with_returns(tmp_path / "data", url, sample_dir)
    before = _consolidated(tmp_path / "data", url, round_id, tmp_path / "before")
    archive = tmp_path / "sao_luu.tar"
    code, output = _run("admin", "backup", "--data", tmp_path / "data", *_db(url), "--out", archive)
    assert code == 0, output
    manifest = backup.read_manifest(tarfile.open(archive), archive)
    counted = {"where": archive, "rounds": "1", "submissions": "8", "blobs": str(manifest.counts["blobs"])}
    assert output.strip() == Msg.ACCOUNT_130.render(**counted)
    assert manifest.database == kind and manifest.counts["submissions"] == 8 and len(manifest.blobs) == manifest.counts["blobs"] >= 8
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    target = new_url()
    code, output = _run("admin", "restore", archive, "--data", tmp_path / "restored", *_db(target))
    assert code == 0 and output.strip() == Msg.ACCOUNT_131.render(**counted), output
    assert _consolidated(tmp_path / "restored", target, round_id, tmp_path / "after") == before

    code, output = _run("admin", "restore", archive, "--data", tmp_path / "restored", *_db(target))
    where = tmp_path / "restored" if kind == "sqlite" else database_url(tmp_path, target).render_as_string(hide_password=True)
    assert code != 0 and Msg.ACCOUNT_133.render(where=where) in output, output
    code, output = _run("admin", "restore", archive, "--data", tmp_path / "restored", *_db(target), "--force")
    assert code == 0, output
    assert _consolidated(tmp_path / "restored", target, round_id, tmp_path / "again") == before


def test_a_backup_taken_while_uploads_go_on_is_consistent(kind, new_url, tmp_path, sample_dir):
    url = new_url()
    round_id = _round_with_returns(tmp_path / "data", url, sample_dir)
    files = sorted(sample_dir.glob("*.xlsx"))
    stop, sent = threading.Event(), []

    def upload():
        with Store.open(tmp_path / "data", url) as store:
            while not stop.is_set():
                path = files[len(sent) % len(files)]
                data = path.read_bytes() + secrets.token_bytes(8)  # a new file each time (a damaged zip: refused, kept)
                sent.append(rounds.submit(store, round_id, data, path.name))

    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        while len(sent) < 3:
            threading.Event().wait(0.05)
        archives = []
        for n in range(3):
            archives.append(tmp_path / f"b{n}.tar")
            backup.backup(tmp_path / "data", url, archives[-1])
    finally:
        stop.set()
        uploader.join()
    for n, archive in enumerate(archives):
        target = new_url()
        manifest = backup.restore(archive, tmp_path / f"r{n}", target)  # checks every hash and table
        assert 8 < manifest.counts["submissions"] <= 8 + len(sent)
        with Store.open(tmp_path / f"r{n}", target) as restored:
            kept = restored.submissions(round_id)
            assert len(kept) == manifest.counts["submissions"]
            assert all(restored.blob(s.sha256) is not None for s in kept)


def test_a_folder_without_a_store_is_not_backed_up(tmp_path):
    code, output = _run("admin", "backup", "--data", tmp_path / "nothing", "--out", tmp_path / "b.tar")
    assert code != 0 and Msg.ACCOUNT_139.render(where=tmp_path / "nothing") in output
    assert not (tmp_path / "b.tar").exists() and not (tmp_path / "nothing").exists()


def test_restore_refuses_what_is_not_a_backup_and_another_kind_of_store(tmp_path, sample_dir):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as archive:
        archive.add(sample_dir, "x")
    code, output = _run("admin", "restore", bogus, "--data", tmp_path / "r")
    assert code != 0 and "không phải bản sao lưu" in output and not (tmp_path / "r" / SQLITE_FILE).exists()
    _round_with_returns(tmp_path / "data", None, sample_dir)
    backup.backup(tmp_path / "data", None, tmp_path / "s.tar")
    code, output = _run("admin", "restore", tmp_path / "s.tar", "--data", tmp_path / "r", "--db", "postgresql://nobody@/nowhere")
    assert code != 0 and Msg.ACCOUNT_135.render(where=tmp_path / "s.tar", kind="sqlite", target="postgresql") in output


def test_a_missing_postgresql_tool_is_named(monkeypatch, tmp_path):
    from pipeline.store import pgdump

    monkeypatch.setattr(pgdump, "PG_BIN", tmp_path / "none")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(Exception) as caught:
        pgdump.tool("pg_dump")
    assert str(caught.value) == Msg.ACCOUNT_132.render(tool="pg_dump")
