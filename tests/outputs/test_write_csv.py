"""CSV outputs: plain numbers, and text that a spreadsheet would run as a formula defused."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from pipeline.outputs.csvfiles import numbers_text, read_frame, safe_text, write_frame


def test_numbers_written_plainly():
    column = pd.Series([862796456, 1.5, None, 3.0, float("nan"), 10**15, "văn bản"], dtype=object)
    assert numbers_text(column).tolist() == ["862796456", "1.5", "", "3", "", "1000000000000000", "văn bản"]


def test_formula_like_text_gets_an_apostrophe():
    column = pd.Series(["=1+2.xlsx", "+84 912", "-5", "@SUM(A1)", "bình thường", None, "-", "\t=x"], dtype=object)
    assert safe_text(column).tolist() == ["'=1+2.xlsx", "'+84 912", "-5", "'@SUM(A1)", "bình thường", "", "'-", "'\t=x"]


def test_write_frame_round_trip(tmp_path):
    frame = pd.DataFrame({"file": ['=HYPERLINK("x")', "a.xlsx"], "value": [5, 2.25]})
    path = write_frame(frame, tmp_path / "x.csv", numeric=("value",))
    assert path.read_text(encoding="utf-8") == 'file,value\n"\'=HYPERLINK(""x"")",5\na.xlsx,2.25\n'


TRICKY = ["=1+2.xlsx", "'=1+2.xlsx", "''=x", "'", "'abc", "-5", "-", "+84 912", "@SUM(A1)", "\t=x", "bình thường", "", "1.5"]


def test_guard_is_undone_on_reading(tmp_path):
    """What write_frame guards against formulas, read_frame gives back as it was, for any text."""
    frame = pd.DataFrame({"file": TRICKY, "value": TRICKY})
    path = write_frame(frame, tmp_path / "x.csv", numeric=("value",))
    back = read_frame(path)
    assert back["file"].tolist() == TRICKY and back["value"].tolist() == TRICKY


def test_text_in_a_number_column_is_guarded_too():
    column = pd.Series([5, "=1+1", "'=1", "-5"], dtype=object)
    assert numbers_text(column).tolist() == ["5", "'=1+1", "''=1", "-5"]


def test_line_breaks_with_carriage_returns_keep_the_rows_whole(tmp_path):
    """A text cell holding a line break typed on Windows (CR LF) or a lone CR: the CSV keeps one
    row per value (a lone CR would be the end of a row for every reader) and the break reads back."""
    import csv

    frame = pd.DataFrame({"unit_code": ["03386", "03387", "03388"], "value": ["hai\r\ndòng", "cũ\rmac", "một dòng"]})
    path = write_frame(frame, tmp_path / "values.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["unit_code"], r["value"]) for r in rows] == [("03386", "hai\ndòng"), ("03387", "cũ\nmac"), ("03388", "một dòng")]
    assert read_frame(path)["value"].tolist() == ["hai\ndòng", "cũ\nmac", "một dòng"]


def test_each_cell_guarded_on_its_own_whatever_its_neighbours_hold():
    """The whole column is scanned once to skip the work most columns need none of; a cell's own
    text alone decides: a later line of a cell that starts like a formula is no reason to guard it,
    and a cell among thousands of plain ones still gets its guard and its clean-up."""
    plain = [f"Xã số {n}" for n in range(5000)]
    column = pd.Series([*plain, "ghi chú\n=1+1", "dòng\r\n-x", "=SUM(A1)", "a\x00b", "\r=1"], dtype=object)
    out = safe_text(column).tolist()
    assert out[:5000] == plain
    assert out[5000:] == ["ghi chú\n=1+1", "dòng\n-x", "'=SUM(A1)", "a\ufffdb", "\n=1"]
    assert safe_text(pd.Series(plain[:3], dtype=object)).tolist() == plain[:3]


def _through_pandas(frame: pd.DataFrame, path, numeric=()) -> bytes:
    """The CSV as ``write_frame`` wrote it before it wrote rows itself: each column converted
    whole, then ``DataFrame.to_csv``."""
    out = pd.DataFrame({c: (numbers_text if c in numeric else safe_text)(frame[c]) for c in frame.columns})
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path.read_bytes()


ODD_TEXTS = [
    "Phường Quyết Thắng", "", None, float("nan"), "a,b", 'say "x"', "line\nbreak", "cr\rlf\r\n", " lead", "trail ",
    "=SUM(A1)", "+84 912", "-5", "'quoted", "@x", "\tTab", "ctl\x01", "1", "1.0", "0012", "😀", "x" * 300,
]  # fmt: skip


@pytest.mark.parametrize("rows", [0, 1, 7, 250])
def test_write_frame_writes_what_pandas_writes(tmp_path, rows):
    rng = random.Random(rows)
    mixed = [rng.choice([*ODD_TEXTS, 1, 1.0, True, False, 2**60, -0.0, 3.25, 12_580_000]) for _ in range(rows)]
    frame = pd.DataFrame(
        {
            "text": pd.Series([rng.choice(ODD_TEXTS) for _ in range(rows)], dtype=object),
            "str": pd.Series([rng.choice(["a,b", "Xã", "", '"q"']) for _ in range(rows)], dtype="str"),
            "mixed": pd.Series(mixed, dtype=object),
            "value": pd.Series(mixed, dtype=object),
            "whole": pd.Series([rng.choice([0, 5, -3, 2**53 + 1]) for _ in range(rows)], dtype="int64"),
            "float": pd.Series([rng.choice([0.1, 2.0, float("nan"), -0.0, 1e20]) for _ in range(rows)], dtype="float64"),
            "flag": pd.Series([rng.choice([True, False]) for _ in range(rows)], dtype=bool),
            "blank": pd.Series([None] * rows, dtype=object),
        }
    )
    numeric = ("value", "whole", "float")
    expected = _through_pandas(frame, tmp_path / "pandas.csv", numeric)
    assert write_frame(frame, tmp_path / "ours.csv", numeric).read_bytes() == expected
    one = frame[["text"]]
    assert write_frame(one, tmp_path / "one.csv").read_bytes() == _through_pandas(one, tmp_path / "one-pandas.csv")
