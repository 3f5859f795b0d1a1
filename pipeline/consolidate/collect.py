"""The returns folder: list its files, read and check each (in parallel), and pick the
return used for each unit. One bad file never stops the others."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline.consolidate.remembered import Remembered, recall_all, remember, remember_pickled
from pipeline.core.constants import FINDINGS_COLUMNS, FINDINGS_CSV, FORWARD_REPORT_SUFFIX, WORKBOOK_XLSX, Severity
from pipeline.core.errors import FormDefinitionError, Msg, WorkbookReadError
from pipeline.core.findings import Problem, problem
from pipeline.core.pool import chunked, map_chunks
from pipeline.core.text import escaped_name, shown_name
from pipeline.core.vnformat import format_number
from pipeline.form.csvread import decode, head
from pipeline.form.model import Unit
from pipeline.form.units import code_key
from pipeline.ingest.extract import extract_return
from pipeline.ingest.raw import RawWorkbook
from pipeline.ingest.readers import read_workbook, read_workbook_data
from pipeline.validate.checks import FileOutcome, check_return
from pipeline.validate.context import Context

LOCK_PREFIXES = ("~$", ".~lock.")
ESCAPE_TEXT = "\\xNN"  # how a byte that is not UTF-8 is written in a name that cannot be read
SKIPPED_FOLDERS = ("__MACOSX",)  # resource forks macOS adds to a zip, never returns
OWN_OUTPUTS = (WORKBOOK_XLSX, FINDINGS_CSV)  # a subfolder holding these is a consolidation's output, not returns
CHUNK = 64  # files per chunk at most
_REPORT_BYTES = 4 * 1024 * 1024  # a forward's report is far smaller: a larger file is not one


def read_failure(name: str, err: WorkbookReadError, severity: str) -> Problem:
    """The finding for a file that could not be read: the error's own entry, at the file ``name``."""
    return problem(err.msg, severity, file=name, **err.fields)


def file_label(path: Path, root: Path | None = None) -> tuple[str, tuple[Problem, ...]]:
    """The name a file is shown by in every output and finding: its path under ``root`` (the
    returns folder: ``Zalo/bc.xlsx``; default: its own name); and the finding that says a part of
    that path is not UTF-8 (the file itself is still read from ``path``, never renamed).

    Such a part is shown as ``shown_name`` reads it, unless a file of that name stands in the
    same folder: then escaped, so one name in the outputs always means one file.
    """
    parts = path.relative_to(root).parts if root is not None else (path.name,)
    shown_parts, hows = [], []
    for i, part in enumerate(parts):
        shown, encoding = shown_name(part)
        if encoding is None:
            shown_parts.append(part)
            continue
        if not encoding:
            how = f"không xác định được, các byte lạ được ghi dạng {ESCAPE_TEXT}"
        elif i == len(parts) - 1 and os.path.lexists(path.with_name(shown)):
            shown, how = escaped_name(part), f"{encoding} thì trùng tên tệp '{shown}' đã có, nên các byte lạ được ghi dạng {ESCAPE_TEXT}"
        else:
            how = encoding
        shown_parts.append(shown)
        hows.append(how)
    name = "/".join(shown_parts)
    if not hows:
        return name, ()
    raw = "/".join(escaped_name(part) for part in parts)
    return name, (problem(Msg.FILE_014, Severity.WARNING, file=name, shown=name, raw=raw, encoding="; ".join(dict.fromkeys(hows))),)


def list_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """Candidate return files in ``folder`` and its subfolders (folders of downloads from Zalo or
    email), sorted by their path; and findings for the rest (named by their path too).

    Not looked into: hidden folders, ``__MACOSX`` (what macOS adds to a zip) and a folder of
    tonghop's own outputs; links to folders are reported like links to files, never followed.
    """
    files: list[Path] = []
    found: list[Problem] = []
    _walk(Path(folder), Path(folder), files, found)
    return files, found


def _walk(folder: Path, root: Path, files: list[Path], found: list[Problem]) -> None:
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(LOCK_PREFIXES):
            found.append(problem(Msg.FILE_002, Severity.INFO, file=file_label(Path(entry.path), root)[0]))
        elif entry.is_symlink():
            found.append(problem(Msg.FILE_009, Severity.WARNING, file=file_label(Path(entry.path), root)[0]))
        elif entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS:
            continue
        elif entry.is_dir(follow_symlinks=False):
            if not all((Path(entry.path) / output).is_file() for output in OWN_OUTPUTS):
                _walk(Path(entry.path), root, files, found)
        elif entry.is_file(follow_symlinks=False) and forward_report(Path(entry.path)):
            workbook = entry.name[: -len(FORWARD_REPORT_SUFFIX)] + ".xlsx"
            found.append(problem(Msg.FILE_050, Severity.INFO, file=file_label(Path(entry.path), root)[0], workbook=workbook))
        elif entry.is_file(follow_symlinks=False):
            files.append(Path(entry.path))


