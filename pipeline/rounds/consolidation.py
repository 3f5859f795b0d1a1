"""Consolidating a round from the store: the version in use of each unit, read where the store
keeps it under the name it was sent with and the time it was received (no copies: creating
thousands of files is slow, and an antivirus scans each), with the round's form, unit list,
period and deadline: exactly the outputs of ``tonghop consolidate`` on a folder of those files."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import api
from pipeline.consolidate.collect import Kept
from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.errors import Msg, PipelineError
from pipeline.form.units import write_units
from pipeline.rounds.board import status
from pipeline.rounds.setup import form_path, round_form, safe_name, unique_name

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
    is on time or late exactly as the status board says.

    :param progress: called with the number of files read since the last call (per file or chunk).
    :param on_files: called once with the number of files to read.
    :raises PipelineError: no unit has a version in use (``ROUND_107``), or what
        ``api.consolidate`` raises.
    """
    rnd = store.round(round_id)
    round_form(rnd)
    by_id = {s.id: s for s in store.submissions(round_id)}
    used = [by_id[row.in_use] for row in status(store, round_id) if row.in_use is not None]
    if not used:
        raise PipelineError(Msg.ROUND_107, round=round_id)
    taken: set[str] = set()
    kept = [
        Kept(store.blob_path(sub.sha256), unique_name(safe_name(sub.filename), taken), sub.received_at.timestamp())
        for sub in used  # the later saved time inside the file stays in it
    ]
    for sub in used:
        store.blob(sub.sha256)  # whole and undamaged (STORE_004, STORE_005), before it is read
    with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
        units_csv = write_units(store.units(round_id), Path(tmp) / "units.csv")
        result, out_dir = api.consolidate_kept(
            kept, source=f"đợt {round_id}", form_path=form_path(rnd), units_path=units_csv, period=rnd.period, out=out,
            jobs=jobs, deadline=rnd.deadline, prior_path=prior_path, progress=progress, on_files=on_files,
        )  # fmt: skip
    store.log(round_id, actor, "consolidate", detail=f"{len(used)} báo cáo → {out_dir}")
    return result, out_dir
