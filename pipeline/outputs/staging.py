"""Write every output of a consolidation as one set: staged in a hidden folder beside the
outputs, then moved into place only when all were written. A crash, a full disk or a
workbook held open by Excel leaves the previous outputs as they were."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import WORKBOOK_XLSX
from pipeline.core.errors import Msg, OutputError

STAGING_PREFIX = ".tonghop-staging-"
# From this many values on, the CSVs are written in a forked process while the workbook is written.
PARALLEL_VALUES = 50_000


def _write_staged(result: ConsolidationResult, stage: Path, write_csvs, write_workbook) -> list[Path]:
    """Write every output into ``stage``; large results write CSVs and workbook side by side."""
    if len(result.values) < PARALLEL_VALUES or "fork" not in multiprocessing.get_all_start_methods():
        return [*write_csvs(result, stage), write_workbook(result, stage / WORKBOOK_XLSX)]
    child = multiprocessing.get_context("fork").Process(target=write_csvs, args=(result, stage))
    child.start()
    try:
        workbook = write_workbook(result, stage / WORKBOOK_XLSX)
    finally:
        child.join()
    if child.exitcode != 0:
        raise OutputError(Msg.OUTPUT_004.render(where=stage.parent, reason="tiến trình ghi các tệp CSV bị dừng"))
    return [*sorted(p for p in stage.iterdir() if p.suffix in (".csv", ".json")), workbook]


def lock_files(out_dir: Path) -> list[Path]:
    """Office lock files in ``out_dir`` that say an output is open in Excel or LibreOffice."""
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.name.startswith(("~$", ".~lock.")))


def _clean_stale(out_dir: Path) -> None:
    """Remove what an earlier run killed mid-way left behind (never the outputs themselves)."""
    for stale in out_dir.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out_dir.glob(".*.tmp"):
        stale.unlink(missing_ok=True)


def write_outputs(result: ConsolidationResult, out_dir: str | Path) -> list[Path]:
    """Write the CSVs and the workbook of ``result`` into ``out_dir`` as one set.

    :raises OutputError: the folder cannot be written, or an output is open in another program.
    """
    from pipeline.outputs.csvfiles import write_csvs
    from pipeline.workbook.book import write_workbook

    out_dir = Path(out_dir)
    locked = lock_files(out_dir)
    if locked:
        names = ", ".join(p.name.removeprefix("~$").removeprefix(".~lock.").rstrip("#") for p in locked)
        raise OutputError(Msg.OUTPUT_003.render(where=out_dir, names=names))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _clean_stale(out_dir)
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as err:
        raise OutputError(Msg.OUTPUT_001.render(where=out_dir, reason=err.strerror)) from err
    try:
        staged = _write_staged(result, stage, write_csvs, write_workbook)
        final = []
        for path in staged:
            os.replace(path, out_dir / path.name)
            final.append(out_dir / path.name)
        return final
    except OSError as err:
        raise OutputError(Msg.OUTPUT_004.render(where=out_dir, reason=err.strerror)) from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)
