"""Consolidating a round from the store: the version in use of each unit, read where the store
keeps it under the name it was sent with and the time it was received (no copies: creating
thousands of files is slow, and an antivirus scans each), with the round's form, unit list,
period and deadline: exactly the outputs of ``tonghop consolidate`` on a folder of those files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.consolidate.collect import Kept
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.pool import default_jobs
from pipeline.rounds.board import versions_in_use
from pipeline.rounds.checking import round_check
from pipeline.rounds.outcomes import outcome_place
from pipeline.rounds.setup import safe_name, unique_name

if TYPE_CHECKING:
    from pipeline.store import Store


def consolidate_round(
    store: Store,
    round_id: str,
    out: str | Path,
    *,
    jobs: int | None = None,
    prior_path: str | Path | None = None,
    actor: str = "office",
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
) -> tuple[ConsolidationResult, Path]:
    """Consolidate the version in use of each unit (``board.in_use``) into ``out``; logged in
    the round's audit. Each file keeps the time it was received as its file time, so each unit
    is on time or late exactly as the status board says. A file checked when it arrived is not
    read again: its outcome is remembered (``outcomes``); one that is not is read and remembered.

    :param progress: called with the number of files read since the last call (per file or chunk).
    :param on_files: called once with the number of files to read.
    :raises PipelineError: no unit has a version in use (``ROUND_107``), or what
        ``api.consolidate`` raises.
    """
    rnd = store.round(round_id)
    checked = round_check(store, rnd, fold=False)  # the form still the round's version (ROUND_108); its units, loaded once
    used = versions_in_use(store.submissions(round_id), checked.units)
    if not used:
        raise PipelineError(Msg.ROUND_107, round=round_id)
    paths = store.checked_paths([sub.sha256 for sub in used])  # whole and undamaged (STORE_004, STORE_005), before they are read
    taken: set[str] = set()
    kept = []
    for sub, path in zip(used, paths, strict=True):
        label, received = unique_name(safe_name(sub.filename), taken), sub.received_at.timestamp()
        remembered = outcome_place(store, checked, sub.sha256, label, received)  # checked on arrival: not read again
        kept.append(Kept(path, label, received, remembered=remembered))  # the later saved time inside the file stays in it
    prior, _ = api.prior_and_crosswalk(prior_path, None)
    context = replace(checked.context, prior=prior, options=replace(checked.context.options, jobs=jobs or default_jobs()))
    result, out_dir = api.consolidate_kept(kept, context, source=f"đợt {round_id}", out=out, progress=progress, on_files=on_files)
    store.log(round_id, actor, "consolidate", detail=f"{len(used)} báo cáo → {out_dir}")
    return result, out_dir
