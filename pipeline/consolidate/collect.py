"""The returns folder: list its files, read and check each (in parallel), and pick the
return used for each unit. One bad file never stops the others."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.core.constants import FINDINGS_CSV, WORKBOOK_XLSX, Severity
from pipeline.core.errors import Msg, WorkbookReadError, finding_label
from pipeline.core.findings import Problem, problem, split_place
from pipeline.core.pool import chunked, map_chunks
from pipeline.core.vnformat import format_number
from pipeline.form.definition import Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.validate.checks import Context, FileOutcome, check_return

LOCK_PREFIXES = ("~$", ".~lock.")
SKIPPED_FOLDERS = ("__MACOSX",)  # resource forks macOS adds to a zip, never returns
OWN_OUTPUTS = (WORKBOOK_XLSX, FINDINGS_CSV)  # a subfolder holding these is a consolidation's output, not returns
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
    """Candidate return files in ``folder`` and its subfolders (folders of downloads from Zalo or
    email), sorted by their path; and findings for the rest (named by their path too).

    Not looked into: hidden folders, ``__MACOSX`` (what macOS adds to a zip) and a folder of
    tonghop's own outputs; links to folders are reported like links to files, never followed.
    """
    files: list[Path] = []
    found: list[Problem] = []
    _walk(Path(folder), "", files, found)
    return files, found


def _walk(folder: Path, prefix: str, files: list[Path], found: list[Problem]) -> None:
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = prefix + entry.name
        if entry.name.startswith(LOCK_PREFIXES):
            found.append(problem(Msg.FILE_002, Severity.INFO, file=name))
        elif entry.is_symlink():
            found.append(problem(Msg.FILE_009, Severity.WARNING, file=name))
        elif entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS:
            continue
        elif entry.is_dir(follow_symlinks=False):
            if not all((Path(entry.path) / output).is_file() for output in OWN_OUTPUTS):
                _walk(Path(entry.path), name + "/", files, found)
        elif entry.is_file(follow_symlinks=False):
            files.append(Path(entry.path))


def file_name(path: Path, root: Path | None) -> str:
    """How a file is named in every output: its path under the returns folder (``Zalo/bc.xlsx``)."""
    return path.relative_to(root).as_posix() if root is not None else path.name


def process_file(path: Path, ctx: Context, severity: str = Severity.WARNING, name: str | None = None) -> FileOutcome:
    """Read, extract and check one file; any failure becomes a finding for that file.

    :param name: the file's name in the outputs (default: its own name).
    """
    name = name or path.name
    try:
        mtime = path.stat().st_mtime
        checked = check_return(extract_return(read_workbook(path), ctx.form, name), ctx, severity)
        return replace(checked, modified=checked.modified or datetime.fromtimestamp(mtime, tz=timezone.utc), file_mtime=mtime)
    except WorkbookReadError as err:
        return FileOutcome(name, problems=(read_failure(name, err, severity),), readable=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a crash on one file must not stop the run
        reason = f"lỗi khi đọc: {type(err).__name__}"
        return FileOutcome(
            name,
            problems=(problem(Msg.FILE_001, severity, file=name, reason=reason, note="internal"),),
            readable=False,
        )


def _process(ctx: Context, item: tuple[Path, str]) -> FileOutcome:
    return process_file(item[0], ctx, Severity.WARNING, item[1])


def _crashed(item: tuple[Path, str], err: BaseException) -> FileOutcome:
    reason = f"chương trình đọc tệp bị dừng đột ngột ({type(err).__name__})"
    name = item[1]
    return FileOutcome(name, problems=(problem(Msg.FILE_012, Severity.WARNING, file=name, reason=reason, note="crash"),), readable=False)


def _isolated(item: tuple[Path, str], ctx: Context) -> FileOutcome:
    """Read one file in a process of its own, so a crash is pinned on that file alone."""
    (done,) = map_chunks(_process, [[item]], ctx, 1)
    return _crashed(item, done) if isinstance(done, Exception) else done[0]


def read_returns(
    paths: list[Path], ctx: Context, jobs: int = 1, progress: Callable[[int], None] | None = None, root: Path | None = None
) -> list[FileOutcome]:
    """Process every file, in ``jobs`` processes; outcomes keep the order of ``paths``.

    A worker that dies takes its chunk with it; those files are then read again one by one,
    each in a fresh process, so only the file that kills its reader becomes a finding.

    :param root: the returns folder: files are named by their path under it (``file_name``).
    """
    items = [(path, file_name(path, root)) for path in paths]
    if jobs <= 1 or len(items) < 8:
        out = []
        for item in items:
            out.append(_process(ctx, item))
            if progress:
                progress(1)
        return out
    chunks = chunked(items, jobs, CHUNK)
    done = map_chunks(_process, chunks, ctx, jobs, progress)
    # Outside the broken pool: each file of a failed chunk in a fresh process of its own.
    return [
        outcome
        for chunk, results in zip(chunks, done, strict=True)
        for outcome in (results if isinstance(results, list) else [_isolated(item, ctx) for item in chunk])
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
