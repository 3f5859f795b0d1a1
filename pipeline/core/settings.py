"""Defaults and limits. Change them here, not in the stages."""

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

# A change against the prior period beyond this factor is a warning.
OUTLIER_FACTOR = 3.0

# Limits on zip-based files (xlsx, ods): a larger archive is refused whole.
LIMIT_ZIP_ENTRIES = 500
LIMIT_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
