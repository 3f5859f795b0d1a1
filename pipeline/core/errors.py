"""Exceptions for fatal faults, and the catalogue of every message a user reads.

Fatal faults (a broken form definition, an output that cannot be written) raise a
``PipelineError``. Problems in returned data are never raised: they become ``Problem``s
in ``Findings`` (see ``findings.py``), rendered from the catalogue below. A catalogue entry
of a finding also names the finding's type: its slug (written in findings.csv) and the
Vietnamese label the workbook shows for it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum, unique


class PipelineError(Exception):
    """Base class of every fault that stops a command: the catalogue entry it is and the fields
    its template is filled with (``PipelineError(Msg.STORE_001, round_id="x")``), rendered on
    demand (``str(err)``, ``err.message``). The entry also says how the web answers it
    (``err.status``: 404 for an unknown round, 400 for bad input, ...)."""

    def __init__(self, msg: Msg, /, **fields: object) -> None:
        if not isinstance(msg, Msg):
            raise TypeError(f"{type(self).__name__} takes a catalogue entry (Msg.X) and its fields, not {type(msg).__name__}")
        super().__init__(msg)
        self.msg = msg
        self.fields = fields

    @property
    def message(self) -> str:
        """The Vietnamese text: the entry's template filled with the fields."""
        return self.msg.render(**self.fields)

    @property
    def status(self) -> int:
        """The HTTP status the web answers this error with (the entry's)."""
        return self.msg.status

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # pickled across worker processes: keyword fields, any attributes set
        return (_rebuild, (type(self), self.msg, self.fields), self.__dict__)


def _rebuild(cls: type[PipelineError], msg: Msg, fields: dict[str, object]) -> PipelineError:
    return cls(msg, **fields)


class FormDefinitionError(PipelineError):
    """The form definition or the unit list is malformed."""


class WorkbookReadError(PipelineError):
    """A file could not be read as a workbook. Its entry is the finding the file gets (``FILE_001``
    not a workbook, ``FILE_007`` a password, ``FILE_008`` over a limit, ...), its ``reason`` field
    says why in Vietnamese; the file's place (``where``) is added by whoever reports it."""

    @property
    def reason(self) -> str:
        return str(self.fields.get("reason", ""))


class TemplateError(PipelineError):
    """A template could not be written."""

    errno: int | None = None  # the OSError's number, when one was the cause

    @classmethod
    def not_written(cls, where: object, err: Exception) -> TemplateError:
        """``TEMPLATE_001`` for the file or folder ``where``, giving ``err`` as the reason (an
        ``OSError``'s number is kept as ``errno``: a full disk is told apart)."""
        made = cls(Msg.TEMPLATE_001, where=str(where), reason=str(err))
        made.errno = getattr(err, "errno", None)
        return made


class OutputError(PipelineError):
    """An output file could not be written."""


class StoreError(PipelineError):
    """The store of collection rounds cannot do what was asked (unknown round, database or
    data folder unusable)."""


class StoreUnavailableError(StoreError):
    """The store cannot be read or written just now (the database is down, the disk is full):
    nothing is wrong with what was asked; trying again later may work."""


class _Formatter(string.Formatter):
    """Render missing keys as ``unknown`` instead of raising."""

    def get_value(self, key, args, kwargs):  # noqa: D102
        if isinstance(key, str):
            value = kwargs.get(key)
            return "unknown" if value is None or value == "" else value
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def fill(template: str, **fields: object) -> str:
    """A template of the catalogue's kind filled in; missing or empty fields render as ``unknown``."""
    return _FORMATTER.format(template, **fields)


class Kind(str, Enum):
    """What a catalogue entry is."""

    FINDING = "finding"  # a problem in returned data: a finding type, with its slug and label
    ERROR = "error"  # raised as a ``PipelineError``: stops a command, a page answers with its status
    TEXT = "text"  # said by a face (a command-line line, a page's notice) or part of another message


# What the entries of each prefix group are when they have no slug and say nothing else, and the
# HTTP status of an error: 400, a request the library refused (an entry may say 404, 409, 503).
GROUP_KINDS = {
    "CLI": Kind.TEXT,
    "WEB": Kind.TEXT,
}
DEFAULT_STATUS = 400


@dataclass(frozen=True)
class Entry:
    """One message of the catalogue. ``slug`` and ``label`` are set on the entries raised as
    findings: the finding type (kebab-case, as in findings.csv) and its Vietnamese name.
    ``kind`` and ``status`` are set only where the entry's group does not say it (``GROUP_KINDS``):
    a text in a group of errors, the 404 of an unknown round."""

    title: str
    template: str
    slug: str = ""
    label: str = ""
    kind: Kind | None = None
    status: int | None = None


