"""The pages a commune officer reads at a glance, through Flask's test client: the findings of an
upload in plain words at their cells on the unit's page (the office's page keeps the rule ids
and codes), each unit's uploads numbered on their own, the office's approval of a version with
errors only once it ticked that it saw them (never the approved one again) and a page that says
what was done, notes of at most 2,000 characters, and no bidirectional or invisible character
in a name, a note or a file name, whoever typed it."""

# ruff: noqa: F811 - the fixtures imported from test_web are the tests' arguments
from __future__ import annotations

import io
import re
from pathlib import Path

from markupsafe import escape

from pipeline import rounds
from pipeline.core import settings
from pipeline.core.errors import Msg
from pipeline.core.vnformat import format_number
from pipeline.core.wording import FOLLOWS_ANOTHER_SLUGS, PLAIN
from pipeline.rounds.board import unit_status
from tests.web.test_web import (  # noqa: F401 - the fixtures of the web's tests
    DUE,
    QUYET_THANG,
    TAN_PHONG,
    _csrf,
    _file,
    _links,
    app,
    data_dir,
    office,
    round_id,
)

BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: turns the rest of a line around
INVISIBLE = "\u200b\u2066\ufeff\u200f\x07"  # zero-width space, an isolate, a BOM, a mark, a bell


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def _store(app):
    return app.extensions["tonghop_store"]


def _send(client, link, path):
    answer = client.post(link, data=_file(path) if isinstance(path, Path) else path, content_type="multipart/form-data")
    assert answer.status_code == 303
    return answer.headers["Location"]


def test_the_unit_reads_each_problem_in_plain_words_at_its_cell(app, office, round_id, make_return, form, tmp_path):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    bad = make_return(QUYET_THANG, {"RESIDENTIAL_AREAS": "nhiều", "MEDIATORS": -3}, name="bad_03386.xlsx", folder=tmp_path / "bad")
    page = unit.get(_send(unit, link, bad)).get_data(as_text=True)
    verdict = _section(page, 'id="ket-qua"', "</section>")
    (sub,) = _store(app).submissions(round_id)
    text_cell = next(f["cell"] for f in sub.findings if f["rule"] == Msg.VALUE_002.slug)
    expected = PLAIN[Msg.VALUE_002].format(label=form.indicators["RESIDENTIAL_AREAS"].label, value="nhiều")
    assert expected == "Tổng số khu dân cư: 'nhiều' không phải là số. Hãy nhập một số, ví dụ 12."  # the example
    assert f'<li class="error"><b>Ô {text_cell}</b> – {escape(expected)}</li>' in verdict
    assert "Cần sửa (" in verdict
    codes = "|".join(map(re.escape, form.indicators))
    assert not re.search(rf"\b({codes})\b", verdict) and not re.search(r"\bR\d\d\b", verdict) and "quy tắc" not in verdict
    assert "bad_03386.xlsx ›" not in verdict and "[bad_03386.xlsx" not in verdict and "trang Báo cáo" not in verdict
    shown = {(f["cell"], f["plain"]) for f in sub.findings if f["rule"] not in FOLLOWS_ANOTHER_SLUGS}
    assert verdict.count("<li ") == len(shown) == 2  # one line per problem: a rule over the refused cell adds none

    office_page = office.get(f"/rounds/{round_id}/units/{QUYET_THANG}").get_data(as_text=True)
    assert "RESIDENTIAL_AREAS" in office_page and f"ô {text_cell}" in office_page  # the office keeps the details
    assert re.search(r"quy tắc R\d\d", office_page) or not any(f["rule"].startswith("R") for f in sub.findings)


