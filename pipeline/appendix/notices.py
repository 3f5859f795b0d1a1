"""What the committee sends back to the units after a consolidation: one "Phiếu đề nghị bổ sung,
chỉnh sửa số liệu" per unit whose return has errors or warnings, and one reminder list of the
units that sent nothing. This module decides what they say, as plain text ready to paste into
Zalo or an email; ``notice_files`` writes them (text files and a Word document).

Only the findings on a unit's own return count (the return used, or a return rejected whole,
such as a template of another period): not those of an older return it replaced, not the
"missing unit" error (the reminder list says that), not information.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.constants import DATA_SHEET, FileStatus, Severity, SubmissionStatus
from pipeline.core.errors import Msg, finding_label
from pipeline.core.findings import Problem, split_place
from pipeline.core.wording import NOTICE_IN_PLAIN_WORDS
from pipeline.form.model import Unit
from pipeline.form.period import format_date
from pipeline.form.units import code_key

NOTICE_TITLE = "PHIẾU ĐỀ NGHỊ BỔ SUNG, CHỈNH SỬA SỐ LIỆU"
REMINDER_TITLE = "DANH SÁCH ĐƠN VỊ CHƯA NỘP BÁO CÁO"
ACTING = (Severity.ERROR, Severity.WARNING)
FIX_ERRORS = "sửa các lỗi"
CHECK_WARNINGS = "với mỗi cảnh báo, kiểm tra lại, sửa nếu sai, hoặc ghi lý do vào cột “Ghi chú” nếu số liệu là đúng"
GROUP_AT = 5  # findings of one kind on cells beyond this are one item of a notice
HOW_TO_SEND = "Sửa ngay trên tệp báo cáo đã gửi (không lập tệp mới), xem khối “Kiểm tra số liệu” báo “Đạt”, rồi gửi lại báo cáo đã sửa"


@dataclass(frozen=True)
class NoticeItem:
    """One thing a unit must look at: where, which indicator, what is wrong and what to do."""

    severity: Severity
    cell: str = ""
    sheet: str = ""
    indicator: str = ""  # the indicator's Vietnamese name
    text: str = ""  # the finding's message without its place; it ends with what to do
    represents: int = 1  # the findings this item stands for (more than 1: many of one kind, one line)

    @property
    def place(self) -> str:
        """``Ô E25 – Số hộ …`` (the sheet named when it is not “Báo cáo”); empty for a finding on the whole file."""
        sheet = f" (trang “{self.sheet}”)" if self.sheet and self.sheet != DATA_SHEET else ""
        parts = [f"Ô {self.cell}{sheet}"] if self.cell else []
        return " – ".join([*parts, *([self.indicator] if self.indicator else [])])

    @property
    def column(self) -> str:
        """The place as the printed notice's table shows it: the cell, "23 ô" for a grouped item,
        or the whole file."""
        return self.place or (f"{self.represents} ô" if self.represents > 1 else "Cả tệp báo cáo")

    def lines(self) -> list[str]:
        """The item in plain text: severity and place, then what is wrong and what to do."""
        return [f"[{self.severity.label}] {self.place}", f"   {self.text}"] if self.place else [f"[{self.severity.label}] {self.text}"]


@dataclass(frozen=True)
class Notice:
    """The notice to one unit."""

    unit: Unit
    files: tuple[str, ...]
    items: tuple[NoticeItem, ...]

    def count(self, severity: Severity) -> int:
        return sum(item.represents for item in self.items if item.severity == severity)


def _item(p: Problem, result: ConsolidationResult) -> NoticeItem:
    """A finding as its notice says it: its message without the place, or its plain wording where
    the message is the office's advice (``wording.NOTICE_IN_PLAIN_WORDS``)."""
    ind = result.form.indicators.get(p.code) if p.code else None
    text = p.plain if p.type in NOTICE_IN_PLAIN_WORDS and p.plain else split_place(p)[1]
    return NoticeItem(Severity(p.severity), p.cell or "", p.sheet or "", ind.display_label if ind else "", text)


