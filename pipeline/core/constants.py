"""Names shared by every stage: sheets, headers, levels, metadata keys, and the codes the
pipeline writes (severities, statuses, scopes) with the Vietnamese words users read."""

from __future__ import annotations

from enum import Enum

# Levels.
LEVEL_ALL = "all"

# Indicator types.
TYPE_COUNT = "count"
TYPE_MONEY = "money"
TYPE_DECIMAL = "decimal"
TYPE_TEXT = "text"
TYPES = (TYPE_COUNT, TYPE_MONEY, TYPE_DECIMAL, TYPE_TEXT)
WHOLE_TYPES = (TYPE_COUNT, TYPE_MONEY)
NUMERIC_TYPES = (TYPE_COUNT, TYPE_MONEY, TYPE_DECIMAL)


class _Labelled(str, Enum):
    """A code that equals its plain string (so CSV, JSON and comparisons see ``"error"``) and
    that users read by its Vietnamese label."""

    def __new__(cls, value: str, label: str) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """The Vietnamese word, as a table cell or a heading shows it: ``Cảnh báo``."""
        return self._label

    @property
    def in_sentence(self) -> str:
        """The Vietnamese word inside a sentence: ``cảnh báo``."""
        return self._label[:1].lower() + self._label[1:]


class Severity(_Labelled):
    """How grave a finding (or a failed rule) is, in decreasing order of gravity."""

    ERROR = "error", "Lỗi"
    WARNING = "warning", "Cảnh báo"
    INFO = "info", "Thông tin"

    @property
    def rank(self) -> int:
        """0 for the gravest: sorting by rank puts errors first."""
        return list(Severity).index(self)


class RuleStatus(_Labelled):
    """The outcome of evaluating a rule (the ``status`` column of relations.csv)."""

    OK = "ok", "Đạt"
    FAILED = "failed", "Không đạt"
    SKIPPED = "skipped", "Bỏ qua"
    NOT_EVALUATED = "not_evaluated", "Không kiểm tra được"  # an operand's cell was rejected (a value that is not a number)


class RuleScope(_Labelled):
    """Where a rule is evaluated (the ``scope`` column of relations.csv): on each unit's
    return, on a level's total, or across levels (also the ``levels`` scope of rules.csv)."""

    RETURN = "return", "Báo cáo đơn vị"
    LEVEL = "level", "Tổng cấp"
    LEVELS = "levels", "So sánh các cấp"


class SubmissionStatus(_Labelled):
    """Whether a unit of the list sent a usable return (submissions.csv)."""

    RECEIVED = "received", "Đã nộp"
    MISSING = "missing", "Chưa nộp"


class Timeliness(_Labelled):
    """Whether a unit's return came by the round's deadline (submissions.csv ``timeliness``)."""

    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Nộp muộn"
    MISSING = "missing", "Chưa nộp"
    NO_DEADLINE = "no_deadline", "Đã nộp"  # received; the round has no deadline to judge it by

    def describe(self, days_late: int | str = "") -> str:
        """The label with the days for a late return: ``Nộp muộn 3 ngày``."""
        return f"{self.label} {days_late} ngày" if self is Timeliness.LATE and str(days_late) else self.label


class RoundStatus(_Labelled):
    """Where a unit stands in a collection round (``pipeline.rounds``), as the status board shows it."""

    MISSING = "missing", "Chưa nộp"
    ON_TIME = "on_time", "Đã nộp đúng hạn"
    LATE = "late", "Nộp muộn"
    ERRORS = "errors", "Có lỗi"
    RETURNED = "returned", "Cần sửa"
    APPROVED = "approved", "Đã duyệt"


class Sender(_Labelled):
    """Who sent a file to a round (a submission's ``sender``, the actor of its audit line): a unit
    through its link, or the office, filing what came by Zalo or email."""

    UNIT = "unit", "Đơn vị (qua đường dẫn)"
    OFFICE = "office", "Văn phòng"

    @property
    def sent(self) -> str:
        """How the file came, inside a sentence: ``đơn vị gửi qua đường dẫn``, ``văn phòng nhận``."""
        return "đơn vị gửi qua đường dẫn" if self is Sender.UNIT else "văn phòng nhận"


class Channel(_Labelled):
    """How a submission came (its ``channel``): a file uploaded (through a unit's link or dropped
    by the office), figures typed on the web form (by the unit, or by the office for it: its
    ``source`` notes where they came from), or a lower round's consolidation forwarded up."""

    UPLOAD = "upload", "tải tệp lên"
    FORM = "form", "nhập trên trang web"
    FORWARD = "forward", "chuyển từ đợt tổng hợp cấp dưới"


