"""The unit list uploaded on the dashboard, as an office makes it in Excel on a Vietnamese
Windows: read whatever the encoding, separator or format; a file that cannot be read is named
as the office named it, with no temporary path and no codec's text."""

from __future__ import annotations

import html
import io

import openpyxl
import pytest

from pipeline.core.errors import Msg
from tests.conftest import message_fields
from tests.excelcsv import EXCEL_KINDS, excel_csv
from tests.web import test_web
from tests.web.test_web import _csrf

data_dir, app, office = test_web.data_dir, test_web.app, test_web.office  # the fixtures of the web's tests

ROWS = [["code", "name", "level"], ["105", "Thành phố Lai Châu", "city"], ["03386", "Phường Quyết Thắng", "communes"]]


def _create(office, data: bytes, name: str):
    form = {"csrf_token": _csrf(office, "/"), "period": "2024", "deadline": "15/11/2024", "units": (io.BytesIO(data), name)}
    return office.post("/rounds", data=form, content_type="multipart/form-data")


def _round_units(office, answer):
    assert answer.status_code == 302, html.unescape(answer.get_data(as_text=True))
    store = office.application.extensions["tonghop_store"]
    round_id = answer.headers["Location"].rstrip("/").split("/")[-1]
    return [(u.code, u.name, u.level) for u in store.units(round_id)]


@pytest.mark.parametrize("kind", EXCEL_KINDS)
def test_a_unit_list_saved_by_excel_creates_the_round(office, tmp_path, kind):
    data = excel_csv(tmp_path / "ds.csv", ROWS, kind).read_bytes()
    assert _round_units(office, _create(office, data, "Danh sách đơn vị.csv")) == [tuple(r) for r in ROWS[1:]]


def test_a_unit_list_as_a_workbook_creates_the_round(office, tmp_path):
    book = openpyxl.Workbook()
    for row in ROWS:
        book.active.append(row)
    book.save(tmp_path / "ds.xlsx")
    answer = _create(office, (tmp_path / "ds.xlsx").read_bytes(), "Danh sách đơn vị.xlsx")
    assert _round_units(office, answer) == [tuple(r) for r in ROWS[1:]]


def test_an_unreadable_list_names_the_uploaded_file_only(office):
    tcvn3 = b"code,name,level\r\n03386,Ph\xad\xeang Quy\xd5t Th\xbeng,communes\r\n"
    answer = _create(office, tcvn3, "Danh sách đơn vị.csv")
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    shown = next(line.strip() for line in page.splitlines() if "Danh sách đơn vị.csv" in line)
    message = shown[shown.index("[") :].split("<")[0]
    assert message_fields(Msg.CSV_002, message)["where"] == "Danh sách đơn vị.csv › dòng 2"
    assert "/tmp" not in page and "tonghop-" not in page and "codec" not in page
    assert len(office.application.extensions["tonghop_store"].rounds()) == 0
