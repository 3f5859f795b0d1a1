"""Typing a return on the web form (``web.entry``) through Flask's test client: the form of each
level, figures typed as officers type them read and shown as they will be counted, the problems
beside their fields in the upload page's words, a draft that is no submission, a sent return
whose kept workbook ``tonghop check`` reads with the same figures, a round of typed and uploaded
returns consolidated to their sum, the office typing for a unit (its note of the source on the
board), and a link that opens its own unit's form and workbooks only."""

# ruff: noqa: F811 - the fixtures imported from test_web are the tests' arguments
from __future__ import annotations

import csv
import logging
import re

from markupsafe import escape

from pipeline import api
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.core.wording import PLAIN
from pipeline.sample import sample_values
from tests.web.test_web import (  # noqa: F401 - the fixtures of the web's tests
    JSON,
    QUYET_THANG,
    TAN_PHONG,
    _csrf,
    _file,
    _links,
    app,
    data_dir,
    finished,
    office,
    round_id,
)

CITY = "105"
SOURCE = "theo điện thoại 9/11"


def _store(app):
    return app.extensions["tonghop_store"]


def _inputs(page: str) -> list[str]:
    """The indicator codes of the form's inputs, in the page's order."""
    return re.findall(r'name="so_([A-Z0-9_]+)"', page)


def _level_codes(form, level: str) -> list[str]:
    return [code for code, ind in form.indicators.items() if level in ind.levels]


def _field(page: str, code: str) -> str:
    """The block of one field on the page: its label, input, reading and notes."""
    start = page.rindex("<div", 0, page.index(f'id="o-{code}"'))
    end = page.find('<div class="field', start + 1)
    return page[start : end if end > 0 else len(page)]


def _typed(unit_code: str, changes: dict | None = None) -> dict[str, str]:
    """A whole return as the form posts it: the sample's figures as text, then ``changes``."""
    figures = {code: "" if value is None else str(value) for code, value in sample_values()[unit_code].items()}
    figures.update(changes or {})
    return {f"so_{code}": value for code, value in figures.items()}


def test_each_level_gets_its_own_indicators_in_the_forms_order(app, office, round_id, form):
    links = _links(office, round_id)
    unit = app.test_client()
    city_page = unit.get(links[CITY] + "/nhap").get_data(as_text=True)
    ward_page = unit.get(links[QUYET_THANG] + "/nhap").get_data(as_text=True)
    assert "Nhập số liệu trực tiếp" in city_page and "Thành phố Lai Châu" in city_page
    assert _inputs(city_page) == _level_codes(form, "city")
    assert _inputs(ward_page) == _level_codes(form, "communes")
    city_only = set(_level_codes(form, "city")) - set(_level_codes(form, "communes"))
    assert city_only and not city_only & set(_inputs(ward_page))  # the city's own work is not asked of a ward
    assert ward_page.count('inputmode="decimal"') == len(_inputs(ward_page)) and 'autocomplete="off"' in ward_page
    part = form.indicators["POOR_FUND_CENTRAL"]
    assert part.parent and 'class="field part"' in _field(ward_page, "POOR_FUND_CENTRAL")  # a "Trong đó" part, indented
    assert "Đơn vị tính: đồng" in _field(ward_page, "POOR_FUND_CENTRAL")
    home = unit.get(links[QUYET_THANG]).get_data(as_text=True)
    assert f'href="{links[QUYET_THANG]}/nhap">Nhập số liệu trực tiếp</a>' in home  # linked from the unit's page


