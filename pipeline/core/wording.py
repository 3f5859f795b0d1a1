"""Each finding type in plain words, for the one who typed the return: a commune officer reading
the page behind the unit's link. The catalogue's message (``errors.py``) is for the office and
names the file, the sheet, the indicator's code and the rule's id; this wording names none of
them, only what is wrong with the cell and what to type. The page puts the cell before it
(``Ô E17 – Tổng số khu dân cư: 'nhiều' không phải là số. Hãy nhập một số, ví dụ 12.``).

Every finding type a unit can get has a wording (``PLAIN``); the others are the office's only
(``OFFICE_ONLY``: a whole folder's, a unit list's, an earlier period's, a consolidation's). A
wording uses only the fields its catalogue entry is rendered with.
"""

from __future__ import annotations

from pipeline.core.errors import Msg, fill

# Where to get the template again, said the same way by every wording that sends the unit there.
TEMPLATE_HERE = "tải ở đầu trang này"

PLAIN: dict[Msg, str] = {
    # The file as a whole.
    Msg.FILE_001: "Tệp này không mở được như một báo cáo Excel. Hãy tải biểu mẫu ({here}), điền số liệu, lưu dạng .xlsx rồi gửi lại.",
    Msg.FILE_007: "Tệp có đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa trống), lưu rồi gửi lại.",
    Msg.FILE_008: "Tệp không được nhận vì {reason}. Hãy gửi đúng biểu mẫu đã điền số liệu, không chèn thêm bảng hay hình.",
    Msg.FILE_010: "Tệp không phải dạng Excel được hỗ trợ. Hãy mở tệp, lưu lại dạng Excel (.xlsx) rồi gửi lại.",
    Msg.FILE_011: "Tệp có nội dung không an toàn nên không được nhận. Hãy tải biểu mẫu ({here}), điền lại số liệu rồi gửi.",
    Msg.FILE_012: "Không đọc được tệp này. Hãy tải biểu mẫu ({here}), điền lại số liệu rồi gửi.",
    Msg.FILE_013: "Tệp ghi thời điểm lưu là {saved}, muộn hơn bây giờ: đồng hồ máy tính có thể bị sai. Hãy chỉnh lại ngày giờ của máy tính.",
    Msg.FILE_040: "Có hai tệp báo cáo gửi cùng thời điểm, '{used}' và '{other}', nhưng số liệu khác nhau ở {count} chỉ tiêu (số ở '{used}' / số ở '{other}'): {figures}. Hãy báo lại số liệu nào đúng; nếu cả hai đều chưa đúng, hãy sửa rồi gửi lại một tệp.",
    Msg.FILE_014: "Tên tệp bị sai bảng mã (hiển thị là '{shown}'). Hãy đổi tên tệp, gõ lại tên, trước khi gửi.",
    Msg.FILE_020: "Tệp nén không được nhận vì {reason}. Hãy giải nén trên máy rồi gửi riêng từng tệp Excel (.xlsx).",
    Msg.FILE_021: "Đây là {reason}, không phải tệp Excel. Hãy giải nén rồi gửi từng tệp Excel (.xlsx) bên trong (tệp nén .zip thì gửi nguyên tệp được).",
    # Which form, which unit, which period.
    Msg.META_001: "Đây không phải biểu mẫu văn phòng gửi. Hãy tải biểu mẫu của đơn vị ({here}), điền số liệu rồi gửi.",
    Msg.META_002: "Tệp dùng một biểu mẫu khác. Hãy dùng biểu mẫu “{expected_title}” ({here}).",
    Msg.META_003: "Tệp dùng biểu mẫu cũ (phiên bản {found}). Hãy chép số liệu sang biểu mẫu mới ({here}) rồi gửi lại.",
    Msg.META_004: "Tệp là báo cáo {found}, không phải {expected}. Hãy dùng biểu mẫu {expected} ({here}) rồi gửi lại.",
    Msg.META_005: "Tệp ghi một đơn vị không có trong danh sách ({unit_name}). Hãy dùng biểu mẫu của đơn vị mình ({here}).",
    Msg.META_006: "Biểu mẫu đã bị sửa sau khi gửi cho đơn vị; số liệu vẫn được đọc. Lần sau hãy dùng biểu mẫu tải về, không sửa dòng, cột.",
    Msg.META_007: "Tệp ghi cấp '{found}', danh sách đơn vị ghi cấp '{expected}'; số liệu được tính theo danh sách. Không cần làm gì.",
    Msg.META_008: "Không tìm thấy bảng số liệu (dòng tiêu đề có cột 'Mã' và 'Số liệu'). Hãy dùng biểu mẫu gốc ({here}), không xóa dòng tiêu đề.",
    Msg.META_009: "Tệp không còn thông tin nhận dạng của biểu mẫu, nhưng vẫn được nhận ra là báo cáo của {unit_name}. Lần sau hãy điền thẳng vào biểu mẫu tải về, không chép sang tệp khác.",
    Msg.META_011: "Dòng “Đơn vị báo cáo” ở đầu trang ghi '{heading}', không phải {unit_name}. Hãy kiểm tra số liệu có đúng của đơn vị mình, rồi dùng biểu mẫu của đơn vị ({here}).",
    Msg.META_012: "Tệp ghép từ báo cáo của hai đơn vị ({unit_name} và {other_name}). Hãy dùng biểu mẫu của đơn vị mình ({here}).",
    Msg.META_013: "Trang tính '{sheet}' không phải trang số liệu nên không được tính. Nếu số liệu đúng nằm ở đó, hãy chép sang trang '{data_sheet}'; nếu là bản nháp, hãy xóa trang đó.",
    Msg.META_020: "Tiêu đề cột số liệu đã bị sửa thành '{header}'; số liệu vẫn được đọc ở cột {column}. Không cần gửi lại; lần sau hãy giữ nguyên tiêu đề 'Số liệu'.",
    Msg.META_021: "Không tìm thấy cột số liệu: ô này phải có tiêu đề 'Số liệu' (hiện ghi '{found}'). Hãy ghi lại 'Số liệu' vào ô này rồi gửi lại.",
    # A cell.
    Msg.VALUE_001: "{label}: còn để trống. Hãy nhập số liệu; nếu không có, ghi 0.",
    Msg.VALUE_002: "{label}: '{value}' không phải là số. Hãy nhập một số, ví dụ 12.",
    Msg.VALUE_003: "{label}: '{value}' không phải số nguyên. Hãy nhập số nguyên, ví dụ 12.",
    Msg.VALUE_004: "{label}: '{value}' là số âm. Hãy nhập số từ 0 trở lên.",
    Msg.VALUE_005: "{label}: {value} nằm ngoài khoảng cho phép ({bounds}). Hãy kiểm tra lại số này.",
    Msg.VALUE_006: "{label}: '{value}' được hiểu là {number}. Nếu không đúng, hãy sửa lại ô này.",
    Msg.VALUE_007: "{label}: ô có công thức nhưng chưa có kết quả. Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
    Msg.VALUE_008: "{label}: '{value}' không rõ là số nào ({reason}). Hãy nhập số nguyên không có dấu chấm, dấu phẩy, ví dụ 1250000.",
    Msg.VALUE_009: "{label}: chỉ tiêu này có hai dòng (dòng kia ở ô {first}). Hãy giữ một dòng, xóa dòng thừa.",
    Msg.VALUE_010: "Dòng này có mã chỉ tiêu bị sửa hoặc thêm vào nên số liệu '{value}' không được tính. Hãy dùng biểu mẫu gốc ({here}), không sửa cột Mã.",
    Msg.VALUE_011: "{label}: chỉ tiêu này không thuộc báo cáo của {level_name} nên số liệu '{value}' không được tính. Hãy để trống ô này.",
    Msg.VALUE_012: "Biểu mẫu thiếu dòng “{label}”. Hãy dùng lại biểu mẫu gốc ({here}), không xóa dòng.",
    Msg.VALUE_013: "{label}: số liệu '{value}' được nhập ở ô {stray_cell}, không phải cột 'Số liệu'. Hãy chuyển số này sang ô {cell}.",
    Msg.VALUE_014: "Chữ '{converted}' được gõ bằng bảng mã cũ ({encoding}). Nên gõ lại bằng bảng mã Unicode.",
    Msg.VALUE_015: "Số liệu '{value}' nằm ở dòng không có mã chỉ tiêu nên không được tính. Hãy ghi vào đúng dòng của chỉ tiêu, hoặc ghi giải thích vào cột 'Ghi chú'.",
    Msg.VALUE_016: "{label}: ô báo lỗi công thức {value}. Hãy sửa công thức, hoặc xóa công thức và nhập số trực tiếp.",
    Msg.VALUE_017: "Báo cáo chưa có số liệu nào. Hãy điền số liệu vào các ô màu vàng ở cột 'Số liệu' rồi gửi lại.",
    Msg.VALUE_020: "{label}: '{value}' có kèm '{suffix}' như số tiền, nhưng ô này đếm số {unit} nên chưa được tính. Nếu đúng là {number} {unit}, hãy nhập {number}, không kèm chữ.",
    # A rule of the form: its own description says what should hold.
    Msg.RELATION_001: "{message}: đang ghi {lhs_text} là {lhs_value}, {rhs_text} là {rhs_value}. Hãy kiểm tra lại các số này.",
    # The round.
    Msg.ROUND_101: "Tệp này là báo cáo của {unit_name}, không phải của {link_name}, nên không được nhận. Hãy gửi báo cáo của {link_name} qua đường dẫn này; báo cáo của {unit_name} gửi qua đường dẫn của đơn vị đó.",
}  # fmt: skip