def test_the_verdict_is_not_repeated_and_older_uploads_are_folded(app, office, round_id, make_return, tmp_path):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    for i, changes in enumerate(({"MEDIATORS": "nhiều"}, {"MEDIATORS": -1}, {})):
        where = _send(unit, link, make_return(QUYET_THANG, changes, name=f"lan_{i + 1}.xlsx", folder=tmp_path / str(i)))
    page = unit.get(where).get_data(as_text=True)
    assert page.count("lan_3.xlsx") == 1 and "Lần gửi thứ 3" in _section(page, 'id="ket-qua"', "</section>")
    history = page[page.index("Các lần gửi trước") :]
    assert re.findall(r"<details class=\"card wide upload\"( open)?>", history) == ["", ""]  # folded: the verdict is on top
    assert history.index("Lần gửi thứ 2") < history.index("Lần gửi thứ 1")  # newest first
    again = unit.get(link).get_data(as_text=True)  # the page opened later: the newest upload open, the older folded
    assert 'id="ket-qua"' not in again
    assert re.findall(r"<details class=\"card wide upload\"( open)?>", again) == [" open", "", ""]


def test_uploads_are_numbered_per_unit_on_both_pages(app, office, round_id, make_return, tmp_path):
    links = _links(office, round_id)
    unit = app.test_client()
    _send(unit, links[QUYET_THANG], make_return(QUYET_THANG, folder=tmp_path / "a"))
    _send(unit, links[TAN_PHONG], make_return(TAN_PHONG, folder=tmp_path / "b"))
    _send(unit, links[TAN_PHONG], make_return(TAN_PHONG, folder=tmp_path / "c"))
    second = _send(unit, links[QUYET_THANG], make_return(QUYET_THANG, folder=tmp_path / "d"))
    _send(unit, links[QUYET_THANG], make_return(TAN_PHONG, folder=tmp_path / "e"))  # Tân Phong's file through the wrong link
    assert [s.id for s in _store(app).submissions(round_id)] == [1, 2, 3, 4, 5]  # the store counts every file of the round

    page = unit.get(second).get_data(as_text=True)
    assert "Lần gửi thứ 2" in _section(page, 'id="ket-qua"', "</section>")
    own = unit.get(links[QUYET_THANG]).get_data(as_text=True)
    assert re.findall(r"Lần gửi thứ (\d+)", own[own.index("Các lần đã gửi") :]) == ["3", "2", "1"]
    assert "Bản số" not in own
    office_page = office.get(f"/rounds/{round_id}/units/{QUYET_THANG}").get_data(as_text=True)
    assert re.findall(r"<h3>Lần gửi thứ (\d+)", office_page) == ["2", "3", "1"]  # the version in use first
    theirs = office.get(f"/rounds/{round_id}/units/{TAN_PHONG}").get_data(as_text=True)
    assert re.findall(r"<h3>Lần gửi thứ (\d+)( của [^<]+?)?(?: <span|</h3>)", theirs) == [
        ("2", ""),
        ("1", ""),
        ("3", " của Phường Quyết Thắng"),
    ]  # fmt: skip: files sent through another unit's link after the unit's own


