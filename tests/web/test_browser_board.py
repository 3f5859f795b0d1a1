"""The office's board, audit log and links page in a real browser (Playwright driving Debian's
chromium) at a phone's 390 × 844 and at desktop size: on the phone the board's and the audit's
tables become one card per unit with no sideways scrolling; the links page of a 3,321-unit round
comes in pages with clickable links and prints one unit per card; the consolidation shows its
progress and then its outputs, people's files first. Screenshots go to ``TONGHOP_SCREENSHOTS``
(else tmp_path). Skipped without the ``playwright`` package or a chromium."""

# ruff: noqa: F811 - the fixtures imported from test_browser are the tests' arguments
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if not CHROMIUM:
    pytest.skip("no chromium browser (/usr/bin/chromium; Debian: apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from pipeline import rounds  # noqa: E402
from pipeline.appendix.document import DOCX_NAME  # noqa: E402
from pipeline.core.constants import WORKBOOK_XLSX  # noqa: E402
from pipeline.web import create_app  # noqa: E402
from pipeline.web.linkpages import PAGE_SIZE  # noqa: E402
from tests.web.test_browser import browser, shots  # noqa: E402, F401 - one launch of chromium, one place for screenshots

ADMIN = "admin-token-for-board-browser-tests"
QUYET_THANG, TAN_PHONG = "03386", "03387"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIZES = [("phone", PHONE), ("desktop", DESKTOP)]
NATIONAL = 3_321


@pytest.fixture
def served(tmp_path):
    """The app served by waitress on a free port in a background thread: (base URL, store)."""
    import waitress

    app = create_app(tmp_path / "data", admin_token=ADMIN)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.effective_port}"  # what --base-url sets: the units' links point here
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield app.config["BASE_URL"], app.extensions["tonghop_store"]
    finally:
        server.close()
        thread.join(timeout=10)
        app.extensions["tonghop_store"].close()


def _office(browser, base: str, viewport: dict):
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/?token={ADMIN}")
    return page


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_board_and_audit_as_cards_on_a_phone_and_the_consolidation_with_its_progress(served, browser, shots, make_return, tmp_path):
    base, store = served
    round_id = rounds.create_round(store, period="2023", deadline="15/11/2099").id
    for code, changes in ((QUYET_THANG, {}), (TAN_PHONG, {"MEDIATORS": "nhiều"})):
        path = make_return(code, changes, folder=tmp_path / code)
        rounds.submit(store, round_id, path.read_bytes(), path.name, link_unit=code)
    rounds.review(store, round_id, QUYET_THANG, "approve")
    for name, size in SIZES:
        page = _office(browser, base, size)
        page.goto(f"{base}/rounds/{round_id}")
        row = page.locator("table.board tbody tr").filter(has_text="Phường Tân Phong")
        expect(row).to_contain_text("Có lỗi")
        display = row.evaluate("tr => getComputedStyle(tr).display")
        assert display == ("block" if size is PHONE else "table-row"), name
        if size is PHONE:
            _no_sideways_scrolling(page)
            heading = row.locator("td[data-label='Trạng thái']").evaluate("td => getComputedStyle(td, '::before').content")
            assert heading == '"Trạng thái"'  # each value under its heading
            assert page.locator("table.board thead").bounding_box()["height"] <= 1  # the headings row is hidden, not removed
        shots(page, f"30_board_{name}")
        page.goto(f"{base}/rounds/{round_id}/audit")
        expect(page.locator("table.audit tbody tr").first).to_be_visible()
        if size is PHONE:
            _no_sideways_scrolling(page)
            assert page.locator("table.audit tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "block"
        shots(page, f"31_audit_{name}")

    page = _office(browser, base, PHONE)
    page.goto(f"{base}/rounds/{round_id}")
    page.get_by_role("button", name="Tổng hợp các báo cáo đang dùng").click()
    expect(page.get_by_text("Đang tổng hợp", exact=False).first).to_be_visible()
    shots(page, "32_board_consolidating_phone")
    expect(page.get_by_text("Tổng hợp xong lúc")).to_be_visible(timeout=120_000)  # the script saw the job end, reloaded
    links = page.locator("ul.outputs li a")
    assert links.all_inner_texts()[:2] == [WORKBOOK_XLSX, DOCX_NAME]
    _no_sideways_scrolling(page)
    shots(page, "33_board_consolidated_phone")
    with page.expect_download() as event:
        page.get_by_role("link", name=DOCX_NAME).click()
    assert event.value.suggested_filename == DOCX_NAME


def test_the_links_page_of_a_national_round_in_pages_clickable_and_printed_per_card(served, browser, shots, tmp_path):
    base, store = served
    units = tmp_path / "units.csv"
    rows = "".join(f"B{i:05d},Phường Thử nghiệm {i:05d},communes\n" for i in range(2, NATIONAL + 1))
    units.write_text("code,name,level\nB00001,Thành phố Thử nghiệm,city\n" + rows, encoding="utf-8")
    round_id = rounds.create_round(store, units_path=units, period="2023", deadline="15/11/2099").id
    for name, size in SIZES:
        page = _office(browser, base, size)
        page.goto(f"{base}/rounds/{round_id}/links")
        cards = page.locator("section.card")
        expect(cards).to_have_count(PAGE_SIZE)
        if size is PHONE:
            _no_sideways_scrolling(page)
        shots(page, f"34_links_{name}")
        page.get_by_label("Tìm đơn vị (tên hoặc mã)").fill("thu nghiem 03000")
        page.get_by_role("button", name="Tìm").click()
        expect(cards).to_have_count(1)
        shots(page, f"35_links_search_{name}")
        page.goto(f"{base}/rounds/{round_id}/links")
        page.locator("nav.pager").first.get_by_role("link", name="34", exact=True).click()
        expect(cards).to_have_count(NATIONAL - 33 * PAGE_SIZE)
        expect(page.locator("nav.pager b").first).to_have_text("34")

    page.emulate_media(media="print")
    assert page.locator("nav.pager").first.is_hidden() and page.locator("form.noprint").first.is_hidden()
    assert cards.first.evaluate("card => getComputedStyle(card).breakInside") == "avoid"  # one unit per card, never cut
    shots(page, "36_links_print")
    page.emulate_media(media="screen")
    link = cards.first.locator(".url a")
    url = link.inner_text().strip()
    assert link.get_attribute("href") == url and url.startswith(f"{base}/u/")
    link.click()
    expect(page.get_by_role("heading", name="Phường Thử nghiệm 03301")).to_be_visible()  # the unit's own page
