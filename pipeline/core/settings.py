"""Defaults and limits. Change them here, not in the stages."""

from datetime import timedelta, timezone
from pathlib import Path

from pipeline.core.constants import TYPE_COUNT, TYPE_DECIMAL, TYPE_MONEY

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFINITIONS_DIR = PACKAGE_DIR / "definitions"
SAMPLE_DIR = PACKAGE_DIR / "sample"
DEFAULT_UNITS = DEFINITIONS_DIR / "units.csv"

TEMPLATES_DIR = Path("input_templates")
OUTPUT_DIR = Path("output")

# File findings of one type (not-a-workbook, lock-file, ...) listed one by one up to this many;
# beyond, one summary finding says how many (the full list is in files.csv). Nothing is dropped.
LIMIT_FILE_FINDINGS = 20

# Limits on what is read from one file.
LIMIT_FILE_BYTES = 20 * 1024 * 1024
LIMIT_ROWS = 10_000
LIMIT_COLUMNS = 200

# A saved time written without a time zone (LibreOffice's, some XML 2003 exports) is the local
# time of the computer that saved it: Vietnam's (UTC+7, no daylight saving).
SAVED_TIME_ZONE = timezone(timedelta(hours=7))
# A saved time later than the moment of consolidation by more than this is not trusted for
# choosing a unit's newest return (a wrong clock, an edited file): the file's own time stands in.
SAVED_TIME_SLACK = timedelta(days=1)

# Days a unit is given to send a corrected return, counted from the consolidation's date or
# from the round's deadline when that is later (``consolidate --fix-days``).
FIX_DAYS = 5

# A change against the prior period beyond this factor is a warning.
OUTLIER_FACTOR = 3.0

# Limits on zip-based files (xlsx, ods): a larger archive is refused whole.
LIMIT_ZIP_ENTRIES = 500
LIMIT_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# A file inside a zip of returns (see ``ingest/archive.py``) is bound like any file, and the zip
# like an xlsx; a member over 1 MB packed more than this many times smaller is a zip bomb.
LIMIT_ZIP_RATIO = 100
LIMIT_ZIP_RATIO_FROM = 1024 * 1024

# The largest figure a return may hold, by indicator type, unless the form's ``max`` column
# says otherwise; the templates' data validation and the checks of returns both use these.
DEFAULT_MAXIMUM = {TYPE_COUNT: 10**9, TYPE_MONEY: 10**15, TYPE_DECIMAL: 10**12}
# No bound of the form, figure of a rule or default above may be larger: Excel keeps 15
# significant digits, so a larger whole number typed in a cell is not kept exactly.
LIMIT_FIGURE = 10**15

# A rule's live check in the template is an Excel formula, at most 8,192 characters long.
LIMIT_RULE_TERMS = 100
# A unit's name is a line of a heading and part of its template's file name.
LIMIT_NAME_CHARS = 200
# The office's note when it returns a report for correction (shown on the unit's page).
LIMIT_NOTE_CHARS = 2000
# A figure typed on the web form (a number, or a text indicator's few words).
LIMIT_TYPED_CHARS = 200
