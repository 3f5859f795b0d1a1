"""The returns folder: list its files, read and check each (in parallel), and pick the
return used for each unit. One bad file never stops the others."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.constants import Severity
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.core.findings import Problem, problem
from pipeline.core.vnformat import format_number
from pipeline.form.definition import Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.validate.checks import CheckedReturn, Context, check_return

LOCK_PREFIXES = ("~$", ".~lock.")

# The finding for each kind of unreadable file (any other kind: Msg.FILE_001).
READ_FAILURES = {
    "encrypted": Msg.FILE_007,
    "limit": Msg.FILE_008,
    "hostile": Msg.FILE_011,
    "unsupported": Msg.FILE_010,
}


def read_failure(name: str, err: WorkbookReadError, severity: str) -> Problem:
    """The finding for a file that could not be read, by the kind of failure."""
    return problem(READ_FAILURES.get(err.kind, Msg.FILE_001), severity, file=name, reason=str(err), note=err.kind)


def list_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Candidate return files in ``folder`` (sorted by name), and findings for the rest."""
    files, found = [], []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(LOCK_PREFIXES):
            found.append(problem(Msg.FILE_002, Severity.INFO, file=entry.name))
        elif entry.is_symlink():
            found.append(problem(Msg.FILE_009, Severity.WARNING, file=entry.name))
        elif entry.is_file(follow_symlinks=False) and not entry.name.startswith("."):
            files.append(Path(entry.path))
    return files, found


def process_file(path: Path, ctx: Context, severity: str = Severity.WARNING) -> CheckedReturn | Problem:
    """Read, extract and check one file; any failure becomes a finding for that file."""
    try:
        book = read_workbook(path)
        raw = extract_return(book, ctx.form, path.name)
        checked = check_return(raw, ctx, severity)
        checked.file_mtime = path.stat().st_mtime
        if checked.modified is None:
            checked.modified = datetime.fromtimestamp(checked.file_mtime, tz=timezone.utc)
        return checked
    except WorkbookReadError as err:
        return read_failure(path.name, err, severity)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a crash on one file must not stop the run
        return problem(Msg.FILE_001, severity, file=path.name, reason=f"lỗi khi đọc: {type(err).__name__}", note="internal")


_WORKER_CONTEXT: Context | None = None


def _init_worker(ctx: Context) -> None:
    """Receive the context once per worker process (it holds the whole unit list)."""
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = ctx


def _process_chunk(paths: list[Path]) -> list[CheckedReturn | Problem]:
    return [process_file(path, _WORKER_CONTEXT) for path in paths]


def _crashed(path: Path, err: BaseException) -> Problem:
    reason = f"chương trình đọc tệp bị dừng đột ngột ({type(err).__name__})"
    return problem(Msg.FILE_012, Severity.WARNING, file=path.name, reason=reason, note="crash")


def _isolated(path: Path, ctx: Context) -> CheckedReturn | Problem:
    """Read one file in a process of its own, so a crash is pinned on that file alone."""
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(process_file, path, ctx).result()
    except Exception as err:  # noqa: BLE001 - the worker died (out of memory, abort in a native reader)
        return _crashed(path, err)


def default_jobs() -> int:
    """One reading process per core."""
    return max(1, os.cpu_count() or 1)


def read_returns(
    paths: list[Path], ctx: Context, jobs: int = 1, progress: Callable[[int], None] | None = None
) -> list[CheckedReturn | Problem]:
    """Process every file, in ``jobs`` processes; results keep the order of ``paths``.

    A worker that dies takes its chunk with it; those files are then read again one by one,
    each in a fresh process, so only the file that kills its reader becomes a finding.
    """
    if jobs <= 1 or len(paths) < 8:
        out = []
        for path in paths:
            out.append(process_file(path, ctx))
            if progress:
                progress(1)
        return out
    size = max(1, min(64, len(paths) // (jobs * 4)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    done: list[list[CheckedReturn | Problem] | None] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(ctx,)) as pool:
        futures = [pool.submit(_process_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                done.append(future.result())
            except Exception:  # noqa: BLE001 - a dead worker breaks the pool: these files are read again below
                done.append(None)
            if progress:
                progress(len(chunk))
    # Outside the broken pool: each file of a failed chunk in a fresh process of its own.
    return [item for chunk, results in zip(chunks, done, strict=True) for item in (results or [_isolated(p, ctx) for p in chunk])]


def _changes(old: CheckedReturn, new: CheckedReturn) -> str:
    before = {v.code: v.value for v in old.values}
    after = {v.code: v.value for v in new.values}
    diffs = [
        f"{code} {format_number(before.get(code)) or 'trống'} → {format_number(after.get(code)) or 'trống'}"
        for code in dict.fromkeys([*before, *after])
        if before.get(code) != after.get(code)
    ]
    return "; ".join(diffs) if diffs else "không có"


def select_latest(returns: Iterable[CheckedReturn]) -> tuple[dict[str, CheckedReturn], dict[str, list[CheckedReturn]], list[Problem]]:
    """The newest accepted return per unit (by saved time, then file name); the others superseded."""
    by_unit: dict[str, list[CheckedReturn]] = {}
    for ret in returns:
        if ret.accepted:
            by_unit.setdefault(ret.unit.code, []).append(ret)
    used, superseded, found = {}, {}, []
    for code, group in by_unit.items():
        group.sort(key=lambda r: (r.modified or datetime.min.replace(tzinfo=timezone.utc), r.file_mtime, r.file))
        used[code] = newest = group[-1]
        superseded[code] = group[:-1]
        for old in group[:-1]:
            found.append(
                problem(
                    Msg.FILE_004,
                    Severity.INFO,
                    file=old.file,
                    unit_code=code,
                    unit_name=old.unit.name,
                    newer=newest.file,
                    changes=_changes(old, newest),
                )
            )
    return used, superseded, found


def missing_units(units: list[Unit], used: dict[str, CheckedReturn]) -> list[Problem]:
    """One error for each unit of the list without a usable return."""
    return [
        problem(Msg.FILE_003, Severity.ERROR, where=f"{u.code} – {u.name}", unit_code=u.code, unit_name=u.name)
        for u in units
        if u.code not in used
    ]
