"""Write every output of a consolidation as one set: staged in a hidden folder beside the
outputs, then moved into place only when all were written. A crash, a full disk or a
workbook held open by Excel leaves the previous outputs as they were. One run at a time
writes into a folder (``lock.py``), and the outputs of an earlier run that this one does not
write again (a ``comparison.csv``, the Word appendix, the folder of notices ``thong_bao/``) are
removed, never left to be taken for current ones."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.appendix.document import DOCX_NAME
from pipeline.appendix.notice_files import NOTICES_DIR, write_notices
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core import collector
from pipeline.core.atomic import STAGING_PREFIX
from pipeline.core.constants import FILES_CSV, FINDINGS_CSV, RELATIONS_CSV, TOTALS_CSV, VALUES_CSV, WORKBOOK_XLSX
from pipeline.core.errors import Msg, OutputError
from pipeline.outputs.csvfiles import COMPARISON_CSV, PARENT_TOTALS_CSV, RUN_JSON, SUBMISSIONS_CSV, UNIT_COMPARISON_CSV
from pipeline.outputs.lock import output_lock

# Every file tonghop writes into an output folder: those a run does not write again are removed.
KNOWN_OUTPUTS = (
    TOTALS_CSV, VALUES_CSV, FINDINGS_CSV, RELATIONS_CSV, SUBMISSIONS_CSV, COMPARISON_CSV, UNIT_COMPARISON_CSV, FILES_CSV, RUN_JSON,
    WORKBOOK_XLSX, DOCX_NAME, NOTICES_DIR, PARENT_TOTALS_CSV,
)  # fmt: skip
# A temporary file of ``core.atomic.atomic_path``: ``.<stem>.<8 hex digits><suffix>.tmp``.
_OWN_TEMP = re.compile(r"\.(?P<stem>.+)\.[0-9a-f]{8}(?P<suffix>\.[^.]+)\.tmp")
# From this many values on, the CSVs are written in a forked process while the workbook is written.
PARALLEL_VALUES = 50_000


def _write_staged(result: ConsolidationResult, stage: Path) -> list[Path]:
    """Write every output into ``stage``, the notices' folder last (when there are notices)."""
    written = _write_tables(result, stage)
    return [*written, stage / NOTICES_DIR] if write_notices(result, stage / NOTICES_DIR) else written


def _write_tables(result: ConsolidationResult, stage: Path) -> list[Path]:
    """The CSVs and the workbook; large results write them side by side (the CSVs in a forked
    process while this one writes the workbook). A third process for ``relations.csv`` was tried:
    0.4 s sooner at 10,000 returns, 180 MiB more (it copies the pages of every text it reads)."""
    from pipeline.outputs.csvfiles import write_csvs
    from pipeline.workbook.book import write_workbook

    if len(result.values) < PARALLEL_VALUES or "fork" not in multiprocessing.get_all_start_methods():
        return [*write_csvs(result, stage), write_workbook(result, stage / WORKBOOK_XLSX)]
    child = multiprocessing.get_context("fork").Process(target=write_csvs, args=(result, stage))
    with collector.frozen_for_fork():  # the child shares this heap: its collector must not walk (so copy) it
        child.start()
        try:
            workbook = write_workbook(result, stage / WORKBOOK_XLSX)
        finally:
            child.join()
    if child.exitcode != 0:
        raise OutputError(Msg.OUTPUT_004, where=stage.parent, reason="tiến trình ghi các tệp CSV bị dừng")
    return [*sorted(p for p in stage.iterdir() if p.suffix in (".csv", ".json")), workbook]


def lock_files(out_dir: Path) -> list[Path]:
    """Office lock files in ``out_dir`` that say an output is open in Excel or LibreOffice."""
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.name.startswith(("~$", ".~lock.")))


def _clean_stale(out_dir: Path) -> None:
    """Remove what an earlier run killed mid-way left behind: its staging folders and the
    temporary files of tonghop's own outputs; never another file (only called under the lock)."""
    for stale in out_dir.glob(STAGING_PREFIX + "*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    for stale in out_dir.glob(".*.tmp"):
        own = _OWN_TEMP.fullmatch(stale.name)
        if own and own["stem"] + own["suffix"] in KNOWN_OUTPUTS and stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)


def _remove_unwritten(out_dir: Path, written: set[str]) -> None:
    """Remove the outputs of an earlier run that this run did not write again."""
    for name in KNOWN_OUTPUTS:
        old = out_dir / name
        if name not in written and (old.is_file() or old.is_symlink() or old.is_dir()):
            try:
                shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
            except OSError as err:
                raise OutputError(Msg.OUTPUT_002, where=old, reason=err.strerror) from err


def _put_in_place(path: Path, target: Path, stage: Path) -> None:
    """Move a staged output to ``target``; a folder (the notices) first moves the earlier run's
    folder of that name into the staging folder, which is removed afterwards."""
    if path.is_dir() and target.is_dir() and not target.is_symlink():
        os.replace(target, stage / f".old-{target.name}")
    os.replace(path, target)


def write_outputs(result: ConsolidationResult, out_dir: str | Path) -> list[Path]:
    """Write the CSVs, the workbook and the notices of ``result`` into ``out_dir`` as one set, and remove the
    outputs of an earlier run that are not written again.

    :raises OutputError: the folder cannot be written, an output is open in another program, or
        another run is writing into the folder.
    """
    out_dir = Path(out_dir)
    locked = lock_files(out_dir)
    if locked:
        names = ", ".join(p.name.removeprefix("~$").removeprefix(".~lock.").rstrip("#") for p in locked)
        raise OutputError(Msg.OUTPUT_003, where=out_dir, names=names)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(Msg.OUTPUT_001, where=out_dir, reason=err.strerror) from err
    with output_lock(out_dir):
        try:
            _clean_stale(out_dir)
            stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        except OSError as err:
            raise OutputError(Msg.OUTPUT_001, where=out_dir, reason=err.strerror) from err
        try:
            final = []
            for path in _write_staged(result, stage):
                _put_in_place(path, out_dir / path.name, stage)
                final.append(out_dir / path.name)
            _remove_unwritten(out_dir, {path.name for path in final})
            return final
        except OSError as err:
            raise OutputError(Msg.OUTPUT_004, where=out_dir, reason=err.strerror) from err
        finally:
            shutil.rmtree(stage, ignore_errors=True)