# Fields given for a plain wording only: the office's message says the same with codes
# (``FILE_040``: ``figures``, the figures that differ by cell and label; ``changes`` adds codes).
PLAIN_ONLY_FIELDS: dict[Msg, frozenset[str]] = {Msg.FILE_040: frozenset({"figures"})}

# Findings whose message gives the office's own advice (which file to take out of the folder):
# a unit's notice gives their plain wording instead.
NOTICE_IN_PLAIN_WORDS = frozenset({Msg.FILE_040.slug})

# Finding types a unit never gets on its page: a folder's files (lock files, links, a summary of
# many, a unit that sent nothing, an older return replaced), the office's unit list, the figures
# of an earlier period and their crosswalk, and the report a consolidation sends up.
OFFICE_ONLY = frozenset(
    {
        Msg.FILE_002, Msg.FILE_003, Msg.FILE_004, Msg.FILE_009, Msg.FILE_015, Msg.FILE_016, Msg.META_010, Msg.PRIOR_008,
        Msg.XWALK_010, Msg.XWALK_011, Msg.XWALK_012, Msg.COMPARE_001,
        Msg.FILE_041, Msg.FILE_042, Msg.FILE_050, Msg.META_022, Msg.RELATION_003, Msg.REPORT_015, Msg.REPORT_016, Msg.REPORT_017,
        Msg.FORWARD_010, Msg.FORWARD_011, Msg.FORWARD_012, Msg.FORWARD_013, Msg.FORWARD_021, Msg.FORWARD_022, Msg.FORWARD_023,
    }
)  # fmt: skip


# Finding types that only follow from another finding the unit already reads on the same page
# (one cause, one line): a rule not checked because one of its cells was refused. The unit reads
# the refused cell's line; the office's page keeps the rule's finding.
FOLLOWS_ANOTHER = frozenset({Msg.RELATION_002})
FOLLOWS_ANOTHER_SLUGS = frozenset(msg.slug for msg in FOLLOWS_ANOTHER)


def plain_words(msg: Msg, **fields: object) -> str:
    """The finding of ``msg`` in plain words, rendered with the fields of its message; ``""`` for
    a finding type the office only reads."""
    template = PLAIN.get(msg)
    return "" if template is None else fill(template, here=TEMPLATE_HERE, **fields)