def test_figures_typed_as_text_show_how_they_are_counted(app, office, round_id, form):
    link = _links(office, round_id)[QUYET_THANG] + "/nhap"
    unit = app.test_client()
    typed = {"so_POOR_FUND_TOTAL": "1.200.000", "so_TET_GIFTS_VALUE": "24 000 000", "so_UNITY_HOUSES_VALUE": "30 triệu"}
    answer = unit.post(link + "/kiem-tra", data=typed, headers=JSON).get_json()
    readings = answer["readings"]
    assert readings["POOR_FUND_TOTAL"]["shown"] == f"{format_number(1_200_000)} đồng"
    assert readings["TET_GIFTS_VALUE"]["shown"] == f"{format_number(24_000_000)} đồng"
    assert readings["UNITY_HOUSES_VALUE"]["shown"] == f"{format_number(30_000_000)} đồng"
    assert all(readings[c]["ok"] for c in ("POOR_FUND_TOTAL", "TET_GIFTS_VALUE", "UNITY_HOUSES_VALUE"))

    kept = unit.post(link, data=typed | {"action": "luu"}, headers=JSON).get_json()  # "Lưu nháp" with the script
    assert kept["saved"].startswith("Đã lưu nháp lúc") and kept["readings"] == answer["readings"]
    too_long = unit.post(link, data=typed | {"so_MEDIATORS": "1" * 5000, "action": "luu"})
    refused = Msg.ROUND_143.render(label=form.indicators["MEDIATORS"].label, length=5000, limit=settings.LIMIT_TYPED_CHARS)
    assert too_long.status_code == 400 and escape(refused) in too_long.get_data(as_text=True)  # refused and said
    assert 'value="24 000 000"' in too_long.get_data(as_text=True)  # the figures typed kept on the page
    saved = unit.post(link, data=typed | {"action": "luu"})  # without the script: post, redirect, get
    assert saved.status_code == 303
    page = unit.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu nháp lúc" in page
    assert 'value="24 000 000"' in page  # the draft as typed
    assert f"= {format_number(24_000_000)} đồng" in _field(page, "TET_GIFTS_VALUE")


def test_problems_appear_beside_their_fields_and_in_the_summary(app, office, round_id, form):
    link = _links(office, round_id)[QUYET_THANG] + "/nhap"
    unit = app.test_client()
    typed = _typed(QUYET_THANG, {"MEDIATORS": "-3", "CULTURAL_AREAS": "500", "RESIDENTIAL_AREAS": "20", "LEGAL_SESSIONS": ""})
    answer = unit.post(link + "/kiem-tra", data=typed, headers=JSON).get_json()
    label = {code: ind.label for code, ind in form.indicators.items()}
    negative = PLAIN[Msg.VALUE_004].format(label=label["MEDIATORS"], value="-3")
    blank = PLAIN[Msg.VALUE_001].format(label=label["LEGAL_SESSIONS"])
    assert escape(negative) in answer["beside"]["MEDIATORS"]  # out of bounds
    assert escape(blank) in answer["beside"]["LEGAL_SESSIONS"]  # blank is not 0: said at its field
    rule = next(f for f in answer["findings"] if set(f["codes"]) == {"CULTURAL_AREAS", "RESIDENTIAL_AREAS"})
    assert rule["severity"] == "error" and escape(rule["plain"]) in answer["beside"]["CULTURAL_AREAS"]
    assert escape(rule["plain"]) in answer["beside"]["RESIDENTIAL_AREAS"]  # a rule beside each field it concerns
    assert f"Còn {answer['errors']} lỗi" in answer["summary"] and 'href="#o-MEDIATORS"' in answer["summary"]

    unit.post(link, data=typed | {"action": "luu"})
    page = unit.get(link).get_data(as_text=True)  # the same, without the script
    assert escape(negative) in _field(page, "MEDIATORS") and "has-error" in _field(page, "MEDIATORS")
    assert escape(blank) in _field(page, "LEGAL_SESSIONS")
    summary = page[page.index('id="tom-tat"') : page.index("</div>", page.index("Còn "))]
    assert re.search(r"Còn \d+ lỗi", summary) and f'<a href="#o-MEDIATORS">{escape(negative)}</a>' in summary


