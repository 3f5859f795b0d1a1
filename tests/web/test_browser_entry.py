"""Typing a return on a phone in a real browser (Playwright driving Debian's chromium, 390 × 844,
touch): the officer types figures with the keypad's characters, reads each one as it will be
counted, sees a problem beside its field, fixes it, sends and reads the verdict; then loses the
network: the check and the send say so, nothing typed is lost, the tab closed and opened again
restores the figures and says from when, and the send goes once the network is back. The office
types a phoned-in return for another unit and sees both on the board. At 320 px wide nothing
overflows. A screenshot of each page goes to ``TONGHOP_SCREENSHOTS`` (else tmp_path).

Skipped without the ``playwright`` package or a chromium; Playwright's own browsers are not used."""

# ruff: noqa: F811 - the fixtures imported from test_browser are the tests' arguments
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the 'playwright' package is not installed (pip install -e '.[dev]')")

from playwright.sync_api import expect  # noqa: E402

from pipeline import rounds  # noqa: E402
from pipeline.core.errors import Msg  # noqa: E402
from pipeline.core.vnformat import format_number  # noqa: E402
from pipeline.core.wording import PLAIN  # noqa: E402
from pipeline.sample import sample_values  # noqa: E402
from tests.web.test_browser import ADMIN, QUYET_THANG, TAN_PHONG, browser, shots  # noqa: E402, F401 - skipped there without chromium
from tests.web.test_browser_unit import served  # noqa: E402, F401 - the app served with a round and its links

PHONE = {"width": 390, "height": 844}
SMALL = {"width": 320, "height": 640}
SOURCE = "theo điện thoại 9/11"


@pytest.fixture
def screen(tmp_path):
    """A screenshot of what the phone's screen shows (the README's pictures: the buttons held at
    the bottom of the screen where they are), beside the full pages ``shots`` takes."""
    folder = Path(os.environ.get("TONGHOP_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"))


