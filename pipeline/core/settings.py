"""Defaults and limits. Change them here, not in the stages."""

from datetime import timedelta, timezone
from pathlib import Path

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

# A change against the prior period beyond this factor is a warning.
OUTLIER_FACTOR = 3.0

# Limits on zip-based files (xlsx, ods): a larger archive is refused whole.
LIMIT_ZIP_ENTRIES = 500
LIMIT_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