def test_approving_a_version_with_errors_needs_the_ticked_confirmation(app, office, round_id, make_return, tmp_path):
    unit = app.test_client()
    _send(unit, _links(office, round_id)[QUYET_THANG], make_return(QUYET_THANG, {"MEDIATORS": -3, "DOCS_ISSUED": None}))
    (sub,) = _store(app).submissions(round_id)
    assert sub.accepted and sub.errors == 2
    path = f"/rounds/{round_id}/units/{QUYET_THANG}"
    page = office.get(path).get_data(as_text=True)
    card = _section(page, f'id="ban-{sub.id}"', "</section>")
    assert 'value="approve">Duyệt bản này<' not in card  # no approval in one click
    confirm = _section(card, '<details class="confirm">', "</details>")
    assert "dù còn 2 lỗi" in confirm and confirm.count('<li class="error">') == 2  # the confirmation lists the errors
    assert re.search(r'<input type="checkbox" name="errors_seen" value="yes" required>', confirm)

    token = _csrf(office, path)
    refused = office.post(path + "/review", data={"csrf_token": token, "action": "approve", "submission": str(sub.id)})
    assert refused.status_code == 400
    shown = refused.get_data(as_text=True)
    assert str(escape(Msg.ROUND_131.render(errors=2))) in shown and '<details class="confirm" open>' in shown
    assert _store(app).submissions(round_id)[0].review is None

    done = office.post(path + "/review", data={"csrf_token": token, "action": "approve", "submission": str(sub.id), "errors_seen": "yes"})
    assert done.status_code == 302
    after = office.get(done.headers["Location"]).get_data(as_text=True)
    said = Msg.WEB_050.render(number=1, unit_name="Phường Quyết Thắng")
    assert f'<p class="box good" role="status">{escape(said)}</p>' in after  # the page says what was done
    assert str(escape(said)) not in office.get(path).get_data(as_text=True)  # once
    assert "Vẫn duyệt bản này" not in after and "Duyệt bản này" not in after  # never on the approved version
    again = office.post(path + "/review", data={"csrf_token": token, "action": "approve", "submission": str(sub.id), "errors_seen": "yes"})
    assert again.status_code == 400 and str(escape(Msg.ROUND_132.render())) in again.get_data(as_text=True)
    assert [a.action for a in _store(app).audit(round_id)].count("approve") == 1


def test_returning_says_what_was_done_and_a_note_is_at_most_2000_characters(app, office, round_id, make_return):
    unit = app.test_client()
    link = _links(office, round_id)[TAN_PHONG]
    _send(unit, link, make_return(TAN_PHONG))
    path = f"/rounds/{round_id}/units/{TAN_PHONG}"
    page = office.get(path).get_data(as_text=True)
    assert f'maxlength="{settings.LIMIT_NOTE_CHARS}"' in page and "Duyệt bản này" in page  # no errors: one click
    token = _csrf(office, path)
    long_note = "x" * (settings.LIMIT_NOTE_CHARS + 1)
    refused = office.post(path + "/review", data={"csrf_token": token, "action": "return", "note": long_note, "submission": "1"})
    expected = Msg.ROUND_130.render(length=format_number(len(long_note)), limit=format_number(settings.LIMIT_NOTE_CHARS))
    assert refused.status_code == 400 and str(escape(expected)) in refused.get_data(as_text=True)
    assert _store(app).submissions(round_id)[0].review is None

    note = f"Sửa ô E44:{BIDI} ghi số người{INVISIBLE}.\r\nRồi gửi lại."
    done = office.post(path + "/review", data={"csrf_token": token, "action": "return", "note": note, "submission": "1"})
    assert done.status_code == 302
    said = Msg.WEB_051.render(number=1, unit_name="Phường Tân Phong")
    assert str(escape(said)) in office.get(done.headers["Location"]).get_data(as_text=True)
    kept = _store(app).submissions(round_id)[0].note
    assert kept == "Sửa ô E44: ghi số người.\nRồi gửi lại."  # no override, nothing invisible; the line break kept
    seen = unit.get(link).get_data(as_text=True)
    assert kept in seen and BIDI not in seen and not set(INVISIBLE) & set(seen)


