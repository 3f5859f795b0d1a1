from __future__ import annotations

import os
import stat

import pytest

from pipeline.core import atomic
from pipeline.core.atomic import atomic_path
from pipeline.core.errors import OutputError, TemplateError


def test_replaces_target_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "sub" / "a.csv"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp.name.startswith(".a.") and tmp.name.endswith(".csv.tmp")
        tmp.write_text("x", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "x"
    assert os.listdir(target.parent) == ["a.csv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_file_has_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "a.csv") as tmp:
            tmp.write_text("x", encoding="utf-8")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


def test_failure_keeps_target_and_raises_the_callers_error(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def fail(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OutputError, match="a.xlsx"), atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    with pytest.raises(TemplateError, match="Permission denied"), atomic_path(target, error=TemplateError.not_written) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.xlsx"]


def test_other_exceptions_pass_through(tmp_path):
    with pytest.raises(KeyError), atomic_path(tmp_path / "a.csv"):
        raise KeyError("x")
    assert os.listdir(tmp_path) == []


def test_missing_folder_without_make_folder(tmp_path):
    with (
        pytest.raises(TemplateError, match="missing"),
        atomic_path(tmp_path / "missing" / "a.xlsx", error=TemplateError.not_written, make_folder=False),
    ):
        pass
    assert not (tmp_path / "missing").exists()
