"""Defaults and limits. Change them here, not in the stages."""

from pathlib import Path

from pipeline.core.constants import TYPE_COUNT, TYPE_DECIMAL, TYPE_MONEY

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFINITIONS_DIR = PACKAGE_DIR / "definitions"
SAMPLE_DIR = PACKAGE_DIR / "sample"
DEFAULT_UNITS = DEFINITIONS_DIR / "units.csv"

TEMPLATES_DIR = Path("input_templates")
OUTPUT_DIR = Path("output")

# Stop collecting findings after this many (a summary finding says so).
LIMIT_PROBLEMS = 1000

# Limits on what is read from one file.
LIMIT_FILE_BYTES = 20 * 1024 * 1024
LIMIT_ROWS = 10_000
LIMIT_COLUMNS = 200

# A change against the prior period beyond this factor is a warning.
OUTLIER_FACTOR = 3.0

# Limits on zip-based files (xlsx, ods): a larger archive is refused whole.
LIMIT_ZIP_ENTRIES = 500
LIMIT_UNCOMPRESSED_BYTES = 100 * 1024 * 1024

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
