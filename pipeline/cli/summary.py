"""What the terminal shows after a command: short Vietnamese lines, the rest is in the outputs."""

from __future__ import annotations

from pathlib import Path

from pipeline.api import DemoRun, FileCheck
from pipeline.appendix.notice_files import NOTICES_DIR, NOTICES_DOCX, REMINDER_TXT
from pipeline.appendix.notices import fix_by_text, missing_units, unit_notices
from pipeline.consolidate.result import ConsolidationResult, PeriodChoice
from pipeline.core.constants import LEVEL_ALL, WORKBOOK_XLSX, Severity, SubmissionStatus, Timeliness
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.form.period import format_date, period_label

_CHOSEN_BY = {
    PeriodChoice.RETURNS: "kỳ của đa số báo cáo nhận được",
    PeriodChoice.CURRENT: "không báo cáo nào ghi kỳ, nên lấy năm hiện tại",
}
SUMMARY_LINES = 10  # findings (and missing units) named on the terminal; the rest are in the outputs


def consolidation_lines(result: ConsolidationResult, out_dir: Path) -> list[str]:
    """Totals first (what the report will print), then the findings: errors before warnings."""
    counts = result.findings.to_summary()
    lines = [f"Tổng hợp {result.form.title_for()}: đã nhận {result.received}/{len(result.units)} đơn vị."]
    if result.period_chosen_by != PeriodChoice.ASKED:
        lines.append(f"Kỳ báo cáo: {result.form.period.label} ({_CHOSEN_BY[result.period_chosen_by]}; chọn kỳ khác bằng --period).")
    missing = result.submissions[result.submissions["status"] == SubmissionStatus.MISSING]
    if len(missing):
        named = ", ".join(f"{r.unit_code} {r.unit_name}" for r in missing.head(SUMMARY_LINES).itertuples())
        more = f" và {format_number(len(missing) - SUMMARY_LINES)} đơn vị khác" if len(missing) > SUMMARY_LINES else ""
        lines.append(f"Chưa nộp: {named}{more}.")
    lines += _round_lines(result)
    for code in result.form.settings.get("key_figures", "").split(";"):
        code = code.strip()
        if code and code in result.form.indicators and result.total(code) is not None:
            ind = result.form.indicators[code]
            lines.append(f"  {ind.display_label}: {format_number(result.total(code, LEVEL_ALL))} {ind.unit}")
    lines.append(f"Phát hiện: {', '.join(f'{format_number(counts[s])} {s.in_sentence}' for s in Severity)}.")
    shown = [p for p in result.findings.sorted() if p.severity != Severity.INFO and p.type != Msg.FILE_003.slug]
    shown.sort(key=lambda p: (p.severity != Severity.ERROR, not p.level, p.type != Msg.RELATION_001.slug))  # rules before files
    for p in shown[:SUMMARY_LINES]:
        lines.append(f"  [{Severity(p.severity).label}] {p.message}")
    more = sum(p.represents for p in shown[SUMMARY_LINES:])  # a summary line stands for many findings
    if more:
        lines.append(f"  … và {format_number(more)} vấn đề khác: xem trang “Các vấn đề” của {WORKBOOK_XLSX} hoặc findings.csv.")
    lines.append(_notices_line(result, out_dir))
    lines.append(f"Kết quả đã ghi vào thư mục {out_dir}/ (mở tệp {WORKBOOK_XLSX}).")
    return lines


def _round_lines(result: ConsolidationResult) -> list[str]:
    """The deadline, and how many units were on time, late (named, with their days) and missing."""
    if not result.deadline:
        return ["Chưa có hạn nộp (biểu mẫu không ghi hạn): không xét nộp muộn; dùng --deadline DD/MM/YYYY để đặt hạn."]
    subs = result.submissions
    late = subs[subs["timeliness"] == Timeliness.LATE]
    counts = [
        f"{format_number(int((subs['timeliness'] == t).sum()))} {t.label.lower()}"
        for t in (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING)
    ]
    lines = [f"Hạn nộp {format_date(result.deadline)}: {', '.join(counts)}."]
    if len(late):
        named = ", ".join(f"{r.unit_code} {r.unit_name} ({r.days_late} ngày)" for r in late.head(SUMMARY_LINES).itertuples())
        more = f" và {format_number(len(late) - SUMMARY_LINES)} đơn vị khác" if len(late) > SUMMARY_LINES else ""
        lines.append(f"Nộp muộn: {named}{more}.")
    return lines


def _notices_line(result: ConsolidationResult, out_dir: Path) -> str:
    """How many notices were written, where, and by when corrected returns are due."""
    notices, missing = unit_notices(result), missing_units(result)
    if not notices and not missing:
        return "Không có đơn vị nào cần bổ sung, chỉnh sửa số liệu hay nhắc nộp: không ghi phiếu đề nghị."
    parts = [f"{format_number(len(notices))} phiếu đề nghị bổ sung, chỉnh sửa số liệu"] if notices else []
    if missing:
        parts.append(f"danh sách nhắc {format_number(len(missing))} đơn vị chưa nộp ({REMINDER_TXT})")
    due = f"; hạn gửi lại: {fix_by_text(result)}" if notices and result.fix_by else ""
    return f"Đã ghi {' và '.join(parts)} vào thư mục {out_dir / NOTICES_DIR}/ (bản in: {NOTICES_DOCX}){due}."


def check_lines(verdict: FileCheck) -> list[str]:
    """One checked file: who it is from, then each finding, errors first."""
    who = f"{verdict.unit_code} – {verdict.unit_name}, {period_label(verdict.period)}" if verdict.unit_code else "không nhận ra đơn vị"
    lines = [f"{verdict.file} ({who})"]
    if not verdict.problems:
        lines.append("  Không phát hiện vấn đề nào.")
    for p in sorted(verdict.problems, key=lambda p: Severity(p.severity).rank):
        lines.append(f"  [{Severity(p.severity).label}] {p.message}")
    return lines


def demo_lines(run: DemoRun) -> list[str]:
    templates, returns = run.templates, run.returns
    filled = "số liệu giả định" if run.example else "điền như cán bộ xã, phường"
    compared = "" if run.example else ", so sánh với cùng kỳ năm 2022"
    return [
        f"Đã tạo {len(templates)} biểu mẫu trong {templates[0].parent if templates else run.out_dir}/.",
        f"Đã tạo {len(returns)} báo cáo mẫu ({filled}) trong {returns[0].parent if returns else run.out_dir}/.",
        *consolidation_lines(run.result, run.out_dir),
        f"Phụ lục số liệu (Word{compared}) đã ghi vào tệp {run.appendix}.",
    ]
