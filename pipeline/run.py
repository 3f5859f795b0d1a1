"""The commands' work, as library functions the CLI calls (and users may call too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import settings
from pipeline.checks import Context
from pipeline.collect import process_file
from pipeline.consolidate import ConsolidationResult, consolidate_folder
from pipeline.constants import ERROR, LEVEL_ALL, WORKBOOK_XLSX
from pipeline.errors import Msg, PipelineError
from pipeline.form import FormDefinition, load_form, load_units
from pipeline.prior import load_prior
from pipeline.reconcile import check_returns
from pipeline.report import Problem
from pipeline.templates import write_templates
from pipeline.write_csv import write_csvs


def default_period(form: FormDefinition, period: str | int | None) -> str:
    return str(period or form.settings.get("default_period", ""))


def make_templates(form_path=None, units_path=None, period=None, deadline=None, prior_path=None, out=None) -> list[Path]:
    """Write one template per unit; returns the files written."""
    form = load_form(form_path)
    units = load_units(units_path, form)
    period = default_period(form, period)
    prior = load_prior(prior_path) if prior_path else None
    out_dir = Path(out) if out else settings.TEMPLATES_DIR / period
    return write_templates(form, units, out_dir, period, deadline, prior)


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
        verdict = FileCheck(path.name, result.meta.get("unit_code", ""), result.meta.get("unit_name", ""), result.meta.get("period", ""), list(result.problems))
        if result.accepted:
            values = pd.DataFrame([{"unit_code": result.unit.code, **v} for v in result.values], columns=["unit_code", "code", "value", "sheet", "cell"])
            meta = pd.DataFrame([{"unit_code": result.unit.code, "level": result.unit.level, "file": path.name}])
            _, found = check_returns(values, meta, form)
            verdict.problems.extend(found)
        out.append(verdict)
    return out


def consolidate(returns_dir, form_path=None, units_path=None, period=None, out=None, jobs: int = 1, prior_path=None,
                progress: Callable[[int], None] | None = None, on_files: Callable[[int], None] | None = None) -> tuple[ConsolidationResult, Path]:  # fmt: skip
    """Consolidate a folder of returns and write every output; returns the result and the output folder.

    :raises PipelineError: the folder is missing, or nothing in it could be consolidated.
    """
    folder = Path(returns_dir)
    if not folder.is_dir():
        raise PipelineError(Msg.FILE_006.render(where=str(folder)))
    form = load_form(form_path)
    units = load_units(units_path, form)
    result = consolidate_folder(folder, form, units, period, jobs, progress, on_files)
    if not result.received:
        raise PipelineError(Msg.FILE_005.render(where=str(folder)))
    result.prior = load_prior(prior_path) if prior_path else None
    out_dir = Path(out) if out else settings.OUTPUT_DIR / result.period
    write_outputs(result, out_dir)
    return result, out_dir


def write_outputs(result: ConsolidationResult, out_dir: Path) -> list[Path]:
    """The CSVs and the consolidated workbook."""
    from pipeline.write_xlsx import write_workbook

    written = write_csvs(result, out_dir)
    written.append(write_workbook(result, out_dir / WORKBOOK_XLSX))
    return written


def summary_lines(result: ConsolidationResult, out_dir: Path) -> list[str]:
    """A short Vietnamese summary for the terminal."""
    from pipeline.vnformat import format_number

    counts = result.report.to_summary()
    lines = [
        f"Tổng hợp {result.form.title_for(result.period)}: đã nhận {result.received}/{len(result.units)} đơn vị.",
    ]
    missing = result.submissions[result.submissions["status"] == "missing"]
    if len(missing):
        lines.append("Chưa nộp: " + ", ".join(f"{r.unit_code} {r.unit_name}" for r in missing.itertuples()) + ".")
    for code in result.form.settings.get("key_figures", "").split(";"):
        code = code.strip()
        if code and code in result.form.indicators and result.total(code) is not None:
            ind = result.form.indicators[code]
            lines.append(f"  {ind.label}: {format_number(result.total(code, LEVEL_ALL))} {ind.unit}")
    lines.append(f"Phát hiện: {counts['error']} lỗi, {counts['warning']} cảnh báo, {counts['info']} thông tin.")
    for p in result.report.sorted():
        if p.severity != "info" and p.type == "relation-failed":
            lines.append(f"  [{'Lỗi' if p.severity == ERROR else 'Cảnh báo'}] {p.message}")
    lines.append(f"Kết quả đã ghi vào thư mục {out_dir}/ (mở tệp {WORKBOOK_XLSX}).")
    return lines


def demo(out: str | Path = "output/demo") -> list[str]:
    """Templates, sample returns and consolidation of the bundled Lai Châu 2023 sample."""
    from pipeline.sample import SAMPLE_PERIOD, build_sample

    out_dir = Path(out)
    templates = make_templates(period=SAMPLE_PERIOD, out=out_dir / "bieu_mau")
    form = load_form()
    returns = build_sample(out_dir / "bao_cao_nhan_ve", form, load_units(None, form))
    lines = [
        f"Đã tạo {len(templates)} biểu mẫu trong {out_dir / 'bieu_mau'}/.",
        f"Đã tạo {len(returns)} báo cáo mẫu (điền như cán bộ xã, phường) trong {out_dir / 'bao_cao_nhan_ve'}/.",
    ]
    result, written = consolidate(out_dir / "bao_cao_nhan_ve", period=SAMPLE_PERIOD, out=out_dir)
    return lines + summary_lines(result, written)