def _what_to_do(message: str) -> str:
    """The last sentence of a finding's message: what to do ("Hãy nhập số liệu; …")."""
    sentences = [part for part in message.rstrip(".").split(". ") if part]
    return sentences[-1] + "." if sentences else ""


def _grouped(found: list[Problem], result: ConsolidationResult) -> list[NoticeItem]:
    """The items of a notice: a kind of finding met more than ``GROUP_AT`` times on cells is one
    item naming every cell and indicator, so the text stays short enough for Zalo."""
    kinds: dict[tuple[str, str], list[Problem]] = {}
    for p in found:
        kinds.setdefault((p.type, p.severity), []).append(p)
    items, done = [], set()
    for p in found:
        kind = kinds[p.type, p.severity]
        if len(kind) <= GROUP_AT or not all(q.cell for q in kind) or p.type == Msg.RELATION_001.slug:
            items.append(_item(p, result))
        elif (p.type, p.severity) not in done:
            done.add((p.type, p.severity))
            named = "; ".join(f"{q.cell} “{_label(q, result)}”" if _label(q, result) else q.cell for q in kind)
            text = f"{finding_label(p.type)} ở {len(kind)} ô: {named}. {_what_to_do(split_place(p)[1])}"
            items.append(NoticeItem(Severity(p.severity), text=text, represents=len(kind)))
    return items


def _label(p: Problem, result: ConsolidationResult) -> str:
    ind = result.form.indicators.get(p.code) if p.code else None
    return ind.display_label if ind else ""


def unit_notices(result: ConsolidationResult) -> list[Notice]:
    """A notice for each unit of the list with errors or warnings on its return, in list order."""
    older = set(result.files.loc[result.files["status"] == FileStatus.SUPERSEDED, "file"]) if len(result.files) else set()
    by_unit: dict[str, list[Problem]] = {}
    for p in result.findings.problems:
        if p.unit_code and p.severity in ACTING and p.type != Msg.FILE_003.slug and p.file not in older:
            by_unit.setdefault(p.unit_code, []).append(p)
    notices = []
    for unit in result.units:
        found = sorted(by_unit.get(unit.code, []), key=lambda p: Severity(p.severity).rank)
        if found:
            files = tuple(dict.fromkeys(p.file for p in found if p.file))
            notices.append(Notice(unit, files, tuple(_grouped(found, result))))
    return notices


def missing_units(result: ConsolidationResult) -> list[Unit]:
    """The units of the list without a usable return, in list order."""
    missing = set(result.submissions.loc[result.submissions["status"] == SubmissionStatus.MISSING, "unit_code"])
    return [u for u in result.units if u.code in missing]


_LEADING_CODE = re.compile(r"[0-9A-Za-z]+")


def locked_files(result: ConsolidationResult) -> dict[str, list[str]]:
    """The files that could not be read for a password (``FILE_007``), by the unit whose code
    their name starts with (``03386_BC.xlsx``, ``3386 BC.xlsx``: leading zeros as ``code_key``)."""
    codes = {code_key(u.code): u.code for u in result.units}
    found: dict[str, list[str]] = {}
    for p in result.findings.problems:
        lead = _LEADING_CODE.match(p.file.rsplit("/", 1)[-1]) if p.type == Msg.FILE_007.slug and p.file else None
        if lead and code_key(lead.group()) in codes:
            found.setdefault(codes[code_key(lead.group())], []).append(p.file)
    return found


def reminder_note(unit: Unit, locked: dict[str, list[str]]) -> str:
    """What the reminder says beside a unit whose file came with a password (``FILE_022``); else ""."""
    files = locked.get(unit.code)
    return Msg.FILE_022.render(files=", ".join(f"“{name}”" for name in files)) if files else ""


