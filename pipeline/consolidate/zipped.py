"""Zips in the returns folder: each file inside becomes a file of its own, named by its path as
if the zip were a subfolder (``Báo cáo 3 phường.zip/BC Tân Phong.xlsx``), its own time in the
zip as its file time, read from the zip in a worker like any file (``ingest.archive``).

Only names ending in ``.zip`` are looked into (the 10,000 other returns of a folder cost nothing
more); a zip under another name is refused by its reader with the finding that says to extract it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.consolidate.collect import Kept, file_label
from pipeline.core.errors import WorkbookReadError
from pipeline.ingest.archive import ARCHIVE_SUFFIX, list_zip, member_data
from pipeline.ingest.raw import RawWorkbook
from pipeline.ingest.readers import read_workbook_data


@dataclass(frozen=True)
class Member(Kept):
    """A file inside a zip (``path``): its entry in each zip on the way (``archive.Listed``), or
    why it cannot be read (the error: the whole zip refused, a zip nested too deep)."""

    chain: tuple[zipfile.ZipInfo, ...] = ()
    failure: WorkbookReadError | None = None

    def read(self) -> RawWorkbook:
        if self.failure:
            raise self.failure
        return read_workbook_data(member_data(self.path, self.chain), self.label)


def is_zip_name(path: Path) -> bool:
    """Whether a file is looked into as a zip of returns (by its name alone: no file is opened)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIX)


def expand_archives(paths: list[Path | Kept], root: Path | None = None) -> list[Path | Kept]:
    """``paths`` with each zip replaced by the files inside it (``Member``s), in the zip's order.

    A zip that is refused whole (damaged, password, a limit broken: ``archive.list_zip``) stays
    one ``Member`` whose reading fails with the reason, so it is a finding of its own. A file
    read where it is kept (``Kept``) is a zip by its label, and its members are named under it.

    :param root: the returns folder: names are paths under it (``collect.file_label``).
    """
    out: list[Path | Kept] = []
    for item in paths:
        kept = item if isinstance(item, Kept) else None
        path = kept.path if kept else item
        if not is_zip_name(Path(kept.label) if kept else path):
            out.append(item)
            continue
        label, named = (kept.label, kept.named) if kept else file_label(path, root)
        mtime = kept.mtime if kept else path.stat().st_mtime
        try:
            listed = list_zip(path)
        except WorkbookReadError as err:
            out.append(Member(path, label, mtime, named, failure=err))
            continue
        if listed is None:  # a workbook named .zip: read as the file it is
            out.append(item)
            continue
        out += [
            Member(path, f"{label}/{entry.name}", entry.mtime if entry.mtime is not None else mtime, named, entry.chain, entry.failure)
            for entry in listed
        ]
    return out
