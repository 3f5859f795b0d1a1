"""The forms a user presses, through Flask's test client: the unit's file chooser speaks
Vietnamese whatever the phone's language (the browser's own button hidden in a Vietnamese label,
its "Please select a file." replaced by static/upload.js, the server's own message without the
script) and offers every format the checker reads; a unit's link is reissued only behind a
confirmation that works without JavaScript; a QR code is sized by its viewBox, so the page's CSS
scales it with no blank below."""

# ruff: noqa: F811 - the fixtures imported from test_web are the tests' arguments
from __future__ import annotations

import re

from markupsafe import escape

from pipeline.core.errors import Msg
from tests.web.test_web import (  # noqa: F401 - the fixtures of the web's tests
    QUYET_THANG,
    TAN_PHONG,
    _csrf,
    _links,
    app,
    data_dir,
    office,
    round_id,
)

# What the checker reads (``ingest.sniff``'s formats) under the names they are saved with, and a zip of returns.
READ = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",), "fods": (".fods",), "xml2003": (".xml",), "html": (".htm", ".html")}
ZIP = ".zip"


def _form(page: str, action: str) -> str:
    start = page.index(f'action="{action}"')
    return page[page.rindex("<form", 0, start) : page.index("</form>", start)]


def test_the_units_file_chooser_is_in_vietnamese_and_offers_every_format_read(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    form = _form(app.test_client().get(link).get_data(as_text=True), link)
    assert re.search(r"<form [^>]*\bnovalidate\b", form)  # without the script, the server says what is missing
    assert f'data-no-file="{escape(Msg.WEB_070.render())}"' in form  # the script's message for the browser's check
    chooser = form[form.index('<label class="chooser">') : form.index("</label>")]
    (picker,) = re.findall(r"<input [^>]*>", chooser)  # the browser's control, inside the label that names it
    assert 'type="file"' in picker and 'name="file"' in picker and " required" in picker and "multiple" not in picker
    assert '<span class="pick">Chọn tệp…</span>' in chooser and "Chưa chọn tệp nào." in chooser
    accept = set(re.search(r'accept="([^"]+)"', picker).group(1).split(","))
    assert {ZIP, *(suffix for names in READ.values() for suffix in names)} <= accept


def test_without_the_script_an_empty_form_gets_the_servers_vietnamese_answer(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    answer = app.test_client().post(link, data={}, content_type="multipart/form-data")
    assert answer.status_code == 400 and str(escape(Msg.WEB_004.render())) in answer.get_data(as_text=True)
    board = f"/rounds/{round_id}"
    drop = _form(office.get(board).get_data(as_text=True), f"{board}/upload")
    assert re.search(r"<form [^>]*\bnovalidate\b", drop) and '<label class="chooser">' in drop
    assert re.search(r'<input type="file" name="files" class="picker" required multiple>', drop)  # the office drops any file
    refused = office.post(f"{board}/upload", data={"csrf_token": _csrf(office, board)}, content_type="multipart/form-data")
    assert refused.status_code == 400 and '<p class="box bad">Chưa chọn tệp nào. Hãy chọn' in refused.get_data(as_text=True)


def test_a_new_link_is_issued_only_behind_a_confirmation(app, office, round_id):
    path = f"/rounds/{round_id}/links"
    page = office.get(path).get_data(as_text=True)
    cards = re.findall(r'<section class="card" id="u(\d+)">(.*?)</section>', page, re.S)
    assert cards
    for code, card in cards:
        name = re.search(r"<h2>(.*?)</h2>", card).group(1)
        action = f'action="/rounds/{round_id}/units/{code}/reissue"'
        before, confirm = card.split('<details class="confirm reissue noprint">')  # one, and the form inside it
        assert action not in before and action in confirm and confirm.index("</details>") > confirm.index("</form>")
        assert "<summary>Cấp đường dẫn mới…</summary>" in confirm and f"Đường dẫn trên và mã QR của {name} sẽ hết dùng được" in confirm
        assert '<button type="submit" class="danger">Hủy đường dẫn cũ, cấp đường dẫn mới</button>' in confirm

    old = _links(office, round_id)[TAN_PHONG]
    moved = office.post(f"/rounds/{round_id}/units/{TAN_PHONG}/reissue", data={"csrf_token": _csrf(office, path)})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"#u{TAN_PHONG}")
    new = _links(office, round_id)[TAN_PHONG]
    unit = app.test_client()
    assert new != old and unit.get(old).status_code == 404 and unit.get(new).status_code == 200


def test_a_qr_code_is_sized_by_its_view_box(office, round_id):
    page = office.get(f"/rounds/{round_id}/links").get_data(as_text=True)
    svgs = re.findall(r'<div class="qr"><svg ([^>]*)>', page)
    assert svgs and all(re.fullmatch(r'viewBox="0 0 (\d+) \1" class="segno"', attrs) for attrs in svgs)  # no width, no height


def test_the_dashboards_unit_list_chooser_offers_csv_and_workbooks(office):
    page = office.get("/").get_data(as_text=True)
    chooser = page[page.index('<label class="chooser"><span class="intro">Danh sách đơn vị') :]
    picker = re.search(r"<input [^>]*>", chooser).group(0)
    assert 'name="units"' in picker and "required" not in picker  # optional: the sample units without it
    assert set(re.search(r'accept="([^"]+)"', picker).group(1).split(",")) >= {".csv", ".xlsx", ".xls", ".ods"}
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/upload.js" defer>']  # names the file chosen
