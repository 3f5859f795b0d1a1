"""A set of templates is written whole or not at all: a disk that fills up during ``templates``
leaves no part of the new set, and an earlier set in the folder exactly as it was."""

from __future__ import annotations

import errno
import pathlib

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.errors import Msg, TemplateError
from pipeline.templates.batch import write_templates
from pipeline.templates.build import template_filename
from tests.conftest import message_fields


def fill_disk_at(monkeypatch, write: int) -> None:
    """Make the ``write``-th template written (a temporary ``.xlsx.tmp`` beside its target) fail
    as a full disk does, and every one after it."""
    real = pathlib.Path.write_bytes
    seen = []

    def write_bytes(self, data):
        if self.name.endswith(".xlsx.tmp"):
            seen.append(self)
            if len(seen) >= write:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)


def snapshot(folder: pathlib.Path) -> dict[str, bytes]:
    """Every entry of ``folder`` (hidden ones too) with its bytes."""
    return {p.name: p.read_bytes() if p.is_file() else b"<dir>" for p in folder.iterdir()}


def test_full_disk_keeps_the_earlier_set_whole(monkeypatch, form, units, tmp_path):
    out = tmp_path / "bieu_mau"
    write_templates(form, units, out, "2023")
    before = snapshot(out)
    assert len(before) == len(units)
    fill_disk_at(monkeypatch, 4)
    with pytest.raises(TemplateError) as refused:
        write_templates(form, units, out, "2024")
    assert snapshot(out) == before  # no 2024 template, no staging folder, no temporary file
    fields = message_fields(Msg.TEMPLATE_010, str(refused.value))
    written_before_failing = int(fields["done"]) - 1
    assert fields["total"] == str(len(units)) and fields["where"] == str(out)
    assert 4 <= written_before_failing < len(units)  # the committee's is built, the others stamped
    assert fields["name"] == template_filename(units[written_before_failing])


def test_full_disk_leaves_no_folder_it_made_and_says_so_in_vietnamese(monkeypatch, tmp_path):
    out = tmp_path / "moi" / "2024"
    fill_disk_at(monkeypatch, 4)
    result = CliRunner().invoke(cli, ["templates", "--period", "2024", "--out", str(out)])
    assert result.exit_code == 2
    message = result.output.strip().removeprefix("Lỗi: ")
    assert message_fields(Msg.TEMPLATE_010, message)["where"] == str(out)
    assert not out.exists() and "No space" not in result.output


def test_set_in_place_when_written_whole(form, units, tmp_path):
    out = tmp_path / "bieu_mau"
    (out / "ghi_chu.txt").parent.mkdir()
    (out / "ghi_chu.txt").write_text("của văn phòng", encoding="utf-8")
    paths = write_templates(form, units, out, "2023")
    assert paths == [out / template_filename(u) for u in units]
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in paths), "ghi_chu.txt"])
