"""Office accounts in a real browser (Playwright driving Debian's chromium) on a phone, 390 × 844:
a commune office logs in, creates its round of two residential areas, one area sends its return
through its link, the other's figures are typed, the office consolidates and presses "Gửi lên
cấp trên"; the province office logs in and sees the commune's return arrive in its round with
the commune's own round's progress; a viewer of the commune sees no button, and a POST forced
with its session is refused. Screenshots go to ``TONGHOP_SCREENSHOTS`` (else tmp_path)."""

# ruff: noqa: F811 - the fixtures imported from test_browser are the tests' arguments
from __future__ import annotations

import os
import re
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
from pipeline.core.constants import Sender  # noqa: E402
from pipeline.core.errors import Msg  # noqa: E402
from pipeline.rounds import entry  # noqa: E402
from pipeline.rounds.committee_form import create_committee_round  # noqa: E402
from pipeline.sample import COMMUNE_EXAMPLE, area_values, fill_return  # noqa: E402
from pipeline.web import create_app  # noqa: E402
from tests.committees import PASSWORD, make_account  # noqa: E402
from tests.rounds.chain import COMMUNES, PERIOD, PROVINCE, PROVINCE_FORM, add_committees, own_figures, typed  # noqa: E402
from tests.web.test_browser import browser, shots  # noqa: E402, F401 - one launch of chromium, one place for screenshots

PHONE = {"width": 390, "height": 844}
COMMUNE, COMMUNE_NAME = COMMUNES[0]


@pytest.fixture
def served(tmp_path):
    """The app served by waitress on a free port: (base URL, store), the province's round open."""
    import waitress

    app = create_app(tmp_path / "data", admin_token="admin-token-for-account-browser-tests")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.effective_port}"
    store = app.extensions["tonghop_store"]
    add_committees(store)
    create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    make_account(store, "vp.tinh", PROVINCE[0])
    make_account(store, "vp.doanket", COMMUNE)
    make_account(store, "xem.doanket", COMMUNE, "viewer")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield app.config["BASE_URL"], store
    finally:
        server.close()
        thread.join(timeout=10)
        store.close()


def _phone(browser, base: str, login: str, shots=None, shot: str = ""):
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    if shots:
        shots(page, shot)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Các đợt thu báo cáo")).to_be_visible()
    return page


def _folder(tmp_path: Path) -> Path:
    """Where ``shots`` puts its screenshots (for one of a part of a page)."""
    folder = Path(os.environ.get("TONGHOP_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _areas(tmp_path: Path) -> Path:
    rows = [f"{COMMUNE},{COMMUNE_NAME},commune", f"{COMMUNE}001,Bản Nà Khum,villages", f"{COMMUNE}002,Tổ dân phố 5,villages"]
    path = tmp_path / "khu_dan_cu.csv"
    path.write_bytes(("code,name,level\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    return path


def test_a_commune_office_forwards_and_the_province_sees_it_arrive(served, browser, shots, tmp_path):
    base, store = served
    commune = _phone(browser, base, "vp.doanket", shots, "tk_1_dang_nhap")
    commune.get_by_label("Kỳ báo cáo").fill(PERIOD)
    commune.get_by_label("Hạn nộp").fill("15/01/2099")
    commune.locator("input[name=units]").set_input_files(str(_areas(tmp_path)))
    commune.get_by_role("button", name="Tạo đợt").click()
    expect(commune.get_by_role("heading", name="Tình hình nộp báo cáo năm 2025")).to_be_visible()
    round_id = commune.url.rstrip("/").rsplit("/", 1)[1]
    assert store.round(round_id).committee_code == COMMUNE

    links = {code: url for code, _name, url in rounds.links(store, round_id, base)}
    template = rounds.round_templates(store, round_id, tmp_path / "mau", units=[f"{COMMUNE}001"])[0]
    area = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    area.goto(links[f"{COMMUNE}001"])
    area.get_by_label("Chọn tệp báo cáo Excel đã điền").set_input_files(str(fill_return(template, tmp_path / "ban1.xlsx", area_values(1))))
    area.get_by_role("button", name="Gửi báo cáo").click()
    expect(area.get_by_text("Báo cáo đã được nhận, không có lỗi.")).to_be_visible()
    for code, values in ((f"{COMMUNE}002", area_values(2)), (COMMUNE, own_figures(COMMUNE_EXAMPLE.form_dir, "commune"))):
        assert entry.submit_typed(store, round_id, code, typed(values), sender=Sender.UNIT).accepted  # typed on the form

    commune.reload()
    commune.get_by_role("button", name="Tổng hợp các báo cáo đang dùng").click()
    expect(commune.get_by_text("Tổng hợp xong lúc")).to_be_visible(timeout=60_000)
    commune.get_by_role("button", name="Gửi lên cấp trên").click()
    expect(commune.get_by_role("heading", name=re.compile(r"^Đã gửi lên .*Lai Châu$"))).to_be_visible(
        timeout=60_000
    )  # consolidated then sent
    _no_sideways_scrolling(commune)
    sent = commune.locator("section#da-gui-len")
    sent.screenshot(path=str(_folder(tmp_path) / "tk_2_xa_gui_len.png"))

    province = _phone(browser, base, "vp.tinh")
    below = province.locator("table").filter(has_text=COMMUNE_NAME)
    expect(below).to_contain_text(Msg.ROUND_155.render(level="khu dân cư", submitted=2, total=2))
    _no_sideways_scrolling(province)
    shots(province, "tk_3_tinh_trang_chu")
    province.get_by_role("link", name=rounds_of(store, PROVINCE[0])).click()
    row = province.get_by_role("row").filter(has_text=COMMUNE_NAME)
    expect(row).to_contain_text(Msg.ROUND_155.render(level="khu dân cư", submitted=2, total=2))
    expect(row).to_contain_text(round_id)  # "chuyển từ đợt … của …"
    shots(province, "tk_4_tinh_bang")

    viewer = _phone(browser, base, "xem.doanket")
    viewer.get_by_role("link", name=round_id).click()
    expect(viewer.get_by_role("heading", name="Tình hình nộp báo cáo năm 2025")).to_be_visible()
    assert viewer.locator("main form[method=post]").count() == 0 and viewer.locator("main button").count() == 1  # the filter's "Lọc"
    token = viewer.locator("header input[name=csrf_token]").input_value()
    forced = viewer.request.post(f"{base}/rounds/{round_id}/consolidate", form={"csrf_token": token})
    assert forced.status == 403
    shots(viewer, "tk_5_chi_xem")

    commune.goto(f"{base}/tai-khoan")
    expect(commune.get_by_role("heading", name="Việc bạn đã làm")).to_be_visible()
    expect(commune.locator("table").last).to_contain_text("Gửi lên cấp trên")
    _no_sideways_scrolling(commune)
    shots(commune, "tk_6_tai_khoan")


def rounds_of(store, code: str) -> str:
    return next(r.id for r in store.rounds() if r.committee_code == code)
