"""``tonghop consolidate``: a folder of returns (or a round's kept files) consolidated, every output written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pipeline.api.base import PathLike
from pipeline.api.context import load_context
from pipeline.consolidate.collect import Kept
from pipeline.consolidate.combine import consolidate_folder
from pipeline.consolidate.combine import consolidate_kept as consolidate_kept_files
from pipeline.consolidate.result import ConsolidationResult
from pipeline.consolidate.unusable import nothing_usable
from pipeline.core import settings
from pipeline.core.errors import Msg, PipelineError
from pipeline.outputs.staging import write_outputs
from pipeline.validate.context import Context


def consolidate(
    returns_dir: PathLike,
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | None = None,
    out: PathLike | None = None,
    jobs: int | None = None,
    prior_path: PathLike | None = None,
    factor: float = settings.OUTLIER_FACTOR,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    deadline: str | date | None = None,
    fix_days: int = settings.FIX_DAYS,
    crosswalk_path: PathLike | None = None,
) -> tuple[ConsolidationResult, Path]:
    """Consolidate a folder of returns and write every output; returns the result and the output
    folder. The inputs are loaded from paths (``load_context``), then ``consolidate_with``.

    :param prior_path: prior-period figures: a previous run's output folder (``output/2023/``),
        its ``totals.csv``, or a ``code,level,period,value`` file; totals are compared with them
        and changes beyond ``factor`` times become warnings; with a previous run's output folder
        or ``values.csv``, each unit is compared with its own figures too (``unit_comparison.csv``).
    :param crosswalk_path: a CSV ``old_code,new_code`` (with ``prior_path``) for a
        reorganisation: a new unit is compared with the sum of the old units merged into it; a
        unit that received part of a split old unit is compared only through the level totals.
    :param deadline: the round's deadline, ``DD/MM/YYYY`` or a ``date`` (default: the one most
        returns carry in their metadata); each unit is on time, late (how many days) or missing.
    :param fix_days: days a unit is given to send a corrected return, after the consolidation's
        date or the deadline if later (the notices in ``thong_bao/`` say so).
    :param progress: called with the number of files read since the last call (a progress bar).
    :param on_files: called once with the number of files found.
    :raises PipelineError: the folder is missing, or nothing in it could be consolidated.
    """
    folder = _returns_folder(returns_dir)  # before the inputs: a folder mistyped says so first
    context = load_context(
        form_path=form_path, units_path=units_path, period=period, prior_path=prior_path, crosswalk_path=crosswalk_path,
        deadline=deadline, fix_days=fix_days, factor=factor, jobs=jobs,
    )  # fmt: skip
    return consolidate_with(context, folder, out=out, progress=progress, on_files=on_files)


def consolidate_with(
    context: Context,
    returns_dir: PathLike,
    *,
    out: PathLike | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
) -> tuple[ConsolidationResult, Path]:
    """``consolidate`` of a folder judged against ``context`` (``load_context``, or a round's)."""
    folder = _returns_folder(returns_dir)
    result = consolidate_folder(folder, context, progress, on_files)
    return result, _write_consolidation(result, out, str(folder))


def consolidate_kept(
    kept: list[Kept],
    context: Context,
    *,
    source: str,
    out: PathLike | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
) -> tuple[ConsolidationResult, Path]:
    """``consolidate`` of files read where they are kept (a round's store: no copies made), each
    under its label and file time (``collect.Kept``), judged against ``context``; ``source``
    names where they came from. ``progress`` and ``on_files``: as ``consolidate``'s."""
    if on_files:
        on_files(len(kept))
    result = consolidate_kept_files(kept, context, progress, source=source)
    return result, _write_consolidation(result, out, source)


def _returns_folder(returns_dir: PathLike) -> Path:
    folder = Path(returns_dir)
    if not folder.is_dir():
        raise PipelineError(Msg.FILE_006, where=str(folder))
    return folder


def _write_consolidation(result: ConsolidationResult, out: PathLike | None, where: str) -> Path:
    """Every output of ``result`` into ``out`` (default ``output/<period>``); nothing usable: ``FILE_005``."""
    if not result.received:
        raise PipelineError(Msg.FILE_005, where=where, period=result.form.period.label, reasons=nothing_usable(result))
    out_dir = Path(out) if out else settings.OUTPUT_DIR / result.period
    write_outputs(result, out_dir)
    return out_dir
