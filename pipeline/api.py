"""The commands' work, as library functions the CLI calls (and users may call too)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipeline.consolidate.collect import default_jobs, process_file
from pipeline.consolidate.combine import ConsolidationResult, attach_comparison, consolidate_folder
from pipeline.core import settings
from pipeline.core.constants import ERROR, LEVEL_ALL, WORKBOOK_XLSX
from pipeline.core.errors import Msg, PipelineError
from pipeline.core.findings import Problem
from pipeline.form.definition import FormDefinition, load_form, load_units
from pipeline.form.prior import load_prior
from pipeline.templates.batch import write_templates
from pipeline.validate.checks import Context
from pipeline.validate.reconcile import check_returns

# The seed report's 2022 figures, compared with in the demo.
DEMO_PRIOR = settings.SAMPLE_DIR / "prior_2022.csv"


def default_period(form: FormDefinition, period: str | int | None) -> str:
    return str(period or form.settings.get("default_period", ""))


def make_templates(
    form_path=None, units_path=None, period=None, deadline=None, prior_path=None, out=None, jobs: int | None = None
) -> list[Path]:
    """Write one template per unit; returns the files written."""
    form = load_form(form_path)
    units = load_units(units_path, form)
    period = default_period(form, period)
    prior = load_prior(prior_path) if prior_path else None
    out_dir = Path(out) if out else settings.TEMPLATES_DIR / period
    return write_templates(form, units, out_dir, period, deadline, prior, jobs)


@dataclass
class FileCheck:
    """The verdict on one return checked on its own."""

    file: str
    unit_code: str = ""
    unit_name: str = ""
    period: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)


def check_files(paths: list[str | Path], form_path=None, units_path=None, period=None) -> list[FileCheck]:
    """Check returns one by one, as an officer does before sending: identity, values, rules."""
    form = load_form(form_path)
    units = {u.code: u for u in load_units(units_path, form)} if units_path else None
    ctx = Context(form, units, str(period) if period else None)
    out = []
    for path in map(Path, paths):
        result = process_file(path, ctx, severity=ERROR)
        if isinstance(result, Problem):
            out.append(FileCheck(path.name, problems=[result]))
            continue
        verdict = FileCheck(
            path.name,
            result.meta.get("unit_code", ""),
            result.meta.get("unit_name", ""),
            result.meta.get("period", ""),
            list(result.problems),
        )
        if result.accepted:
            values = pd.DataFrame(
                [{"unit_code": result.unit.code, **v._asdict()} for v in result.values],
                columns=["unit_code", "code", "value", "sheet", "cell"],
            )
            meta = pd.DataFrame([{"unit_code": result.unit.code, "level": result.unit.level, "file": path.name}])
            _, found = check_returns(values, meta, form)
            verdict.problems.extend(found)
        out.append(verdict)
    return out


def consolidate(returns_dir, form_path=None, units_path=None, period=None, out=None, jobs: int | None = None, prior_path=None,
                progress: Callable[[int], None] | None = None, on_files: Callable[[int], None] | None = None,
                factor: float = settings.OUTLIER_FACTOR) -> tuple[ConsolidationResult, Path]:  # fmt: skip
    """Consolidate a folder of returns and write every output; returns the result and the output folder.

    :param prior_path: prior-period figures; totals are compared with them and changes beyond
        ``factor`` times become warnings.
    :raises PipelineError: the folder is missing, or nothing in it could be consolidated.
    """
    folder = Path(returns_dir)
    if not folder.is_dir():
        raise PipelineError(Msg.FILE_006.render(where=str(folder)))
    form = load_form(form_path)
    units = load_units(units_path, form)
    result = consolidate_folder(folder, form, units, period, jobs or default_jobs(), progress, on_files)
    if not result.received:
        raise PipelineError(Msg.FILE_005.render(where=str(folder)))
    if prior_path:
        attach_comparison(result, load_prior(prior_path), factor)
    out_dir = Path(out) if out else settings.OUTPUT_DIR / result.period
    write_outputs(result, out_dir)
    return result, out_dir


def write_outputs(result: ConsolidationResult, out_dir: Path) -> list[Path]:
    """The CSVs and the consolidated workbook, written as one set (see ``outputs.py``)."""
    from pipeline.outputs.staging import write_outputs as write_set

    return write_set(result, out_dir)


SUMMARY_LINES = 10  # findings (and missing units) named on the terminal; the rest are in the outputs


def summary_lines(result: ConsolidationResult, out_dir: Path) -> list[str]:
    """A short Vietnamese summary for the terminal."""
    from pipeline.core.vnformat import format_number

    counts = result.report.to_summary()
    lines = [
        f"Tổng hợp {result.form.title_for(result.period)}: đã nhận {result.received}/{len(result.units)} đơn vị.",
    ]
    missing = result.submissions[result.submissions["status"] == "missing"]
    if len(missing):
        named = ", ".join(f"{r.unit_code} {r.unit_name}" for r in missing.head(SUMMARY_LINES).itertuples())
        more = f" và {format_number(len(missing) - SUMMARY_LINES)} đơn vị khác" if len(missing) > SUMMARY_LINES else ""
        lines.append(f"Chưa nộp: {named}{more}.")
    for code in result.form.settings.get("key_figures", "").split(";"):
        code = code.strip()
        if code and code in result.form.indicators and result.total(code) is not None:
            ind = result.form.indicators[code]
            lines.append(f"  {ind.display_label}: {format_number(result.total(code, LEVEL_ALL))} {ind.unit}")
    lines.append(f"Phát hiện: {counts['error']} lỗi, {counts['warning']} cảnh báo, {counts['info']} thông tin.")
    # Totals first (what the report will print), then returns: errors before warnings.
    shown = [p for p in result.report.sorted() if p.severity != "info" and p.type != "missing-unit"]
    shown.sort(key=lambda p: (p.severity != ERROR, not p.level))
    for p in shown[:SUMMARY_LINES]:
        lines.append(f"  [{'Lỗi' if p.severity == ERROR else 'Cảnh báo'}] {p.message}")
    if len(shown) > SUMMARY_LINES:
        lines.append(
            f"  … và {format_number(len(shown) - SUMMARY_LINES)} vấn đề khác: xem trang “Các vấn đề” của {WORKBOOK_XLSX} hoặc findings.csv."
        )
    lines.append(f"Kết quả đã ghi vào thư mục {out_dir}/ (mở tệp {WORKBOOK_XLSX}).")
    return lines


def _text_frame(path: Path) -> pd.DataFrame:
    """A CSV of a consolidation read as text: codes keep their leading zeros, blanks are ""."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_consolidation(folder: str | Path):
    """Read back a consolidation folder (its CSVs and run.json) for the Word appendix.

    The form is the one recorded in run.json, or the bundled one when that folder is gone.
    :raises PipelineError: the folder is not a consolidation.
    """
    from pipeline.appendix.charts import CHARTS_CSV, load_charts
    from pipeline.appendix.document import ReportInputs
    from pipeline.appendix.sentences import SENTENCES_CSV, load_sentences
    from pipeline.core.constants import FINDINGS_CSV, RELATIONS_CSV, TOTALS_CSV, VALUES_CSV
    from pipeline.form.definition import Unit
    from pipeline.outputs.csvfiles import RUN_JSON, SUBMISSIONS_CSV

    folder = Path(folder)
    names = (RUN_JSON, TOTALS_CSV, VALUES_CSV, FINDINGS_CSV, RELATIONS_CSV)
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=", ".join(missing)))
    try:
        run = json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
        frames = {name: _text_frame(folder / name) for name in names[1:]}
        extra = {
            name: _text_frame(folder / name)
            for name in (SUBMISSIONS_CSV, run.get("comparison") or "")
            if name and (folder / name).is_file()
        }
        units = [Unit(u["code"], u["name"], u["level"]) for u in run["units"]]
        period = str(run["period"])
    except (OSError, ValueError, KeyError, TypeError, pd.errors.ParserError) as err:
        raise PipelineError(Msg.REPORT_001.render(where=str(folder), missing=f"{RUN_JSON} ({err})")) from err
    form = load_form(run["form"]) if run.get("form") and Path(run["form"]).is_dir() else load_form()
    totals = frames[TOTALS_CSV].assign(value=lambda f: pd.to_numeric(f["value"], errors="coerce"))
    comparison = extra.get(run.get("comparison") or "")
    if comparison is not None:
        comparison = comparison.assign(**{c: pd.to_numeric(comparison[c], errors="coerce") for c in ("value", "prior", "change", "ratio")})
    definitions = {name: form.source / name for name in (SENTENCES_CSV, CHARTS_CSV)}
    return ReportInputs(
        form, period, units, totals, frames[VALUES_CSV], frames[FINDINGS_CSV], frames[RELATIONS_CSV], extra.get(SUBMISSIONS_CSV),
        comparison, run.get("prior_period"),
        load_sentences(definitions[SENTENCES_CSV], form) if definitions[SENTENCES_CSV].is_file() else [],
        load_charts(definitions[CHARTS_CSV], form) if definitions[CHARTS_CSV].is_file() else [],
    )  # fmt: skip


