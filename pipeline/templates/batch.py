"""Write one template per unit, fast: each level's workbook is built once and every unit's
copy stamped from it (``stamp.py``); templates that differ everywhere (prior-period values)
are built in full. Both spread the units over a process pool."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.atomic import staging_folder
from pipeline.core.errors import Msg, TemplateError
from pipeline.core.pool import chunked, default_jobs, map_chunks
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.templates.build import build_template, template_filename
from pipeline.templates.heading import heading_heights
from pipeline.templates.stamp import MAX_TEXT, Stamp, StampError, placeholder, write_bytes

# Use a process pool from this many stamped (or built) files on.
POOL_MIN_STAMPED = 400
POOL_MIN_BUILT = 16
CHUNK = 100


def write_templates(
    form: FormDefinition,
    units: list[Unit],
    out_dir: Path,
    period: str,
    deadline: str | None = None,
    prior: PriorData | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Write one template per unit into ``out_dir`` (created if missing), as one set: staged in a
    hidden folder inside it and moved into place only when every template was written, so a full
    disk never leaves part of a set, nor a mix of this set and an earlier one.

    Without ``prior``, each level's workbook is built once and every unit's file is stamped
    from it (``stamp.py``); with ``prior`` every file differs, so each is built in full.

    :param jobs: processes writing in parallel when there are many units (default: one per core).
    :returns: the paths written, in the order of ``units``.
    :raises TemplateError: a template cannot be written (``TEMPLATE_010`` when the disk is full).
    """
    form = form.for_period(period)
    period = form.period.code
    out = Path(out_dir)
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        with staging_folder(out) as stage:
            try:
                staged = _write_set(form, units, stage, str(period), deadline, prior, jobs)
            except (OSError, TemplateError) as err:
                raise _set_error(err, out, stage, units) from err
            for path in staged:
                os.replace(path, out / path.name)
            return [out / path.name for path in staged]
    except (OSError, TemplateError) as err:
        if made:
            shutil.rmtree(out, ignore_errors=True)  # nothing of ours was put there: no empty folder left
        raise err if isinstance(err, TemplateError) else TemplateError.not_written(out, err) from err


def _write_set(form: FormDefinition, units: list[Unit], stage: Path, period: str, deadline: str | None,
               prior: PriorData | None, jobs: int | None) -> list[Path]:  # fmt: skip
    """The whole set written into ``stage``; a failure leaves the staged files behind for
    ``_set_error`` to count, and nothing in the folder of templates."""
    if prior is None:
        return write_stamped(form, units, stage, period, deadline, jobs)
    return write_built(form, units, stage, period, deadline, prior, jobs)


def _set_error(err: OSError | TemplateError, out: Path, stage: Path, units: list[Unit]) -> TemplateError:
    """The error of a set not written: a full disk (``TEMPLATE_010``) says which template it
    stopped at and that the earlier set was kept; any other cause keeps its own message."""
    if err.errno not in (errno.ENOSPC, errno.EDQUOT):
        return err if isinstance(err, TemplateError) else TemplateError.not_written(out, err)
    names = [template_filename(unit) for unit in units]
    written = {p.name for p in stage.glob("*.xlsx")}
    failed = next((name for name in names if name not in written), names[-1] if names else "")
    return TemplateError(Msg.TEMPLATE_010, where=str(out), done=len(written) + 1, total=len(names), name=failed)


@dataclass
class _Batch:
    """What every worker needs: the prepared workbook of each level and how to build directly."""

    form: FormDefinition
    period: str
    deadline: str | None
    prior: PriorData | None
    stamps: dict[tuple, Stamp]
    code_token: str = ""
    name_token: str = ""  # in lower case: the heading shows its capitals, a token of its own

    def write(self, unit: Unit, path: Path, key: tuple | None = None) -> Path:
        """``unit``'s template at ``path``: stamped from the workbook of its ``key`` (``_stamp_key``,
        worked out once per run by the caller) when there is one, else built."""
        stamp = self.stamps.get(key) if key is not None else None
        if stamp is not None and _stampable(unit):
            values = {self.code_token: unit.code, self.name_token: unit.name, self.name_token.upper(): unit.name.upper()}
            try:
                return write_bytes(stamp.render(values), path)
            except StampError:
                pass
        return build_template(self.form, unit, path, self.period, self.deadline, self.prior)


def _stamp_key(form: FormDefinition, unit: Unit) -> tuple | None:
    """Units whose templates differ only in stamped text share a key: their level and the heights
    of their heading rows. The form's own committee (a heading without the unit's name) has none:
    it is built directly."""
    if form.is_committee(unit.name):
        return None
    return unit.level, heading_heights(form, unit.name)


def _stampable(unit: Unit) -> bool:
    """Texts a direct build writes exactly as ``Stamp`` does (XlsxWriter special-cases the others)."""
    return all(text and len(text) <= MAX_TEXT and not text.startswith("<r>") for text in (unit.code, unit.name))


def _write_one(batch: _Batch, item: tuple[Unit, Path, tuple | None]) -> Path:
    return batch.write(*item)


def _run(batch: _Batch, units: list[Unit], out_dir: Path, jobs: int | None, pool_min: int, keys: list | None = None) -> list[Path]:
    """Every unit's template; ``keys``: each unit's ``_stamp_key`` (none: every template built)."""
    items = [(unit, out_dir / template_filename(unit), key) for unit, key in zip(units, keys or [None] * len(units), strict=True)]
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(items) < pool_min:
        return [batch.write(*item) for item in items]
    paths = []
    for done in map_chunks(_write_one, chunked(items, jobs, CHUNK), batch, jobs):
        if isinstance(done, Exception):
            raise done
        paths += done
    return paths


def write_stamped(form: FormDefinition, units: list[Unit], out_dir: Path, period: str, deadline: str | None = None,
                  jobs: int | None = None) -> list[Path]:  # fmt: skip
    """One template per unit, stamped from one built workbook per level; paths in the order of ``units``.

    :param jobs: processes stamping in parallel (default: one per core; used from ``POOL_MIN_STAMPED`` units).
    :raises TemplateError: a template cannot be written.
    """
    code_token, name_token = placeholder("code"), placeholder("name").lower()
    stamps = {}
    form = form.for_period(period)
    with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
        keyed = [_stamp_key(form, u) for u in units]  # once per unit and run, not again in the workers
        samples = dict(zip(keyed, units, strict=True))
        for number, (key, sample) in enumerate((k, u) for k, u in samples.items() if k is not None):
            path = Path(tmp) / f"{number}.xlsx"
            build_template(form, Unit(code_token, name_token, sample.level), path, period, deadline, size_as=sample.name)
            stamps[key] = Stamp.from_file(path, (code_token, name_token, name_token.upper()))
    batch = _Batch(form, str(period), deadline, None, stamps, code_token, name_token)
    return _run(batch, units, Path(out_dir), jobs, POOL_MIN_STAMPED, keyed)


def write_built(form: FormDefinition, units: list[Unit], out_dir: Path, period: str, deadline: str | None = None,
                prior: PriorData | None = None, jobs: int | None = None) -> list[Path]:  # fmt: skip
    """One template per unit, each built in full (in ``jobs`` processes from ``POOL_MIN_BUILT`` units)."""
    batch = _Batch(form, str(period), deadline, prior, {})
    return _run(batch, units, Path(out_dir), jobs, POOL_MIN_BUILT)
