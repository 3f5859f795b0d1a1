"""Zips of returns (Zalo, Windows' "Send to → Compressed folder"): the files inside are read as
if they were in a subfolder named after the zip, from the zip's bytes, never extracted and
the zip never changed.

``list_zip`` reads only the central directory (and, for a zip inside the zip, that member):
a zip with more members than ``settings.LIMIT_ZIP_ENTRIES``, declared sizes over
``settings.LIMIT_UNCOMPRESSED_BYTES`` in all, or a member packed tighter than
``settings.LIMIT_ZIP_RATIO`` (no return compresses so well: a zip bomb) is refused whole before
a byte is inflated. ``member_data`` inflates one member, never past the size its header
declares (a zip lying about sizes is refused as damaged), and a member over the size limit of
any file is refused without inflating it. A zip inside a zip is read too (``MAX_DEPTH`` levels);
a deeper one is a member that is not read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.core import settings
from pipeline.core.errors import Msg, WorkbookReadError
from pipeline.ingest.sniff import ZIP_MAGIC, check_size, local_data, unpack
from pipeline.ingest.zipnames import member_name, member_time

ARCHIVE_SUFFIX = ".zip"
MAX_DEPTH = 2  # a zip in a zip is read; a zip in that one is not
SKIPPED = ("__MACOSX/",)  # what macOS adds to a zip: never returns
LOCK_PREFIXES = ("~$", ".~lock.", ".")  # Office lock files and hidden files (.DS_Store)
# The parts that make a zip a document (xlsx, ods, docx, ...) rather than an archive of files.
DOCUMENT_PARTS = ("[Content_Types].xml", "mimetype", "content.xml", "xl/workbook.xml")


def _refused(reason: str) -> WorkbookReadError:
    return WorkbookReadError(Msg.FILE_020, reason=reason)


@dataclass(frozen=True)
class Listed:
    """One file inside a zip: its entry in each zip on the way (outermost first), its path
    inside the outermost zip as the user named it (``Tân Phong.zip/BC.xlsx``), its own time
    (None: the zip holds none), and why it is not read (the error its reading raises), if so."""

    chain: tuple[zipfile.ZipInfo, ...]
    name: str
    mtime: float | None
    failure: WorkbookReadError | None = None


def is_archive(data: bytes) -> bool:
    """Whether ``data`` is a zip of files (not an xlsx, ods or docx, which are zips too)."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return not is_document(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def is_document(names: list[str]) -> bool:
    """Whether a zip holding ``names`` is a document (xlsx, ods, docx, ...), not an archive of files."""
    return bool(set(names) & set(DOCUMENT_PARTS)) or any(name.startswith(("xl/", "word/", "ppt/")) for name in names)


class _Budget:
    """What is left of the limits for one zip and every zip inside it."""

    def __init__(self) -> None:
        self.entries = settings.LIMIT_ZIP_ENTRIES
        self.bytes = settings.LIMIT_UNCOMPRESSED_BYTES

    def take(self, infos: list[zipfile.ZipInfo]) -> None:
        self.entries -= len(infos)
        if self.entries < 0:
            raise _refused(f"tệp nén có {len(infos)} tệp bên trong, vượt giới hạn {settings.LIMIT_ZIP_ENTRIES} tệp")
        self.bytes -= sum(info.file_size for info in infos)
        if self.bytes < 0:
            raise _refused(
                f"dữ liệu giải nén vượt giới hạn {settings.LIMIT_UNCOMPRESSED_BYTES // 1_048_576} MB (có thể là tệp nén độc hại)"
            )
        for info in infos:
            if info.file_size > settings.LIMIT_ZIP_RATIO_FROM and info.file_size > settings.LIMIT_ZIP_RATIO * max(info.compress_size, 1):
                raise _refused(
                    f"tệp '{member_name(info)}' bên trong nén nhỏ hơn {settings.LIMIT_ZIP_RATIO} lần cỡ thật, "
                    "điều không báo cáo nào có (có thể là tệp nén độc hại)"
                )
            if info.flag_bits & 0x1:
                raise _refused("tệp nén được đặt mật khẩu")


def list_zip(source: Path | bytes) -> list[Listed] | None:
    """The files inside a zip of returns, in the zip's order, and those inside a zip in it; None
    when it is a document (an xlsx or ods named ``.zip``): a file to read as it is.

    :raises WorkbookReadError: (``FILE_020``) the zip is damaged, empty, has a password or
        breaks a limit; nothing in it is then read.
    """
    try:
        with _opened(source) as raw:
            found = _list(raw, (), "", _Budget())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise _refused("tệp nén bị hỏng hoặc không đầy đủ") from err
    except WorkbookReadError as err:
        raise _refused(err.reason) from err
    if found == []:
        raise _refused("tệp nén không chứa tệp nào")
    return found


def _opened(source: Path | bytes) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    check_size(source.stat().st_size)
    return open(source, "rb")  # noqa: SIM115 - closed by the caller's ``with``


def _list(raw: BinaryIO, chain: tuple[zipfile.ZipInfo, ...], prefix: str, budget: _Budget) -> list[Listed] | None:
    with zipfile.ZipFile(raw) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
    if is_document([info.filename for info in infos]):
        return None
    budget.take(infos)
    found = []
    for info in infos:
        name = member_name(info)
        if name.startswith(SKIPPED) or name.rsplit("/", 1)[-1].startswith(LOCK_PREFIXES):
            continue
        here = (*chain, info)
        label = f"{prefix}{name.lstrip('/')}"
        if not name.lower().endswith(ARCHIVE_SUFFIX):
            found.append(Listed(here, label, member_time(info)))
        elif len(here) >= MAX_DEPTH:
            deep = f"tệp nén nằm trong tệp nén quá {MAX_DEPTH} cấp"
            found.append(Listed(here, label, member_time(info), _refused(deep)))
        else:
            nested = _nested(_inflated(raw, info), here, f"{label}/", budget)
            found += [Listed(here, label, member_time(info))] if nested is None else nested
    return found


def _nested(data: bytes, chain: tuple[zipfile.ZipInfo, ...], prefix: str, budget: _Budget) -> list[Listed] | None:
    """The files of a zip inside the zip; None when it is no zip of files (a workbook named
    ``.zip``, a damaged zip): a file like any other, whose reading says what it is."""
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        return _list(io.BytesIO(data), chain, prefix, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None


def _inflated(raw: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    check_size(info.file_size)
    return unpack(local_data(raw, info), info)


def member_data(source: Path | bytes, chain: tuple[zipfile.ZipInfo, ...]) -> bytes:
    """The bytes of one file inside a zip (``Listed.chain``), inflated in memory.

    :raises WorkbookReadError: the member is over a file's size limit (``FILE_008``), or damaged.
    """
    with _opened(source) as raw:
        data = b""
        for info in chain:
            if info.flag_bits & 0x1:
                raise WorkbookReadError(Msg.FILE_020, reason="tệp nén được đặt mật khẩu")
            data = _inflated(raw, info)
            raw = io.BytesIO(data)
    return data
