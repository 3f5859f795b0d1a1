"""The collection round end to end in a real browser (Playwright driving Debian's chromium), as
people use it: the office logs in and creates a round, reads a unit's link; the unit, on a phone,
sends a return with an error, sees the finding at its cell, sends the corrected one; the office
sees it received, returns another unit's return with a note the unit then sees, consolidates and
downloads the workbook. A screenshot of each page goes to ``TONGHOP_SCREENSHOTS`` (else tmp_path).

Skipped without the ``playwright`` package or a chromium; Playwright's own browsers are not used."""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if not CHROMIUM:
    pytest.skip("no chromium browser (/usr/bin/chromium; Debian: apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from pipeline.core.constants import WORKBOOK_XLSX  # noqa: E402
from pipeline.web import create_app  # noqa: E402

ADMIN = "admin-token-for-browser-tests"
QUYET_THANG, TAN_PHONG = "03386", "03387"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server(tmp_path):
    """The app served by waitress on a free port in a background thread: its base URL."""
    import waitress

    app = create_app(tmp_path / "data", admin_token=ADMIN)
    served = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{served.effective_port}"
    finally:
        served.close()
        thread.join(timeout=10)
        app.extensions["tonghop_store"].close()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("TONGHOP_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_round_in_the_browser_office_and_unit_on_a_phone(server, browser, shots, make_return, tmp_path):
    office = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    office.set_default_timeout(30_000)
    office.goto(f"{server}/?token={ADMIN}")
    expect(office.get_by_role("heading", name="Các đợt thu báo cáo")).to_be_visible()
    assert "token" not in office.url  # logged in: the token left the address bar
    shots(office, "01_dashboard")

    office.get_by_label("Kỳ báo cáo").fill("2023")
    office.get_by_label("Hạn nộp").fill("15/11/2023")
    office.get_by_role("button", name="Tạo đợt").click()
    expect(office.get_by_role("heading", name="Tình hình nộp báo cáo năm 2023")).to_be_visible()
    board = office.url
    shots(office, "02_board_new")

    office.get_by_role("link", name="Đường dẫn nộp báo cáo của các đơn vị").click()
    expect(office.get_by_role("heading", name="Đường dẫn nộp báo cáo năm 2023")).to_be_visible()
    links = {code: office.locator(f"#u{code} .url").inner_text().strip() for code in (QUYET_THANG, TAN_PHONG)}
    assert all(link.startswith(f"{server}/u/") for link in links.values()), links
    shots(office, "03_links")

    unit = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    unit.set_default_timeout(30_000)
    unit.goto(links[QUYET_THANG])
    expect(unit.get_by_role("heading", name="Phường Quyết Thắng")).to_be_visible()
    assert unit.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shots(unit, "04_unit_phone")

    def send(page, path):
        page.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(path))
        page.get_by_role("button", name="Gửi báo cáo").click()
        expect(page.get_by_role("heading", name=f"Kết quả kiểm tra tệp “{path.name}”")).to_be_visible()

    send(unit, make_return(QUYET_THANG, {"MEDIATORS": "nhiều"}, name="loi.xlsx", folder=tmp_path / "bad"))
    error = unit.locator("section.box ul.findings li.error").first
    expect(error).to_contain_text("Lỗi – ô ")
    expect(unit.locator("section.box")).not_to_contain_text("không có lỗi")
    shots(unit, "05_unit_error")

    send(unit, make_return(QUYET_THANG, name="da_sua.xlsx", folder=tmp_path / "good"))
    expect(unit.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()
    shots(unit, "06_unit_accepted")

    office.goto(board)
    row = office.get_by_role("row").filter(has_text="Phường Quyết Thắng")
    expect(row).to_contain_text("Nộp muộn")  # received, after the deadline of 15/11/2023
    expect(row.get_by_role("cell").last).to_have_text("2")  # two versions sent
    shots(office, "07_board_received")

    other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    other.goto(links[TAN_PHONG])
    send(other, make_return(TAN_PHONG, folder=tmp_path / "other"))
    office.goto(board)
    office.get_by_role("link", name="Phường Tân Phong").click()
    expect(office.get_by_role("heading", name="Bản số 3")).to_be_visible()
    note = "Ô số hòa giải viên cần ghi đúng số người."
    office.get_by_label("Ghi chú cần sửa").fill(note)
    office.get_by_role("button", name="Trả lại để sửa").click()
    expect(office.get_by_text(f"Đã trả lại để sửa: {note}")).to_be_visible()
    shots(office, "08_office_unit_returned")
    other.goto(links[TAN_PHONG])  # opened again (a reload would send the file again)
    expect(other.get_by_text("Văn phòng trả lại báo cáo để sửa")).to_contain_text(note)
    expect(other.locator("span.tag").first).to_have_text("Cần sửa")
    shots(other, "09_unit_returned_phone")

    office.goto(board)
    office.get_by_role("button", name="Tổng hợp các báo cáo đang dùng").click()
    with office.expect_download() as event:
        office.get_by_role("link", name=WORKBOOK_XLSX).click()
    download = event.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".xlsx"
    with zipfile.ZipFile(saved) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()
    shots(office, "10_board_consolidated")
