"""The collection round end to end in a real browser (Playwright driving Debian's chromium), as
people use it: the office logs in and creates a round, reads a unit's link; the unit, on a phone,
sends a return with an error, sees the finding at its cell, sends the corrected one; the office
sees it received, returns another unit's return with a note the unit then sees, consolidates and
downloads the workbook. A screenshot of each page goes to ``TONGHOP_SCREENSHOTS`` (else tmp_path).

Skipped without the ``playwright`` package or a chromium; Playwright's own browsers are not used."""

from __future__ import annotations

import base64
import os
import re
import shutil
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
if not CHROMIUM:
    pytest.skip("no chromium browser (/usr/bin/chromium; Debian: apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from pipeline.core.constants import WORKBOOK_XLSX  # noqa: E402
from pipeline.core.vnformat import vietnam_today  # noqa: E402
from pipeline.web import create_app  # noqa: E402

ADMIN = "admin-token-for-browser-tests"
QUYET_THANG, TAN_PHONG = "03386", "03387"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server(tmp_path):
    """The app served by waitress on a free port in a background thread: its base URL."""
    from pipeline.web.server import make_server
    from tests.serving import free_port

    port = free_port()
    address = f"http://127.0.0.1:{port}"
    app = create_app(tmp_path / "data", admin_token=ADMIN, base_url=address)  # the links' address, as serve sets it
    served = make_server(app, "127.0.0.1", port, threads=4)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        yield address
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
    due = (vietnam_today() + timedelta(days=30)).strftime("%d/%m/%Y")
    office.get_by_label("Hạn nộp").fill(due)
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
    expect(error).to_contain_text(re.compile(r"^Ô E\d+ – Hòa giải viên: 'nhiều' không phải là số"))
    expect(unit.locator("section.box")).not_to_contain_text("không có lỗi")
    shots(unit, "05_unit_error")

    send(unit, make_return(QUYET_THANG, name="da_sua.xlsx", folder=tmp_path / "good"))
    expect(unit.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()
    shots(unit, "06_unit_accepted")

    office.goto(board)
    row = office.get_by_role("row").filter(has_text="Phường Quyết Thắng")
    expect(row).to_contain_text("Đã nộp đúng hạn")  # the corrected return, before the deadline
    expect(row.get_by_role("cell").last).to_have_text("2")  # two versions sent
    shots(office, "07_board_received")
    row.get_by_role("link", name="Phường Quyết Thắng").click()
    changed = office.locator("table.changes tr").filter(has_text="Hòa giải viên")
    expect(changed).to_contain_text("(không có số)")  # the first try's figure in words, then the number
    shots(office, "07b_office_unit_versions")

    other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    other.goto(links[TAN_PHONG])
    send(other, make_return(TAN_PHONG, folder=tmp_path / "other"))
    office.goto(board)
    office.get_by_role("link", name="Phường Tân Phong").click()
    expect(office.get_by_role("heading", name="Lần gửi thứ 1")).to_be_visible()
    note = "Ô số hòa giải viên cần ghi đúng số người."
    office.get_by_label("Ghi chú cần sửa").fill(note)
    office.get_by_role("button", name="Trả lại để sửa").click()
    expect(office.get_by_text(f"Đã trả lại để sửa: {note}")).to_be_visible()
    shots(office, "08_office_unit_returned")
    other.goto(links[TAN_PHONG])  # opened again (a reload would send the file again)
    expect(other.get_by_text("Văn phòng trả lại lần gửi thứ 1")).to_contain_text(note)
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


DROP = """([selector, files]) => {
    const transfer = new DataTransfer();
    for (const [name, b64] of files) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name));
    }
    const zone = document.querySelector(selector);
    for (const kind of ["dragenter", "dragover", "drop"]) {
        zone.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }
}"""


def _drop(page, selector: str, files: dict[str, bytes]) -> None:
    """Drop ``files`` (name → bytes) on the element ``selector``, as a file manager does."""
    page.evaluate(DROP, [selector, [[name, base64.b64encode(data).decode()] for name, data in files.items()]])


def test_drag_and_drop_with_progress_on_the_unit_page_and_the_office_drop(server, browser, shots, make_return, tmp_path):
    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    office.set_default_timeout(30_000)
    office.goto(f"{server}/?token={ADMIN}")
    office.get_by_label("Kỳ báo cáo").fill("2023")
    office.get_by_label("Hạn nộp").fill("15/11/2099")
    office.get_by_role("button", name="Tạo đợt").click()
    board = office.url
    office.get_by_role("link", name="Đường dẫn nộp báo cáo của các đơn vị").click()
    link = office.locator(f"#u{QUYET_THANG} .url").inner_text().strip()

    for name, viewport in [("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)]:
        unit = browser.new_context(viewport=viewport, is_mobile=name == "phone", has_touch=name == "phone").new_page()
        unit.set_default_timeout(30_000)
        unit.goto(link)
        shots(unit, f"20_unit_{name}_before")
        sent = make_return(QUYET_THANG, {"MEDIATORS": "nhiều"}, name=f"keo_tha_{name}.xlsx", folder=tmp_path / name)
        _drop(unit, "form[data-upload] .drop", {sent.name: sent.read_bytes()})
        expect(unit.locator("label.chooser .chosen")).to_have_text(f"Đã chọn: {sent.name}")
        shots(unit, f"21_unit_{name}_dropped")
        cdp = unit.context.new_cdp_session(unit)  # a slow phone network, to see the progress
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 50, "downloadThroughput": -1, "uploadThroughput": 4096})
        unit.get_by_role("button", name="Gửi báo cáo").click()
        expect(unit.locator(".upload-status")).to_have_text(re.compile(r"Đang gửi… [1-9]\d?%"))
        expect(unit.get_by_role("button", name="Gửi báo cáo")).to_be_disabled()
        shots(unit, f"22_unit_{name}_sending")
        expect(unit.get_by_role("heading", name=f"Kết quả kiểm tra tệp “{sent.name}”")).to_be_visible(timeout=60_000)
        assert "?gui=" in unit.url  # the page of the verdict: a reload sends nothing again
        expect(unit.locator("section.box ul.findings li.error").first).to_contain_text(re.compile(r"^Ô E\d+ – "))
        shots(unit, f"23_unit_{name}_after")

    plain = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()  # the form without the script
    plain.goto(link)
    fixed = make_return(QUYET_THANG, name="khong_js.xlsx", folder=tmp_path / "plain")
    plain.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(fixed))
    plain.get_by_role("button", name="Gửi báo cáo").click()
    expect(plain.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()

    good = make_return(TAN_PHONG, folder=tmp_path / "office")
    office.goto(board)
    _drop(
        office,
        "form[data-upload] .drop",
        {"zalo_tan_phong.xlsx": good.read_bytes(), "anh_chup.xlsx": b"\xff\xd8\xff\xe0 not a workbook", "rong.xlsx": b""},
    )
    expect(office.locator("label.chooser .chosen")).to_have_text("Đã chọn: zalo_tan_phong.xlsx, anh_chup.xlsx, rong.xlsx")
    office.get_by_role("button", name="Gửi các tệp").click()
    expect(office.get_by_role("heading", name="Các tệp vừa nhận: 1/3 tệp được nhận")).to_be_visible()
    assert "gui=" in office.url and office.url.endswith("#da-nhan")
    expect(office.get_by_role("row").filter(has_text="rong.xlsx")).to_contain_text("Không nhận: [rong.xlsx]")
    shots(office, "24_board_after_office_drop")

    office.get_by_role("link", name="Nhật ký thao tác").click()
    expect(office.get_by_role("heading", name="Nhật ký thao tác năm 2023")).to_be_visible()
    expect(office.locator("table.audit tbody tr").first).to_contain_text("Nhận tệp")
    shots(office, "25_audit")