@unique
class Msg(Enum):
    """Message catalogue: ``(title, Vietnamese template)``, or for a finding ``(title,
    template, slug, label)``, followed where needed by the entry's ``Kind`` (a text in a group of
    errors) and an error's HTTP status (``404``); each member's value is an ``Entry``. Templates
    start with the place (``[{where}]``) and end with what to do. One entry, one finding type.
    Entries are in order: by group, then by number (``tests/test_catalogue.py``)."""

    def __new__(cls, title: str, template: str, *more: str | Kind | int) -> Msg:
        names = [m for m in more if type(m) is str]
        kinds = [m for m in more if isinstance(m, Kind)]
        statuses = [m for m in more if isinstance(m, int) and not isinstance(m, Kind)]
        member = object.__new__(cls)
        member._value_ = Entry(title, template, *names, kind=kinds[0] if kinds else None, status=statuses[0] if statuses else None)
        return member

    # Form definition and unit list (raised as FormDefinitionError).
    FORM_001 = ("Missing definition file", "[{where}] Không tìm thấy tệp định nghĩa biểu mẫu. Hãy kiểm tra lại đường dẫn --form.")
    FORM_002 = (
        "Missing columns",
        "[{where}] Thiếu cột: {columns}. Dòng đầu của tệp phải là: {expected} (dòng đầu đang là '{header}', {found}).",
    )
    FORM_003 = ("Duplicate code", "[{where}] Mã '{code}' bị trùng (đã có ở dòng {first_row}). Mỗi mã chỉ được khai báo một lần.")
    FORM_004 = (
        "Unknown code in rule",
        "[{where}] Quy tắc {rule} dùng mã '{code}' không có trong indicators.csv. Hãy sửa biểu thức hoặc thêm chỉ tiêu.",
    )
    FORM_005 = (
        "Malformed expression",
        "[{where}] Biểu thức '{expression}' của quy tắc {rule} không hợp lệ: {reason}. Chỉ dùng mã chỉ tiêu, số, +, -, và một phép so sánh (==, <=, <, >=, >).",
    )
    FORM_006 = ("Unknown level", "[{where}] Cấp '{level}' không có trong levels.csv. Các cấp hợp lệ: {allowed}.")
    FORM_007 = ("Bad value", "[{where}] Cột '{column}' có giá trị '{value}' không hợp lệ. Giá trị hợp lệ: {allowed}.")
    FORM_008 = ("Unknown section", "[{where}] Mục '{section}' không có trong sections.csv. Hãy thêm mục hoặc sửa lại mã mục.")
    FORM_009 = (
        "Rule applies nowhere",
        "[{where}] Quy tắc {rule} không áp dụng được ở cấp nào: cấp '{scope}' không báo cáo đủ các chỉ tiêu {codes}. Hãy sửa phạm vi hoặc cột levels của chỉ tiêu.",
    )
    FORM_010 = ("Missing form key", "[{where}] Thiếu khóa '{key}' (ví dụ: id, version, title). Hãy bổ sung một dòng cho khóa này.")
    FORM_011 = ("Empty definition", "[{where}] Tệp không có dòng dữ liệu nào. Hãy khai báo ít nhất một dòng.")
    FORM_012 = ("Unreadable definition", "[{where}] Không đọc được tệp: {reason}. Hãy lưu tệp ở dạng CSV, mã hóa UTF-8.")
    FORM_013 = (
        "Unknown parent indicator",
        "[{where}] Chỉ tiêu {code} được ghi là một phần của '{parent}', nhưng '{parent}' không phải mã của một chỉ tiêu khác trong mục {section}. Hãy sửa cột parent hoặc để trống.",
    )
    FORM_014 = (
        "Unit codes equal without leading zeros",
        "[{where}] Mã đơn vị '{code}' trùng với mã '{other}' ở dòng {first_row} khi bỏ các số 0 ở đầu (Excel bỏ số 0 ở đầu mã khi lưu lại tệp CSV), nên không biết báo cáo mang mã nào là của đơn vị nào. Hãy sửa mã trong danh sách đơn vị cho đúng mã hành chính, mỗi đơn vị một mã.",
    )
    FORM_015 = (
        "Text too long",
        "[{where}] Cột '{column}' dài {length} ký tự, vượt giới hạn {limit} ký tự ('{start}…'). Hãy rút gọn nội dung ô này.",
    )
    FORM_016 = (
        "Window ends before it starts",
        "[{where}] Khoảng thời gian bắt đầu ({start}) sau ngày kết thúc ({end}). Hãy sửa cột start hoặc end.",
    )
    FORM_017 = (
        "Unknown window",
        "[{where}] Chỉ tiêu {code} dùng khoảng thời gian '{window}', nhưng windows.csv không khai báo khoảng này. Hãy thêm vào windows.csv hoặc sửa cột window.",
    )
    FORM_018 = (
        "Unknown placeholder",
        "[{where}] Nhãn '{text}' dùng '{{{name}}}', không phải ký hiệu thay thế được. Chỉ dùng: {allowed}.",
    )

    # The tree of units: the ``parent`` column of units.csv (``form/tree.py``).
    TREE_001 = (
        "Unknown parent",
        "[{where}] Đơn vị cấp trên '{parent}' của đơn vị {code} không có trong danh sách đơn vị. Hãy sửa cột parent cho đúng mã của một dòng trong danh sách, hoặc thêm một dòng cho '{parent}' (để trống cột level nếu đơn vị cấp trên đó không gửi báo cáo, như huyện cũ hay cụm).",
    )
    TREE_002 = (
        "Unit its own parent",
        "[{where}] Đơn vị {code} ghi chính mình là đơn vị cấp trên. Hãy ghi vào cột parent mã của đơn vị cấp trên, hoặc để trống nếu đơn vị này không có cấp trên trong danh sách.",
    )
    TREE_003 = (
        "Parents in a circle",
        "[{where}] Các đơn vị là cấp trên của nhau thành vòng tròn: {circle}. Hãy sửa cột parent ở một trong các dòng {rows} để mỗi đơn vị chỉ thuộc các đơn vị ở cấp cao hơn.",
    )
    TREE_004 = (
        "Group without units",
        "[{where}] Dòng '{code}' để trống cột level nên là một đơn vị cấp trên không gửi báo cáo, nhưng không dòng nào ghi '{code}' ở cột parent. Nếu đơn vị này gửi báo cáo, hãy ghi cấp của nó ({allowed}); nếu không, hãy xóa dòng hoặc ghi '{code}' vào cột parent của các đơn vị thuộc nó.",
    )

    # A table the office gives or gets back from Excel: a CSV in any of the encodings and
    # separators Excel writes, or a workbook (``form/csvread.py``; raised as FormDefinitionError).
    CSV_001 = (
        "Table not text",
        '[{where}] Tệp không phải là tệp CSV hay tệp Excel đọc được: có byte 0 hoặc ký tự điều khiển, như một tệp PDF, ảnh hay tệp nén. Hãy mở tệp bằng Excel rồi lưu lại bằng "CSV UTF-8 (Comma delimited)" hoặc "Excel Workbook (.xlsx)".',
    )
    CSV_002 = (
        "Table in an unknown encoding",
        "[{where}] Tệp không phải UTF-8, và đọc theo bảng mã tiếng Việt của Windows (Windows-1258) thì có chữ lạ: '{sample}'. Có thể tệp dùng bảng mã cũ (TCVN3/ABC, VNI). Hãy chuyển sang Unicode (ví dụ bằng Unikey) rồi lưu bằng \"CSV UTF-8 (Comma delimited)\".",
    )
    CSV_003 = (
        "Table broken after its encoding mark",
        '[{where}] Tệp ghi ở đầu là mã {encoding} nhưng từ đây không đọc được theo mã đó (tệp bị cắt hoặc ghép từ nhiều tệp). Hãy mở tệp bằng Excel rồi lưu lại bằng "CSV UTF-8 (Comma delimited)".',
    )
    CSV_004 = (
        "Workbook unreadable",
        '[{where}] Không đọc được tệp Excel: tệp có mật khẩu hoặc bị hỏng. Hãy mở tệp bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại (hoặc lưu bằng "CSV UTF-8 (Comma delimited)").',
    )
    CSV_005 = (
        "Table too large",
        "[{where}] Tệp quá lớn ({size}, giới hạn {limit}). Hãy chỉ giữ các cột và dòng cần dùng rồi lưu lại.",
    )
    CSV_006 = (
        "Table row unreadable",
        "[{where}] Dòng này không đọc được: có ô dài quá {limit} ký tự (thường do thiếu một dấu ngoặc kép đóng). Hãy mở tệp bằng Excel, sửa dòng này rồi lưu lại.",
    )
    CSV_007 = (
        "Workbook without a sheet",
        "[{where}] Tệp Excel không có trang tính nào có dữ liệu. Hãy ghi dòng tiêu đề ở dòng 1 của trang tính đầu tiên.",
    )
    CSV_008 = ("CSV found", "tệp {kind}, phân cách bằng {separator}", Kind.TEXT)
    CSV_009 = ("Workbook found", "tệp Excel, trang tính '{sheet}'", Kind.TEXT)
    CSV_010 = (
        "Figure reads two ways",
        "[{where}] Giá trị '{value}' ở cột {column} đọc được hai cách: {decimal} hoặc {whole}, vì không số nào khác trong tệp cho biết dấu '{mark}' là dấu thập phân hay dấu phân cách hàng nghìn. Hãy ghi số viết liền không dấu phân cách (ví dụ {plain}), số thập phân với dấu phẩy (ví dụ 1,5).",
    )
    CSV_011 = (
        "Table sheet too large",
        "[{where}] Trang tính có {rows} dòng × {columns} cột, vượt giới hạn {max_rows} dòng × {max_columns} cột. Hãy chỉ giữ các dòng, cột cần dùng rồi lưu lại.",
    )

    # The returns folder and the files in it.
    FILE_001 = (
        "Not a workbook",
        "[{where}] Tệp này không phải là báo cáo đọc được ({reason}). Hãy gửi lại tệp Excel (.xlsx) đã điền từ biểu mẫu.",
        "not-a-workbook",
        "Tệp không đọc được",
    )
    FILE_002 = (
        "Office lock file",
        "[{where}] Đây là tệp khóa tạm của Excel/LibreOffice (bắt đầu bằng '~$'), không phải báo cáo. Bỏ qua tệp này.",
        "lock-file",
        "Tệp khóa tạm",
    )
    FILE_003 = (
        "Missing unit",
        "[{where}] Đơn vị {unit_code} – {unit_name} chưa nộp báo cáo. Hãy liên hệ đơn vị để nhận báo cáo.",
        "missing-unit",
        "Đơn vị chưa nộp",
    )
    FILE_004 = (
        "Superseded return",
        "[{where}] Báo cáo của {unit_code} – {unit_name} đã được thay bằng tệp mới hơn '{newer}'. Số liệu thay đổi: {changes}.",
        "superseded",
        "Bản nộp cũ",
    )
    FILE_005 = (
        "Nothing to consolidate",
        "Thư mục '{where}' không có báo cáo nào dùng được cho {period}: {reasons}. Hãy chép các báo cáo nhận được vào thư mục này, hoặc chọn đúng kỳ bằng --period.",
    )
    FILE_006 = ("Not a folder", "Không tìm thấy thư mục '{where}'. Hãy chỉ đúng thư mục chứa các báo cáo.")
    FILE_007 = (
        "Encrypted",
        "[{where}] Tệp được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa trống) rồi gửi lại.",
        "encrypted",
        "Tệp có mật khẩu",
    )
    FILE_008 = (
        "Over a limit",
        "[{where}] Tệp bị từ chối vì {reason}. Hãy gửi lại biểu mẫu gốc đã điền số liệu, không chèn dữ liệu hay hình ảnh ngoài bảng.",
        "over-limit",
        "Tệp vượt giới hạn",
    )
    FILE_009 = (
        "Symbolic link",
        "[{where}] Đây là liên kết (symlink), không phải tệp thật, nên không được đọc. Hãy chép chính tệp báo cáo vào thư mục.",
        "symlink",
        "Liên kết, không phải tệp",
    )
    FILE_010 = (
        "Unsupported format",
        "[{where}] Định dạng tệp không được hỗ trợ ({reason}). Hãy mở tệp và lưu lại dạng Excel (.xlsx) rồi gửi lại.",
        "unsupported-format",
        "Định dạng không hỗ trợ",
    )
    FILE_011 = (
        "Hostile file",
        "[{where}] Tệp bị từ chối vì {reason}. Hãy mở biểu mẫu gốc, điền lại số liệu và gửi lại.",
        "hostile-file",
        "Tệp không an toàn",
    )
    FILE_012 = (
        "Reader crash",
        "[{where}] Tệp bị từ chối vì {reason}. Hãy mở biểu mẫu gốc, điền lại số liệu và gửi lại.",
        "reader-crash",
        "Đọc tệp bị dừng đột ngột",
    )
    FILE_013 = (
        "Saved in the future",
        "[{where}] Tệp ghi thời điểm lưu là {saved}, muộn hơn thời điểm tổng hợp (đồng hồ máy tính của đơn vị có thể bị sai, hoặc tệp đã bị sửa). Thời điểm này không được dùng để chọn bản nộp mới nhất; chương trình dùng thời điểm của tệp trên máy. Hãy hỏi lại đơn vị và đề nghị chỉnh lại ngày giờ của máy tính.",
        "future-saved-time",
        "Thời điểm lưu ở tương lai",
    )
    FILE_014 = (
        "Name not UTF-8",
        "[{where}] Tên tệp không được ghi bằng bảng mã Unicode (UTF-8), thường gặp khi giải nén tệp zip tạo trên Windows; tên được hiển thị là '{shown}' (đọc theo bảng mã {encoding}), tên gốc là '{raw}'. Tệp vẫn được đọc và tổng hợp. Hãy đổi tên tệp (gõ lại tên) để tên hiển thị đúng.",
        "name-encoding",
        "Tên tệp sai bảng mã",
    )
    FILE_015 = (
        "Finding of a superseded return",
        "[{where}] Bản nộp cũ, đã được thay bằng tệp '{newer}' nên không dùng để tổng hợp; ở bản này có {was}: {original} Không cần sửa bản cũ; chỉ xem lại nếu số liệu đúng nằm ở bản cũ.",
        "superseded-finding",
        "Vấn đề ở bản nộp cũ",
    )
    FILE_016 = (
        "Files of one kind summarised",
        "[{where}] {count} tệp cùng loại “{label}” được gộp vào dòng này; ví dụ tệp '{example}': {detail} Danh sách từng tệp, kèm lý do, có trong tệp {list_file} và trang “Tình trạng nộp”. Hãy xem danh sách rồi bỏ các tệp không phải báo cáo ra khỏi thư mục.",
        "files-summarised",
        "Nhiều tệp cùng loại",
    )
    FILE_020 = (
        "Zip refused",
        "[{where}] Tệp nén bị từ chối vì {reason}, nên không tệp nào bên trong được đọc. Hãy giải nén trên máy, kiểm tra rồi chép (hoặc gửi) riêng từng tệp Excel (.xlsx) báo cáo.",
        "zip-refused",
        "Tệp nén bị từ chối",
    )
    FILE_021 = (
        "Archive to extract",
        "[{where}] Đây là {reason}, không phải tệp Excel; chương trình chỉ tự đọc các báo cáo trong tệp nén có đuôi .zip. Hãy giải nén rồi chép (hoặc gửi) riêng từng tệp Excel (.xlsx) báo cáo bên trong.",
        "archive-to-extract",
        "Tệp nén cần giải nén",
    )
    FILE_022 = (
        "Missing unit's file has a password",
        "Đã nhận tệp {files} (tên bắt đầu bằng mã đơn vị) nhưng tệp được đặt mật khẩu nên không đọc được: đề nghị bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa trống) rồi gửi lại.",
        Kind.TEXT,
    )
    FILE_040 = (
        "Two returns that cannot be ordered",
        "[{where}] Đơn vị {unit_code} – {unit_name} có hai tệp báo cáo cùng thời điểm lưu ({saved}) và cùng thời điểm tệp, nên không biết tệp nào mới hơn: '{used}' và '{other}'; số liệu khác nhau ở {count} chỉ tiêu (số ở '{used}' / số ở '{other}'): {changes}. Chương trình tạm dùng tệp '{used}' (tên tệp đứng sau theo thứ tự tên). Hãy hỏi lại đơn vị số liệu nào đúng; nếu đúng là tệp '{other}', hãy bỏ tệp '{used}' ra khỏi thư mục rồi tổng hợp lại.",
        "ambiguous-newest",
        "Hai bản nộp không rõ bản nào mới hơn",
    )
    FILE_041 = (
        "Duplicate return",
        "[{where}] Tệp trùng với tệp '{used}' của {unit_code} – {unit_name}: cùng thời điểm lưu, cùng thời điểm tệp và cùng số liệu (thường do tải về hai lần). Số liệu chỉ được tính một lần, theo tệp '{used}'. Không cần làm gì; có thể xóa bớt một tệp.",
        "duplicate-return",
        "Tệp trùng lặp",
    )
    FILE_042 = (
        "Finding of a return not used",
        "[{where}] Tệp không được dùng để tổng hợp (đơn vị có tệp '{used}' cùng thời điểm, được dùng thay); ở tệp này có {was}: {original} Chỉ cần xem lại nếu số liệu đúng nằm ở tệp này.",
        "unused-copy-finding",
        "Vấn đề ở bản nộp không dùng",
    )
    FILE_050 = (
        "Forward's report among the returns",
        "[{where}] Tệp này là bảng ghi chú tonghop forward ghi kèm tệp gửi cấp trên '{workbook}', không phải báo cáo của đơn vị, nên không được đọc. Không cần làm gì; nên để các tệp gửi cấp trên ở thư mục khác, ngoài thư mục báo cáo.",
        "forward-report",
        "Ghi chú của tệp gửi cấp trên",
    )

    # Recognising a return.
    META_001 = (
        "No metadata",
        "[{where}] Không nhận ra biểu mẫu: tệp không có thông tin nhận dạng của tonghop. Hãy điền số liệu vào đúng biểu mẫu đã được gửi cho đơn vị.",
        "no-metadata",
        "Không nhận ra biểu mẫu",
    )
    META_002 = (
        "Wrong form",
        "[{where}] Tệp dùng biểu mẫu '{found}', không phải '{expected}'. Hãy dùng biểu mẫu '{expected_title}' do Ban Thường trực gửi.",
        "wrong-form",
        "Sai biểu mẫu",
    )
    META_003 = (
        "Wrong version",
        "[{where}] Tệp dùng phiên bản biểu mẫu {found}, phiên bản hiện hành là {expected}. Hãy chép số liệu sang biểu mẫu phiên bản {expected} và gửi lại.",
        "wrong-version",
        "Sai phiên bản biểu mẫu",
    )
    META_004 = (
        "Wrong period",
        "[{where}] Tệp là báo cáo {found}, không phải {expected}. Hãy dùng biểu mẫu {expected} và gửi lại.",
        "wrong-period",
        "Sai kỳ báo cáo",
    )
    META_005 = (
        "Unknown unit",
        "[{where}] Mã đơn vị '{unit_code}' ({unit_name}) không có trong danh sách đơn vị. Hãy dùng biểu mẫu mang đúng tên đơn vị mình.",
        "unknown-unit",
        "Đơn vị lạ",
    )
    META_006 = (
        "Form changed",
        "[{where}] Biểu mẫu đã được sửa sau khi gửi cho đơn vị (dấu nhận dạng {found}, hiện hành {expected}). Số liệu vẫn được đọc theo mã chỉ tiêu; nên dùng biểu mẫu mới ở kỳ sau.",
        "form-changed",
        "Biểu mẫu bị sửa",
    )
    META_007 = (
        "Level mismatch",
        "[{where}] Tệp ghi cấp '{found}' cho đơn vị {unit_code}, danh sách đơn vị ghi cấp '{expected}'. Số liệu được tính theo danh sách đơn vị.",
        "level-mismatch",
        "Sai cấp",
    )
    META_008 = (
        "No data table",
        "[{where}] Không tìm thấy bảng số liệu (dòng tiêu đề có cột 'Mã' và 'Số liệu'). Hãy dùng đúng biểu mẫu, không xóa dòng tiêu đề.",
        "no-data-table",
        "Không có bảng số liệu",
    )
    META_009 = (
        "Recognised without metadata",
        "[{where}] Tệp không còn thông tin nhận dạng của biểu mẫu (có thể đã bị xóa hoặc số liệu được chép sang tệp khác); chương trình nhận ra đây là báo cáo của {unit_code} – {unit_name}, {period_label}, qua tên đơn vị và mã chỉ tiêu. Hãy kiểm tra lại; kỳ sau hãy dùng đúng biểu mẫu được gửi.",
        "recognised-without-metadata",
        "Mất thông tin nhận dạng",
    )
    META_010 = (
        "Unit codes padded",
        "[{where}] {count} mã đơn vị trong danh sách đơn vị bị mất số 0 ở đầu (thường do mở và lưu lại tệp CSV bằng Excel): {examples}. Mã đơn vị hành chính có độ dài cố định nên các mã này đã được thêm lại số 0 cho khớp với báo cáo của các đơn vị. Hãy sửa tệp danh sách đơn vị (định dạng cột mã là Văn bản trước khi lưu).",
        "unit-codes-padded",
        "Mã đơn vị mất số 0",
    )
    META_011 = (
        "Heading names another unit",
        "[{where}] Thông tin nhận dạng của tệp ghi đơn vị {unit_code} – {unit_name}, nhưng dòng 'Đơn vị báo cáo' ở đầu trang ghi '{heading}' (có thể trang tính được chép từ báo cáo của đơn vị khác). Tệp được tính cho {unit_code} nhưng không thay thế báo cáo nào khác của {unit_code} mà thông tin khớp nhau. Hãy hỏi lại hai đơn vị số liệu này là của đơn vị nào, rồi đề nghị gửi lại đúng biểu mẫu của mình.",
        "heading-mismatch",
        "Tên đơn vị không khớp",
    )
    META_012 = (
        "Hidden sheet and properties disagree",
        "[{where}] Trang ẩn '_tonghop' của tệp ghi đơn vị {unit_code} – {unit_name}, nhưng thuộc tính của tệp ghi đơn vị {other_code} – {other_name} (có thể tệp được ghép từ báo cáo của hai đơn vị). Tệp được tính cho {unit_code} theo trang ẩn nhưng không thay thế báo cáo nào khác của {unit_code} mà thông tin khớp nhau. Hãy hỏi lại hai đơn vị số liệu này là của đơn vị nào, rồi đề nghị gửi lại đúng biểu mẫu của mình.",
        "metadata-mismatch",
        "Thông tin nhận dạng không khớp",
    )
    META_013 = (
        "Sheet not used",
        "[{where}] Trang tính '{sheet}' cũng có mã chỉ tiêu nhưng không phải trang số liệu của biểu mẫu (có thể là bản sao, bản nháp); số liệu được lấy ở trang '{data_sheet}', trang '{sheet}' không được tổng hợp. Nếu số liệu đúng nằm ở trang '{sheet}', hãy chép sang trang '{data_sheet}'; nếu là bản nháp, hãy xóa trang đó rồi gửi lại.",
        "unused-sheet",
        "Trang tính không dùng",
    )
    META_020 = (
        "Value header renamed",
        "[{where}] Tiêu đề cột số liệu đã bị sửa thành '{header}' (biểu mẫu ghi 'Số liệu'); chương trình nhận ra bảng qua cột 'Mã' và các mã chỉ tiêu, nên số liệu vẫn được đọc ở cột {column}. Không cần gửi lại; kỳ sau hãy giữ nguyên tiêu đề của biểu mẫu.",
        "value-header-renamed",
        "Tiêu đề cột số liệu bị sửa",
    )
    META_021 = (
        "Value column not found",
        "[{where}] Tìm thấy các mã chỉ tiêu ở cột {code_column} nhưng không tìm thấy cột số liệu: ô này phải có tiêu đề 'Số liệu' (hiện ghi '{found}'), và không cột nào bên phải cột 'Mã' có tiêu đề khác để đọc số liệu. Hãy ghi lại 'Số liệu' vào ô này (hoặc chép số liệu sang biểu mẫu gốc) rồi gửi lại.",
        "no-value-column",
        "Không tìm thấy cột số liệu",
    )
    META_022 = (
        "Own forwarded consolidation",
        "[{where}] Tệp này là kết quả tổng hợp của chính {committee_code} – {committee_name} đã điền vào biểu mẫu của cấp trên bằng tonghop forward ({note}), không phải báo cáo của đơn vị, nên không được dùng để tổng hợp (nếu dùng, số liệu sẽ bị tính hai lần). Hãy để các tệp gửi cấp trên ở thư mục khác, ngoài thư mục báo cáo.",
        "own-forward",
        "Tệp gửi cấp trên của chính mình",
    )

    # Values.
    VALUE_001 = (
        "Missing value",
        "[{where}] Chỉ tiêu “{label}” ({code}) bắt buộc nhưng để trống. Hãy nhập số liệu; nếu không phát sinh, ghi 0.",
        "missing-value",
        "Thiếu số liệu",
    )
    VALUE_002 = (
        "Not a number",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) không phải là số. Chỉ nhập chữ số, không kèm chữ hay đơn vị tính.",
        "not-a-number",
        "Không phải số",
    )
    VALUE_003 = (
        "Not a whole number",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) phải là số nguyên ({unit}). Hãy nhập số nguyên, ví dụ 1.250.000.",
        "not-whole",
        "Không phải số nguyên",
    )
    VALUE_004 = (
        "Negative",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) là số âm. Số liệu phải lớn hơn hoặc bằng 0.",
        "negative",
        "Số âm",
    )
    VALUE_005 = (
        "Out of bounds",
        "[{where}] Giá trị {value} của chỉ tiêu “{label}” ({code}) nằm ngoài khoảng cho phép ({bounds}). Hãy kiểm tra lại số liệu.",
        "out-of-bounds",
        "Ngoài khoảng cho phép",
    )
    VALUE_006 = (
        "Interpreted",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) được hiểu là {number} ({how}). Nếu không đúng, hãy sửa lại ô này.",
        "interpreted-value",
        "Số liệu đã diễn giải",
    )
    VALUE_007 = (
        "Formula without value",
        "[{where}] Ô của chỉ tiêu “{label}” ({code}) có công thức nhưng chưa có kết quả đã lưu. Hãy mở tệp bằng Excel, lưu lại rồi gửi lại.",
        "formula-without-value",
        "Công thức chưa có kết quả",
    )
    VALUE_008 = (
        "Ambiguous",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) không rõ nghĩa ({reason}). Hãy nhập số nguyên không có dấu phân cách, ví dụ 1250000.",
        "ambiguous-value",
        "Số liệu không rõ nghĩa",
    )
    VALUE_009 = (
        "Duplicate code in return",
        "[{where}] Chỉ tiêu “{label}” ({code}) xuất hiện nhiều lần (đã có ở ô {first}). Chỉ giữ một dòng cho mỗi chỉ tiêu.",
        "duplicate-code",
        "Trùng mã chỉ tiêu",
    )
    VALUE_010 = (
        "Unknown code in return",
        "[{where}] Mã '{code}' không có trong biểu mẫu; số liệu '{value}' ở dòng này không được tổng hợp. Không sửa cột Mã của biểu mẫu.",
        "unknown-code",
        "Mã chỉ tiêu lạ",
    )
    VALUE_011 = (
        "Not for this level",
        "[{where}] Chỉ tiêu “{label}” ({code}) không thuộc báo cáo của {level_name}; số liệu '{value}' không được tổng hợp.",
        "not-for-level",
        "Chỉ tiêu không thuộc cấp",
    )
    VALUE_012 = (
        "Missing row",
        "[{where}] Biểu mẫu thiếu dòng của chỉ tiêu “{label}” ({code}). Không xóa dòng trong biểu mẫu; hãy dùng lại biểu mẫu gốc.",
        "missing-row",
        "Thiếu dòng chỉ tiêu",
    )

    VALUE_013 = (
        "Wrong column",
        "[{where}] Số liệu '{value}' của chỉ tiêu “{label}” ({code}) được nhập ở ô {stray_cell}, không phải cột 'Số liệu' (ô {cell}). Hãy chuyển số liệu sang cột 'Số liệu' rồi gửi lại.",
        "wrong-column",
        "Nhập sai cột",
    )
    VALUE_014 = (
        "Legacy encoding",
        "[{where}] Chữ trong ô được gõ bằng bảng mã cũ ({encoding}): '{value}' đã được đọc thành '{converted}'. Nên gõ lại bằng bảng mã Unicode.",
        "legacy-encoding",
        "Bảng mã cũ",
    )
    VALUE_015 = (
        "Figure without a code",
        "[{where}] Số liệu '{value}' nằm ở dòng không có mã chỉ tiêu (có thể là dòng chèn thêm) nên không được tổng hợp. Hãy ghi số liệu vào đúng dòng có mã, hoặc ghi giải thích vào cột 'Ghi chú'.",
        "uncoded-value",
        "Số liệu không có mã",
    )
    VALUE_016 = (
        "Formula error",
        "[{where}] Ô của chỉ tiêu “{label}” ({code}) đang báo lỗi công thức {value} ({reason}) nên không có số liệu. Hãy sửa công thức, hoặc xóa công thức và nhập số liệu trực tiếp, rồi lưu và gửi lại.",
        "formula-error",
        "Lỗi công thức",
    )
    VALUE_017 = (
        "Empty return",
        "[{where}] Báo cáo của {unit_code} – {unit_name} chưa có số liệu nào (có thể là biểu mẫu trống gửi nhầm hoặc để chung thư mục) nên không được tổng hợp. Hãy điền số liệu vào các ô màu vàng ở cột 'Số liệu' rồi gửi lại.",
        "empty-return",
        "Báo cáo chưa có số liệu",
    )
    VALUE_020 = (
        "Money wording on a count",
        "[{where}] Giá trị '{value}' của chỉ tiêu “{label}” ({code}) có kèm '{suffix}', cách ghi số tiền, nhưng chỉ tiêu này đếm số {unit}; số liệu chưa được tổng hợp. Nếu đúng là {number} {unit}, hãy nhập {number}; nếu là số tiền, hãy nhập vào chỉ tiêu về tiền.",
        "money-on-count",
        "Cách ghi số tiền ở chỉ tiêu đếm",
    )

    # Rules.
    RELATION_001 = (
        "Relation failed",
        "[{where}] {message} (quy tắc {rule}: {lhs_text} = {lhs_value}; {rhs_text} = {rhs_value}; chênh lệch {difference}).",
        "relation-failed",
        "Quy tắc kiểm tra",
    )
    RELATION_002 = (
        "Rule not evaluated",
        "[{where}] Quy tắc {rule_id} ({check}) không được kiểm tra trên báo cáo này vì {operands} không dùng được (xem lỗi ở ô đó); ô bị từ chối không được tính là 0. Sửa ô đó rồi gửi lại thì quy tắc sẽ được kiểm tra.",
        "relation-not-evaluated",
        "Quy tắc chưa kiểm tra được",
    )
    RELATION_003 = (
        "Rule failed on totals lacking rejected values",
        "[{where}] {message} (quy tắc {rule_id} trên tổng: {lhs_text} = {lhs_value}; {rhs_text} = {rhs_value}; chênh lệch {difference}). Tổng này chưa gồm {count} giá trị bị từ chối của các chỉ tiêu trong quy tắc: {rejected}; chênh lệch có thể do các giá trị đó. Hãy đề nghị đơn vị sửa các ô đó và gửi lại, rồi tổng hợp lại.",
        "relation-failed-incomplete",
        "Quy tắc trên tổng thiếu giá trị bị từ chối",
    )

    # Prior-period figures (raised as FormDefinitionError).
    PRIOR_001 = (
        "Unknown prior file",
        "[{where}] Không nhận ra tệp số liệu năm trước: dòng đầu là '{header}'. Dòng đầu phải là một trong: {expected}.",
    )
    PRIOR_002 = (
        "Prior value not a number",
        "[{where}] Giá trị '{value}' của chỉ tiêu {code} không phải là số. Hãy sửa thành số, ví dụ 1250000, hoặc để trống.",
    )
    PRIOR_003 = (
        "Duplicate prior value",
        "[{where}] Chỉ tiêu {code} ({key}) có hai giá trị (đã có ở dòng {first_row}). Mỗi chỉ tiêu chỉ được ghi một lần.",
    )
    PRIOR_004 = (
        "Prior file missing",
        "[{where}] Không đọc được tệp số liệu năm trước: {reason}. Hãy kiểm tra đường dẫn và lưu tệp ở dạng CSV, mã hóa UTF-8.",
    )
    PRIOR_005 = (
        "Mixed prior periods",
        "[{where}] Tệp có số liệu của nhiều kỳ ({periods}). Mỗi tệp số liệu năm trước chỉ được chứa một kỳ.",
    )
    PRIOR_006 = ("Empty prior field", "[{where}] Thiếu giá trị ở cột '{column}'. Hãy điền đủ cột này hoặc xóa dòng.")
    PRIOR_007 = (
        "Prior folder without figures",
        "[{where}] Thư mục này không phải là kết quả tổng hợp kỳ trước: thiếu tệp {missing}. Hãy chỉ thư mục do lệnh 'tonghop consolidate' ghi ra (ví dụ output/2023/), hoặc chỉ thẳng tệp totals.csv hay values.csv.",
    )
    PRIOR_008 = (
        "Prior figures of another period",
        "[{where}] Số liệu kỳ trước là của {prior_period}, không phải của {expected} (cùng kỳ năm trước của {period}); các số so sánh sẽ là với {prior_period}. Nếu không cố ý, hãy chỉ số liệu {expected} ở tùy chọn --prior.",
        "prior-period-mismatch",
        "Số liệu kỳ trước không đúng kỳ",
    )
    PRIOR_009 = (
        "Prior totals only",
        "[{where}] {who} không có số liệu năm trước: {name} chỉ có tổng theo cấp; dùng values.csv (hoặc thư mục kết quả năm trước) để có số liệu từng đơn vị.",
        Kind.TEXT,
    )
    PRIOR_010 = (
        "Units without prior figures",
        "[{where}] {count} đơn vị không có trong {name} nên không có số liệu năm trước: {units}. Đơn vị mới thành lập, đổi mã hoặc năm trước không nộp báo cáo thì cột này để trống là đúng; nếu không, hãy kiểm tra mã đơn vị trong danh sách đơn vị.",
        Kind.TEXT,
    )

    # The crosswalk of unit codes across a reorganisation (--crosswalk): the file's faults are
    # raised as FormDefinitionError; what it means for the comparison is a finding.
    XWALK_001 = (
        "Crosswalk unreadable",
        "[{where}] Không đọc được tệp đối chiếu mã đơn vị: {reason}. Hãy kiểm tra đường dẫn và lưu tệp ở dạng CSV, mã hóa UTF-8.",
    )
    XWALK_002 = (
        "Crosswalk columns missing",
        "[{where}] Tệp đối chiếu mã đơn vị thiếu cột {missing} (dòng tiêu đề đang là '{header}'). Hãy ghi dòng đầu tiên là old_code,new_code: mã đơn vị cũ (kỳ trước), mã đơn vị mới (kỳ này).",
    )
    XWALK_003 = (
        "Crosswalk code blank",
        "[{where}] Thiếu {what} ở cột '{column}'. Hãy điền mã hoặc xóa dòng này.",
    )
    XWALK_004 = (
        "Crosswalk pair repeated",
        "[{where}] Cặp mã {old} → {new} đã có ở dòng {first_row}. Hãy xóa dòng trùng.",
    )
    XWALK_005 = (
        "Crosswalk empty",
        "[{where}] Tệp đối chiếu mã đơn vị không có cặp mã nào. Hãy ghi mỗi dòng một cặp old_code,new_code, hoặc bỏ --crosswalk.",
    )
    XWALK_006 = (
        "Crosswalk without prior",
        "[--crosswalk {where}] Tệp đối chiếu mã đơn vị chỉ dùng để so sánh với số liệu kỳ trước. Hãy thêm --prior (ví dụ thư mục kết quả kỳ trước output/2024/) hoặc bỏ --crosswalk.",
    )
    XWALK_010 = (
        "Split unit: level totals only",
        "[{where}] {unit} nhận một phần của đơn vị cũ {old} (đơn vị này được chia cho {count} đơn vị mới: {news}) nên không có số liệu cùng kỳ riêng để so sánh; chỉ so sánh tổng theo cấp. Không cần làm gì; nếu đơn vị cũ không bị chia, hãy sửa tệp đối chiếu.",
        "crosswalk-split",
        "Đơn vị cũ bị chia tách",
    )
    XWALK_011 = (
        "Crosswalk old code not in prior",
        "[{where}] Mã đơn vị cũ {old} không có trong số liệu kỳ trước ({name}), nên số liệu cùng kỳ của đơn vị mới {new} thiếu phần của đơn vị này. Hãy kiểm tra mã cũ ở dòng này; nếu kỳ trước đơn vị đó không nộp báo cáo thì bỏ qua.",
        "crosswalk-old-unknown",
        "Mã cũ không có số liệu kỳ trước",
    )
    XWALK_012 = (
        "Crosswalk new code not listed",
        "[{where}] Mã đơn vị mới {new} không có trong danh sách đơn vị nên dòng này không được dùng. Hãy sửa mã mới cho đúng danh sách đơn vị (units.csv).",
        "crosswalk-new-unknown",
        "Mã mới không có trong danh sách",
    )

    # The reporting period and the deadline (raised as PipelineError).
    PERIOD_001 = (
        "Bad period",
        "Kỳ báo cáo '{value}' không hợp lệ. Hãy ghi năm (ví dụ 2024), 6 tháng (2024-H1: 6 tháng đầu năm, 2024-H2: 6 tháng cuối năm) quý (2024-Q1 … 2024-Q4) hoặc 9 tháng đầu năm (2024-M9).",
    )
    PERIOD_002 = (
        "Bad deadline",
        "Hạn nộp '{value}' không phải là một ngày có thật. Hãy ghi ngày dạng DD/MM/YYYY, ví dụ 15/11/2024.",
    )
    PERIOD_010 = (
        "Deadline before the period's figures end",
        "Chú ý: hạn nộp {deadline} ở trước ngày {end}, ngày cuối cùng số liệu {period} được tính đến, nên các đơn vị phải nộp báo cáo khi chưa hết thời gian tính số liệu. Nếu ghi nhầm, hãy tạo lại biểu mẫu với --deadline đúng (hạn nộp được in trên biểu mẫu).",
        Kind.TEXT,
    )
    PERIOD_011 = (
        "Deadline in the past",
        "Chú ý: hạn nộp {deadline} đã qua (hôm nay là {today}), nên mọi báo cáo gửi về sẽ bị tính là nộp muộn. Nếu ghi nhầm, hãy tạo lại biểu mẫu với --deadline đúng (hạn nộp được in trên biểu mẫu).",
        Kind.TEXT,
    )

    # The collection round (``pipeline.rounds``): raised as PipelineError, except ROUND_101, a
    # finding of a return sent through another unit's link.
    ROUND_101 = (
        "Return of another unit through a link",
        "[{where}] Tệp này là báo cáo của {unit_code} – {unit_name}, không phải của {link_code} – {link_name} (đơn vị của đường dẫn đã dùng để gửi), nên không được nhận; tệp vẫn được lưu lại. Hãy gửi báo cáo của {link_name} qua đường dẫn này, còn báo cáo của {unit_name} thì gửi qua đường dẫn của đơn vị đó.",
        "other-unit-link",
        "Báo cáo của đơn vị khác",
    )
    ROUND_102 = (
        "Unknown unit of a round",
        "Đợt {round} không có đơn vị mã '{code}'. Hãy xem mã các đơn vị bằng lệnh 'tonghop round status'.",
        404,
    )
    ROUND_103 = (
        "Unknown review action",
        "Thao tác '{action}' không hợp lệ. Chỉ có hai thao tác: approve (duyệt báo cáo) và return (trả lại để sửa).",
    )
    ROUND_104 = (
        "Nothing to review",
        "Đơn vị {code} – {name} chưa có báo cáo nào được nhận nên chưa duyệt hay trả lại được. Hãy chờ đơn vị gửi báo cáo.",
        409,
    )
    ROUND_105 = (
        "Not a version of the unit",
        "Bản nộp số {submission} không phải là một báo cáo được nhận của đơn vị {code}. Hãy chọn một bản trong lịch sử nộp của đơn vị.",
    )
    ROUND_106 = ("Return without a note", "Khi trả lại báo cáo để sửa, hãy ghi rõ đơn vị cần sửa những gì (ghi chú không được để trống).")
    ROUND_107 = (
        "Nothing to consolidate in a round",
        "Đợt {round} chưa có báo cáo nào được nhận nên chưa tổng hợp được. Hãy xem tình hình nộp bằng lệnh 'tonghop round status'.",
        409,
    )
    ROUND_108 = (
        "Form of a round changed",
        "Biểu mẫu '{form_id}' của đợt {round} là phiên bản {expected}, nhưng thư mục biểu mẫu '{where}' nay là phiên bản {found}. Hãy dùng lại đúng thư mục biểu mẫu của đợt, hoặc tạo đợt mới.",
        409,
    )
    ROUND_109 = (
        "Empty link secret",
        "Tệp khóa bí mật '{where}' trống nên không tạo được đường dẫn nộp báo cáo. Hãy khôi phục tệp từ bản sao lưu (nếu xóa tệp thì mọi đường dẫn đã gửi hết dùng được).",
    )
    ROUND_120 = (
        "Consolidation already running",
        "Đợt {round} đang được tổng hợp ({actor} bắt đầu lúc {since}; đã đọc {done}/{total} tệp), nên lần bấm này không chạy thêm một lần nữa. Hãy chờ: tiến độ hiện ở mục Tổng hợp và kết quả hiện ở đó khi xong.",
        Kind.TEXT,
    )
    ROUND_121 = (
        "Consolidation abandoned",
        "Lần tổng hợp đợt {round} bắt đầu lúc {since} đã dừng giữa chừng (đã đọc {done}/{total} tệp): máy chủ đã tắt hoặc khởi động lại khi đang tổng hợp. Kết quả cũ được giữ nguyên; hãy bấm “Tổng hợp” để chạy lại.",
        Kind.TEXT,
    )
    ROUND_122 = (
        "Consolidation crashed",
        "Lần tổng hợp đợt {round} gặp lỗi bất ngờ ({reason}); kết quả cũ được giữ nguyên, chi tiết đã ghi vào nhật ký của máy chủ. Hãy bấm “Tổng hợp” để thử lại; nếu vẫn lỗi, hãy báo cho người quản trị.",
        Kind.TEXT,
    )
    ROUND_130 = (
        "Note too long",
        "Ghi chú dài {length} ký tự, quá giới hạn {limit} ký tự. Hãy ghi ngắn gọn những ô cần sửa và cách sửa.",
    )
    ROUND_131 = (
        "Approving a version with errors",
        "Lần gửi này còn {errors} lỗi. Hãy xem các lỗi, đánh dấu ô “Tôi đã xem các lỗi” rồi bấm duyệt lại; hoặc trả lại để đơn vị sửa.",
    )
    ROUND_132 = ("Version already approved", "Lần gửi này đã được duyệt rồi, không cần duyệt lại.", 409)
    # Figures typed on the web form (``rounds.entry``): ROUND_14x.
    ROUND_141 = (
        "Source of typed figures missing",
        "Hãy ghi nguồn số liệu (ví dụ: theo điện thoại ngày 9/11, theo công văn số 12) trước khi lưu hoặc gửi thay đơn vị.",
    )
    ROUND_142 = (
        "Indicator not on the unit's form",
        "Chỉ tiêu '{code}' không có trong biểu của {unit_name}. Hãy tải lại trang nhập số liệu rồi nhập lại.",
    )
    ROUND_143 = (
        "Typed figure too long",
        "Ô “{label}” có {length} ký tự, quá giới hạn {limit} ký tự. Hãy nhập số liệu ngắn gọn (chỉ con số).",
    )
    ROUND_144 = ("Typed return's note, by the unit", "Số liệu nhập trên trang web ngày {day} (tonghop)", Kind.TEXT)
    ROUND_145 = ("Typed return's note, by the office", "Văn phòng nhập thay ngày {day}, nguồn: {source} (tonghop)", Kind.TEXT)
    # Rounds at every level: a committee's consolidation sent into its parent's round (``rounds.upward``): ROUND_15x.
    ROUND_150 = (
        "Round of no committee",
        "Đợt {round} không thuộc ủy ban nào trên máy chủ này, nên không có cấp trên để gửi lên. Hãy tải tệp tổng hợp và gửi cho cấp trên như trước (lệnh tonghop forward).",
        409,
    )
    ROUND_151 = (
        "Committee without a parent",
        "{committee} không có ủy ban cấp trên trên máy chủ này, nên không có nơi để gửi lên. Hãy tải tệp tổng hợp và gửi cho cấp trên như trước.",
        409,
    )
    ROUND_152 = (
        "No round above for the period",
        "{parent} chưa mở đợt thu báo cáo {period} trên máy chủ này, nên chưa gửi lên được. Hãy đề nghị {parent} tạo đợt {period} rồi bấm “Gửi lên cấp trên” lại.",
        409,
    )
    ROUND_153 = (
        "Not a unit of the round above",
        "{committee} ({code}) không có trong danh sách đơn vị của đợt {round} của {parent}, nên chưa gửi lên được. Hãy đề nghị {parent} kiểm tra danh sách đơn vị của đợt.",
        409,
    )
    ROUND_154 = ("Forwarded return's source", "chuyển từ đợt {round} của {committee} ({count} đơn vị)", Kind.TEXT)
    ROUND_155 = ("Progress of a unit's own round", "{level}: {submitted}/{total} đã nộp", Kind.TEXT)
    ROUND_156 = (
        "Round above of another period",
        "{parent} chỉ có đợt thu báo cáo {periods}, chưa mở đợt {period} trên máy chủ này, nên chưa gửi lên được (số liệu {period} không điền vào báo cáo kỳ khác). Hãy đề nghị {parent} tạo đợt {period} rồi bấm “Gửi lên cấp trên” lại.",
        409,
    )
    ROUND_160 = (
        "Committee's list without the committee first",
        "Danh sách đơn vị của đợt phải bắt đầu bằng chính {name} (mã {code}), sau đó mới đến các đơn vị cấp dưới; danh sách này lại bắt đầu bằng {first}. Thiếu dòng của ủy ban mình thì kết quả tổng hợp không gửi lên cấp trên được. Hãy thêm hoặc sửa dòng đầu thành {code},{name},{level} rồi tạo đợt lại.",
    )
    ROUND_161 = (
        "Committee's round without a list",
        "{name} không có ủy ban cấp dưới trên máy chủ này, nên đợt cần danh sách đơn vị cấp dưới của mình (khu dân cư, thôn, bản): tệp CSV hoặc Excel, cột code,name,level, dòng đầu là {code},{name},{level}, các dòng sau là từng khu dân cư với cấp {sub}. Hãy chọn tệp danh sách rồi tạo đợt lại.",
    )

    # The web pages (``pipeline.web``): their own answers (a page or a JSON answer: WEB_00x) and
    # what a page confirms after an action (WEB_05x).
    WEB_001 = (
        "Upload not stored: store unavailable",
        "Hệ thống đang bận, chưa nhận được tệp; hãy gửi lại sau ít phút.",
    )
    WEB_002 = (
        "Page not shown: store unavailable",
        "Hệ thống đang bận nên chưa mở được trang này; hãy tải lại trang sau ít phút.",
    )
    WEB_003 = (
        "More than one file through a link",
        "Mỗi lần chỉ gửi một tệp báo cáo, nhưng đã chọn {count} tệp ({names}), nên chưa tệp nào được nhận. Hãy chọn đúng một tệp rồi bấm Gửi; tệp khác gửi ở lần sau.",
    )
    WEB_004 = ("No file chosen", "Chưa chọn tệp báo cáo. Hãy chọn tệp Excel rồi bấm Gửi.")
    WEB_005 = (
        "Signed out",
        "Đã đăng xuất khỏi trang quản lý. Để vào lại, hãy mở đường dẫn có mã đăng nhập mà lệnh 'tonghop serve' in ra.",
    )
    WEB_050 = ("Approved", "Đã duyệt lần gửi thứ {number} của {unit_name}. Bản này được dùng để tổng hợp.")
    WEB_051 = (
        "Returned",
        "Đã trả lại lần gửi thứ {number} của {unit_name} để sửa. Đơn vị sẽ thấy ghi chú trên trang nộp báo cáo của mình.",
    )
    # What the browser says on an upload form before anything is sent (static/upload.js).
    WEB_070 = ("No file chosen (in the browser)", "Hãy chọn tệp báo cáo (Excel) trước khi bấm Gửi.")
    # The form for typing a return on the web (``web.entry``, ``static/entry.js``): what the page
    # says after a save and what the script says of the network and of the figures kept on the phone.
    WEB_100 = (
        "Draft saved",
        "Đã lưu nháp lúc {time}. Số liệu chưa được gửi: khi nhập xong, hãy bấm “Gửi báo cáo”.",
    )
    WEB_102 = (
        "Send failed: no network",
        "Không gửi được vì mất kết nối mạng. Số liệu vẫn được giữ trên máy này; khi có mạng, hãy bấm “Gửi lại”.",
    )
    WEB_103 = (
        "Send failed: server",
        "Không gửi được: máy chủ chưa nhận (lỗi {status}). Số liệu vẫn được giữ trên máy này; hãy thử lại sau ít phút.",
    )
    WEB_104 = ("Unsent figures restored", "Số liệu chưa gửi, nhập lúc {time}.")
    WEB_105 = (
        "Check waiting for the network",
        "Đang mất mạng: chưa kiểm tra được số liệu vừa nhập. Số liệu vẫn được giữ trên máy này và sẽ được kiểm tra khi có mạng.",
    )
    WEB_106 = ("Sending", "Đang gửi báo cáo…")
    WEB_107 = ("Back online", "Đã có mạng trở lại: số liệu đã được kiểm tra lại. Hãy bấm “Gửi lại” để gửi.")
    WEB_108 = (
        "Sent for the unit",
        "Đã gửi báo cáo thay đơn vị ({errors} lỗi, {warnings} cảnh báo). Bản này được lưu và kiểm tra như một tệp đơn vị gửi lên.",
    )
    WEB_110 = (
        "Typing form's link no longer valid",
        "Đường dẫn này không còn dùng được (văn phòng có thể đã cấp đường dẫn mới), nên số liệu chưa được gửi. Số liệu vẫn được giữ trên máy này: hãy xin văn phòng đường dẫn mới rồi mở trên chính máy này, số liệu sẽ hiện lại để gửi.",
    )
    WEB_160 = (
        "Password rules",
        "Mật khẩu cần ít nhất {min} ký tự (nên là một câu ngắn dễ nhớ, có thể có dấu tiếng Việt), "
        "không trùng tên đăng nhập, không chỉ lặp lại một ký tự.",
        Kind.TEXT,
    )
    WEB_161 = ("Passwords differ", "Hai lần nhập mật khẩu không giống nhau. Hãy nhập lại cả hai ô.")
    WEB_162 = ("Password set", "Đã đặt mật khẩu cho tài khoản '{login}'. Hãy đăng nhập bằng mật khẩu vừa đặt.", Kind.TEXT)
    WEB_163 = (
        "Invitation link, shown once",
        "Đã tạo tài khoản '{login}' ({role}) của {committee}. Hãy chép đường dẫn dưới đây và gửi cho người được mời qua Zalo: "
        "đường dẫn chỉ hiện một lần, chỉ dùng được một lần, hết hạn sau {hours} giờ.",
        Kind.TEXT,
    )
    WEB_164 = (
        "Reset link, shown once",
        "Đường dẫn đặt mật khẩu mới cho tài khoản '{login}'. Hãy chép và gửi qua Zalo: đường dẫn chỉ hiện một lần, "
        "hết hạn sau {hours} giờ; mật khẩu cũ vẫn dùng được đến khi đặt mật khẩu mới.",
        Kind.TEXT,
    )
    WEB_165 = ("Signed out of an account", "Đã đăng xuất. Để vào lại, hãy đăng nhập bằng tên đăng nhập và mật khẩu.", Kind.TEXT)
    WEB_166 = ("Read-only round", "Bạn chỉ được xem đợt này (đợt của {committee}): các nút thao tác không hiện.", Kind.TEXT)
    WEB_167 = ("Login fields missing", "Hãy nhập tên đăng nhập và mật khẩu.")
    WEB_170 = (
        "NUL character in a request",
        "Yêu cầu có một ký tự không hợp lệ (ký tự rỗng, mã 0), nên không được xử lý. Hãy gõ lại nội dung vừa nhập (hoặc chép lại đường dẫn) rồi gửi lại.",
        Kind.ERROR,
        400,
    )
    WEB_180 = (
        "Server down (Caddy's page, deploy/loi_may_chu.html)",
        "Máy chủ đang khởi động lại hoặc bảo trì. Số liệu đã gửi trước đó không mất. Hãy thử lại sau ít phút.",
    )

    # Templates (raised as TemplateError).
    TEMPLATE_001 = (
        "Template not written",
        "[{where}] Không ghi được biểu mẫu: {reason}. Hãy kiểm tra thư mục đích có quyền ghi và tệp không đang mở trong Excel.",
    )
    TEMPLATE_002 = (
        "Template feature rejected",
        "[{where}] Không tạo được {feature} cho ô {cell} (mã lỗi XlsxWriter {code}). Hãy kiểm tra định nghĩa chỉ tiêu {indicator}.",
    )
    TEMPLATE_010 = (
        "Template set not written: disk full",
        "[{where}] Ổ đĩa đã đầy khi ghi biểu mẫu thứ {done}/{total} ({name}), nên không đặt biểu mẫu nào vào thư mục: bộ biểu mẫu ghi trước đây (nếu có) được giữ nguyên, không lẫn tệp mới với tệp cũ. Hãy giải phóng chỗ trống trên ổ đĩa (hoặc chọn thư mục khác bằng --out) rồi chạy lại.",
    )

    # Outputs (raised as OutputError).
    OUTPUT_001 = ("Folder not writable", "[{where}] Không ghi được vào thư mục này: {reason}. Hãy chọn thư mục khác bằng --out.")
    OUTPUT_002 = (
        "File not writable",
        "[{where}] Không ghi được tệp: {reason}. Nếu tệp đang mở trong Excel, hãy đóng tệp rồi chạy lại.",
    )
    OUTPUT_003 = (
        "Outputs open",
        "[{where}] Tệp kết quả đang được mở ({names}). Hãy đóng tệp trong Excel/LibreOffice rồi chạy lại; kết quả cũ được giữ nguyên.",
    )
    OUTPUT_004 = ("Outputs not written", "[{where}] Không ghi được kết quả: {reason}. Kết quả cũ được giữ nguyên.")
    OUTPUT_005 = ("Workbook not written", "[{where}] Không ghi được tệp: {reason}. Hãy kiểm tra thư mục đích và chạy lại.")
    OUTPUT_006 = (
        "Another run is writing",
        "[{where}] Một lần chạy khác của tonghop (tiến trình {pid}, bắt đầu lúc {since}) đang ghi kết quả vào thư mục này. Hãy chờ lần chạy đó xong rồi chạy lại, hoặc chọn thư mục khác bằng --out.",
    )

    # Comparison with the prior period (warnings in the report).
    COMPARE_001 = (
        "Prior-period outlier",
        "[{where}] {label} năm nay là {value} {unit}, cùng kỳ {prior_period} là {prior} {unit} ({change_text}). Hãy xác nhận lại với đơn vị báo cáo; nếu số liệu đúng, nêu rõ lý do trong báo cáo.",
        "prior-outlier",
        "Khác thường so với cùng kỳ",
    )

    # The Word appendix (raised as PipelineError / FormDefinitionError).
    REPORT_001 = (
        "Not a consolidation",
        "Thư mục '{where}' không phải là kết quả tổng hợp (thiếu hoặc hỏng tệp {missing}). Hãy chỉ thư mục do lệnh 'tonghop consolidate' ghi ra, ví dụ output/2023.",
    )
    REPORT_002 = ("Bad date", "Ngày '{value}' không hợp lệ. Hãy ghi ngày dạng DD/MM/YYYY, ví dụ 15/11/2023.")
    REPORT_003 = ("Bad report definition", "[{where}] {reason}. Hãy sửa dòng này trong tệp {file}.")
    REPORT_010 = (
        "Output file unreadable",
        "[{where}] Không đọc được tệp này của kết quả tổng hợp: {reason}. Hãy lấy lại tệp do lệnh 'tonghop consolidate' ghi ra (hoặc chạy lại lệnh đó); nếu phải sửa, hãy lưu lại bằng \"CSV UTF-8 (Comma delimited)\".",
    )
    REPORT_011 = (
        "Output file columns missing",
        "[{where}] Tệp thiếu cột {missing}: dòng đầu đang là '{header}' ({found}). Hãy lấy lại tệp do lệnh 'tonghop consolidate' ghi ra, hoặc chạy lại lệnh đó.",
    )
    REPORT_012 = (
        "Output figure unreadable",
        "[{where}] Giá trị '{value}' ở cột {column} không phải là số. Hãy sửa thành số viết liền, ví dụ 862796456, hoặc lấy lại tệp do lệnh 'tonghop consolidate' ghi ra.",
    )
    REPORT_013 = (
        "Output figure reads two ways",
        "[{where}] Giá trị '{value}' ở cột {column} đọc được hai cách: {decimal} hoặc {whole}, vì tệp đã được lưu lại (thường bằng Excel) và không số nào khác trong tệp cho biết dấu '{mark}' là dấu thập phân hay dấu phân cách hàng nghìn. Hãy sửa thành số viết liền không dấu phân cách (ví dụ {plain}) hoặc lấy lại tệp do lệnh 'tonghop consolidate' ghi ra.",
    )
    REPORT_015 = (
        "Total of all levels differs from the levels",
        "[{where}] {label}: số tổng của các cấp ghi {total}, nhưng cộng số của từng cấp được {levels_sum} (chênh lệch {difference}). Tệp totals.csv có thể đã bị sửa tay; hãy kiểm tra lại hoặc chạy lại lệnh tổng hợp trước khi dùng số này.",
        "totals-levels-differ",
        "Tổng các cấp không khớp",
    )
    REPORT_016 = (
        "Totals differ from the units' values",
        "[{where}] {label} – {level_label}: totals.csv ghi {total}, nhưng cộng số liệu của các đơn vị trong values.csv được {values_sum} (chênh lệch {difference}). Tệp đã bị sửa tay hoặc Excel đã đổi số khi lưu; hãy kiểm tra lại hoặc chạy lại lệnh tổng hợp trước khi dùng số này.",
        "totals-values-differ",
        "Tổng không khớp số liệu đơn vị",
    )
    REPORT_017 = (
        "Figure rounded in scientific notation",
        "[{where}] Số '{text}' ({what}) được ghi dạng lũy thừa, như Excel ghi số lớn khi cột hẹp, nên có thể đã bị làm tròn: đọc được {value}. Hãy dùng tệp do lệnh 'tonghop consolidate' ghi ra (không mở rồi lưu lại bằng Excel), hoặc chạy lại lệnh tổng hợp.",
        "figure-rounded",
        "Số bị làm tròn dạng lũy thừa",
    )

    # A consolidation sent up as the upper committee's return (``tonghop forward``): 001-009
    # raised as PipelineError, 010 on findings of the report written beside the return.
    FORWARD_001 = (
        "Not an upper template",
        "[{where}] Tệp này không dùng làm biểu mẫu cấp trên được: {reason}. Hãy dùng đúng tệp biểu mẫu cấp trên gửi về (tạo bằng lệnh tonghop templates), không sửa bố cục hay lưu sang định dạng khác.",
    )
    FORWARD_002 = (
        "Template of another period",
        "[{where}] Biểu mẫu cấp trên là báo cáo {template_period}, còn kết quả tổng hợp là số liệu {period}. Hãy xin cấp trên biểu mẫu {period}; nếu chắc chắn muốn điền số liệu {period} vào biểu mẫu này, chạy lại lệnh với --force.",
    )
    FORWARD_003 = (
        "Output is the template",
        "[{where}] Tệp ghi ra trùng với tệp biểu mẫu cấp trên; lệnh không ghi đè biểu mẫu gốc. Hãy ghi ra tệp khác bằng --out.",
    )
    FORWARD_010 = (
        "Upper indicator not consolidated",
        "[{where}] Chỉ tiêu {code} ({label}) của biểu mẫu cấp trên không có trong kết quả tổng hợp của đơn vị: ô để trống. Hãy tự nhập số liệu chỉ tiêu này vào tệp trước khi gửi.",
        "forward-not-consolidated",
        "Chỉ tiêu cấp trên chưa có số liệu",
    )
    FORWARD_011 = (
        "No total to send",
        "[{where}] Chỉ tiêu {code} có trong biểu mẫu nhưng không đơn vị cấp dưới nào báo cáo số liệu: ô để trống. Hãy kiểm tra lại kết quả tổng hợp, hoặc tự nhập số liệu chỉ tiêu này trước khi gửi.",
        "forward-no-total",
        "Không có số tổng hợp để gửi",
    )
    FORWARD_012 = (
        "Total not asked for",
        "[{where}] Chỉ tiêu {code} ({label}) có trong kết quả tổng hợp nhưng biểu mẫu cấp trên không có: không gửi lên. Không cần làm gì; nếu cấp trên cần số liệu này, hãy báo cáo bằng văn bản.",
        "forward-not-asked",
        "Cấp trên không thu chỉ tiêu",
    )
    FORWARD_013 = (
        "Sent for another period",
        "[{where}] Biểu mẫu cấp trên là báo cáo {template_period}, nhưng đã điền số liệu {period} (theo --force). Hãy báo rõ cho cấp trên khi gửi tệp này.",
        "forward-other-period",
        "Gửi số liệu khác kỳ",
    )
    FORWARD_020 = (
        "Upper template of another committee",
        "[{where}] Biểu mẫu cấp trên này là của {template_unit}, không phải của {unit} (đơn vị đã tổng hợp, đơn vị cấp trên cùng của danh sách đơn vị), nên không điền: gửi tệp này thì số liệu của {unit} thành số liệu của {template_unit}. Hãy dùng đúng biểu mẫu cấp trên gửi cho {unit}; nếu chắc chắn muốn điền vào biểu mẫu này, chạy lại lệnh với --force.",
    )
    FORWARD_021 = (
        "Sent under another committee",
        "[{where}] Biểu mẫu cấp trên là của {template_unit}, nhưng đã điền số liệu tổng hợp của {unit} (theo --force): cấp trên sẽ nhận số liệu này là của {template_unit}. Hãy kiểm tra lại trước khi gửi tệp này.",
        "forward-other-unit",
        "Gửi dưới tên đơn vị khác",
    )
    FORWARD_022 = (
        "Unit not in the totals sent",
        "[{where}] Đơn vị {unit_code} – {unit_name} chưa có báo cáo dùng được khi tổng hợp, nên số liệu gửi lên chỉ gồm {count}/{expected} đơn vị, thiếu phần của đơn vị này. Hãy nhận báo cáo của đơn vị, tổng hợp lại rồi chạy lại lệnh; nếu phải gửi ngay, báo rõ cho cấp trên.",
        "forward-unit-missing",
        "Đơn vị chưa có trong số gửi lên",
    )
    FORWARD_023 = (
        "Rejected value not in the totals sent",
        "[{where}] Giá trị chỉ tiêu “{label}” ({code}) của {unit_name} ({unit_code}) bị loại khi tổng hợp ({reason}), nên không được cộng vào số liệu gửi lên. Hãy nhận lại báo cáo đã sửa của đơn vị, tổng hợp lại rồi chạy lại lệnh; nếu phải gửi ngay, báo rõ cho cấp trên.",
        "forward-value-rejected",
        "Giá trị bị loại khỏi số gửi lên",
    )

    # The store of collection rounds (raised as StoreError).
    STORE_001 = ("Unknown round", "Không có đợt thu báo cáo mã '{round_id}'. Hãy kiểm tra lại mã đợt (mã được in ra khi tạo đợt).", 404)
    STORE_002 = (
        "Unit not in round",
        "Đợt thu báo cáo '{round_id}' không có đơn vị mã '{code}'. Hãy dùng mã đơn vị trong danh sách đơn vị của đợt.",
        404,
    )
    STORE_003 = (
        "Unknown submission",
        "Đợt thu báo cáo '{round_id}' không có bản nộp số {submission_id}. Hãy tải lại trang và chọn lại bản nộp.",
        404,
    )
    STORE_004 = (
        "Stored file missing",
        "[{where}] Không tìm thấy tệp đã lưu (sha256 {sha256}). Hãy khôi phục thư mục dữ liệu từ bản sao lưu.",
    )
    STORE_005 = (
        "Stored file damaged",
        "[{where}] Tệp đã lưu bị thay đổi hoặc hỏng (mã sha256 không khớp với nội dung). Hãy khôi phục thư mục dữ liệu từ bản sao lưu.",
    )
    STORE_006 = (
        "Store not opened",
        "Không mở được kho dữ liệu {where}: {reason}. Hãy kiểm tra thư mục --data hoặc địa chỉ --db và quyền truy cập.",
        503,
    )
    STORE_007 = (
        "Store from a newer version",
        "Kho dữ liệu {where} do phiên bản mới hơn của tonghop tạo ra (lược đồ '{revision}'). Hãy cập nhật tonghop rồi mở lại; dữ liệu được giữ nguyên.",
    )
    STORE_008 = (
        "Unsupported database",
        "Địa chỉ cơ sở dữ liệu '{url}' không dùng được: chỉ nhận postgresql://… (hoặc bỏ trống --db để dùng SQLite trong thư mục dữ liệu).",
    )
    STORE_009 = ("Duplicate unit in round", "Danh sách đơn vị của đợt có mã '{code}' nhiều lần. Mỗi đơn vị chỉ được ghi một lần.")
    STORE_010 = (
        "File not stored",
        "[{where}] Không lưu được tệp vào thư mục dữ liệu: {reason}. Hãy kiểm tra chỗ trống trên đĩa và quyền ghi của thư mục.",
        503,
    )
    STORE_011 = (
        "Database error",
        "Không đọc, ghi được kho dữ liệu {where}: {reason}. Hãy thử lại sau ít phút; dữ liệu đã lưu được giữ nguyên.",
        503,
    )
    STORE_012 = (
        "Link token used before",
        "Đường dẫn nộp báo cáo mới của đơn vị {code} (đợt {round_id}) trùng một đường dẫn đã cấp trước đây, nên không dùng được. Hãy cấp lại đường dẫn cho đơn vị này.",
        409,
    )
    STORE_020 = (
        "Server settings unreadable",
        "[{where}] Không đọc được tệp cài đặt của trang web: {reason}. Hãy xóa tệp này rồi chạy lại 'tonghop serve' (với --base-url nếu cần).",
    )
    STORE_100 = (
        "Stored file missing in the database",
        "[{where}] Không tìm thấy tệp đã lưu (sha256 {sha256}) trong cơ sở dữ liệu. Hãy khôi phục kho từ bản sao lưu.",
    )
    STORE_101 = (
        "Stored file damaged in the database",
        "[{where}] Tệp đã lưu (sha256 {sha256}) trong cơ sở dữ liệu bị hỏng: nội dung không khớp mã băm. Hãy khôi phục kho từ bản sao lưu.",
    )
    STORE_102 = (
        "File not moved into the database",
        "[{where}] Không chuyển được tệp đã lưu (sha256 {sha256}) vào cơ sở dữ liệu: {reason}. Chưa có gì thay đổi; "
        "hãy đặt lại tệp này vào thư mục dữ liệu (từ bản sao lưu) rồi mở lại kho.",
    )
    STORE_103 = (
        "Damaged file not moved into the database",
        "[{where}] Tệp đã lưu (sha256 {sha256}) bị thay đổi hoặc hỏng (nội dung không khớp mã băm), nên không chuyển được vào cơ sở dữ liệu. "
        "Chưa có gì thay đổi; hãy đặt lại tệp đúng vào thư mục dữ liệu (từ bản sao lưu) rồi mở lại kho.",
    )

    # The official unit registry (``tonghop units``; raised as PipelineError).
    UNITS_001 = (
        "Registry not installed",
        '[{where}] Chưa cài danh mục đơn vị hành chính (gói vietnam-provinces, không bắt buộc, giấy phép GPL-3.0). Hãy cài bằng lệnh: pip install "tonghop[units]" (trong thư mục dự án: .venv/bin/pip install -e ".[units]"), rồi chạy lại lệnh.',
    )
    UNITS_002 = (
        "Registry too old",
        '[{where}] Gói vietnam-provinces đã cài (phiên bản {version}) không có danh mục sau 1/7/2025 (34 tỉnh, thành phố). Hãy cập nhật bằng lệnh: pip install -U "tonghop[units]".',
    )
    UNITS_003 = (
        "Unknown province, close matches",
        "[{where}] Không có tỉnh, thành phố '{query}' trong danh mục sau 1/7/2025. Có phải: {matches}? Hãy ghi lại tên (có dấu hoặc không dấu) hoặc mã tỉnh.",
    )
    UNITS_004 = (
        "Unknown province",
        "[{where}] Không có tỉnh, thành phố '{query}' trong danh mục sau 1/7/2025. Hãy ghi tên (có dấu hoặc không dấu, ví dụ Lai Châu) hoặc mã tỉnh; xem danh sách bằng lệnh: tonghop units --list.",
    )
    UNITS_005 = (
        "Form has one level",
        "[{where}] Biểu mẫu chỉ có một cấp ({levels}); danh sách đơn vị của một tỉnh cần hai cấp: cấp của Ủy ban tỉnh (dòng đầu của levels.csv) và cấp xã, phường, đặc khu (dòng cuối). Hãy thêm cấp vào levels.csv hoặc chọn biểu mẫu khác bằng --form.",
    )
    UNITS_010 = (
        "Province merged in 2025",
        "[{where}] Tỉnh {query} đã hợp nhất vào {province} theo Nghị quyết 202/2025/QH15 ngày 12/6/2025 (34 tỉnh, thành phố từ 1/7/2025), nên lập danh sách đơn vị của {province}. Nếu cần danh sách khác, hãy ghi tên tỉnh, thành phố sau sắp xếp (xem bằng lệnh: tonghop units --list).",
        Kind.TEXT,
    )
    UNITS_011 = (
        "Province renamed",
        "[{where}] {query} nay là {province}, nên lập danh sách đơn vị của {province}. Không cần làm gì nếu đúng là tỉnh, thành phố này.",
        Kind.TEXT,
    )
    UNITS_012 = (
        "Province by another name",
        "[{where}] '{query}' được hiểu là {province}. Nếu không đúng, hãy ghi tên đầy đủ của tỉnh, thành phố (xem bằng lệnh: tonghop units --list).",
        Kind.TEXT,
    )

    # The command line's own frame: usage errors, paths, the appendix date (printed by the CLI).
    CLI_001 = ("No such option", "Lệnh không có tùy chọn '{option}'{suggestion}.")
    CLI_002 = ("Option needs a value", "Tùy chọn '{option}' cần một giá trị ({metavar}) ghi ngay sau nó.")
    CLI_003 = ("Option takes no value", "Tùy chọn '{option}' không nhận giá trị; chỉ ghi {option}.")
    CLI_004 = ("Missing argument", "Thiếu {name}. Hãy ghi {name} sau tên lệnh, như dòng “Cách dùng” ở trên.")
    CLI_005 = ("Bad value", "Giá trị cho {name} không hợp lệ: {reason}")
    CLI_006 = ("No such command", "Không có lệnh '{command}'. Các lệnh: {commands}.")
    CLI_007 = ("Extra arguments", "Thừa {extra}: lệnh này không nhận thêm đối số.")
    CLI_008 = ("Other usage error", "Lệnh chưa đúng cú pháp ({reason}).")
    CLI_009 = ("Help hint", "Xem hướng dẫn: {command} --help")
    CLI_010 = (
        "Path not found",
        "không tìm thấy {kind} '{path}'. Hãy kiểm tra lại tên và đường dẫn (tên có dấu cách thì đặt trong ngoặc kép).",
    )
    CLI_011 = ("Folder given for a file", "'{path}' là một thư mục, không phải tệp. Hãy chỉ một tệp.")
    CLI_012 = ("File given for a folder", "'{path}' là một tệp, không phải thư mục. Hãy chỉ một thư mục.")
    CLI_013 = ("Path unusable", "không dùng được '{path}' (không có quyền đọc hoặc ghi). Hãy kiểm tra quyền truy cập.")
    CLI_014 = ("Number out of range", "cần {what} {range}, không phải '{value}'.")
    CLI_015 = ("Nothing to check", "Thư mục '{where}' không có tệp báo cáo nào. Hãy chỉ đúng thư mục hoặc tệp cần kiểm tra.", Kind.ERROR)
    CLI_016 = ("Date given", "Ngày của văn bản: {day} (theo --date).")
    CLI_017 = ("Date today", "Ngày của văn bản: {day} (hôm nay). Ghi --date DD/MM/YYYY để chọn ngày khác.")
    CLI_018 = (
        "Date of the deadline",
        "Ngày của văn bản: {day}, là hạn nộp báo cáo, vì hôm nay ({today}) đã quá hạn hơn {days} ngày. Ghi --date DD/MM/YYYY để chọn ngày khác.",
    )
    CLI_019 = (
        "Date of the period's end",
        "Ngày của văn bản: {day}, là ngày cuối {period}, vì hôm nay ({today}) đã sau kỳ báo cáo hơn {days} ngày. Ghi --date DD/MM/YYYY để chọn ngày khác.",
    )
    CLI_030 = (
        "Served on the network",
        "[{where}] Chú ý: trang web nghe trên mạng, nên đường dẫn của các đơn vị, mã đăng nhập và tệp báo cáo đi qua mạng không được mã hóa. "
        "Hãy đặt trang sau HTTPS (một máy chủ web có chứng chỉ, như Caddy hay nginx) trước khi gửi đường dẫn cho các đơn vị.",
    )

    CLI_040 = (
        "units: nothing asked",
        'Hãy ghi --province và tên tỉnh, thành phố (ví dụ --province "Lai Châu"), hoặc --list để xem các tỉnh, thành phố.',
    )
    CLI_041 = ("demo: unknown example", "Không có ví dụ '{example}'. Các ví dụ: {examples}.")
    CLI_050 = (
        "Bad base URL",
        "Địa chỉ trang web '{url}' không dùng được. Hãy ghi đầy đủ địa chỉ mà các đơn vị mở, bắt đầu bằng https:// (hoặc http://), ví dụ --base-url https://baocao.example.vn, không kèm dấu ? hay #.",
        Kind.ERROR,
    )
    CLI_051 = (
        "Links point at this machine",
        "[{where}] Chú ý: chưa có --base-url nên đường dẫn nộp báo cáo và mã QR của các đơn vị trỏ tới {url}, chỉ mở được trên chính máy này. "
        "Hãy chạy lại với địa chỉ mà các đơn vị mở được, ví dụ --base-url https://baocao.example.vn (địa chỉ được ghi nhớ cho các lần sau).",
    )
    CLI_052 = (
        "Base URL kept",
        "Đã ghi nhớ địa chỉ trang web {url}: đường dẫn nộp báo cáo, mã QR và lệnh 'tonghop round links' dùng địa chỉ này.",
    )
    CLI_053 = (
        "New login token",
        "Đã tạo mã đăng nhập mới: đường dẫn đăng nhập cũ và các phiên đăng nhập trước không còn dùng được.",
    )
    CLI_054 = (
        "Login token kept in a file",
        "Trang quản lý: {url} (đăng nhập: thêm ?token=<mã> vào cuối địa chỉ, mã nằm trong {where}, giữ kín).",
    )
    CLI_055 = (
        "Port not opened",
        "[{where}] Không mở được cổng để nghe: {reason}. Có thể một chương trình khác (hoặc 'tonghop serve' đang chạy) đã dùng cổng này; hãy dừng chương trình đó hoặc chọn cổng khác bằng --port.",
        Kind.ERROR,
    )
    CLI_056 = (
        "New token asked, token set in the environment",
        "Mã đăng nhập đang lấy từ biến môi trường TONGHOP_ADMIN_TOKEN nên --new-token không thay được mã này. Hãy đổi giá trị của biến rồi chạy lại.",
    )

    CLI_057 = ("Accounts' login page", "Văn phòng các ủy ban đăng nhập bằng tài khoản của mình tại: {url}")

    CLI_060 = (
        "forward: units missing",
        "Số liệu gửi lên chỉ gồm {count}/{expected} đơn vị; chưa có báo cáo dùng được của {missing} đơn vị: {names}. Danh sách ở tệp {report}.",
    )
    CLI_061 = (
        "forward: values rejected",
        "{count} giá trị bị loại khi tổng hợp, không được cộng vào số liệu gửi lên: {cells}. Danh sách ở tệp {report}.",
    )

    ACCOUNT_001 = (
        "Committee's parent unknown",
        "Ủy ban mã '{code}' có cấp trên mã '{parent}', nhưng không có ủy ban nào mang mã này trong danh sách hay trên máy chủ. "
        "Hãy thêm ủy ban cấp trên vào danh sách (hoặc sửa cột parent) rồi chạy lại.",
    )
    ACCOUNT_002 = ("Login taken", "Tên đăng nhập '{login}' đã có người dùng. Hãy chọn tên đăng nhập khác.", 409)
    ACCOUNT_003 = (
        "Unknown committee",
        "Không có ủy ban nào mã '{code}' trên máy chủ này. Hãy kiểm tra lại mã ('tonghop admin init' tạo các ủy ban).",
        404,
    )
    ACCOUNT_004 = (
        "Password too short",
        "Mật khẩu phải có ít nhất {min} ký tự (mật khẩu vừa nhập có {length}). Hãy chọn mật khẩu dài hơn, ví dụ một câu ngắn dễ nhớ.",
    )
    ACCOUNT_005 = ("Password is the login", "Mật khẩu không được trùng với tên đăng nhập. Hãy chọn mật khẩu khác.")
    ACCOUNT_006 = ("Password one character", "Mật khẩu không được chỉ gồm một ký tự lặp lại. Hãy chọn mật khẩu khác.")
    ACCOUNT_007 = ("Password too long", "Mật khẩu dài quá {max} ký tự. Hãy chọn mật khẩu ngắn hơn.")
    ACCOUNT_008 = (
        "Login not usable",
        "Tên đăng nhập '{login}' không dùng được: chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - @, dài từ 3 đến 64 ký tự, "
        "bắt đầu bằng chữ cái hoặc chữ số. Ví dụ: nguyen.van.an",
    )
    ACCOUNT_010 = (
        "Set-password link unknown",
        "Đường dẫn đặt mật khẩu này không đúng. Hãy mở đúng đường dẫn trong tin nhắn được gửi (chép đủ cả dòng), "
        "hoặc xin văn phòng đã mời gửi đường dẫn mới.",
        404,
    )
    ACCOUNT_011 = (
        "Set-password link used",
        "Đường dẫn đặt mật khẩu này đã được dùng, hoặc đã được thay bằng một đường dẫn mới hơn: mỗi đường dẫn chỉ dùng được một lần. "
        "Hãy đăng nhập bằng mật khẩu đã đặt, hoặc xin văn phòng gửi đường dẫn mới nếu quên mật khẩu.",
        409,
    )
    ACCOUNT_012 = (
        "Set-password link expired",
        "Đường dẫn đặt mật khẩu này đã hết hạn (chỉ dùng được trong {hours} giờ kể từ khi gửi). Hãy xin văn phòng đã mời gửi đường dẫn mới.",
    )
    ACCOUNT_013 = (
        "Invitation outside the scope",
        "Không mời được người dùng cho ủy ban mã '{code}': tài khoản của bạn chỉ mời được đồng nghiệp của ủy ban mình "
        "và văn phòng của các ủy ban cấp dưới. Hãy kiểm tra lại mã ủy ban và vai trò.",
        404,
    )
    ACCOUNT_014 = (
        "Account outside the scope",
        "Không gửi được đường dẫn đặt mật khẩu cho tài khoản '{login}': tài khoản này không thuộc ủy ban của bạn hay các ủy ban cấp dưới.",
        404,
    )
    ACCOUNT_015 = (
        "Wrong login or password",
        "Tên đăng nhập hoặc mật khẩu không đúng. Hãy nhập lại (chú ý phím Caps Lock và bộ gõ tiếng Việt).",
    )
    ACCOUNT_016 = (
        "Login locked",
        "Đã nhập sai mật khẩu quá nhiều lần nên tạm khóa đăng nhập. Hãy đợi {minutes} phút rồi thử lại.",
        409,
    )
    ACCOUNT_017 = (
        "Unknown account",
        "Không có tài khoản nào tên đăng nhập '{login}'. Hãy xem danh sách bằng 'tonghop admin user list'.",
        404,
    )
    ACCOUNT_018 = (
        "No base URL for the link",
        "[{where}] Chưa có địa chỉ trang web nên chưa tạo được đường dẫn đặt mật khẩu. "
        "Hãy thêm --base-url https://… (địa chỉ mà người dùng mở được; được ghi nhớ cho các lần sau).",
    )
    ACCOUNT_019 = (
        "Init: one source",
        'Hãy chọn đúng một nguồn danh sách ủy ban: --province "Tên tỉnh", --units TỆP hoặc --country.',
    )

    ACCOUNT_030 = (
        "Committees initialised",
        "Đã thêm {added} ủy ban ({kept} ủy ban đã có từ trước, không thêm lại); máy chủ nay có {total} ủy ban. Dữ liệu ở {where}.",
        Kind.TEXT,
    )
    ACCOUNT_031 = (
        "Account created",
        "Đã tạo tài khoản '{login}' ({role}) của {committee}. Gửi đường dẫn dưới đây cho người dùng để đặt mật khẩu "
        "(chỉ dùng được một lần, hết hạn sau {hours} giờ, không được in lại):",
        Kind.TEXT,
    )
    ACCOUNT_032 = (
        "Reset link",
        "Đường dẫn đặt mật khẩu mới cho tài khoản '{login}' (chỉ dùng được một lần, hết hạn sau {hours} giờ; "
        "các đường dẫn gửi trước không còn dùng được, mật khẩu cũ vẫn dùng được đến khi đặt mật khẩu mới):",
        Kind.TEXT,
    )
    ACCOUNT_033 = ("No accounts", "Chưa có tài khoản nào. Hãy tạo tài khoản bằng 'tonghop admin user add'.", Kind.TEXT)
    ACCOUNT_034 = ("Account list header", "Tên đăng nhập | Họ tên | Ủy ban | Vai trò | Tình trạng", Kind.TEXT)

    ACCOUNT_040 = ("Role: office", "văn phòng", Kind.TEXT)
    ACCOUNT_041 = ("Role: viewer", "chỉ xem", Kind.TEXT)
    ACCOUNT_042 = ("State: no password yet", "chưa đặt mật khẩu", Kind.TEXT)
    ACCOUNT_043 = ("State: active", "đang dùng", Kind.TEXT)
    ACCOUNT_044 = ("State: disabled", "đã khóa", Kind.TEXT)

    # Backups of the store (``tonghop admin backup | restore``, issue 23).
    ACCOUNT_130 = (
        "Backup written",
        "Đã sao lưu kho dữ liệu vào {where}: {rounds} đợt thu báo cáo, {submissions} bản nộp, {blobs} tệp đã lưu.",
        Kind.TEXT,
    )
    ACCOUNT_131 = (
        "Backup restored",
        "Đã khôi phục kho dữ liệu từ {where}: {rounds} đợt thu báo cáo, {submissions} bản nộp, {blobs} tệp đã lưu (mọi tệp khớp mã băm).",
        Kind.TEXT,
    )
    ACCOUNT_132 = (
        "PostgreSQL tools missing",
        "Không tìm thấy công cụ {tool} của PostgreSQL để sao lưu, khôi phục cơ sở dữ liệu. "
        "Hãy cài gói postgresql-client (Debian, Ubuntu: sudo apt-get install postgresql-client) rồi chạy lại lệnh.",
    )
    ACCOUNT_133 = (
        "Restore target not empty",
        "[{where}] Nơi khôi phục đã có dữ liệu, nên chưa khôi phục gì để không ghi đè. Hãy khôi phục vào một thư mục dữ liệu "
        "(hoặc cơ sở dữ liệu) trống, hoặc chạy lại lệnh với --force nếu chắc chắn muốn thay dữ liệu đang có bằng bản sao lưu.",
    )
    ACCOUNT_134 = (
        "Not a backup",
        "[{where}] Tệp này không phải bản sao lưu của tonghop, hoặc đã hỏng ({reason}). Hãy chọn đúng tệp do 'tonghop admin backup' tạo.",
    )
    ACCOUNT_135 = (
        "Backup of another kind of store",
        "[{where}] Bản sao lưu này là của kho {kind}, không khôi phục được vào kho {target}. "
        "Hãy khôi phục kho SQLite khi không có --db, và kho PostgreSQL với --db postgresql://….",
    )
    ACCOUNT_136 = ("PostgreSQL tool failed", "Lệnh {tool} của PostgreSQL không chạy xong: {reason}. Chưa có gì thay đổi ở nơi khôi phục.")
    ACCOUNT_137 = (
        "Restored file does not match",
        "[{where}] Tệp đã lưu sha256 {sha256} trong bản sao lưu bị thiếu hoặc không khớp mã băm. Bản sao lưu đã hỏng; hãy dùng một bản khác.",
    )
    ACCOUNT_138 = (
        "Restored store does not match",
        "[{where}] Kho khôi phục có {found} dòng '{table}' thay vì {expected} như bản sao lưu ghi. Hãy dùng một bản sao lưu khác.",
    )
    ACCOUNT_139 = (
        "No store to back up",
        "[{where}] Thư mục này không có kho dữ liệu của tonghop nên không có gì để sao lưu. Hãy kiểm tra lại --data (và --db nếu dùng PostgreSQL).",
    )

    def render(self, **fields: object) -> str:
        """Fill the template; missing or empty fields render as ``unknown``."""
        return _FORMATTER.format(self.value.template, **fields)

    @property
    def title(self) -> str:
        return self.value.title

    @property
    def template(self) -> str:
        return self.value.template

    @property
    def slug(self) -> str:
        """The finding type this entry raises (``not-a-number``); ``""`` for an exception's message."""
        return self.value.slug

    @property
    def label(self) -> str:
        """The finding type in Vietnamese (``Không phải số``); ``""`` for an exception's message."""
        return self.value.label

    @property
    def group(self) -> str:
        """The prefix of the entry's name (``STORE`` for ``STORE_001``)."""
        return self.name.rsplit("_", 1)[0]

    @property
    def number(self) -> int:
        return int(self.name.rsplit("_", 1)[1])

    @property
    def kind(self) -> Kind:
        """A finding type (it has a slug), an error, or a text: as the entry says, else as its group."""
        if self.value.slug:
            return Kind.FINDING
        return self.value.kind or GROUP_KINDS.get(self.group, Kind.ERROR)

    @property
    def status(self) -> int:
        """The HTTP status a page answers this error with (400 unless the entry says otherwise)."""
        return self.value.status or DEFAULT_STATUS

    @classmethod
    def findings(cls) -> list[Msg]:
        """The entries raised as findings, in catalogue order."""
        return [msg for msg in cls if msg.slug]


def finding_label(slug: str) -> str:
    """The Vietnamese label of the finding type ``slug``; ``""`` when no entry raises it
    (a form's rule id such as ``R04`` is not a finding type)."""
    msg = _BY_SLUG.get(slug)
    return msg.label if msg else ""


_BY_SLUG = {msg.slug: msg for msg in Msg.findings()}