def test_names_notes_and_file_names_lose_bidirectional_and_invisible_characters(app, office, make_return, tmp_path):
    units_csv = tmp_path / "units.csv"
    units_csv.write_text(f"code,name,level\n{QUYET_THANG},Phường{BIDI} Quyết{INVISIBLE} Thắng,communes\n", encoding="utf-8")
    rid = rounds.create_round(_store(app), units_path=units_csv, period="2023", deadline=DUE).id
    assert [u.name for u in _store(app).units(rid)] == ["Phường Quyết Thắng"]
    # A round stored before names were cleaned: its pages still show none of it.
    old = _store(app).create_round("", "mttq-ket-qua-nam", "2023.1", "2023", None, [(TAN_PHONG, f"Phường {BIDI}Tân Phong", "communes")])
    board = office.get(f"/rounds/{old.id}").get_data(as_text=True)
    assert "Phường Tân Phong: chưa nộp báo cáo." in board and BIDI not in board  # the reminder reads left to right

    link = _links(office, rid)[QUYET_THANG]
    unit = app.test_client()
    sent = make_return(QUYET_THANG, folder=tmp_path / "f")
    answer = unit.post(
        link, data={"file": (io.BytesIO(sent.read_bytes()), f"bao cao{BIDI}xslx.exe{INVISIBLE}.xlsx")}, content_type="multipart/form-data"
    )
    (sub,) = _store(app).submissions(rid)
    assert sub.filename == "bao caoxslx.exe.xlsx"
    page = unit.get(answer.headers["Location"]).get_data(as_text=True)
    assert BIDI not in page and not set(INVISIBLE) & set(page)


def test_the_office_reads_the_version_in_use_first_then_the_others_folded(app, office, round_id, make_return, tmp_path):
    links = _links(office, round_id)
    unit = app.test_client()
    for i, changes in enumerate(({"MEDIATORS": "nhiều"}, {"MEDIATORS": -1}, {}, {"DOCS_ISSUED": None})):
        _send(unit, links[QUYET_THANG], make_return(QUYET_THANG, changes, name=f"lan_{i + 1}.xlsx", folder=tmp_path / str(i)))
    path = f"/rounds/{round_id}/units/{QUYET_THANG}"
    fourth = _store(app).submissions(round_id, of_unit=QUYET_THANG)[-1]
    approve = {"csrf_token": _csrf(office, path), "action": "approve", "submission": str(fourth.id), "errors_seen": "yes"}
    assert office.post(path + "/review", data=approve).status_code == 302
    _send(unit, links[QUYET_THANG], make_return(QUYET_THANG, name="lan_5.xlsx", folder=tmp_path / "5"))  # after the approval
    _send(unit, links[TAN_PHONG], make_return(QUYET_THANG, name="nham.xlsx", folder=tmp_path / "x"))  # through Tân Phong's link
    _send(unit, links[TAN_PHONG], make_return(QUYET_THANG, name="nham_2.xlsx", folder=tmp_path / "y"))
    assert unit_status(_store(app), round_id, QUYET_THANG).in_use == fourth.id

    page = office.get(path).get_data(as_text=True)
    cards = re.findall(
        r'<section class="card wide version" id="ban-\d+">\n<details( open)?>\n<summary><h3>Lần gửi thứ (\d+)( của [^<]+?)?(?: <span|</h3>)',
        page,
    )
    assert cards == [
        (" open", "4", ""), ("", "5", ""), ("", "3", ""), ("", "2", ""), ("", "1", ""),
        ("", "2", " của Phường Tân Phong"), ("", "1", " của Phường Tân Phong"),
    ]  # fmt: skip
    first = _section(page, f'id="ban-{fourth.id}"', "</section>")
    assert '<span class="tag approved">đang dùng</span>' in first and "lan_4.xlsx" in first
    assert page.index("Tệp của đơn vị này gửi qua đường dẫn của đơn vị khác") > page.index("lan_1.xlsx")


def test_without_a_version_in_use_the_newest_is_open(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    for i in range(3):
        _send(unit, link, {"file": (io.BytesIO(b"\xff\xd8\xff\xe0 a photo"), f"anh_{i + 1}.xlsx")})
    assert unit_status(_store(app), round_id, QUYET_THANG).in_use is None  # nothing accepted
    page = office.get(f"/rounds/{round_id}/units/{QUYET_THANG}").get_data(as_text=True)
    assert re.findall(r"<details( open)?>\n<summary><h3>Lần gửi thứ (\d+)", page) == [(" open", "3"), ("", "2"), ("", "1")]
