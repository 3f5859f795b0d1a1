"""A round's form and unit list as the library's functions take them, and the names its files
are given on disk."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.core.errors import Msg, PipelineError
from pipeline.core.text import visible_text
from pipeline.form.definition import load_form
from pipeline.form.model import FormDefinition
from pipeline.form.units import code_key

if TYPE_CHECKING:
    from pipeline.store import RoundRecord, UnitRecord

FALLBACK_NAME = "bao_cao.xlsx"
NAME_BYTES = 200  # a name's length on disk at most, in UTF-8 bytes (file systems allow 255)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')  # control characters and what Windows refuses in a name
_HIDDEN = ("~$", ".~lock.", ".")  # names the returns folder skips (lock files, hidden files)


def form_path(rnd: RoundRecord) -> str | None:
    """The round's form folder; None: the bundled form."""
    return rnd.form_dir or None


def round_form(rnd: RoundRecord) -> FormDefinition:
    """The round's form, checked to be still the version the round was created with (``ROUND_108``)."""
    form = load_form(form_path(rnd))
    if (form.id, form.version) != (rnd.form_id, rnd.form_version):
        raise PipelineError(
            Msg.ROUND_108,
            form_id=rnd.form_id,
            round=rnd.id,
            expected=rnd.form_version,
            where=rnd.form_dir or "mặc định",
            found=form.version,
        )
    return form


def listed_unit(code: str, units: list[UnitRecord]) -> UnitRecord | None:
    """The round's unit of ``code``, also when the return's code lost or gained leading zeros."""
    key = code_key(code or "")
    return next((u for u in units if u.code == code), None) or next((u for u in units if code and code_key(u.code) == key), None)


def safe_name(filename: str | None) -> str:
    """The name a file sent to the round is kept and shown by: the last part of what the sender
    called it (never a path), without control characters or what Windows refuses, not hidden or
    taken for a lock file, at most ``NAME_BYTES`` long. The sender's name never becomes a path
    on its own: files are written under this name inside a folder of our own."""
    name = visible_text(re.split(r"[/\\]", filename or "")[-1])  # NFC, no bidirectional or invisible characters
    name = _UNSAFE.sub("_", name).strip().rstrip(". ")
    while name.startswith(_HIDDEN):
        name = name[2:] if name.startswith("~$") else name.lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:16]
    while stem and len(f"{stem}.{suffix}".encode()) > NAME_BYTES:
        stem = stem[:-1]
    name = f"{stem}.{suffix}" if stem and suffix else stem
    return name if name and name not in (".", "..") else FALLBACK_NAME


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2).xlsx``… when a file of that name (in any case) is already in the folder."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})"
    taken.add(candidate.casefold())
    return candidate
