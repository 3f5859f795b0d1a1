"""Stamped templates: the same workbook as a direct build, written atomically, in parallel."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.core import atomic
from pipeline.core.errors import TemplateError
from pipeline.form.model import Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.templates import batch, stamp
from pipeline.templates.batch import write_stamped, write_templates
from pipeline.templates.build import build_template, template_filename
from pipeline.templates.stamp import Stamp, StampError, placeholder

PERIOD = "2023"
DEADLINE = "15/11/2023"
STAMPED_PARTS = {"xl/sharedStrings.xml", "docProps/custom.xml", "docProps/core.xml"}


def snapshot(path: Path, form) -> dict:
    """What a user or the pipeline can see of a workbook, volatile dates left out."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        sheets[ws.title] = {
            "values": [[cell.value for cell in row] for row in ws.iter_rows()],
            "state": ws.sheet_state,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": [
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.prompt, dv.promptTitle, dv.error, dv.errorTitle)
                for dv in ws.data_validations.dataValidation
            ],
            "protection": {
                key: getattr(ws.protection, key) for key in ("sheet", "objects", "scenarios", "formatColumns", "formatRows", "insertRows")
            },
            "widths": {key: dim.width for key, dim in ws.column_dimensions.items()},
            "heights": {key: dim.height for key, dim in ws.row_dimensions.items()},
        }
    props = {prop.name: prop.value for prop in book.custom_doc_props.props}
    core = (book.properties.title, book.properties.subject, book.properties.creator)
    raw = read_workbook(path)
    ret = extract_return(raw, form, path.name)
    return {"sheets": sheets, "props": props, "core": core, "meta": ret.meta, "codes": [(v.code, v.cell) for v in ret.values]}


@pytest.fixture(scope="module")
def pair(tmp_path_factory, form, units):
    """write_templates (stamped) and build_template (direct) files for the city, a commune and an awkward name."""
    tricky = [Unit("X&1", "Phường A & B <1>", "communes"), Unit("2023", "Xã Trùng Mã", "communes")]
    chosen = [units[0], units[1], *tricky]
    folder = tmp_path_factory.mktemp("pair")
    stamped = write_templates(form, chosen, folder / "stamped", PERIOD, DEADLINE)
    (folder / "built").mkdir()
    built = [build_template(form, u, folder / "built" / template_filename(u), PERIOD, DEADLINE) for u in chosen]
    return list(zip(chosen, stamped, built, strict=True))


@pytest.mark.parametrize("index", [0, 1, 2, 3], ids=["city", "commune", "escaped-name", "code-equals-period"])
def test_stamped_equals_built(pair, form, index):
    unit, stamped, built = pair[index]
    assert stamped.name == built.name
    got, want = snapshot(stamped, form), snapshot(built, form)
    assert got == want
    assert got["meta"]["unit_code"] == unit.code and got["meta"]["unit_name"] == unit.name
    assert got["props"]["tonghop_unit_name"] == unit.name
    assert got["core"][1] == unit.name
    assert f"Đơn vị báo cáo: {unit.name}" in [v for row in got["sheets"]["Báo cáo"]["values"] for v in row]


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_stamped_parts_are_byte_identical(pair, index):
    """Every part but the volatile dates is the byte-for-byte part a direct build writes;
    parts without unit text keep the base's compressed bytes."""
    _, stamped, built = pair[index]
    with zipfile.ZipFile(stamped) as a, zipfile.ZipFile(built) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name
            if name not in STAMPED_PARTS:
                assert (a.getinfo(name).CRC, a.getinfo(name).compress_size) == (b.getinfo(name).CRC, b.getinfo(name).compress_size)
        assert a.testzip() is None


def test_placeholder_in_attribute_is_refused(tmp_path):
    token = placeholder("x")
    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.xml", f'<a b="{token}"/>')
    with pytest.raises(StampError):
        Stamp.from_file(path, [token])


def test_render_keeps_other_entries_and_applies_edits(tmp_path):
    token = placeholder("x")
    path = tmp_path / "plain.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("keep.xml", "<k>" + "x" * 1000 + "</k>")
        z.writestr("t.xml", f"<r><t>{token}</t><v>1</v></r>")
    prepared = Stamp.from_file(path, [token], edited=["t.xml"])
    data = prepared.render({token: " a<b "}, edits={"t.xml": lambda text: text.replace(b"<v>1</v>", b"<v>2</v>")})
    out = tmp_path / "out.zip"
    out.write_bytes(data)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert z.read("t.xml") == b'<r><t xml:space="preserve"> a&lt;b </t><v>2</v></r>'
        assert z.read("keep.xml") == b"<k>" + b"x" * 1000 + b"</k>"


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    stamp.write_bytes(b"new", target)
    assert target.read_bytes() == b"new"

    def fail(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(TemplateError, match="t.xlsx"):
        stamp.write_bytes(b"newer", target)
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["t.xlsx"]


def test_write_into_missing_folder_fails_cleanly(tmp_path, form, units):
    with pytest.raises(TemplateError):
        write_stamped(form, units[:2], tmp_path / "missing", PERIOD)
    assert not (tmp_path / "missing").exists()


def test_write_templates_in_parallel(tmp_path, form, monkeypatch):
    monkeypatch.setattr(batch, "POOL_MIN_STAMPED", 1)
    units = [Unit("B00001", "Thành phố Thử nghiệm", "city")] + [
        Unit(f"B{i:05d}", f"Phường Thử nghiệm {i:05d}", "communes") for i in range(2, 21)
    ]
    paths = write_templates(form, units, tmp_path / "out", PERIOD, DEADLINE, jobs=2)
    assert sorted(os.listdir(tmp_path / "out")) == sorted(p.name for p in paths)
    assert len(paths) == 20
    for unit, path in zip(units, paths, strict=True):
        meta = extract_return(read_workbook(path), form, path.name).meta
        assert (meta["unit_code"], meta["unit_name"], meta["unit_level"], meta["deadline"]) == (unit.code, unit.name, unit.level, DEADLINE)


def test_text_equal_to_another_string_is_built_directly(tmp_path, form):
    """XlsxWriter shares one string between equal texts: a stamp cannot, so the unit is built."""
    code, name = placeholder("code"), placeholder("name")
    base = build_template(form, Unit(code, name, "communes"), tmp_path / "base.xlsx", PERIOD, DEADLINE)
    prepared = Stamp.from_file(base, [code, name])
    prepared.render({code: "B1", name: "Phường Một"})
    for clash in ({code: PERIOD, name: "Phường Một"}, {code: "B1", name: "B1"}, {code: "B1", name: "communes"}):
        with pytest.raises(StampError):
            prepared.render(clash)