def _phone(browser, viewport=PHONE):
    context = browser.new_context(
        viewport=viewport, is_mobile=True, has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )  # a phone in Vietnam: its clock, as the server's times, in Vietnam time
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _fits(page) -> None:
    """No sideways scrolling: nothing is wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _field(page, code: str):
    return page.locator(f"#o-{code}")


def _fill(page, figures: dict[str, object]) -> None:
    for code, value in figures.items():
        page.locator(f"#f-{code}").fill(str(value))


def test_a_return_typed_on_a_phone_through_a_lost_network(served, browser, shots, screen, form):
    base, store, round_id, links = served
    page = _phone(browser)
    page.goto(links[QUYET_THANG])
    page.get_by_role("link", name="Nhập số liệu trực tiếp").tap()
    expect(page.get_by_role("heading", name="Nhập số liệu trực tiếp")).to_be_visible()
    _fits(page)
    shots(page, "30_entry_phone_blank")

    figures = dict(sample_values()[QUYET_THANG])
    figures.pop("POOR_FUND_LOCAL")
    _fill(page, figures)
    fund = page.locator("#f-POOR_FUND_LOCAL")
    fund.tap()
    fund.press_sequentially("1.200.000")  # as the keypad types it
    expect(_field(page, "POOR_FUND_LOCAL").locator("output.reading")).to_have_text(f"= {format_number(1_200_000)} đồng")
    mediators = page.locator("#f-MEDIATORS")
    mediators.fill("")
    mediators.press_sequentially("-3")
    negative = PLAIN[Msg.VALUE_004].format(label=form.indicators["MEDIATORS"].label, value="-3")
    expect(_field(page, "MEDIATORS").locator(".notes li.error")).to_have_text(negative)  # beside its field
    summary = page.locator("#tom-tat")
    expect(summary).to_contain_text(re.compile(r"Còn \d+ lỗi"))
    expect(summary.get_by_role("link", name=negative)).to_have_attribute("href", "#o-MEDIATORS")
    _fits(page)
    shots(page, "31_entry_phone_error")
    page.evaluate("document.getElementById('o-MEDIATORS').scrollIntoView({block: 'center'})")
    screen(page, "40_entry_screen_error")

    mediators.fill("")
    mediators.press_sequentially("65")
    mediators.press("Enter")  # the keypad's "next": the next figure, nothing sent
    expect(page.locator("#f-MEDIATION_SUCCESS")).to_be_focused()
    expect(_field(page, "MEDIATORS").locator(".notes li")).to_have_count(0)
    expect(_field(page, "MEDIATORS").locator("output.reading")).to_have_text("= 65 hòa giải viên")
    expect(summary).not_to_contain_text("lỗi cần sửa")
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    expect(page.locator("#ket-qua")).to_contain_text("Báo cáo đã được nhận")
    expect(page.get_by_role("link", name="Tải tệp Excel đã gửi").first).to_be_visible()
    shots(page, "32_entry_phone_sent")

    page.get_by_role("link", name="Nhập số liệu trực tiếp").tap()
    expect(page.locator("#f-MEDIATORS")).to_have_value("65")  # a correction starts from what was sent
    page.context.set_offline(True)
    page.locator("#f-MEDIATORS").fill("70")
    status = page.locator(".send-status")
    expect(status).to_have_text(Msg.WEB_105.render())  # the check waits for the network
    expect(_field(page, "MEDIATORS").locator("output.reading")).to_have_text("")  # not the 65 read before
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(status).to_have_text(Msg.WEB_102.render())  # refused, and said so
    expect(page.get_by_role("button", name="Gửi lại")).to_be_visible()
    _fits(page)
    shots(page, "33_entry_phone_offline")
    page.evaluate("document.getElementById('o-MEDIATORS').scrollIntoView({block: 'center'})")
    screen(page, "41_entry_screen_offline")
    page.context.set_offline(False)
    expect(status).to_have_text(Msg.WEB_107.render())  # checked again once the network is back

    page.context.set_offline(True)
    page.locator("#f-MEDIATORS").fill("71")
    kept = page.evaluate("Object.keys(localStorage)")
    token = links[QUYET_THANG].rsplit("/", 1)[1]
    assert len(kept) == 1 and token not in kept[0]
    context = page.context
    page.close()  # the tab closed without network: only the phone has the 71
    context.set_offline(False)
    page = context.new_page()
    page.goto(links[QUYET_THANG] + "/nhap")
    restored = page.locator(".local")
    expect(restored).to_contain_text(re.compile(r"^Số liệu chưa gửi, nhập lúc \d\d:\d\d \d{1,2}/\d{1,2}\."))
    expect(page.locator("#f-MEDIATORS")).to_have_value("71")
    expect(restored.get_by_role("button", name="Bỏ số liệu này")).to_be_visible()
    shots(page, "34_entry_phone_restored")
    screen(page, "42_entry_screen_restored")
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage)") == []  # gone once the server confirmed the send

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    office.set_default_timeout(30_000)
    office.goto(f"{base}/rounds/{round_id}/units/{TAN_PHONG}?token={ADMIN}")
    office.get_by_role("link", name="Nhập số liệu thay đơn vị").click()
    office.get_by_label("Nguồn số liệu").fill(SOURCE)
    _fill(office, sample_values()[TAN_PHONG])
    expect(office.locator("#tom-tat")).to_contain_text("Không có lỗi.")
    shots(office, "38_office_entry")
    office.get_by_role("button", name="Gửi báo cáo").click()
    expect(office.get_by_text(f"Văn phòng nhập thay ({SOURCE})")).to_be_visible()
    office.goto(f"{base}/rounds/{round_id}")
    expect(office.get_by_role("row").filter(has_text="Phường Tân Phong")).to_contain_text(f"văn phòng nhập thay ({SOURCE})")
    received = office.get_by_role("row").filter(has_text="Phường Quyết Thắng")
    expect(received).to_contain_text("nhập trên trang web")
    expect(received.get_by_role("cell").last).to_have_text("2")  # the send refused offline never reached the server
    last = [s for s in store.submissions(round_id) if s.unit_code == QUYET_THANG][-1]
    assert store.figures(round_id, [last.id])[last.id]["MEDIATORS"] == 71  # what the phone kept was sent
    shots(office, "35_board_typed")


def test_the_form_fits_a_small_phone(served, browser, shots):
    _base, _store, _round_id, links = served
    page = _phone(browser, SMALL)
    page.goto(links[QUYET_THANG] + "/nhap")
    _fits(page)
    page.locator("#f-RESIDENTIAL_AREAS").fill("nhiềuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu")  # a long word said back beside its field
    expect(_field(page, "RESIDENTIAL_AREAS").locator(".notes li.error")).to_be_visible()
    expect(page.locator("#tom-tat details > summary")).to_have_text(re.compile(r"^Xem thêm \d+ lỗi$"))  # a form just begun: folded
    _fits(page)
    buttons = page.locator(".actions")
    expect(buttons.get_by_role("button", name="Gửi báo cáo")).to_be_in_viewport()  # always within reach
    shots(page, "36_entry_phone_320")


def test_the_form_works_without_javascript(served, browser, shots, form):
    _base, store, round_id, links = served
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(links[TAN_PHONG] + "/nhap")
    _fill(page, sample_values()[TAN_PHONG] | {"MEDIATORS": "nhiều"})
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("p.box.good")).to_contain_text("Đã lưu nháp lúc")
    wrong = PLAIN[Msg.VALUE_002].format(label=form.indicators["MEDIATORS"].label, value="nhiều")
    expect(_field(page, "MEDIATORS").locator(".notes li.error")).to_have_text(wrong)
    assert store.submissions(round_id) == []  # a draft, not sent
    page.locator("#f-MEDIATORS").fill("40")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    (sent,) = store.submissions(round_id)
    assert store.figures(round_id, [sent.id])[sent.id]["MEDIATORS"] == 40
    shots(page, "37_entry_phone_no_script")


def test_a_send_whose_answer_is_lost_is_sent_again_once(served, browser, shots):
    """The send reaches the server, then the network falls before its answer comes back: the
    page cannot know it arrived and offers "Gửi lại"; tapping it lands on the verdict of that one
    return, and the office sees one version, not two."""
    _base, store, round_id, links = served
    page = _phone(browser)
    page.goto(links[TAN_PHONG] + "/nhap")
    _fill(page, sample_values()[TAN_PHONG])
    expect(page.locator("#tom-tat")).to_contain_text("Không có lỗi.")

    def lost(route):
        route.fetch()  # the server receives the send and answers ...
        route.abort("connectionreset")  # ... but the answer never reaches the phone

    page.route(lambda url: url.endswith("/nhap"), lost)
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.get_by_role("button", name="Gửi lại")).to_be_visible()
    assert len(store.submissions(round_id)) == 1
    shots(page, "43_entry_phone_answer_lost")
    page.unroute_all()  # the network is back
    page.get_by_role("button", name="Gửi lại").tap()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    (sent,) = store.submissions(round_id)
    assert f"gui={sent.id}" in page.url
    expect(page.get_by_text("Lần gửi thứ 2")).to_have_count(0)


def test_a_link_reissued_while_the_form_is_open_keeps_the_figures_for_the_new_one(served, browser):
    """The office issues a new link to the ward (the old one was forwarded too widely) while its
    officer is typing: the send through the old link is refused, and the page says why and that
    the figures are kept on this phone; the new link, opened on the same phone, brings them back."""
    base, store, round_id, links = served
    page = _phone(browser)
    page.goto(links[QUYET_THANG] + "/nhap")
    ((_code, _name, new),) = rounds.links(store, round_id, base, units=[QUYET_THANG], reissue=True)
    page.locator("#f-MEDIATORS").fill("65")
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.locator(".send-status")).to_have_text(Msg.WEB_110.render())
    assert store.submissions(round_id) == []
    again = page.context.new_page()
    again.goto(new + "/nhap")
    expect(again.locator("#f-MEDIATORS")).to_have_value("65")
    expect(again.locator(".local")).to_contain_text("Số liệu chưa gửi")


def test_a_copy_on_the_phone_older_than_the_return_uploaded_since_is_not_put_back(served, browser, make_return):
    """The officer began typing on the phone without network, gave up, and uploaded the Excel
    template from the office computer. Opening the form on the phone later starts from the
    return sent, not from the half-typed copy the phone kept."""
    _base, store, round_id, links = served
    page = _phone(browser)
    page.goto(links[QUYET_THANG] + "/nhap")
    context = page.context
    context.set_offline(True)
    page.locator("#f-MEDIATORS").fill("7")  # kept on the phone only
    expect(page.locator(".send-status")).to_have_text(Msg.WEB_105.render())
    page.close()
    context.set_offline(False)
    rounds.submit(store, round_id, make_return(QUYET_THANG, {"MEDIATORS": 65}).read_bytes(), "bc.xlsx", link_unit=QUYET_THANG)
    page = context.new_page()
    page.goto(links[QUYET_THANG] + "/nhap")
    expect(page.locator("#f-MEDIATORS")).to_have_value("65")
    expect(page.locator(".local")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage)") == []
    page.locator("#f-MEDIATORS").fill("66")  # a correction begun now is kept, and put back
    page.reload()
    expect(page.locator("#f-MEDIATORS")).to_have_value("66")


def test_a_screen_reader_hears_a_fields_problem_once_and_at_the_field(served, browser, form):
    """An officer using TalkBack: the field with a problem is marked invalid and its problem is
    its description (read when the field is reached); a check after typing one figure touches
    only the notes that changed, so the live regions do not announce every other field again."""
    _base, _store, _round_id, links = served
    page = _phone(browser)
    page.goto(links[QUYET_THANG] + "/nhap")
    page.locator("#f-MEDIATORS").fill("-3")
    negative = PLAIN[Msg.VALUE_004].format(label=form.indicators["MEDIATORS"].label, value="-3")
    expect(_field(page, "MEDIATORS").locator(".notes li.error")).to_have_text(negative)
    mediators = page.get_by_label(form.indicators["MEDIATORS"].label, exact=True)
    expect(mediators).to_have_attribute("aria-invalid", "true")
    expect(mediators).to_have_accessible_description(re.compile(re.escape(negative)))
    page.evaluate(
        """() => { window.touched = [];
        document.querySelectorAll('.notes').forEach(notes => new MutationObserver(() => window.touched.push(notes.id))
          .observe(notes, {childList: true, subtree: true})); }"""
    )
    page.locator("#f-MEDIATORS").fill("65")
    expect(_field(page, "MEDIATORS").locator(".notes li")).to_have_count(0)
    expect(mediators).not_to_have_attribute("aria-invalid", "true")
    assert set(page.evaluate("window.touched")) == {"n-MEDIATORS"}  # the other fields' problems, unchanged, not said again
    page.evaluate(
        """() => { window.touched = [];
        new MutationObserver(() => window.touched.push('tom-tat')).observe(document.getElementById('tom-tat'), {childList: true, subtree: true}); }"""
    )
    page.locator("#f-MEDIATORS").fill("66")  # a figure changed, no problem changed
    expect(_field(page, "MEDIATORS").locator("output.reading")).to_have_text("= 66 hòa giải viên")
    assert page.evaluate("window.touched") == []  # the summary at the top, unchanged, is not said again either


@pytest.mark.parametrize("viewport", [PHONE, SMALL], ids=["390", "320"])
def test_the_hints_example_figures_are_never_split_across_lines(served, browser, viewport):
    """The hint says "24 000 000" is accepted: broken over two lines on a phone it read as
    "24 000" and "000", a figure nobody types."""
    _base, _store, _round_id, links = served
    page = _phone(browser, viewport)
    page.goto(links[QUYET_THANG] + "/nhap")
    lines = page.evaluate(
        """() => {
        const hint = [...document.querySelectorAll('main p')].find(p => /24\\s000\\s000/.test(p.textContent));
        const text = hint.firstChild, at = text.data.search(/24\\s000\\s000/), range = document.createRange();
        range.setStart(text, at); range.setEnd(text, at + 10);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""
    )
    assert lines == 1


