"""Why nothing in a returns folder could be consolidated, in one sentence an officer can act on:
"03 tệp là báo cáo năm 2023, không phải năm 2024 (a.xlsx, b.xlsx, c.xlsx); thư mục không có
tệp nào"."""

from __future__ import annotations

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import FileStatus, Severity
from pipeline.core.errors import Msg, finding_label
from pipeline.core.findings import Problem
from pipeline.form.period import period_label

NAMES_SHOWN = 5  # file names listed per reason; beyond, "…"


def _names(files: list[str]) -> str:
    shown = ", ".join(files[:NAMES_SHOWN])
    return shown + (f" và {len(files) - NAMES_SHOWN} tệp khác" if len(files) > NAMES_SHOWN else "")


def _why(file: str, findings: list[Problem]) -> Problem | None:
    """The finding that keeps ``file`` out: its first one that is not only information, else its first."""
    own = [p for p in findings if p.file == file]
    return next((p for p in own if p.severity != Severity.INFO), own[0] if own else None)


def nothing_usable(result: ConsolidationResult) -> str:
    """Why no return of ``result`` could be used, file by file, grouped by reason."""
    files = result.files
    if files.empty:
        return "thư mục không có tệp nào"
    findings = result.findings.problems
    groups: dict[tuple[str, str], list[str]] = {}
    for row in files.itertuples():
        reason = _why(row.file, findings)
        if reason is None:
            key = ("", FileStatus(row.status).label.lower())
        elif reason.type == Msg.META_004.slug:
            key = (Msg.META_004.slug, reason.note)
        else:
            key = (reason.type, finding_label(reason.type) or reason.type)
        groups.setdefault(key, []).append(row.file)
    parts = []
    for (kind, what), names in groups.items():
        count = f"{len(names):02d} tệp"
        if kind == Msg.META_004.slug:
            parts.append(f"{count} là báo cáo {period_label(what)}, không phải {result.form.period.label} ({_names(names)})")
        else:
            parts.append(f"{count} “{what}” ({_names(names)})")
    return "; ".join(parts)
