"""Atomic output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.core.errors import Msg, OutputError, PipelineError

# Builds the exception raised when a target cannot be written, from the target and the cause.
ErrorFactory = Callable[[Path, OSError], PipelineError]


def _folder_error(target: Path, err: OSError) -> PipelineError:
    return OutputError(Msg.OUTPUT_001, where=target.parent, reason=err.strerror)


def _file_error(target: Path, err: OSError) -> PipelineError:
    return OutputError(Msg.OUTPUT_002, where=target, reason=err.strerror)


def _create_temp(target: Path) -> Path:
    """A new empty file ``.<stem>.<random><suffix>.tmp`` beside ``target``, with the usual permissions
    (``mkstemp`` would make it readable by its owner only, and the rename keeps that)."""
    while True:
        tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}{target.suffix}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_path(target: str | Path, *, error: ErrorFactory | None = None, make_folder: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``target`` in one step.

    On any failure the temporary file is removed and ``target`` is left as it was. An
    ``OSError`` raised while writing (in the ``with`` block) is reported like one of the rename.

    :param error: builds the exception to raise from ``target`` and the ``OSError``;
        by default an ``OutputError`` naming the folder or the file.
    :param make_folder: create the folder of ``target`` if missing; if false, a missing folder is an error.
    :raises OutputError: (or what ``error`` builds) the folder cannot be written or the target is locked.
    """
    target = Path(target)
    try:
        if make_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _create_temp(target)
    except OSError as err:
        raise (error or _folder_error)(target, err) from err
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise (error or _file_error)(target, err) from err
        raise


STAGING_PREFIX = ".tonghop-staging-"  # a hidden folder a set of outputs is written into first


@contextlib.contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """Yield a new hidden folder inside ``out_dir`` (so that moving out of it is a rename) to
    write a set of files into; it is removed on leaving, with whatever is still in it.

    :raises OSError: the folder cannot be made.
    """
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
