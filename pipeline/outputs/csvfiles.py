"""The CSV outputs of a consolidation: totals, values, findings, relations, submissions, files,
and the totals per parent when the unit list has a ``parent`` column."""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.consolidate.result import ConsolidationResult
from pipeline.core.atomic import atomic_path
from pipeline.core.constants import (
    FILES_CSV,
    FINDINGS_COLUMNS,
    FINDINGS_CSV,
    RELATIONS_CSV,
    RUN_JSON,
    TOTALS_COLUMNS,
    TOTALS_CSV,
    VALUES_COLUMNS,
    VALUES_CSV,
)
from pipeline.core.text import clean_text
from pipeline.core.vnformat import vietnam_now

SUBMISSIONS_CSV = "submissions.csv"
COMPARISON_CSV = "comparison.csv"
PARENT_TOTALS_CSV = "parent_totals.csv"
UNIT_COMPARISON_CSV = "unit_comparison.csv"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
_EXACT = 2**53  # below this, every whole number is exact as a float and a 64-bit integer


def numbers_text(column: pd.Series) -> pd.Series:
    """Numbers as plain text: whole numbers without '.0', exactly at any size; blanks empty;
    other text as ``safe_text``."""
    values = pd.to_numeric(column, errors="coerce")
    out = safe_text(column)
    if values.dtype == object or values.abs().max() >= _EXACT:  # a number beyond 2^53, or past 64 bits
        numeric = values.notna()
        out[numeric] = column[numeric].map(_number_text).astype(str)
        return out
    whole = values.notna() & (values == values.round())
    out[whole] = values[whole].round().astype("int64").astype(str)
    other = values.notna() & ~whole
    out[other] = values[other].astype(str)
    return out


