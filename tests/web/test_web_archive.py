"""A zip of returns sent to a round: through a unit's link and dropped by the office, each file
inside is a submission of its own with its own verdict; the zip's bytes are kept too."""

from __future__ import annotations

import hashlib
import io
import zipfile

from pipeline import rounds
from pipeline.core import settings
from pipeline.core.errors import Msg
from tests.conftest import message_fields
from tests.web import test_web as web
from tests.web.test_web import DOAN_KET, JSON, QUYET_THANG, TAN_PHONG, _csrf, _links

app, office, round_id, data_dir = web.app, web.office, web.round_id, web.data_dir  # the web fixtures

ZIP_NAME = "Báo cáo 3 phường.zip"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_through_a_units_link_each_file_its_own_verdict(app, office, round_id, make_return, tmp_path):
    store = app.extensions["tonghop_store"]
    link = _links(office, round_id)[QUYET_THANG]
    own = make_return(QUYET_THANG, folder=tmp_path / "own").read_bytes()
    other = make_return(TAN_PHONG, folder=tmp_path / "other").read_bytes()
    data = _zip({"BC Quyết Thắng.xlsx": own, "BC Tân Phong.xlsx": other, "Ghi chú.txt": "Kính gửi".encode()})
    answer = app.test_client().post(link, data={"file": (io.BytesIO(data), ZIP_NAME)}, headers=JSON, content_type="multipart/form-data")
    files = answer.get_json()["files"]
    assert [(f["file_unit_code"], f["accepted"]) for f in files] == [(QUYET_THANG, True), (TAN_PHONG, False), ("", False)]
    assert {f["unit_code"] for f in files} == {QUYET_THANG}  # every verdict describes the link's unit
    # another unit's return inside a unit's zip: the rule of any file of another unit sent through a link
    assert message_fields(Msg.ROUND_101, files[1]["findings"][0]["message"])["link_code"] == QUYET_THANG
    assert any(message_fields(Msg.FILE_001, f["message"]) for f in files[2]["findings"])
    stored = store.submissions(round_id)
    assert [s.filename for s in stored] == [f"{ZIP_NAME}/BC Quyết Thắng.xlsx", f"{ZIP_NAME}/BC Tân Phong.xlsx", f"{ZIP_NAME}/Ghi chú.txt"]
    assert all(s.link_unit == QUYET_THANG for s in stored)
    assert store.blob(stored[0].sha256) == own  # each file's own bytes, read by the round's consolidation
    sha = hashlib.sha256(data).hexdigest()
    assert store.blob(sha) == data  # and the zip as it came
    assert any(sha in line.detail and ZIP_NAME in line.detail for line in store.audit(round_id))
    board = office.get(f"/api/rounds/{round_id}/status").get_json()["units"]
    assert {u["unit_code"]: u["status"] for u in board}[QUYET_THANG] == "on_time"


def test_a_zip_through_a_link_shows_every_verdict_on_the_units_page(app, office, round_id, make_return, tmp_path):
    link = _links(office, round_id)[QUYET_THANG]
    unit = app.test_client()
    data = _zip({"a.xlsx": make_return(QUYET_THANG, folder=tmp_path / "a").read_bytes(), "b.txt": b"x"})
    sent = unit.post(link, data={"file": (io.BytesIO(data), "gui.zip")}, content_type="multipart/form-data")
    assert sent.status_code == 303
    page = unit.get(sent.headers["Location"]).get_data(as_text=True)
    assert page.count("Kết quả kiểm tra tệp") == 2
    assert "Kết quả kiểm tra tệp “gui.zip/a.xlsx”" in page and "Kết quả kiểm tra tệp “gui.zip/b.txt”" in page


def test_the_office_drops_a_zip_with_a_zip_inside_each_filed_under_its_unit(app, office, round_id, make_return, tmp_path):
    inner = _zip({"BC Đoàn Kết.xlsx": make_return(DOAN_KET, folder=tmp_path / "d").read_bytes()})
    data = _zip({"BC Tân Phong.xlsx": make_return(TAN_PHONG, folder=tmp_path / "t").read_bytes(), "xa/them.zip": inner})
    answer = office.post(
        f"/rounds/{round_id}/upload",
        data={"csrf_token": _csrf(office, f"/rounds/{round_id}"), "files": [(io.BytesIO(data), ZIP_NAME)]},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    store = app.extensions["tonghop_store"]
    subs = {s.unit_code: s for s in store.submissions(round_id)}
    assert subs[TAN_PHONG].filename == f"{ZIP_NAME}/BC Tân Phong.xlsx" and subs[TAN_PHONG].accepted
    assert subs[DOAN_KET].filename == f"{ZIP_NAME}/xa/them.zip/BC Đoàn Kết.xlsx" and subs[DOAN_KET].accepted
    board = office.get(answer.headers["Location"]).get_data(as_text=True)
    assert "2/2 tệp được nhận" in board and f"{ZIP_NAME}/xa/them.zip/BC Đoàn Kết.xlsx" in board
    result, _out = rounds.consolidate_round(store, round_id, tmp_path / "out")
    assert result.received == 2


def test_a_zip_bomb_through_a_link_is_one_refused_submission(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    data = _zip({"BC.xlsx": bytes(settings.LIMIT_UNCOMPRESSED_BYTES + 1)})
    answer = app.test_client().post(link, data={"file": (io.BytesIO(data), "bom.zip")}, headers=JSON, content_type="multipart/form-data")
    verdict = answer.get_json()
    assert verdict["accepted"] is False
    (refused,) = [f for f in verdict["findings"] if message_fields(Msg.FILE_020, f["message"])]
    assert refused["severity"] == "error"
    (stored,) = app.extensions["tonghop_store"].submissions(round_id)
    assert stored.filename == "bom.zip"


def test_rar_through_a_link_says_to_extract(app, office, round_id):
    link = _links(office, round_id)[QUYET_THANG]
    data = b"Rar!\x1a\x07\x01\x00" + bytes(64)
    verdict = app.test_client().post(link, data={"file": (io.BytesIO(data), "bc.rar")}, headers=JSON, content_type="multipart/form-data")
    (found,) = [f for f in verdict.get_json()["findings"] if message_fields(Msg.FILE_021, f["message"])]
    assert message_fields(Msg.FILE_021, found["message"])["reason"] == "tệp nén RAR"


def test_round_add_takes_a_zip_apart_and_a_zip_three_deep_is_a_refused_submission(app, round_id, make_return, tmp_path):
    store = app.extensions["tonghop_store"]
    deep = _zip({"sau.zip": _zip({"BC.xlsx": make_return(DOAN_KET, folder=tmp_path / "d").read_bytes()})})
    folder = tmp_path / "zalo"
    folder.mkdir()
    (folder / ZIP_NAME).write_bytes(
        _zip({"BC Tân Phong.xlsx": make_return(TAN_PHONG, folder=tmp_path / "t").read_bytes(), "giua.zip": deep})
    )
    verdicts = rounds.add_paths(store, round_id, [folder])
    assert [(v.filename, v.unit_code, v.accepted) for v in verdicts] == [
        (f"{ZIP_NAME}/BC Tân Phong.xlsx", TAN_PHONG, True),
        (f"{ZIP_NAME}/giua.zip/sau.zip", "", False),
    ]
    reason = message_fields(Msg.FILE_020, verdicts[1].findings[0]["message"])["reason"]
    assert "quá 2 cấp" in reason and verdicts[1].errors == 1
