from __future__ import annotations

import unicodedata

import pytest

from pipeline.core.errors import FormDefinitionError
from pipeline.form.csvrows import CSV_ERRORS, read_csv_rows


def test_header_and_numbered_rows(tmp_path):
    path = tmp_path / "a.csv"
    decomposed = unicodedata.normalize("NFD", "Tổng")
    path.write_text(f"\ufeff Code ,Label\nA, {decomposed} \n,\n\nB,x\n", encoding="utf-8")
    header, rows, _ = read_csv_rows(path)
    assert (header, rows) == (["Code", "Label"], [(2, {"Code": "A", "Label": "Tổng"}), (5, {"Code": "B", "Label": "x"})])
    assert read_csv_rows(path, lower=True).header == ["code", "label"]


def test_a_missing_file_raises_a_csv_error_and_a_binary_one_a_message(tmp_path):
    with pytest.raises(CSV_ERRORS):
        read_csv_rows(tmp_path / "none.csv")
    path = tmp_path / "bin.csv"
    path.write_bytes(b"code,value\n\x00\x01\x02\x03")
    with pytest.raises(FormDefinitionError):
        read_csv_rows(path)
