"""Write one template per unit, fast: each level's workbook is built once and every unit's
copy stamped from it (``stamp.py``), with the unit's prior-period figures written into its copy
(``priorcells.py``) when they are shown; the units are spread over a process pool."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.atomic import staging_folder
from pipeline.core.errors import Msg, TemplateError
from pipeline.core.pool import chunked, default_jobs, map_chunks
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.prior import PriorData
from pipeline.templates.build import DATA_PART, build_template, template_filename, write_job
from pipeline.templates.heading import heading_heights
from pipeline.templates.job import TemplateJob
from pipeline.templates.priorcells import fill_numbers
from pipeline.templates.stamp import MAX_TEXT, Stamp, StampError, placeholder

# Use a process pool from this many stamped files on (with prior figures, whose data sheet is compressed for each).
POOL_MIN_STAMPED = 400
POOL_MIN_PRIOR = 100
CHUNK = 100
STAGED_SUFFIX = ".tmp"  # a stamped template in the staging folder, until the set is moved in place


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

    Each level's workbook is built once and every unit's file is stamped from it
    (``stamp.py``); with ``prior``, each copy gets its unit's prior figures (``priorcells.py``).

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
                staged = write_stamped(form, units, stage, str(period), deadline, prior, jobs)
            except (OSError, TemplateError) as err:
                raise _set_error(err, out, stage, units) from err
            paths = [out / path.name.removesuffix(STAGED_SUFFIX) for path in staged]  # each unit's ``template_filename``
            for path, target in zip(staged, paths, strict=True):
                os.replace(path, target)
            return paths
    except (OSError, TemplateError) as err:
        if made:
            shutil.rmtree(out, ignore_errors=True)  # nothing of ours was put there: no empty folder left
        raise err if isinstance(err, TemplateError) else TemplateError.not_written(out, err) from err


def _set_error(err: OSError | TemplateError, out: Path, stage: Path, units: list[Unit]) -> TemplateError:
    """The error of a set not written: a full disk (``TEMPLATE_010``) says which template it
    stopped at and that the earlier set was kept; any other cause keeps its own message."""
    if err.errno not in (errno.ENOSPC, errno.EDQUOT):
        return err if isinstance(err, TemplateError) else TemplateError.not_written(out, err)
    names = [template_filename(unit) for unit in units]
    written = {p.name.removesuffix(STAGED_SUFFIX) for p in stage.iterdir() if not p.name.startswith(".")}
    failed = next((name for name in names if name not in written), names[-1] if names else "")
    return TemplateError(Msg.TEMPLATE_010, where=str(out), done=len(written) + 1, total=len(names), name=failed)


@dataclass(frozen=True)
class _Base:
    """A level's workbook prepared for stamping, and where its prior column's cells are."""

    stamp: Stamp
    prior_cells: dict[str, str]  # indicator code -> its prior value's cell in ``DATA_PART`` (none without prior)


@dataclass
class _Batch:
    """What every worker needs to write any unit's template; each process prepares the workbook
    of a stamp key the first time one of its units needs it (``bases``)."""

    form: FormDefinition
    period: str
    deadline: str | None
    prior: PriorData | None
    stage: Path  # the staging folder
    code_token: str
    name_token: str  # in lower case: the heading shows its capitals, a token of its own
    bases: dict[tuple, _Base] = field(default_factory=dict)

    def write(self, unit: Unit) -> Path:
        """``unit``'s template in the staging folder: stamped from the workbook of its stamp key
        (``_stamp_key``) when it has one, else built; returns the file written, to be moved to
        its place when the set is whole."""
        path = self.stage / template_filename(unit)
        key = _stamp_key(self.form, unit) if _stampable(unit) else None
        if key is not None:
            base = self.bases.get(key) or self.bases.setdefault(key, self._prepare(unit))
            values = {self.code_token: unit.code, self.name_token: unit.name, self.name_token.upper(): unit.name.upper()}
            try:
                return _stage(base.stamp.render(values, self._prior_edits(base, unit)), path)
            except StampError:
                pass
        return build_template(self.form, unit, path, self.period, self.deadline, self.prior)

    def _prepare(self, unit: Unit) -> _Base:
        """The workbook of ``unit``'s stamp key: built for a placeholder unit of its level,
        heading rows sized for its name, prior column blank."""
        blank = PriorData(self.prior.period) if self.prior is not None else None
        with tempfile.TemporaryDirectory(prefix="tonghop-") as tmp:
            path = Path(tmp) / "base.xlsx"
            placeholder_unit = Unit(self.code_token, self.name_token, unit.level)
            job = write_job(TemplateJob(self.form, placeholder_unit, self.period, self.deadline, blank, path.name, unit.name), path)
            tokens = (self.code_token, self.name_token, self.name_token.upper())
            return _Base(Stamp.from_file(path, tokens, (DATA_PART,) if self.prior is not None else ()), job.prior_cells)

    def _prior_edits(self, base: _Base, unit: Unit) -> dict[str, Callable[[bytes], bytes]] | None:
        """The unit's prior figures written into the data sheet, as a direct build writes them."""
        if self.prior is None:
            return None
        numbers = {cell: value for code, cell in base.prior_cells.items() if (value := self.prior.unit_value(unit.code, code)) is not None}
        return {DATA_PART: lambda xml: fill_numbers(xml, numbers)}


