"""Saved times: whatever wrote the file (Excel writes UTC, LibreOffice writes local time without
a zone), every saved time is read as one aware time, so the newest of a unit's returns can be
chosen among files of any format."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from pipeline.consolidate.combine import consolidate_folder
from pipeline.core import settings
from pipeline.ingest.raw import parse_time
from pipeline.ingest.readers import read_calamine, read_workbook
from pipeline.validate.context import Context
from tests import hostile
from tests.conftest import set_saved_time
from tests.templates.test_template_libreoffice import convert

VIETNAM = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-11-10T08:00:00Z", datetime(2023, 11, 10, 8, tzinfo=timezone.utc)),  # Excel's dcterms:modified
        ("2023-11-10T15:00:00+07:00", datetime(2023, 11, 10, 8, tzinfo=timezone.utc)),
        ("2023-11-10T15:00:00", datetime(2023, 11, 10, 8, tzinfo=timezone.utc)),  # LibreOffice's dc:date: local time
        ("2023-11-10T15:00:00.123456789", datetime(2023, 11, 10, 8, 0, 0, 123456, tzinfo=timezone.utc)),
        (" 2023-11-10 ", datetime(2023, 11, 9, 17, tzinfo=timezone.utc)),
    ],
)
def test_every_saved_time_is_read_as_an_aware_utc_time(text, expected):
    parsed = parse_time(text)
    assert parsed == expected and parsed.tzinfo == timezone.utc
    assert settings.SAVED_TIME_ZONE.utcoffset(None) == VIETNAM.utcoffset(None)


@pytest.mark.parametrize("text", ["", "hôm qua", "2023-13-45T00:00:00", "0000-00-00T00:00:00Z", "0001-01-01T00:00:00"])
def test_a_saved_time_that_is_not_a_time_is_none(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("stamp", ["2023-11-10T15:00:00", "2023-11-10T08:00:00Z"])
def test_xml_spreadsheet_2003_saved_time_is_aware(sample_dir, tmp_path, stamp):
    """Government software's "XML Spreadsheet 2003" export, its LastSaved with or without a zone."""
    path = hostile.xml2003(read_calamine(sample_dir / "03386_Phuong_Quyet_Thang.xlsx"), tmp_path / "xuat.xls")
    saved = f"<o:DocumentProperties><o:LastSaved>{stamp}</o:LastSaved></o:DocumentProperties>"
    path.write_text(path.read_text(encoding="utf-8").replace("<o:Custom", saved + "<o:Custom", 1), encoding="utf-8")
    assert read_workbook(path).modified == datetime(2023, 11, 10, 8, tzinfo=timezone.utc)


def _resave_as_ods(xlsx, folder, profile):
    """The return opened in LibreOffice and saved as .ods (its saved time has no time zone)."""
    ods = convert(xlsx, "ods", folder / "converted", profile)
    target = shutil.move(ods, folder / ods.name)
    xlsx.unlink()
    assert re.search(rb"<dc:date>\d{4}-\d\d-\d\dT[\d:.]+</dc:date>", zipfile.ZipFile(target).read("meta.xml"))
    return target


libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@libreoffice
@pytest.mark.parametrize("resent_as", ["ods", "xlsx"])
def test_return_resent_in_another_format_is_chosen_by_its_saved_time(returns_dir, make_return, form, units, tmp_path, resent_as):
    """Phường Quyết Thắng sent its .xlsx on 1 November, then re-sent it corrected on 10 November
    (or the other way round: first saved as .ods by LibreOffice, then re-sent as .xlsx)."""
    profile = tmp_path / "profile"
    (returns_dir / "03386_Phuong_Quyet_Thang.xlsx").unlink()
    first = make_return("03386", name="03386_lan_1.xlsx", folder=tmp_path / "made")
    second = make_return("03386", {"VOTER_MEETINGS": "9"}, name="03386_lan_2.xlsx", folder=tmp_path / "made")
    set_saved_time(first, "2023-11-01T08:00:00Z")
    set_saved_time(second, "2023-11-10T08:00:00Z")
    if resent_as == "ods":
        first = shutil.copy(first, returns_dir / first.name)
        second = _resave_as_ods(shutil.copy(second, returns_dir / second.name), returns_dir, profile)
    else:
        first = _resave_as_ods(shutil.copy(first, returns_dir / first.name), returns_dir, profile)
        second = shutil.copy(second, returns_dir / second.name)
    (returns_dir / "converted").rmdir()
    result = consolidate_folder(returns_dir, Context.of(form, units))
    sub = result.submissions.set_index("unit_code").loc["03386"]
    assert (sub.file, sub.superseded) == (second.name, first.name)
    assert result.received == 8
    used = result.values[(result.values["unit_code"] == "03386") & (result.values["code"] == "VOTER_MEETINGS")]
    assert used["value"].tolist() == [9]