class ReviewState(_Labelled):
    """The office's latest review of a file sent to a round. The store keeps the office's
    ``action`` (``approve``, ``return``: what the review form posts and the audit log names,
    ``verb`` on the page); a file never reviewed has no state (``None``)."""

    APPROVED = "approved", "Đã duyệt", "approve", "Duyệt"
    RETURNED = "returned", "Đã trả lại để sửa", "return", "Trả lại để sửa"

    def __new__(cls, value: str, label: str, action: str, verb: str) -> ReviewState:
        member = str.__new__(cls, value)
        member._value_, member._label, member.action, member.verb = value, label, action, verb
        return member

    @classmethod
    def of_action(cls, action: str) -> ReviewState | None:
        """The state the office's ``action`` puts a file in; ``None`` for anything else."""
        return next((state for state in cls if state.action == action), None)


class ReceivedFrom(_Labelled):
    """Which time a return's received time is (submissions.csv ``received_from``): the later of
    the saved time written inside the file and the file's own time (when the office got it)."""

    SAVED = "saved", "giờ lưu ghi trong tệp"
    FILE = "file", "giờ của tệp khi nhận"


class FileStatus(_Labelled):
    """What became of a file of the returns folder."""

    USED = "used", "Dùng"
    SUPERSEDED = "superseded", "Bản nộp khác, không dùng"  # older, or a copy of the same time
    REJECTED = "rejected", "Không dùng được"


# Template sheets and headers. Ingest finds columns by these header names.
DATA_SHEET = "Báo cáo"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_tonghop"
HEADER_STT = "STT"
HEADER_LABEL = "Nội dung"
HEADER_UNIT = "Đơn vị tính"
HEADER_CODE = "Mã"
HEADER_VALUE = "Số liệu"
HEADER_PRIOR = "Năm trước"
HEADER_NOTE = "Ghi chú"

# Metadata written into every template (hidden sheet and custom document properties).
META_PREFIX = "tonghop_"
META_FORM_ID = "form_id"
META_FORM_VERSION = "form_version"
META_FINGERPRINT = "form_fingerprint"
META_UNIT_CODE = "unit_code"
META_UNIT_NAME = "unit_name"
META_UNIT_LEVEL = "unit_level"
META_PERIOD = "period"
META_DEADLINE = "deadline"
META_DATA_SHEET = "data_sheet"  # the name the data sheet was given (a copy of it has another name)
META_KEYS = (
    META_FORM_ID,
    META_FORM_VERSION,
    META_FINGERPRINT,
    META_UNIT_CODE,
    META_UNIT_NAME,
    META_UNIT_LEVEL,
    META_PERIOD,
    META_DEADLINE,
    META_DATA_SHEET,
)
# A workbook-wide defined name on the data sheet: it follows the sheet when renamed, and a copy of
# the sheet gets only a sheet-scoped name (Excel, LibreOffice), so it tells the original apart.
DATA_DEFINED_NAME = "tonghop_data"
# What ``tonghop forward`` marks a filled upper template with: a custom property holding its note,
# and the note itself on the heading line ("Lập từ kết quả tổng hợp 8 đơn vị ngày … (tonghop)").
PROVENANCE_PROPERTY = META_PREFIX + "provenance"  # not a metadata key: the return's identity is the upper template's
FORWARD_REPORT_SUFFIX = "_ghi_chu.csv"  # the findings of a forward, beside the return written (``<return>_ghi_chu.csv``)
FORWARD_NOTE_START, FORWARD_NOTE_END = "Lập từ kết quả tổng hợp", "(tonghop)"

# Output file names.
TOTALS_CSV = "totals.csv"
VALUES_CSV = "values.csv"
FINDINGS_CSV = "findings.csv"
RELATIONS_CSV = "relations.csv"
FILES_CSV = "files.csv"
WORKBOOK_XLSX = "tong_hop.xlsx"
RUN_JSON = "run.json"  # what the run was: form, period, units, summary

TOTALS_COLUMNS = ["code", "level", "value"]
VALUES_COLUMNS = ["unit_code", "code", "value", "file", "sheet", "cell"]
FINDINGS_COLUMNS = ["severity", "rule", "level", "unit_code", "code", "file", "sheet", "cell", "message"]
