from __future__ import annotations

import unicodedata

import pytest

from pipeline.form.csvrows import CSV_ERRORS, read_csv_rows


def test_header_and_numbered_rows(tmp_path):
    path = tmp_path / "a.csv"
    decomposed = unicodedata.normalize("NFD", "Tổng")
    path.write_text(f"\ufeff Code ,Label\nA, {decomposed} \n,\n\nB,x\n", encoding="utf-8")
    assert read_csv_rows(path) == (["Code", "Label"], [(2, {"Code": "A", "Label": "Tổng"}), (5, {"Code": "B", "Label": "x"})])
    assert read_csv_rows(path, lower=True)[0] == ["code", "label"]


def test_unreadable_file_raises_a_csv_error(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("code,value\nA,1\n".encode("utf-16"))
    for missing_or_bad in (tmp_path / "none.csv", path):
        with pytest.raises(CSV_ERRORS):
            read_csv_rows(missing_or_bad)