def test_a_draft_is_not_a_submission(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    assert unit.post(link + "/nhap", data=_typed(QUYET_THANG) | {"action": "luu"}).status_code == 303
    unit.post(link + "/nhap/kiem-tra", data=_typed(QUYET_THANG, {"MEDIATORS": "7"}), headers=JSON)
    assert _store(app).submissions(round_id) == []
    status = {u["unit_code"]: u for u in office.get(f"/api/rounds/{round_id}/status").get_json()["units"]}
    assert status[QUYET_THANG]["status"] == "missing" and status[QUYET_THANG]["versions"] == 0
    assert 'value="7"' in _field(unit.get(link + "/nhap").get_data(as_text=True), "MEDIATORS")  # reopened: the draft


def test_a_sent_return_is_a_workbook_tonghop_check_reads_with_the_same_figures(app, office, round_id, make_return, tmp_path):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    typed = _typed(QUYET_THANG, {"POOR_FUND_LOCAL": "1.200.000", "MEDIATORS": "65"})
    sent = unit.post(link + "/nhap", data=typed | {"action": "gui"})
    assert sent.status_code == 303
    (sub,) = _store(app).submissions(round_id)
    assert sent.headers["Location"] == f"{link}?gui={sub.id}#ket-qua"
    page = unit.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Kết quả kiểm tra số liệu đã nhập" in page and "nhập trên trang web" in page
    download = f"{link}/ban-nop/{sub.id}.xlsx"
    assert f'href="{download}"' in page
    workbook = unit.get(download)
    assert workbook.status_code == 200 and workbook.data == _store(app).blob(sub.sha256)
    saved = tmp_path / "da_gui.xlsx"
    saved.write_bytes(workbook.data)
    (check,) = api.check_files([saved], period="2023")
    assert check.accepted and check.unit_code == QUYET_THANG and not check.has_errors
    (uploaded,) = api.check_files([make_return(QUYET_THANG, {"POOR_FUND_LOCAL": 1_200_000, "MEDIATORS": 65})], period="2023")
    assert check.values == uploaded.values  # the figures of the same return filled in Excel
    assert (check.values["POOR_FUND_LOCAL"], check.values["MEDIATORS"]) == (1_200_000, 65)


def test_a_round_of_typed_and_uploaded_returns_consolidates_to_their_sum(app, office, round_id, make_return, data_dir):
    links = _links(office, round_id)
    unit = app.test_client()
    assert unit.post(links[QUYET_THANG] + "/nhap", data=_typed(QUYET_THANG, {"MEDIATORS": "65"}) | {"action": "gui"}).status_code == 303
    assert (
        unit.post(links[TAN_PHONG], data=_file(make_return(TAN_PHONG, {"MEDIATORS": 40})), content_type="multipart/form-data").status_code
        == 303
    )
    path = f"/rounds/{round_id}"
    assert office.post(path + "/consolidate", data={"csrf_token": _csrf(office, path)}).status_code == 303
    finished(office, round_id)
    with open(data_dir / "output" / round_id / "totals.csv", encoding="utf-8-sig", newline="") as handle:
        totals = {(row["code"], row["level"]): row["value"] for row in csv.DictReader(handle)}
    assert float(totals[("MEDIATORS", "all")]) == 65 + 40
    typed_fund = sum(int(sample_values()[code]["POOR_FUND_TOTAL"]) for code in (QUYET_THANG, TAN_PHONG))
    assert float(totals[("POOR_FUND_TOTAL", "all")]) == typed_fund


def test_the_office_types_for_a_unit_with_the_source_of_the_figures(app, office, round_id):
    path = f"/rounds/{round_id}/units/{TAN_PHONG}"
    unit_page = office.get(path).get_data(as_text=True)
    assert f'href="{path}/nhap"' in unit_page and "Nhập số liệu thay đơn vị" in unit_page
    page = office.get(path + "/nhap").get_data(as_text=True)
    assert "Nguồn số liệu" in page and _inputs(page)
    assert office.post(path + "/nhap", data=_typed(TAN_PHONG) | {"action": "gui"}).status_code == 400  # no CSRF token
    token = _csrf(office, path + "/nhap")
    unsourced = office.post(path + "/nhap", data=_typed(TAN_PHONG) | {"action": "gui", "csrf_token": token, "nguon": " "})
    assert unsourced.status_code == 400 and escape(Msg.ROUND_141.render()) in unsourced.get_data(as_text=True)
    assert _store(app).submissions(round_id) == []
    sent = office.post(path + "/nhap", data=_typed(TAN_PHONG) | {"action": "gui", "csrf_token": token, "nguon": SOURCE})
    assert sent.status_code == 303
    (sub,) = _store(app).submissions(round_id)
    assert sub.source == SOURCE and sub.unit_code == TAN_PHONG
    how = f"văn phòng nhập thay ({SOURCE})"
    assert how in office.get(f"/rounds/{round_id}").get_data(as_text=True)  # on the board
    assert how[:1].upper() + how[1:] in office.get(path).get_data(as_text=True)  # on the office's page of the unit
    assert app.test_client().get(path + "/nhap").status_code == 401  # the office's form needs the login


def test_a_link_opens_its_own_units_form_and_workbooks_only(app, office, round_id, caplog):
    links = _links(office, round_id)
    stranger = app.test_client()
    with caplog.at_level(logging.DEBUG):
        stranger.post(links[TAN_PHONG] + "/nhap", data=_typed(TAN_PHONG) | {"action": "gui"})
        (theirs,) = _store(app).submissions(round_id)
        for method, suffix in (("GET", "/nhap"), ("POST", "/nhap"), ("POST", "/nhap/kiem-tra"), ("GET", f"/ban-nop/{theirs.id}.xlsx")):
            assert stranger.open(f"/u/not-a-link{suffix}", method=method, data=_typed(QUYET_THANG)).status_code == 404
        assert stranger.get(f"{links[QUYET_THANG]}/ban-nop/{theirs.id}.xlsx").status_code == 404  # another unit's workbook
        assert stranger.get(f"{links[TAN_PHONG]}/ban-nop/{theirs.id}.xlsx").status_code == 200
        page = stranger.get(links[QUYET_THANG] + "/nhap").get_data(as_text=True)
    token = links[QUYET_THANG].rsplit("/", 1)[1]
    key = re.search(r'data-key="([^"]+)"', page).group(1)
    assert token not in key and token[:8] not in key  # the phone's copy is kept under a key without the link
    assert _store(app).submissions(round_id) == [theirs]  # nothing sent through a wrong link
    assert not any(t in caplog.text for t in (token, links[TAN_PHONG].rsplit("/", 1)[1]))


def test_a_send_repeated_after_its_answer_was_lost_is_one_submission(app, office, round_id):
    """The phone's send reached the server but its answer was lost on the way (the network fell
    as it came back): the page says the send failed and offers "Gửi lại", which posts the same
    figures again. That is the same return, answered as the first (not a second version for the
    office to review); a figure changed afterwards is a new version."""
    link = _links(office, round_id)[QUYET_THANG] + "/nhap"
    unit = app.test_client()
    typed = _typed(QUYET_THANG, {"MEDIATORS": "65"}) | {"action": "gui"}
    first = unit.post(link, data=typed, headers=JSON).get_json()  # the answer the phone never read
    again = unit.post(link, data=typed, headers=JSON).get_json()  # "Gửi lại"
    (sub,) = _store(app).submissions(round_id)
    assert again["submission_id"] == first["submission_id"] == sub.id and again["next"] == first["next"]
    assert (again["errors"], again["warnings"], again["status"]) == (first["errors"], first["warnings"], first["status"])
    status = {u["unit_code"]: u for u in office.get(f"/api/rounds/{round_id}/status").get_json()["units"]}
    assert status[QUYET_THANG]["versions"] == 1
    changed = unit.post(link, data=typed | {"so_MEDIATORS": "66"}, headers=JSON).get_json()
    assert changed["submission_id"] != sub.id and len(_store(app).submissions(round_id)) == 2


def test_a_draft_older_than_the_return_sent_since_does_not_come_back(app, office, round_id, make_return):
    """The officer began typing on the phone (the live check kept a draft), then filled the Excel
    template at the office and uploaded it. Opening the form later to correct a figure starts
    from the return in use, not from the half-typed draft, which sent as it stood would replace
    the whole return."""
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    unit.post(link + "/nhap/kiem-tra", data={"so_MEDIATORS": "7", "so_RESIDENTIAL_AREAS": "20"}, headers=JSON)  # begun on the phone
    upload = unit.post(link, data=_file(make_return(QUYET_THANG, {"MEDIATORS": 65})), content_type="multipart/form-data")
    assert upload.status_code == 303
    page = unit.get(link + "/nhap").get_data(as_text=True)
    assert 'value="65"' in _field(page, "MEDIATORS")  # the figure sent, not the draft's 7
    figures = sample_values()[QUYET_THANG]
    assert f'value="{format_number(int(figures["LEGAL_SESSIONS"]))}"' in _field(page, "LEGAL_SESSIONS")  # not left blank
    assert "Đang mở bản nháp" not in page
    unit.post(link + "/nhap/kiem-tra", data=_typed(QUYET_THANG, {"MEDIATORS": "66"}), headers=JSON)  # a correction begun now
    assert 'value="66"' in _field(unit.get(link + "/nhap").get_data(as_text=True), "MEDIATORS")  # its draft comes back
