"""Backup and restore of a store with many kept files (issue 23): ``tonghop admin backup`` and
``tonghop admin restore``, each in a fresh process, timed.

    python benchmarks/backup.py --files 10000
    python benchmarks/backup.py --files 10000 --db postgresql://… --restore-db postgresql://…

Fills a new store (SQLite in a temporary data folder, or the empty PostgreSQL database ``--db``)
with one round of ``--files`` submissions, each a distinct kept file (a real return of the sample,
~``size`` bytes, made distinct by a few bytes at its end), then times the backup, the restore into
a new data folder (and the empty database ``--restore-db``), which checks every file's hash, and
reports the archive's size. Prints a Markdown table and writes ``benchmarks/results-backup-<database>.json``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import system  # noqa: E402

from pipeline.form.definition import load_form  # noqa: E402
from pipeline.form.units import load_units  # noqa: E402
from pipeline.sample import build_sample  # noqa: E402
from pipeline.store import Store  # noqa: E402

UNIT = ("03386", "Phường Quyết Thắng", "communes")


def fill(data: Path, url: str | None, files: int) -> int:
    """A round of ``files`` submissions of distinct files; returns the bytes kept."""
    form = load_form().for_period("2023")
    with tempfile.TemporaryDirectory() as folder:
        template = build_sample(Path(folder), form, load_units(None, form))[0].read_bytes()
    kept = 0
    with Store.open(data, url) as store:
        round_id = store.create_round("", "BC-MTTQ", "3", "2023", None, [UNIT]).id
        for n in range(files):
            content = template + secrets.token_bytes(16)
            sha = store.put_blob(content)
            kept += len(content)
            store.add_submission(round_id, sha256=sha, filename=f"bao_cao_{n}.xlsx", sender="unit", link_unit=UNIT[0], unit_code=UNIT[0],
                                 accepted=True, errors=0, warnings=0, findings=[], saved_at=datetime.now(timezone.utc))  # fmt: skip
    return kept


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", *args], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--db", help="an empty PostgreSQL database to fill (default: SQLite)")
    parser.add_argument("--restore-db", help="an empty PostgreSQL database to restore into (with --db)")
    args = parser.parse_args()
    db, restore_db = (["--db", args.db], ["--db", args.restore_db]) if args.db else ([], [])
    with tempfile.TemporaryDirectory(prefix="tonghop-bench-backup-") as folder:
        work = Path(folder)
        start = time.perf_counter()
        kept = fill(work / "data", args.db, args.files)
        fill_s = time.perf_counter() - start
        archive = work / "sao_luu.tar"
        backup_s = timed("admin", "backup", "--data", str(work / "data"), *db, "--out", str(archive))
        restore_s = timed("admin", "restore", str(archive), "--data", str(work / "restored"), *restore_db)
        result = {"files": args.files, "database": "postgresql" if args.db else "sqlite", "kept_mib": kept / 2**20,
                  "archive_mib": archive.stat().st_size / 2**20, "fill_s": fill_s, "backup_s": backup_s, "restore_s": restore_s,
                  "machine": system.describe()}  # fmt: skip
    print(f"| Store | Kept files | Kept (MiB) | Archive (MiB) | Backup (s) | Restore, every hash checked (s) |\n|---|---|---|---|---|---|\n"
          f"| {result['database']} | {args.files:,} | {result['kept_mib']:.0f} | {result['archive_mib']:.0f} | {backup_s:.1f} | {restore_s:.1f} |")  # fmt: skip
    machine = result["machine"]
    print(f"Machine: {machine['cpu']}, {machine['nproc']} cores, {machine['memory']}, Python {machine['python']}")
    (HERE / f"results-backup-{result['database']}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