def counted(notice: Notice) -> str:
    """``2 lỗi và 1 cảnh báo``."""
    parts = [f"{notice.count(s)} {s.in_sentence}" for s in ACTING if notice.count(s)]
    return " và ".join(parts)


def fix_by_text(result: ConsolidationResult) -> str:
    """``25/11/2024 (5 ngày sau ngày tổng hợp 20/11/2024)``: the day a corrected return is due and why."""
    if not result.fix_by:
        return ""
    today = result.consolidated_on or result.fix_by
    base, what = (result.deadline, "hạn nộp") if result.deadline and result.deadline > today else (today, "ngày tổng hợp")
    return f"{format_date(result.fix_by)} ({(result.fix_by - base).days} ngày sau {what} {format_date(base)})"


def deadline_text(deadline: date | None) -> str:
    return f"hạn nộp {format_date(deadline)}" if deadline else "chưa đặt hạn nộp"


def notice_intro(notice: Notice, result: ConsolidationResult) -> str:
    files = ", ".join(f"“{name}”" for name in notice.files)
    when = f" ngày {format_date(result.consolidated_on)}" if result.consolidated_on else ""
    return (
        f"Khi tổng hợp báo cáo {result.form.period.label if result.form.period else result.period}{when}, "
        f"{result.form.committee} thấy báo cáo của đơn vị{f' (tệp {files})' if files else ''} có {counted(notice)} sau:"
    )


def notice_closing(notice: Notice, result: ConsolidationResult) -> str:
    """What to do, and by when: the findings say each fix; this says how to send the return again."""
    asks = [ask for ask, severity in ((FIX_ERRORS, Severity.ERROR), (CHECK_WARNINGS, Severity.WARNING)) if notice.count(severity)]
    due = fix_by_text(result)
    return f"Đề nghị đơn vị {'; '.join(asks)}. {HOW_TO_SEND} " + (f"chậm nhất ngày {due}." if due else "sớm nhất có thể.")


def notice_text(notice: Notice, result: ConsolidationResult) -> str:
    """The notice as short plain text, ready to paste into Zalo or an email."""
    lines = [
        result.form.committee.upper(),
        NOTICE_TITLE,
        result.form.title_for(),
        "",
        f"Kính gửi: {notice.unit.name} (mã {notice.unit.code})",
        "",
    ]
    lines += [notice_intro(notice, result), ""]
    for i, item in enumerate(notice.items, start=1):
        first, *rest = item.lines()
        lines += [f"{i}. {first}", *rest]
    return "\n".join([*lines, "", notice_closing(notice, result), ""])


def reminder_intro(missing: list[Unit], result: ConsolidationResult) -> str:
    when = f"Đến ngày {format_date(result.consolidated_on)}, " if result.consolidated_on else ""
    return (
        f"{when}{result.form.committee} chưa nhận được báo cáo {result.form.period.label if result.form.period else result.period} "
        f"của {len(missing)} đơn vị sau ({deadline_text(result.deadline)}):"
    )


def reminder_closing(result: ConsolidationResult) -> str:
    period = result.form.period.label if result.form.period else result.period
    due = f" chậm nhất ngày {format_date(result.fix_by)}" if result.fix_by else ""
    return f"Đề nghị các đơn vị trên lập báo cáo theo đúng biểu mẫu {period} và gửi về{due}."


def reminder_text(missing: list[Unit], result: ConsolidationResult) -> str:
    """The reminder list of the units that sent nothing, as short plain text."""
    lines = [result.form.committee.upper(), f"NHẮC NỘP BÁO CÁO: {result.form.title_for()}", "", reminder_intro(missing, result)]
    locked = locked_files(result)
    for i, unit in enumerate(missing, start=1):
        note = reminder_note(unit, locked)
        lines += [f"{i}. {unit.name} (mã {unit.code})", *([f"   {note}"] if note else [])]
    return "\n".join([*lines, "", reminder_closing(result), ""])
