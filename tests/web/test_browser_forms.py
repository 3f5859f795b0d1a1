"""What a tester pressed, in a real browser (Playwright driving Debian's chromium) at a phone's
390 × 844 and at desktop size: the office's page of a unit shows the version in use first and
open, the others folded; the unit's file chooser is in Vietnamese, and pressing "Gửi báo cáo"
without a file says so in Vietnamese (with the script, and without it); a link is reissued only
after a confirmation, and a QR code leaves no blank below it. Screenshots go to
``TONGHOP_SCREENSHOTS`` (else tmp_path). Skipped without the ``playwright`` package or a chromium."""

# ruff: noqa: F811 - the fixtures imported from the other browser tests are the tests' arguments
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")

from playwright.sync_api import expect  # noqa: E402

from pipeline import rounds  # noqa: E402
from pipeline.core.errors import Msg  # noqa: E402
from tests.web.test_browser import ADMIN, QUYET_THANG, TAN_PHONG, browser, shots  # noqa: E402, F401 - skipped there without chromium
from tests.web.test_browser_unit import SIZES, _fits, _page, served  # noqa: E402, F401


def _submit(store, round_id, path, link_unit):
    return rounds.submit(store, round_id, path.read_bytes(), path.name, link_unit=link_unit).submission_id


@pytest.mark.parametrize("size", list(SIZES))
def test_the_office_reads_the_version_in_use_first_the_others_folded(served, browser, shots, make_return, tmp_path, size):
    base, store, round_id, _links = served
    for i, changes in enumerate(({"MEDIATORS": "nhiều"}, {"MEDIATORS": -1}, {}, {"DOCS_ISSUED": None})):
        fourth = _submit(
            store, round_id, make_return(QUYET_THANG, changes, name=f"lan_{i + 1}.xlsx", folder=tmp_path / str(i)), QUYET_THANG
        )
    rounds.review(store, round_id, QUYET_THANG, "approve", submission_id=fourth, errors_seen=True)
    _submit(store, round_id, make_return(QUYET_THANG, name="nham_duong_dan.xlsx", folder=tmp_path / "x"), TAN_PHONG)
    office = _page(browser, size)
    office.goto(f"{base}/rounds/{round_id}/units/{QUYET_THANG}?token={ADMIN}")
    versions = office.locator("section.version")
    expect(versions).to_have_count(5)
    first = versions.first
    expect(first.get_by_role("heading")).to_have_text("Lần gửi thứ 4 đang dùng")
    expect(first.get_by_text("tệp “lan_4.xlsx”")).to_be_visible()  # open
    expect(versions.nth(1).get_by_role("heading")).to_have_text("Lần gửi thứ 3")
    expect(versions.nth(1).get_by_text("tệp “lan_3.xlsx”")).to_be_hidden()  # folded to its summary line
    expect(versions.last.get_by_role("heading")).to_have_text("Lần gửi thứ 1 của Phường Tân Phong")
    _fits(office, size)
    shots(office, f"40_office_unit_{size}_in_use_first")
    versions.nth(1).get_by_role("heading").click()
    expect(versions.nth(1).get_by_text("tệp “lan_3.xlsx”")).to_be_visible()
    shots(office, f"41_office_unit_{size}_older_opened")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_units_file_chooser_speaks_vietnamese(served, browser, shots, make_return, tmp_path, size):
    _base, store, round_id, links = served
    unit = _page(browser, size)
    unit.goto(links[QUYET_THANG])
    chooser = unit.locator("label.chooser")
    expect(chooser.locator(".pick")).to_have_text("Chọn tệp…")
    expect(chooser.locator(".chosen")).to_have_text("Chưa chọn tệp nào.")
    shots(unit, f"42_unit_{size}_chooser")
    unit.get_by_role("button", name="Gửi báo cáo").click()
    picker = unit.get_by_label("Chọn tệp báo cáo Excel đã điền")
    expect(picker).to_have_js_property("validationMessage", Msg.WEB_070.render())  # the browser's bubble, in Vietnamese
    expect(picker).to_be_focused()
    expect(unit.locator(".upload-status")).to_have_text(Msg.WEB_070.render())
    assert store.submissions(round_id) == []
    shots(unit, f"43_unit_{size}_no_file")

    sent = make_return(QUYET_THANG, name="bao_cao_quyet_thang.xlsx", folder=tmp_path / "a")
    picker.set_input_files(str(sent))
    expect(chooser.locator(".chosen")).to_have_text(f"Đã chọn: {sent.name}")
    expect(unit.locator(".upload-status")).to_be_hidden()
    expect(picker).to_have_js_property("validationMessage", "")
    _fits(unit, size)
    shots(unit, f"44_unit_{size}_chosen")
    unit.get_by_role("button", name="Gửi báo cáo").click()
    expect(unit.get_by_role("heading", name=f"Kết quả kiểm tra tệp “{sent.name}”")).to_be_visible()

    unit.goto(links[QUYET_THANG])
    unit.keyboard.press("Tab")  # the chooser is reached by the keyboard, its button shows it
    while not picker.evaluate("el => el === document.activeElement"):
        unit.keyboard.press("Tab")
    outline = chooser.locator(".pick").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_without_the_script_the_chooser_and_the_server_still_speak_vietnamese(served, browser, shots, make_return, tmp_path):
    _base, store, round_id, links = served
    plain = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False).new_page()
    plain.goto(links[QUYET_THANG])
    chosen = plain.locator("label.chooser .chosen")
    expect(chosen.locator(".none")).to_be_visible()
    expect(chosen.locator(".some")).to_be_hidden()
    plain.get_by_role("button", name="Gửi báo cáo").click()  # the form is novalidate: the server answers
    expect(plain.locator("p.box.bad")).to_have_text(Msg.WEB_004.render())
    shots(plain, "45_unit_phone_no_script_no_file")
    sent = make_return(QUYET_THANG, name="khong_js.xlsx", folder=tmp_path / "b")
    plain.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(sent))
    expect(chosen.locator(".some")).to_have_text("Đã chọn một tệp.")
    expect(chosen.locator(".none")).to_be_hidden()
    shots(plain, "46_unit_phone_no_script_chosen")
    plain.get_by_role("button", name="Gửi báo cáo").click()
    expect(plain.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()
    assert len(store.submissions(round_id)) == 1


@pytest.mark.parametrize("size", list(SIZES))
def test_a_link_is_reissued_after_a_confirmation_and_a_qr_code_has_no_blank_below(served, browser, shots, size):
    base, store, round_id, links = served
    office = _page(browser, size)
    office.goto(f"{base}/rounds/{round_id}/links?token={ADMIN}")
    card = office.locator(f"#u{TAN_PHONG}")
    button = card.get_by_role("button", name="Hủy đường dẫn cũ, cấp đường dẫn mới")
    expect(button).to_be_hidden()  # no one-click reissue
    box = card.locator(".qr").bounding_box()
    svg = card.locator(".qr svg").bounding_box()
    assert abs(box["height"] - svg["height"]) < 1 and abs(svg["height"] - svg["width"]) < 1  # a square, nothing below it
    shots(office, f"47_links_{size}")
    card.get_by_text("Cấp đường dẫn mới…").click()
    expect(card.get_by_text(re.compile(r"Đường dẫn trên và mã QR của Phường Tân Phong sẽ hết dùng được"))).to_be_visible()
    _fits(office, size)
    shots(office, f"48_links_{size}_confirm")
    old = card.locator(".url a").inner_text().strip()
    button.click()
    expect(office.locator(f"#u{TAN_PHONG} .url a")).not_to_have_text(old)
    expect(office.locator(f"#u{TAN_PHONG} details.reissue")).not_to_have_attribute("open", "")  # closed again
    token = old.rsplit("/u/", 1)[1]
    assert office.context.request.get(f"{base}/u/{token}").status == 404  # the old link is gone
    assert links[TAN_PHONG].endswith(f"/u/{token}")


def test_the_dashboards_unit_list_chooser_names_the_file(served, browser, shots, tmp_path):
    base, _store, _round_id, _links = served
    office = _page(browser, "phone")
    office.goto(f"{base}/?token={ADMIN}")
    chooser = office.locator("label.chooser")
    expect(chooser.locator(".pick")).to_have_text("Chọn tệp…")
    units = tmp_path / "don_vi.xlsx"
    units.write_bytes(b"PK\x03\x04")  # only its name is shown here
    office.get_by_label("Danh sách đơn vị").set_input_files(str(units))
    expect(chooser.locator(".chosen")).to_have_text("Đã chọn: don_vi.xlsx")
    _fits(office, "phone")
    shots(office, "49_dashboard_phone_unit_list_chosen")