def test_a_send_stalled_by_a_dead_network_can_be_sent_again(served, browser):
    """On 3G the connection often stalls instead of failing: no answer, no error. The page must
    not say "Đang gửi báo cáo…" forever with the button disabled: after a while it says the send
    did not get through and offers "Gửi lại"."""
    _base, store, round_id, links = served
    page = _phone(browser)
    page.goto(links[TAN_PHONG] + "/nhap")
    _fill(page, sample_values()[TAN_PHONG])
    expect(page.locator("#tom-tat")).to_contain_text("Không có lỗi.")
    stalled = []
    page.route(lambda url: url.endswith("/nhap"), lambda route: stalled.append(route))  # never answered
    page.evaluate("document.querySelector('form[data-entry]').setAttribute('data-patience', '1500')")  # not a minute: a test
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.locator(".send-status")).to_have_text(Msg.WEB_106.render())
    expect(page.locator(".send-status")).to_have_text(Msg.WEB_102.render())
    again = page.get_by_role("button", name="Gửi lại")
    expect(again).to_be_enabled()
    assert len(stalled) == 1  # the send went out and hung
    page.unroute_all(behavior="ignoreErrors")  # the network is back
    again.tap()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    assert len(store.submissions(round_id)) == 1


def test_figures_kept_on_a_phone_whose_clock_is_behind_come_back(served, browser):
    """A cheap phone whose clock is a day behind: a correction typed offline after a send, the
    tab then closed, is still put back when the form is opened again (the phone's clock is never
    compared with the server's)."""
    _base, store, round_id, links = served
    page = _phone(browser)
    page.context.add_init_script("(() => { const real = Date.now; Date.now = () => real() - 86400000; })()")
    page.goto(links[QUYET_THANG] + "/nhap")
    _fill(page, sample_values()[QUYET_THANG])
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.get_by_role("heading", name="Kết quả kiểm tra số liệu đã nhập")).to_be_visible()
    page.goto(links[QUYET_THANG] + "/nhap")
    context = page.context
    context.set_offline(True)
    page.locator("#f-MEDIATORS").fill("70")
    expect(page.locator(".send-status")).to_have_text(Msg.WEB_105.render())
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(links[QUYET_THANG] + "/nhap")
    expect(page.locator("#f-MEDIATORS")).to_have_value("70")
    expect(page.locator(".local")).to_contain_text("Số liệu chưa gửi")
