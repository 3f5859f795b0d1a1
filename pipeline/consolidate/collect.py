"""The returns folder: list its files, read and check each (in parallel), and pick the
return used for each unit. One bad file never stops the others."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.constants import Severity
from pipeline.core.errors import Msg, WorkbookReadError, finding_label
from pipeline.core.findings import Problem, problem, split_place
from pipeline.core.pool import chunked, map_chunks
from pipeline.core.vnformat import format_number
from pipeline.form.definition import Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.validate.checks import Context, FileOutcome, check_return

LOCK_PREFIXES = ("~$", ".~lock.")
CHUNK = 64  # files per chunk at most

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


def process_file(path: Path, ctx: Context, severity: str = Severity.WARNING) -> FileOutcome:
    """Read, extract and check one file; any failure becomes a finding for that file."""
    try:
        mtime = path.stat().st_mtime
        checked = check_return(extract_return(read_workbook(path), ctx.form, path.name), ctx, severity)
        return replace(checked, modified=checked.modified or datetime.fromtimestamp(mtime, tz=timezone.utc), file_mtime=mtime)
    except WorkbookReadError as err:
        return FileOutcome(path.name, problems=(read_failure(path.name, err, severity),), readable=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a crash on one file must not stop the run
        reason = f"lỗi khi đọc: {type(err).__name__}"
        return FileOutcome(
            path.name,
            problems=(problem(Msg.FILE_001, severity, file=path.name, reason=reason, note="internal"),),
            readable=False,
        )


def _process(ctx: Context, path: Path) -> FileOutcome:
    return process_file(path, ctx)


def _crashed(path: Path, err: BaseException) -> FileOutcome:
    reason = f"chương trình đọc tệp bị dừng đột ngột ({type(err).__name__})"
    return FileOutcome(
        path.name, problems=(problem(Msg.FILE_012, Severity.WARNING, file=path.name, reason=reason, note="crash"),), readable=False
    )


def _isolated(path: Path, ctx: Context) -> FileOutcome:
    """Read one file in a process of its own, so a crash is pinned on that file alone."""
    (done,) = map_chunks(_process, [[path]], ctx, 1)
    return _crashed(path, done) if isinstance(done, Exception) else done[0]


def read_returns(paths: list[Path], ctx: Context, jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[FileOutcome]:
    """Process every file, in ``jobs`` processes; outcomes keep the order of ``paths``.

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
    chunks = chunked(paths, jobs, CHUNK)
    done = map_chunks(_process, chunks, ctx, jobs, progress)
    # Outside the broken pool: each file of a failed chunk in a fresh process of its own.
    return [
        item
        for chunk, results in zip(chunks, done, strict=True)
        for item in (results if isinstance(results, list) else [_isolated(p, ctx) for p in chunk])
    ]


def _changes(old: FileOutcome, new: FileOutcome) -> str:
    before = {v.code: v.value for v in old.values}
    after = {v.code: v.value for v in new.values}
    diffs = [
        f"{code} {format_number(before.get(code)) or 'trống'} → {format_number(after.get(code)) or 'trống'}"
        for code in dict.fromkeys([*before, *after])
        if before.get(code) != after.get(code)
    ]
    return "; ".join(diffs) if diffs else "không có"


def superseded_problems(old: FileOutcome, newest: FileOutcome) -> list[Problem]:
    """The findings of a return that ``newest`` replaced, as information (``FILE_013``) at their
    own place (the old file and cell): they count as no error and mark none of the unit's cells."""
    found = []
    for p in old.problems:
        place, text = split_place(p)
        found.append(
            problem(
                Msg.FILE_013, Severity.INFO, where=place, file=p.file, sheet=p.sheet, row=p.row, cell=p.cell, code=p.code,
                level=p.level, unit_code=old.unit.code, note=p.type, newer=newest.file,
                was=f"{Severity(p.severity).in_sentence} “{finding_label(p.type) or p.rule}”", original=text,
            )
        )  # fmt: skip
    return found


def select_latest(returns: Iterable[FileOutcome]) -> tuple[dict[str, FileOutcome], dict[str, list[FileOutcome]], list[Problem]]:
    """The newest accepted return per unit (by saved time, then file name); the others superseded.

    The findings returned say which returns were superseded, each followed by that return's own
    findings made information (``superseded_problems``)."""
    by_unit: dict[str, list[FileOutcome]] = {}
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
            found += superseded_problems(old, newest)
    return used, superseded, found


def missing_units(units: list[Unit], used: dict[str, FileOutcome]) -> list[Problem]:
    """One error for each unit of the list without a usable return."""
    return [
        problem(Msg.FILE_003, Severity.ERROR, where=f"{u.code} – {u.name}", unit_code=u.code, unit_name=u.name)
        for u in units
        if u.code not in used
    ]
