"""The unit's page and the office's review in a real browser (Playwright driving Debian's
chromium), on a phone (390 × 844) and on a desktop: the unit reads each problem of its upload in
plain words at its cell, older uploads folded below; the office cannot approve a version with
errors before ticking that it saw them, then reads what was done, and a long note without spaces
stays within the phone's screen. A screenshot of each page goes to ``TONGHOP_SCREENSHOTS`` (else
tmp_path).

Skipped without the ``playwright`` package or a chromium; Playwright's own browsers are not used."""

# ruff: noqa: F811 - the fixtures imported from test_browser are the tests' arguments
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")

from playwright.sync_api import expect  # noqa: E402

from pipeline import rounds  # noqa: E402
from pipeline.core import settings  # noqa: E402
from pipeline.core.errors import Msg  # noqa: E402
from pipeline.core.wording import PLAIN  # noqa: E402
from pipeline.web import create_app  # noqa: E402
from tests.web.test_browser import ADMIN, QUYET_THANG, TAN_PHONG, browser, shots  # noqa: E402, F401 - skipped there without chromium

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def served(tmp_path):
    """The app served by waitress on a free port in a background thread, with a round: the base
    URL, the store, the round's id and its links."""
    import waitress

    app = create_app(tmp_path / "data", admin_token=ADMIN)
    store = app.extensions["tonghop_store"]
    round_id = rounds.create_round(store, period="2023", deadline="15/11/2099").id
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    links = {code: url.replace(rounds.DEFAULT_BASE_URL, base) for code, _, url in rounds.links(store, round_id)}
    try:
        yield base, store, round_id, links
    finally:
        server.close()
        thread.join(timeout=10)
        store.close()


def _page(browser, size: str):
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _fits(page, size: str) -> None:
    """No sideways scrolling: nothing is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


def _send(page, path: Path) -> None:
    page.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(path))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("heading", name=f"Kết quả kiểm tra tệp “{path.name}”")).to_be_visible()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_unit_reads_its_problems_in_plain_words(served, browser, shots, make_return, form, tmp_path, size):
    _base, _store, _round_id, links = served
    unit = _page(browser, size)
    unit.goto(links[QUYET_THANG])
    _send(unit, make_return(QUYET_THANG, {"RESIDENTIAL_AREAS": "nhiều", "MEDIATORS": -3}, name="lan_1.xlsx", folder=tmp_path / "a"))
    verdict = unit.locator("section#ket-qua")
    expect(verdict.get_by_role("heading", name=re.compile(r"^Cần sửa \(\d+\)$"))).to_be_visible()
    plain = PLAIN[Msg.VALUE_002].format(label=form.indicators["RESIDENTIAL_AREAS"].label, value="nhiều")
    expect(verdict.locator("li.error").filter(has_text=plain)).to_have_text(re.compile(rf"^Ô E\d+ – {re.escape(plain)}$"))
    expect(verdict).not_to_contain_text("RESIDENTIAL_AREAS")
    expect(verdict).not_to_contain_text("lan_1.xlsx ›")
    _fits(unit, size)
    shots(unit, f"30_unit_{size}_plain_findings")

    _send(unit, make_return(QUYET_THANG, {"MEDIATORS": -3}, name="lan_2.xlsx", folder=tmp_path / "b"))
    expect(unit.locator("section#ket-qua")).to_contain_text("Lần gửi thứ 2")
    older = unit.locator("details.upload")
    expect(older).to_have_count(1)  # the verdict is not repeated below it
    expect(older).not_to_have_attribute("open", "")
    expect(older.locator("li").first).to_be_hidden()  # folded
    older.locator("summary").click()
    expect(older.locator("li.error").filter(has_text=plain)).to_be_visible()
    _fits(unit, size)
    shots(unit, f"31_unit_{size}_history_opened")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_office_approves_a_version_with_errors_only_after_seeing_them(served, browser, shots, make_return, tmp_path, size):
    base, store, round_id, links = served
    sent = make_return(QUYET_THANG, {"MEDIATORS": -3, "DOCS_ISSUED": None})
    rounds.submit(store, round_id, sent.read_bytes(), sent.name, link_unit=QUYET_THANG)
    office = _page(browser, size)
    office.goto(f"{base}/rounds/{round_id}/units/{QUYET_THANG}?token={ADMIN}")
    expect(office.get_by_role("heading", name="Lần gửi thứ 1")).to_be_visible()
    expect(office.get_by_role("button", name="Duyệt bản này", exact=True)).to_have_count(0)
    office.get_by_text("Duyệt bản này dù còn 2 lỗi…").click()
    confirm = office.locator("details.confirm")
    expect(confirm.locator("li.error")).to_have_count(2)  # the confirmation lists the errors
    _fits(office, size)
    shots(office, f"32_office_{size}_confirm")
    confirm.get_by_role("button", name="Vẫn duyệt bản này").click()  # not ticked: the browser does not send it
    expect(confirm.get_by_role("checkbox")).to_have_js_property("validity.valueMissing", True)
    assert store.submissions(round_id)[0].review is None
    confirm.get_by_label("Tôi đã xem các lỗi trên và vẫn duyệt bản này").check()
    confirm.get_by_role("button", name="Vẫn duyệt bản này").click()
    done = Msg.WEB_050.render(number=1, unit_name="Phường Quyết Thắng")
    expect(office.get_by_role("status")).to_have_text(done)
    expect(office.get_by_role("button", name=re.compile("Duyệt bản này"))).to_have_count(0)  # never on the approved version
    expect(office.locator("details.confirm")).to_have_count(0)
    _fits(office, size)
    shots(office, f"33_office_{size}_approved")

    other = make_return(TAN_PHONG)
    rounds.submit(store, round_id, other.read_bytes(), other.name, link_unit=TAN_PHONG)
    office.goto(f"{base}/rounds/{round_id}/units/{TAN_PHONG}")
    note = "Ghi_chú_rất_dài_không_có_dấu_cách_" * 60
    note = note[: settings.LIMIT_NOTE_CHARS]
    office.get_by_label("Ghi chú cần sửa").fill(note + "thừa")  # the field stops at the limit
    office.get_by_role("button", name="Trả lại để sửa").click()
    expect(office.get_by_role("status")).to_have_text(Msg.WEB_051.render(number=1, unit_name="Phường Tân Phong"))
    assert store.submissions(round_id, TAN_PHONG)[0].note == note
    _fits(office, size)
    shots(office, f"34_office_{size}_returned_long_note")
    unit = _page(browser, size)
    unit.goto(links[TAN_PHONG])
    expect(unit.locator("p.note").first).to_contain_text(note[:40])
    _fits(unit, size)  # a long word wraps
    shots(unit, f"35_unit_{size}_long_note")