def forward_report(path: Path) -> bool:
    """Whether ``path`` is the report ``tonghop forward`` writes beside the return it fills
    (``<return>_ghi_chu.csv``, the findings' columns), also once re-saved by Excel."""
    if not path.name.casefold().endswith(FORWARD_REPORT_SUFFIX) or path.stat().st_size > _REPORT_BYTES:
        return False
    try:
        text, encoding = decode(path.read_bytes(), path.name)
    except (OSError, FormDefinitionError):
        return False
    return set(FINDINGS_COLUMNS) <= {name.casefold() for name in head(text, encoding, path.name).header}


@dataclass(frozen=True)
class Kept:
    """A file read where it is kept (a round's store), under a name and a file time of its own:
    what it would be called and when it was received, had it been copied into a folder; and the
    findings on that name (``file_label``). A file inside a zip is one too (``zipped.Member``).

    ``remembered``: where the outcome of reading and checking it is remembered
    (``remembered.py``): ``read_returns`` takes it from there when it is there; once read, it
    is kept there."""

    path: Path
    label: str
    mtime: float
    named: tuple[Problem, ...] = ()
    remembered: Remembered | None = field(default=None, kw_only=True)

    def read(self) -> RawWorkbook:
        """The file's sheets."""
        return read_workbook(self.path)


@dataclass(frozen=True)
class InMemory(Kept):
    """A file held in memory (a return made of figures typed on the web form): read from its
    bytes, named by its label; ``path`` is only its name."""

    data: bytes = b""

    def read(self) -> RawWorkbook:
        return read_workbook_data(self.data, self.label)


Item = tuple[Path, Path | None] | Kept  # a file of a folder (its path, the folder), or a kept one