def _number_text(value: object) -> str:
    """One value of ``numbers_text``, exactly (Python integers have no size limit)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    number = pd.to_numeric(value, errors="coerce") if isinstance(value, str) else value
    if isinstance(value, bool) or not isinstance(number, numbers.Real) or pd.isna(number):
        return str(value)
    if math.isfinite(number) and float(number).is_integer():
        return str(int(number))
    return str(float(number))


def _guarded(out: pd.Series) -> pd.Series:
    """Which texts get (or, read back behind one more apostrophe, had) the apostrophe: a text a
    spreadsheet would take for a formula once its leading apostrophes are gone, numbers such as
    -5 excepted. Guarding texts that start with apostrophes too makes reading back exact."""
    risky = out.str[:1].isin((*_FORMULA_START, _GUARD))
    if risky.any():
        bare = out[risky].str.lstrip(_GUARD)
        risky[risky] = bare.str[:1].isin(_FORMULA_START) & pd.to_numeric(bare, errors="coerce").isna()
    return risky


_CONTROLS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL_CHAR = re.compile(_CONTROLS)
# A line starting as a formula would, or with the guard: where ``_guarded`` has to look.
_RISKY_START = re.compile("^[" + re.escape("".join((*_FORMULA_START, _GUARD))) + "]", re.MULTILINE)


def safe_text(column: pd.Series) -> pd.Series:
    """Text a spreadsheet would take for a formula gets a leading apostrophe (numbers such as -5
    excepted); ``read_frame`` takes it off again. Control characters are written as the workbook
    writes them (``clean_text``: Word's breaks as line breaks, others as ``�``). A line break written with a carriage return
    (CR LF from Windows, a lone CR) becomes a plain LF: the CSV writer quotes a field holding an
    LF but not one holding a lone CR, which every reader takes for the end of a row."""
    out = column.astype(object).where(column.notna(), "").astype(str)
    joined = "\n".join(out.tolist())  # one scan of the whole column: most columns need none of the steps
    if _CONTROL_CHAR.search(joined):  # a NUL or another control typed in a cell: a CSV holding one is no text file to Excel
        controls = out.str.contains(_CONTROLS, regex=True)
        out[controls] = out[controls].map(clean_text)
        joined = "\n".join(out.tolist())
    if "\r" in joined:
        breaks = out.str.contains("\r", regex=False)
        out[breaks] = out[breaks].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
        joined = "\n".join(out.tolist())
    if _RISKY_START.search(joined):  # a line of ``joined`` starts so: some cell may (a pre-filter, ``_guarded`` decides)
        risky = _guarded(out)
        if risky.any():
            out[risky] = _GUARD + out[risky]
    return out


def unguard_text(column: pd.Series) -> pd.Series:
    """The text ``safe_text`` was given: the apostrophe that guards the CSVs belongs to them alone."""
    marked = column.str.startswith(_GUARD)
    if marked.any():
        marked[marked] = _guarded(column[marked].str[1:])
        column = column.copy()
        column[marked] = column[marked].str[1:]
    return column


def write_frame(frame: pd.DataFrame, path: Path, numeric: tuple[str, ...] = ()) -> Path:
    """Write ``frame`` as UTF-8 CSV atomically; ``numeric`` columns as plain numbers.

    The file is what ``DataFrame.to_csv`` writes (the ``csv`` module's minimal quoting, ``\\n``),
    made column by column: each distinct value is converted and quoted once (a unit's code and
    file repeat on every one of its rows, a rule's text on every unit's), then the rows are
    joined, a block at a time. The CSVs of 10,000 returns: 2.8 s through pandas, 0.8 s so, with
    no more memory. A frame of one column goes through pandas (a row of one empty field is
    written quoted)."""
    columns = {column: _distinct_texts(frame[column], numbers_text if column in numeric else safe_text) for column in frame.columns}
    with atomic_path(path) as tmp:
        if len(columns) < 2:
            texts = {column: np.asarray(t, dtype=object)[codes] for column, (codes, t) in columns.items()}
            pd.DataFrame(texts, columns=frame.columns).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
            return path
        fields = [(codes, np.asarray(_quoted(texts), dtype=object)) for codes, texts in columns.values()]
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(frame.columns)
            for start in range(0, len(frame), _ROWS_PER_WRITE):  # a block of rows at a time: little memory
                rows = zip(*(quoted[codes[start : start + _ROWS_PER_WRITE]].tolist() for codes, quoted in fields), strict=True)
                handle.write("".join(",".join(row) + "\n" for row in rows))
    return path


_ROWS_PER_WRITE = 20_000


def _distinct_texts(column: pd.Series, convert) -> tuple[np.ndarray, list[str]]:
    """``convert(column)`` as each row's index into a list of distinct texts (index -1: the last,
    a blank's). Each distinct value is converted once where that gives the same texts: numbers,
    or text only (``1``, ``1.0`` and ``True`` are one key to pandas but three texts: other
    columns are converted whole, then their texts made distinct)."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        codes, uniques = pd.factorize(column)
        texts = convert(pd.Series(uniques, dtype=column.dtype)).tolist()
    elif pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(column)
        texts = convert(pd.Series(uniques, dtype=object)).tolist()
    else:
        codes, uniques = pd.factorize(convert(column).astype(object))
        texts = list(uniques)
    small = codes.astype(np.int32) if len(texts) < 2**31 - 1 else codes  # kept until written: half the memory
    return small, [*texts, convert(pd.Series([None], dtype=object)).iloc[0]]


def _quoted(texts: list[str]) -> list[str]:
    """Each text as the ``csv`` module writes it as a field of a row of several (minimal quoting)."""
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\n")
    out = []
    for text in texts:
        line.seek(0)
        line.truncate()
        writer.writerow((text, ""))
        out.append(line.getvalue()[:-2])  # the field, without the ",\n" of the empty field after it
    return out


def read_frame(path: Path) -> pd.DataFrame:
    """A CSV ``write_frame`` wrote, as text exactly as it was given: codes keep their leading
    zeros, blanks are ``""``, guarding apostrophes are taken off."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.apply(unguard_text) if len(frame) else frame


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def write_csvs(result: ConsolidationResult, out_dir: str | Path) -> list[Path]:
    """Write every CSV of ``result`` into ``out_dir``."""
    out_dir = Path(out_dir)
    written = [
        write_frame(result.totals[TOTALS_COLUMNS], out_dir / TOTALS_CSV, numeric=("value",)),
        write_frame(result.values[VALUES_COLUMNS], out_dir / VALUES_CSV, numeric=("value",)),
        write_frame(result.findings.to_findings()[FINDINGS_COLUMNS], out_dir / FINDINGS_CSV),
        write_frame(result.relations, out_dir / RELATIONS_CSV, numeric=("lhs", "rhs", "difference")),
        write_frame(result.submissions, out_dir / SUBMISSIONS_CSV),
        write_frame(result.files, out_dir / FILES_CSV),
    ]
    if result.comparison is not None:
        written.append(write_frame(result.comparison, out_dir / COMPARISON_CSV, numeric=("value", "prior", "change", "ratio")))
    if result.unit_comparison is not None:
        path = out_dir / UNIT_COMPARISON_CSV
        written.append(write_frame(result.unit_comparison, path, numeric=("value", "prior", "change", "ratio")))
    if result.parents is not None:
        written.append(
            write_frame(result.parents.frame(), out_dir / PARENT_TOTALS_CSV, numeric=("value", "units_received", "units_listed"))
        )
    run = {
        "form_id": result.form.id, "form_version": result.form.version, "form": str(result.form.source),
        "period": result.period, "deadline": _iso(result.deadline), "fix_by": _iso(result.fix_by),
        "consolidated_on": _iso(result.consolidated_on), "source": result.source, "generated_at": vietnam_now().isoformat(timespec="seconds"),
        "units": [{"code": u.code, "name": u.name, "level": u.level} for u in result.units],
        "summary": result.findings.to_summary(),
        "prior_period": result.prior.period if result.prior else None,
        "comparison": COMPARISON_CSV if result.comparison is not None else None,
    }  # fmt: skip
    with atomic_path(out_dir / RUN_JSON) as tmp:
        # A folder named in bytes that are not UTF-8 is held with surrogate escapes: written as
        # JSON's own escapes (\udce1), its path reads back exactly.
        tmp.write_text(json.dumps(run, ensure_ascii=False, indent=2), encoding="utf-8", errors="backslashreplace")
    written.append(out_dir / RUN_JSON)
    return written
