"""Names shared by every stage: sheets, headers, levels, metadata keys."""

# Levels and rule scopes.
LEVEL_ALL = "all"
SCOPE_LEVELS = "levels"

# Indicator types.
TYPE_COUNT = "count"
TYPE_MONEY = "money"
TYPE_DECIMAL = "decimal"
TYPE_TEXT = "text"
TYPES = (TYPE_COUNT, TYPE_MONEY, TYPE_DECIMAL, TYPE_TEXT)
WHOLE_TYPES = (TYPE_COUNT, TYPE_MONEY)
NUMERIC_TYPES = (TYPE_COUNT, TYPE_MONEY, TYPE_DECIMAL)

# Severities, in decreasing order of gravity.
ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# What a blank value counts as in a rule (DHIS2's missing value strategies).
BLANK_SKIP_ANY = "skip_any"  # skip the rule if any of its values is blank
BLANK_SKIP_ALL = "skip_all"  # skip the rule only if all of its values are blank
BLANK_NEVER = "never"  # never skip: blanks count as 0
BLANK_POLICIES = (BLANK_SKIP_ANY, BLANK_SKIP_ALL, BLANK_NEVER)

# Rule evaluation status.
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"

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
META_KEYS = (
    META_FORM_ID,
    META_FORM_VERSION,
    META_FINGERPRINT,
    META_UNIT_CODE,
    META_UNIT_NAME,
    META_UNIT_LEVEL,
    META_PERIOD,
    META_DEADLINE,
)

# Output file names.
TOTALS_CSV = "totals.csv"
VALUES_CSV = "values.csv"
FINDINGS_CSV = "findings.csv"
RELATIONS_CSV = "relations.csv"
WORKBOOK_XLSX = "tong_hop.xlsx"

TOTALS_COLUMNS = ["code", "level", "value"]
VALUES_COLUMNS = ["unit_code", "code", "value", "file", "sheet", "cell"]
FINDINGS_COLUMNS = ["severity", "rule", "level", "unit_code", "code", "file", "sheet", "cell", "message"]
