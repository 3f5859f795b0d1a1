"""A unit whose return came with a password: the reminder says so, instead of "sent nothing"."""

from __future__ import annotations

import docx
import pytest
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile

from pipeline.cli import cli
from pipeline.core.errors import Msg


@pytest.mark.slow
def test_the_reminder_says_the_units_file_has_a_password(returns_dir, tmp_path):
    (plain,) = returns_dir.glob("03388_*.xlsx")  # Phường Quyết Tiến, its file named by its code
    locked = returns_dir / "3388 - BC Quyết Tiến.xlsx"  # Excel dropped the code's leading zero
    with plain.open("rb") as src, locked.open("wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    plain.unlink()
    (missing,) = returns_dir.glob("03403_*.xlsx")  # Xã Sùng Phài sent nothing at all
    missing.unlink()
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["consolidate", str(returns_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = (out / "thong_bao" / "nhac_nop.txt").read_text(encoding="utf-8-sig").splitlines()
    note = Msg.FILE_022.render(files=f"“{locked.name}”")
    at = lines.index("1. Phường Quyết Tiến (mã 03388)")
    assert lines[at + 1] == f"   {note}"
    assert lines[at + 2] == "2. Xã Sùng Phài (mã 03403)" and note not in lines[at + 3]
    printed = docx.Document(str(out / "thong_bao" / "phieu_de_nghi.docx"))
    cells = [cell.text for table in printed.tables for row in table.rows for cell in row.cells]
    assert f"Phường Quyết Tiến – {note}" in cells and "Xã Sùng Phài" in cells