def process_file(
    path: Path, ctx: Context, severity: str = Severity.WARNING, root: Path | None = None, kept: Kept | None = None
) -> FileOutcome:
    """Read, extract and check one file; any failure becomes a finding for that file.

    The outcome names the file by ``file_label``: its path under ``root`` (the returns folder;
    default: its own name), a name that is not UTF-8 made readable, with a finding that says so;
    a ``kept`` file by its label, with its file time; an accepted outcome of a ``kept`` file is
    remembered where it says (``Kept.remembered``).
    """
    if kept and kept.remembered:  # recalled before (``read_returns``): kept once read
        outcome = process_file(path, ctx, severity, root, replace(kept, remembered=None))
        remember(kept.remembered, outcome)
        return outcome
    name, named = (kept.label, kept.named) if kept else file_label(path, root)
    try:
        mtime = kept.mtime if kept else path.stat().st_mtime
        checked = check_return(extract_return(kept.read() if kept else read_workbook(path), ctx.form, name), ctx, severity)
        modified = checked.modified or datetime.fromtimestamp(mtime, tz=timezone.utc)
        return replace(checked, problems=(*named, *checked.problems), modified=modified, file_mtime=mtime)
    except WorkbookReadError as err:
        return FileOutcome(name, problems=(read_failure(name, err, severity), *named), readable=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a crash on one file must not stop the run
        reason = f"lỗi khi đọc: {type(err).__name__}"
        return FileOutcome(
            name,
            problems=(problem(Msg.FILE_001, severity, file=name, reason=reason, note="internal"), *named),
            readable=False,
        )


def _process(ctx: Context, item: Item) -> FileOutcome:
    if isinstance(item, Kept):
        return process_file(item.path, ctx, Severity.WARNING, kept=item)
    return process_file(item[0], ctx, Severity.WARNING, item[1])


def _process_pickled(ctx: Context, item: Item) -> FileOutcome | bytes:
    """``_process`` in a worker of ``read_returns``: the outcome of a file to remember comes
    pickled, so that the bytes the main process keeps are the ones it was sent."""
    if isinstance(item, Kept) and item.remembered:
        return pickle.dumps(_process(ctx, replace(item, remembered=None)), protocol=pickle.HIGHEST_PROTOCOL)
    return _process(ctx, item)


def _crashed(item: Item, err: BaseException) -> FileOutcome:
    reason = f"chương trình đọc tệp bị dừng đột ngột ({type(err).__name__})"
    name, named = (item.label, item.named) if isinstance(item, Kept) else file_label(*item)
    crash = problem(Msg.FILE_012, Severity.WARNING, file=name, reason=reason, note="crash")
    return FileOutcome(name, problems=(crash, *named), readable=False)


def _isolated(item: Item, ctx: Context) -> FileOutcome:
    """Read one file in a process of its own, so a crash is pinned on that file alone."""
    (done,) = map_chunks(_process, [[item]], ctx, 1)
    return _crashed(item, done) if isinstance(done, Exception) else done[0]


def read_returns(
    paths: list[Path | Kept], ctx: Context, jobs: int = 1, progress: Callable[[int], None] | None = None, root: Path | None = None
) -> list[FileOutcome]:
    """Process every file, in ``jobs`` processes; outcomes keep the order of ``paths``.

    A worker that dies takes its chunk with it; those files are then read again one by one,
    each in a fresh process, so only the file that kills its reader becomes a finding. A kept
    file whose outcome is remembered (``Kept.remembered``) is not read: its outcome is taken here.

    :param paths: the files of a folder, or files read where they are kept (``Kept``: in a
        round's store, inside a zip).
    :param root: the returns folder: files are named by their path under it (``file_label``).
    """
    items: list[Item] = [p if isinstance(p, Kept) else (p, root) for p in paths]
    known = recall_all([item.remembered if isinstance(item, Kept) else None for item in items])
    if progress and any(known):
        progress(sum(outcome is not None for outcome in known))
    read = iter(_read_all([item for item, outcome in zip(items, known, strict=True) if outcome is None], ctx, jobs, progress))
    return [outcome if outcome is not None else next(read) for outcome in known]


def _read_all(items: list[Item], ctx: Context, jobs: int, progress: Callable[[int], None] | None) -> list[FileOutcome]:
    if jobs <= 1 or len(items) < 8:
        out = []
        for item in items:
            out.append(_process(ctx, item))
            if progress:
                progress(1)
        return out
    chunks = chunked(items, jobs, CHUNK)

    def keep(index: int, results: list[FileOutcome | bytes]) -> list[FileOutcome]:
        """The chunk's outcomes; those to remember, kept in one write (not one per file in the workers)."""
        outcomes, rows = [], []
        for item, result in zip(chunks[index], results, strict=True):
            outcome = pickle.loads(result) if isinstance(result, bytes) else result  # noqa: S301 - from our own worker
            if isinstance(result, bytes) and outcome.accepted:
                rows.append((item.remembered, result))
            outcomes.append(outcome)
        remember_pickled(rows)
        return outcomes

    done = map_chunks(_process_pickled, chunks, ctx, jobs, progress, keep)
    # Outside the broken pool: each file of a failed chunk in a fresh process of its own.
    return [
        outcome
        for chunk, results in zip(chunks, done, strict=True)
        for outcome in (results if isinstance(results, list) else [_isolated(item, ctx) for item in chunk])
    ]


PADDED_LISTED = 3  # padded codes named in the warning; the rest are counted


def pad_unit_codes(units: list[Unit], returns: list[FileOutcome]) -> tuple[list[Unit], list[FileOutcome], list[Problem]]:
    """The unit list with the leading zeros its numeric codes lost put back, as the returns show them.

    A return whose code matched a listed one only once zeros were dropped (``03386`` for a listed
    ``3386``, see ``Context.unit_for``) shows how wide the codes of its level are. Official
    administrative codes are fixed-width, so every shorter numeric code of that level is padded
    to that width (units without a return too), the returns follow, and one warning says so.
    """
    listed = {u.code for u in units}
    keys = {(u.level, code_key(u.code)) for u in units}
    widths: dict[str, int] = {}
    for ret in returns:
        if ret.accepted and ret.unit.code not in listed and (ret.unit.level, code_key(ret.unit.code)) in keys:
            widths[ret.unit.level] = max(widths.get(ret.unit.level, 0), len(ret.unit.code))
    padded = [
        replace(u, code=u.code.zfill(widths[u.level]))
        if u.level in widths and u.code.isascii() and u.code.isdigit() and len(u.code) < widths[u.level]
        else u
        for u in units
    ]
    changed = [(old.code, new.code) for old, new in zip(units, padded, strict=True) if old.code != new.code]
    if not changed:
        return units, returns, []
    by_key = {(u.level, code_key(u.code)): u for u in padded}
    returns = [replace(r, unit=by_key.get((r.unit.level, code_key(r.unit.code)), r.unit)) if r.accepted else r for r in returns]
    examples = ", ".join(f"{old} → {new}" for old, new in changed[:PADDED_LISTED])
    if len(changed) > PADDED_LISTED:
        examples += f" và {format_number(len(changed) - PADDED_LISTED)} mã khác"
    found = problem(Msg.META_010, Severity.WARNING, where="Danh sách đơn vị", count=format_number(len(changed)), examples=examples)
    return padded, returns, [found]


def missing_units(units: list[Unit], used: dict[str, FileOutcome]) -> list[Problem]:
    """One error for each unit of the list without a usable return."""
    return [
        problem(Msg.FILE_003, Severity.ERROR, where=f"{u.code} – {u.name}", unit_code=u.code, unit_name=u.name)
        for u in units
        if u.code not in used
    ]
