"""The ``Hướng dẫn`` sheet of a template: who reports what, to whom, by when, and how to fill
in the ``Báo cáo`` sheet, step by step.
"""

from __future__ import annotations

from pipeline.core.sheetlayout import set_height
from pipeline.templates.checks import RESULT_FAIL, RESULT_OK, RESULT_REVIEW
from pipeline.templates.formats import GUIDE_WIDTH, PROTECT_OPTIONS
from pipeline.templates.job import TemplateJob

GUIDE_STEPS = (
    "Mở trang “Báo cáo”, nhập số liệu vào các ô màu vàng ở cột “Số liệu”. Các ô khác đã được khóa.",
    "Chỉ nhập số, không kèm chữ hay đơn vị tính. Chỉ tiêu không phát sinh thì ghi 0, không để trống.",
    "Gõ số liền, ví dụ 120341560; Excel tự hiển thị 120.341.560. Số đã gõ có dấu chấm như 120.341.560 chương trình tổng hợp vẫn đọc được.",
    "Không sửa cột “Mã”, không xóa dòng, không đổi tên trang tính. Cần giải thích thì ghi vào cột “Ghi chú”.",
    "Xem khối “KIỂM TRA SỐ LIỆU” cuối trang “Báo cáo”: mọi dòng phải hiện “{ok}”. Dòng “{fail}” thì xem chênh lệch ở cột “Ghi chú” "
    "và sửa số liệu; dòng “{review}” thì kiểm tra lại hoặc giải thích ở cột “Ghi chú”.",
    "Lưu tệp dạng Excel (.xlsx), giữ nguyên tên tệp, gửi qua thư điện tử hoặc Zalo cho Ban Thường trực {committee}.",
    "Có thể in trang “Báo cáo”, ký tên, đóng dấu để lưu hồ sơ; tệp Excel vẫn phải gửi để tổng hợp.",
)


def write_guide(ws, fmt: dict, job: TemplateJob) -> None:
    """The ``Hướng dẫn`` sheet: who reports what, by when, and how to fill in."""
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, GUIDE_WIDTH)
    ws.hide_gridlines(2)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, "HƯỚNG DẪN ĐIỀN BIỂU MẪU", fmt["guide_title"])
    facts = [
        ("Biểu mẫu", job.form.title_for()),
        ("Đơn vị báo cáo", job.unit.name),
        ("Kỳ báo cáo", job.form.period.label),
        ("Hạn nộp", job.deadline or "theo văn bản của Ban Thường trực"),
        ("Nơi nhận", f"Ban Thường trực {job.form.committee}"),
    ]
    row = 2
    for key, value in facts:
        ws.write_string(row, 0, key, fmt["guide_key"])
        ws.write_string(row, 1, value, fmt["guide_text"])
        row += 1
    ws.write_string(row + 1, 0, "Cách điền", fmt["guide_key"])
    for number, step in enumerate(GUIDE_STEPS, start=1):
        text = f"{number}. " + step.format(committee=job.form.committee, ok=RESULT_OK, fail=RESULT_FAIL, review=RESULT_REVIEW)
        ws.write_string(row + number, 1, text, fmt["guide_text"])
        set_height(ws, row + number, (text, GUIDE_WIDTH))
    ws.protect("", PROTECT_OPTIONS)