def _stage(data: bytes, path: Path) -> Path:
    """Write ``data`` as ``<path>.tmp`` in the staging folder and return that file.

    No temporary file and rename of its own: the staging folder is ours alone and its files
    reach the folder of templates by one rename each once the set is whole, so the file goes
    in under the name every unfinished output of ours has (``*.xlsx.tmp``); a new file, never
    truncated (on ext4 truncating a file makes its close write it out at once). A file not
    written whole is removed.

    :raises TemplateError: the file cannot be written.
    """
    tmp = path.with_name(path.name + STAGED_SUFFIX)
    try:
        tmp.write_bytes(data)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise TemplateError.not_written(path, err) from err
    return tmp


def _stamp_key(form: FormDefinition, unit: Unit) -> tuple | None:
    """Units whose templates differ only in stamped text (and prior figures) share a key: their
    level and the heights of their heading rows. The form's own committee (a heading without the
    unit's name) has none: it is built directly."""
    if form.is_committee(unit.name):
        return None
    return unit.level, heading_heights(form, unit.name)


def _stampable(unit: Unit) -> bool:
    """Texts a direct build writes exactly as ``Stamp`` does (XlsxWriter special-cases the others)."""
    return all(text and len(text) <= MAX_TEXT and not text.startswith("<r>") for text in (unit.code, unit.name))


def _write_one(batch: _Batch, unit: Unit) -> Path:
    return batch.write(unit)


def write_stamped(form: FormDefinition, units: list[Unit], stage: Path, period: str, deadline: str | None = None,
                  prior: PriorData | None = None, jobs: int | None = None) -> list[Path]:  # fmt: skip
    """One template per unit into the staging folder ``stage``, stamped from one built workbook
    per level (and height of heading), with each unit's prior figures when ``prior`` is given.

    :param jobs: processes stamping in parallel (default: one per core; used from
        ``POOL_MIN_STAMPED`` units, ``POOL_MIN_PRIOR`` with prior figures).
    :returns: the files written, in the order of ``units``: each to be moved to its unit's
        ``template_filename`` (a stamped one is staged as ``<name>.tmp``, see ``_stage``).
    :raises TemplateError: a template cannot be written.
    """
    form = form.for_period(period)
    batch = _Batch(form, str(period), deadline, prior, Path(stage), placeholder("code"), placeholder("name").lower())
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(units) < (POOL_MIN_STAMPED if prior is None else POOL_MIN_PRIOR):
        return [batch.write(unit) for unit in units]
    paths = []
    for done in map_chunks(_write_one, chunked(units, jobs, CHUNK), batch, jobs):
        if isinstance(done, Exception):
            raise done
        paths += done
    return paths
