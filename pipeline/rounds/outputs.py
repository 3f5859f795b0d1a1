"""What a round's consolidation leaves in its output folder, in the order the office wants it:
the files for people first (the workbook, the Word appendix, the notices to the units), the
files for machines after (CSVs, ``run.json``), each with one line in Vietnamese on what it is for.
Only the files named here are ever offered for download."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.appendix.document import DOCX_NAME
from pipeline.appendix.notice_files import NOTICES_DIR, NOTICES_DOCX, REMINDER_TXT
from pipeline.core.constants import FILES_CSV, FINDINGS_CSV, RELATIONS_CSV, RUN_JSON, TOTALS_CSV, VALUES_CSV, WORKBOOK_XLSX
from pipeline.outputs.csvfiles import COMPARISON_CSV, PARENT_TOTALS_CSV, SUBMISSIONS_CSV, UNIT_COMPARISON_CSV

NOTICES_ZIP = "thong_bao.zip"  # the notice to each unit (one text file each), made on request

# (name in the output folder, what it is for, for people): people's files first.
KNOWN = (
    (WORKBOOK_XLSX, "Bảng tổng hợp (Excel): số liệu tổng hợp, theo từng đơn vị, đối soát, tình trạng nộp và các vấn đề phát hiện.", True),
    (DOCX_NAME, "Phụ lục số liệu (Word) để đính kèm báo cáo của Ủy ban; sửa, ký rồi gửi như một văn bản.", True),
    (f"{NOTICES_DIR}/{NOTICES_DOCX}", "Phiếu đề nghị các đơn vị sửa hoặc nộp báo cáo (Word, mỗi đơn vị một trang) để in, ký và gửi.", True),
    (NOTICES_ZIP, "Phiếu đề nghị riêng của từng đơn vị (mỗi đơn vị một tệp văn bản) để gửi qua Zalo hoặc email.", True),
    (f"{NOTICES_DIR}/{REMINDER_TXT}", "Lời nhắc các đơn vị chưa nộp báo cáo, để dán vào Zalo hoặc email.", True),
    (TOTALS_CSV, "Tổng số liệu theo chỉ tiêu và cấp (CSV), để nhập vào phần mềm khác hoặc gửi cấp trên.", False),
    (VALUES_CSV, "Mọi số liệu được dùng, theo đơn vị và ô của tệp gốc (CSV).", False),
    (FINDINGS_CSV, "Mọi vấn đề phát hiện: lỗi, cảnh báo, thông tin, kèm tệp và ô (CSV).", False),
    (RELATIONS_CSV, "Kết quả từng phép đối soát giữa các chỉ tiêu: hai vế, chênh lệch, đạt hay không (CSV).", False),
    (SUBMISSIONS_CSV, "Tình trạng nộp của từng đơn vị: đã nộp, nộp muộn bao nhiêu ngày, chưa nộp (CSV).", False),
    (FILES_CSV, "Mọi tệp đã đọc và việc dùng tệp đó: được dùng, bị thay bằng bản mới hơn, không nhận và lý do (CSV).", False),
    (COMPARISON_CSV, "So sánh tổng số liệu với cùng kỳ năm trước (CSV).", False),
    (UNIT_COMPARISON_CSV, "So sánh số liệu từng đơn vị với cùng kỳ năm trước của đơn vị đó (CSV).", False),
    (PARENT_TOTALS_CSV, "Tổng số liệu của từng đơn vị cấp trên, cộng từ các đơn vị trực thuộc (CSV).", False),
    (RUN_JSON, "Thông tin lần tổng hợp cho máy đọc: biểu mẫu, kỳ, hạn nộp, số đơn vị (JSON).", False),
)  # fmt: skip


@dataclass(frozen=True)
class OutputFile:
    """A file of the output folder offered to the office: its name (a path under the folder),
    what it is for, whether it is for people (else for machines), and how many files it holds
    (the notices' archive: one per unit)."""

    name: str
    what: str
    for_people: bool
    count: int = 1


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def notice_texts(out_dir: Path) -> list[Path]:
    """The notice to each unit in ``thong_bao/`` (text files, the reminder list excepted)."""
    folder = out_dir / NOTICES_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(p for p in folder.glob("*.txt") if _plain_file(p) and p.name != REMINDER_TXT and not p.name.startswith("."))


def round_outputs(out_dir: str | Path) -> list[OutputFile]:
    """The outputs of a round's consolidation in ``out_dir`` (those present), people's first."""
    out_dir = Path(out_dir)
    found = []
    for name, what, for_people in KNOWN:
        if name == NOTICES_ZIP:
            count = len(notice_texts(out_dir))
            if count:
                found.append(OutputFile(name, what, for_people, count))
        elif _plain_file(out_dir / name):
            found.append(OutputFile(name, what, for_people))
    return found


def notices_zip(out_dir: str | Path) -> bytes:
    """The archive of the notice to each unit (``thong_bao.zip``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in notice_texts(Path(out_dir)):
            archive.write(path, f"{NOTICES_DIR}/{path.name}")
    return buffer.getvalue()