def _report_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise PipelineError(Msg.REPORT_002.render(value=text)) from None


def make_report(
    consolidated_dir: str | Path, out: str | Path | None = None, when: str | date | None = None, number: str | None = None
) -> Path:
    """Write the Word appendix "PHỤ LỤC SỐ LIỆU" of a consolidation folder; returns its path.

    :param out: the .docx to write (default: ``consolidated_dir/phu_luc_so_lieu.docx``).
    :param when: the document's date, ``DD/MM/YYYY`` or a ``date`` (default: today).
    :param number: the document's number, e.g. ``481/BC-MTTQ-BTT``.
    :raises PipelineError: the folder is not a consolidation, the date is invalid, or the file cannot be written.
    """
    from pipeline.appendix.document import DOCX_NAME, write_report

    day = _report_date(when)
    inputs = read_consolidation(consolidated_dir)
    return write_report(inputs, Path(out) if out else Path(consolidated_dir) / DOCX_NAME, day, number)


def demo(out: str | Path = "output/demo") -> list[str]:
    """Templates, sample returns, consolidation (compared with the seed's 2022 figures) and the
    Word appendix of the bundled Lai Châu 2023 sample."""
    from pipeline.sample import SAMPLE_PERIOD, build_sample

    out_dir = Path(out)
    templates = make_templates(period=SAMPLE_PERIOD, out=out_dir / "bieu_mau")
    form = load_form()
    returns = build_sample(out_dir / "bao_cao_nhan_ve", form, load_units(None, form))
    lines = [
        f"Đã tạo {len(templates)} biểu mẫu trong {out_dir / 'bieu_mau'}/.",
        f"Đã tạo {len(returns)} báo cáo mẫu (điền như cán bộ xã, phường) trong {out_dir / 'bao_cao_nhan_ve'}/.",
    ]
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=SAMPLE_PERIOD, out=out_dir, prior_path=DEMO_PRIOR)
    report = make_report(written)
    return [*lines, *summary_lines(result, written), f"Phụ lục số liệu (Word, so sánh với cùng kỳ năm 2022) đã ghi vào tệp {report}."]
