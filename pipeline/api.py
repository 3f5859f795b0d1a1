"""The library's front door: what each command does, as functions the CLI calls (and the coming
web layer, and users' own scripts). Arguments are keyword-only; every function raises a
``PipelineError`` with a Vietnamese message when it cannot do its work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline.appendix.dating import ReportDate, default_report_date, given_date
from pipeline.appendix.document import DOCX_NAME, write_appendix
from pipeline.consolidate.collect import Kept, list_files, process_file
from pipeline.consolidate.combine import consolidate_folder
from pipeline.consolidate.combine import consolidate_kept as consolidate_kept_files
from pipeline.consolidate.result import ConsolidationResult
from pipeline.consolidate.unusable import nothing_usable
from pipeline.core import settings
from pipeline.core.constants import Severity
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.core.pool import default_jobs
from pipeline.form import registry
from pipeline.form.crosswalk import Crosswalk, load_crosswalk, unit_figures
from pipeline.form.definition import load_form
from pipeline.form.model import FormDefinition, Unit
from pipeline.form.period import Period, format_date, parse_deadline
from pipeline.form.prior import PriorData, load_prior
from pipeline.form.priorunits import prior_notes
from pipeline.form.units import load_unit_tree, load_units, unit_file_stem, write_units
from pipeline.forward.fill import ForwardRun, forward_consolidation
from pipeline.outputs.readback import read_consolidation
from pipeline.outputs.staging import write_outputs
from pipeline.sample import EXAMPLES, SAMPLE_PERIOD, build_sample, fill_returns, synthetic_values
from pipeline.templates.batch import write_templates
from pipeline.validate.context import Context
from pipeline.validate.reconcile import one_return_problems

# The seed report's 2022 figures, compared with in the demo.
DEMO_PRIOR = settings.SAMPLE_DIR / "prior_2022.csv"
PathLike = str | Path


def chosen_period(period: str | int | Period | None) -> Period:
    """The period asked for, checked (``PERIOD_001``); the current year when none is given."""
    return Period.parse(period) if period not in (None, "") else Period.current()


def _deadline_text(deadline: str | date | None) -> str | None:
    """The deadline checked (``PERIOD_002``) and written ``DD/MM/YYYY``."""
    day = parse_deadline(deadline)
    return format_date(day) if day else None


@dataclass(frozen=True)
class TemplateRun:
    """What ``make_templates`` wrote, and what the officer should know about it (one line each)."""

    paths: list[Path]
    notes: list[str] = field(default_factory=list)


def make_templates(
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | int | None = None,
    deadline: str | None = None,
    prior_path: PathLike | None = None,
    out: PathLike | None = None,
    jobs: int | None = None,
    crosswalk_path: PathLike | None = None,
) -> TemplateRun:
    """Write one template per unit; returns the files written and the notes on prior figures.

    :param out: the folder to write to (default: ``input_templates/<period>/``).
    :param prior_path: prior-period figures shown in a column beside this period's: a previous
        run's output folder (``output/2023/``), its ``values.csv`` (every unit's figures) or
        ``totals.csv`` (figures by level: only a level's single unit, the city, gets them).
    :param crosswalk_path: a CSV ``old_code,new_code`` (with ``prior_path``): a unit made of
        old units gets their figures summed; one that received part of a split unit gets none.
    """
    chosen = chosen_period(period)
    deadline = _deadline_text(deadline)
    form = load_form(form_path).for_period(chosen)
    units = load_units(units_path, form)
    prior, crosswalk = _prior_and_crosswalk(prior_path, crosswalk_path)
    notes: list[str] = []
    if prior:
        filled, found = unit_figures(prior, units, crosswalk)
        explained = frozenset(p.unit_code for p in found if p.unit_code)
        notes = prior_notes(prior, units, form, filled, explained) + [p.message for p in found]
        prior = filled
    out_dir = Path(out) if out else settings.TEMPLATES_DIR / chosen.code
    return TemplateRun(write_templates(form, units, out_dir, chosen.code, deadline, prior, jobs), notes)


@dataclass(frozen=True)
class FileCheck:
    """The verdict on one return checked on its own."""

    file: str
    unit_code: str = ""
    unit_name: str = ""
    period: str = ""
    problems: list[Problem] = field(default_factory=list)
    accepted: bool = False  # recognised as the return of a listed unit for this form and period
    saved_at: datetime | None = None  # the saved time inside the file, else the file's own time
    values: dict[str, object] = field(default_factory=dict)  # indicator code → value read (accepted returns)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems)


def check_context(*, form_path: PathLike | None = None, units_path: PathLike | None = None, period: str | None = None) -> Context:
    """What ``check_files`` judges returns against: the form, the unit list and the period,
    loaded and checked once. A caller that checks files as they arrive (a round's uploads)
    makes it once and passes it to each ``check_files(…, context=…)``."""
    chosen = Period.parse(period) if period else None
    form = load_form(form_path)
    units = {u.code: u for u in load_units(units_path, form)} if units_path else None
    return Context(form.for_period(chosen) if chosen else form, units, chosen.code if chosen else None)


def check_files(
    paths: list[PathLike],
    *,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | None = None,
    context: Context | None = None,
) -> list[FileCheck]:
    """Check returns one by one, as an officer does before sending: identity, values, rules.

    A folder stands for every return in it and its subfolders, found as ``consolidate`` finds
    them (Office lock files skipped; a link is a verdict of its own), named by their path in it.

    :param context: made by ``check_context``; then ``form_path``, ``units_path`` and ``period`` are not used.
    :raises PipelineError: a folder has no file at all (``CLI_015``).
    """
    ctx = context or check_context(form_path=form_path, units_path=units_path, period=period)
    verdicts: list[FileCheck] = []
    for path in map(Path, paths):
        if not path.is_dir():
            verdicts.append(_check_file(path, ctx))
            continue
        files, found = list_files(path)
        if not files and not found:
            raise PipelineError(Msg.CLI_015.render(where=str(path)))
        verdicts += [FileCheck(p.file, problems=[p]) for p in found if p.severity != Severity.INFO]
        verdicts += [_check_file(file, ctx, path) for file in files]
    return verdicts


def _check_file(path: Path, ctx: Context, root: Path | None = None) -> FileCheck:
    outcome = process_file(path, ctx, severity=Severity.ERROR, root=root)
    problems = list(outcome.problems)
    read: dict[str, object] = {}
    if outcome.accepted:
        read = {v.code: v.value for v in outcome.values}
        problems += one_return_problems(list(outcome.values), outcome.unit.code, outcome.unit.level, outcome.file, ctx.form)
    meta = outcome.meta
    return FileCheck(
        outcome.file, meta.get("unit_code", ""), meta.get("unit_name", ""), meta.get("period", ""), problems,
        outcome.accepted, outcome.modified, read,
    )  # fmt: skip


def _prior_and_crosswalk(prior_path: PathLike | None, crosswalk_path: PathLike | None) -> tuple[PriorData | None, Crosswalk | None]:
    """The prior figures and the crosswalk, each read and checked; a crosswalk needs prior figures (``XWALK_006``)."""
    if crosswalk_path and not prior_path:
        raise PipelineError(Msg.XWALK_006.render(where=str(crosswalk_path)))
    prior = load_prior(prior_path) if prior_path else None
    return prior, load_crosswalk(crosswalk_path) if crosswalk_path else None


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
    """Consolidate a folder of returns and write every output; returns the result and the output folder.

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
    folder = Path(returns_dir)
    if not folder.is_dir():
        raise PipelineError(Msg.FILE_006.render(where=str(folder)))
    chosen, form, units, options = _consolidation_inputs(form_path, units_path, period, prior_path, crosswalk_path, deadline)
    result = consolidate_folder(
        folder, form, units, chosen.code if chosen else None, jobs or default_jobs(), progress, on_files,
        factor=factor, fix_days=fix_days, **options,
    )  # fmt: skip
    return result, _write_consolidation(result, out, str(folder))


def consolidate_kept(
    kept: list[Kept],
    *,
    source: str,
    form_path: PathLike | None = None,
    units_path: PathLike | None = None,
    period: str | None = None,
    out: PathLike | None = None,
    jobs: int | None = None,
    prior_path: PathLike | None = None,
    deadline: str | date | None = None,
) -> tuple[ConsolidationResult, Path]:
    """``consolidate`` of files read where they are kept (a round's store: no copies made), each
    under its label and file time (``collect.Kept``); ``source`` names where they came from."""
    chosen, form, units, options = _consolidation_inputs(form_path, units_path, period, prior_path, None, deadline)
    result = consolidate_kept_files(kept, form, units, chosen.code if chosen else None, jobs or default_jobs(), source=source, **options)
    return result, _write_consolidation(result, out, source)


def _consolidation_inputs(
    form_path: PathLike | None,
    units_path: PathLike | None,
    period: str | None,
    prior_path: PathLike | None,
    crosswalk_path: PathLike | None,
    deadline: str | date | None,
) -> tuple[Period | None, FormDefinition, list[Unit], dict]:
    """The period, the form for it, the units and the options of a consolidation, each read and checked."""
    chosen = Period.parse(period) if period else None
    due = parse_deadline(deadline)
    form = load_form(form_path)
    form = form.for_period(chosen) if chosen else form
    units, tree = load_unit_tree(units_path, form)
    prior, crosswalk = _prior_and_crosswalk(prior_path, crosswalk_path)
    return chosen, form, units, {"prior": prior, "deadline": due, "tree": tree, "crosswalk": crosswalk}


def _write_consolidation(result: ConsolidationResult, out: PathLike | None, where: str) -> Path:
    """Every output of ``result`` into ``out`` (default ``output/<period>``); nothing usable: ``FILE_005``."""
    if not result.received:
        raise PipelineError(Msg.FILE_005.render(where=where, period=result.form.period.label, reasons=nothing_usable(result)))
    out_dir = Path(out) if out else settings.OUTPUT_DIR / result.period
    write_outputs(result, out_dir)
    return out_dir


def _report_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise PipelineError(Msg.REPORT_002.render(value=text)) from None


@dataclass(frozen=True)
class AppendixRun:
    """The Word appendix written: its path, and its date with why that date."""

    path: Path
    date: ReportDate


def write_report(
    consolidated_dir: PathLike,
    *,
    out: PathLike | None = None,
    when: str | date | None = None,
    number: str | None = None,
    today: date | None = None,
) -> AppendixRun:
    """Write the Word appendix "PHỤ LỤC SỐ LIỆU" of a consolidation folder.

    :param out: the .docx to write (default: ``consolidated_dir/phu_luc_so_lieu.docx``).
    :param when: the document's date, ``DD/MM/YYYY`` or a ``date``; by default today, or the
        round's deadline (else the period's end) when today is long after it (``default_report_date``).
    :param number: the document's number, e.g. ``481/BC-MTTQ-BTT``.
    :raises PipelineError: the folder is not a consolidation, the date is invalid, or the file cannot be written.
    """
    day = _report_date(when)
    result = read_consolidation(consolidated_dir)
    if day is not None:
        dated = given_date(day)
    else:
        period = result.form.period or Period.parse(result.period)
        dated = default_report_date(period, getattr(result, "deadline", None), today or date.today())
    path = write_appendix(result, Path(out) if out else Path(consolidated_dir) / DOCX_NAME, dated.day, number)
    return AppendixRun(path, dated)


def make_report(
    consolidated_dir: PathLike, *, out: PathLike | None = None, when: str | date | None = None, number: str | None = None
) -> Path:
    """``write_report``, returning only the path of the file written."""
    return write_report(consolidated_dir, out=out, when=when, number=number).path


def forward(consolidated_dir: PathLike, *, template: PathLike, out: PathLike, force: bool = False) -> ForwardRun:
    """Send a consolidation up as the next level's return: the upper committee's ``template``
    (made by ``tonghop templates`` there, for this committee) filled with the totals over all
    levels, indicator by indicator, written to ``out`` with its findings beside it; the template
    itself is left as it was.

    :param force: fill a template of another period than the consolidation's (a warning).
    :raises PipelineError: the folder is not a consolidation, the template is not one or is for
        another period, or ``out`` is the template or cannot be written.
    """
    return forward_consolidation(consolidated_dir, template, out, force=force)


@dataclass(frozen=True)
class UnitList:
    """A province committee's unit list from the official catalogue, and the file it was written to."""

    province: registry.Province
    units: list[Unit]
    path: Path
    catalogue: str  # the day the catalogue was taken, ``2025-10-18``
    labels: dict[str, str]  # the form's levels: code -> label (``communes`` -> ``Cấp xã, phường, đặc khu``)


def province_unit_list(*, province: str, form_path: PathLike | None = None, out: PathLike | None = None) -> UnitList:
    """Write the unit list (``code,name,level``) of a province committee from the official
    catalogue after 1 July 2025: the committee, then its communes, wards and special zones, at
    the levels of the form in use (``registry.province_units``). Needs the optional package
    ``vietnam-provinces`` (``pip install 'tonghop[units]'``).

    :param province: its name (with or without diacritics, ``tỉnh``/``thành phố``) or code.
    :param out: the CSV to write (default: ``don_vi_<code>_<name>.csv`` in the current folder).
    :raises PipelineError: the package is missing, the province unknown, the form has one level,
        or the file cannot be written.
    """
    form = load_form(form_path)
    found = registry.find_province(province)
    units = registry.province_units(found, form)
    path = write_units(units, Path(out) if out else Path(f"don_vi_{unit_file_stem(units[0])}.csv"))
    return UnitList(found, units, path, registry.catalogue_date(), {code: level.label for code, level in form.levels.items()})


def provinces() -> tuple[list[registry.Province], str]:
    """The 34 provinces and centrally-run cities of the official catalogue after 1 July 2025,
    with their communes, and the day the catalogue was taken (optional package, as
    ``province_unit_list``)."""
    return registry.provinces(), registry.catalogue_date()


@dataclass(frozen=True)
class DemoRun:
    """What ``demo`` made: the templates, the sample returns, the consolidation and the appendix."""

    templates: list[Path]
    returns: list[Path]
    result: ConsolidationResult
    out_dir: Path
    appendix: Path
    example: str = ""  # the bundled example run (``sample.EXAMPLES``), "" for the Lai Châu 2023 sample


def demo(*, out: PathLike | None = None, example: str | None = None) -> DemoRun:
    """Templates, sample returns, consolidation (compared with the seed's 2022 figures) and the
    Word appendix of the bundled Lai Châu 2023 sample; or, with ``example`` (a key of
    ``sample.EXAMPLES``, such as ``tinh-lai-chau-2025``), of that example's round, whose
    returns carry synthetic figures (``sample.synthetic_values``).

    :param out: the folder to write to (default ``output/demo``, or ``output/demo_<example>``).
    """
    if example:
        return _example_demo(example, Path(out) if out else settings.OUTPUT_DIR / f"demo_{example.replace('-', '_')}")
    out_dir = Path(out or settings.OUTPUT_DIR / "demo")
    templates = make_templates(period=SAMPLE_PERIOD, out=out_dir / "bieu_mau").paths
    form = load_form()
    returns = build_sample(out_dir / "bao_cao_nhan_ve", form, load_units(None, form))
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=SAMPLE_PERIOD, out=out_dir, prior_path=DEMO_PRIOR)
    return DemoRun(templates, returns, result, written, make_report(written))


def _example_demo(name: str, out_dir: Path) -> DemoRun:
    example = EXAMPLES[name]
    paths = {"form_path": example.form_dir, "units_path": example.units_csv}
    templates = make_templates(period=example.period, out=out_dir / "bieu_mau", **paths).paths
    form = load_form(example.form_dir)
    units = load_units(example.units_csv, form)
    returns = fill_returns(out_dir / "bieu_mau", out_dir / "bao_cao_nhan_ve", units, synthetic_values(form, units))
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=example.period, out=out_dir, **paths)
    return DemoRun(templates, returns, result, written, make_report(written), name)
