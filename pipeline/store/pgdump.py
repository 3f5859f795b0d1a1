"""A PostgreSQL store's database in and out of a backup archive with Debian's client tools
(``pg_dump -Fc``, ``pg_restore``; ``/usr/lib/postgresql/<version>/bin`` or the PATH). The
connection is handed to them through the environment (``PGHOST`` …), never on a command line
another user could read. The dump is taken in the snapshot the manifest is read in, so the two
agree while the store is in use."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

from pipeline.core.errors import Msg, StoreError

PG_BIN = Path("/usr/lib/postgresql")


def tool(name: str) -> str:
    """The newest installed ``name`` (pg_dump, pg_restore). :raises StoreError: not installed (``ACCOUNT_132``)."""
    found = sorted(PG_BIN.glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    path = str(found[-1]) if found else shutil.which(name)
    if path is None:
        raise StoreError(Msg.ACCOUNT_132, tool=name)
    return path


def _environment(url: URL) -> dict[str, str]:
    host = url.query.get("host", url.host)
    values = {"PGHOST": host, "PGPORT": url.query.get("port", url.port), "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}  # fmt: skip
    return {**os.environ, **{k: str(v) for k, v in values.items() if v}}


def _run(command: list[str], url: URL) -> None:
    done = subprocess.run(command, env=_environment(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise StoreError(Msg.ACCOUNT_136, tool=Path(command[0]).name, reason=reason)


def dump(url: URL, archive: tarfile.TarFile, name: str, read_snapshot: Callable):
    """``pg_dump -Fc`` of the database into ``archive`` as ``name``; returns ``read_snapshot(conn,
    "postgresql")`` read in the same snapshot."""
    pg_dump = tool("pg_dump")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                manifest = read_snapshot(conn, "postgresql")
                with tempfile.TemporaryDirectory(prefix="tonghop-dump-") as folder:
                    out = Path(folder) / name
                    # fastest compression: the kept files are zips already, but the dump writes them in hex (twice the bytes)
                    _run([pg_dump, "-Fc", "--compress=1", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(out)], url)
                    archive.add(out, name)
    finally:
        engine.dispose()
    return manifest


def holds_data(url: URL) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            return conn.execute(sa.text(query)).scalar_one() > 0
    finally:
        engine.dispose()


def restore(url: URL, archive: tarfile.TarFile, name: str, *, force: bool) -> None:
    """``pg_restore`` the dump ``name`` of ``archive`` into the database at ``url`` (which must
    exist); a database holding tables is refused unless ``force`` (then what the dump holds is replaced)."""
    pg_restore = tool("pg_restore")
    if holds_data(url) and not force:
        raise StoreError(Msg.ACCOUNT_133, where=url.render_as_string(hide_password=True))
    with tempfile.TemporaryDirectory(prefix="tonghop-restore-") as folder:
        source = Path(folder) / name
        with archive.extractfile(archive.getmember(name)) as member, open(source, "wb") as out:
            shutil.copyfileobj(member, out)
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *clean,
                "-d",
                url.database,
                str(source),
            ],
            url,
        )
