"""Templates with prior-period figures, stamped from one workbook per level: each is the workbook
a direct build writes, part by part and cell by cell (values, number formats, styles), reads the
same in ``tonghop check`` once filled in, and prints the same in LibreOffice; so does a stamped
template without them (its changed parts deflated in pieces, ``zipparts``)."""

from __future__ import annotations

import errno
import pathlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from pipeline.cli import cli
from pipeline.consolidate.collect import process_file
from pipeline.core import constants as C
from pipeline.core.errors import Msg, TemplateError
from pipeline.form.model import Unit
from pipeline.form.prior import PriorData
from pipeline.templates import batch
from pipeline.templates.batch import write_templates
from pipeline.templates.build import build_template, template_filename
from pipeline.validate.context import Context
from tests.conftest import message_fields

PERIOD, DEADLINE = "2023", "15/11/2023"
AWKWARD = Unit("X&1", "Phường A & B <1>", "communes")
# Figures a prior run can hold: whole, large, with a fraction, one a float sum prints long, zero, negative.
PRIOR = PriorData(
    "2022",
    by_unit={
        ("03386", "RESIDENTIAL_AREAS"): 9.0,
        ("03386", "CULTURAL_AREAS"): 0.0,
        ("03386", "POOR_FUND_TOTAL"): 123456789012345.0,
        ("03386", "POOR_FUND_LOCAL"): 0.1 + 0.2,
        ("03386", "CULTURAL_FAMILIES"): 2.5,
        ("03386", "DOCS_ISSUED"): -3.0,
        ("03387", "RESIDENTIAL_AREAS"): 1e20,
        ("105", "DOCS_ISSUED"): 41.0,
        ("X&1", "CONFERENCES"): 7.0,
    },
)
TYPED = {"RESIDENTIAL_AREAS": 10, "CULTURAL_AREAS": 8, "DOCS_ISSUED": 5}  # what a unit types in


@pytest.fixture(scope="module")
def chosen(units):
    """The city (the form's committee: built directly), communes with and without prior figures, an escaped name."""
    by_code = {u.code: u for u in units}
    return [by_code["105"], by_code["03386"], by_code["03387"], by_code["03388"], AWKWARD]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory, form, chosen):
    """``write_templates`` with prior figures (stamped) and ``build_template`` (built in full), unit by unit."""
    folder = tmp_path_factory.mktemp("prior")
    stamped = write_templates(form, chosen, folder / "stamped", PERIOD, DEADLINE, prior=PRIOR)
    (folder / "built").mkdir()
    built = [build_template(form, u, folder / "built" / template_filename(u), PERIOD, DEADLINE, PRIOR) for u in chosen]
    return list(zip(chosen, stamped, built, strict=True))


def parts(path: Path) -> dict[str, bytes]:
    """Every part of a workbook, uncompressed, the saved times left out."""
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        out = {name: book.read(name) for name in book.namelist()}
    out["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"", out["docProps/core.xml"])
    return out


def cells(path: Path) -> dict[str, list[tuple]]:
    """Every cell of every sheet as openpyxl reads it: value, type, number format and style (each
    style as its parameters: openpyxl's style proxies do not compare across workbooks)."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [
            (c.coordinate, c.value, c.data_type, c.number_format, *(repr(s) for s in (c.font, c.fill, c.border, c.alignment, c.protection)))
            for row in ws.iter_rows()
            for c in row
        ]
        for ws in book.worksheets
    }


def prior_column(path: Path) -> dict[str, float | None]:
    """Indicator code -> the figure in the prior column, read by its header."""
    ws = openpyxl.load_workbook(path)[C.DATA_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if C.HEADER_CODE in row)
    cols = {title: i for i, title in enumerate(rows[header]) if title}
    return {row[cols[C.HEADER_CODE]]: row[cols["Năm 2022"]] for row in rows[header + 1 :] if row[cols[C.HEADER_CODE]]}


@pytest.mark.parametrize("index", range(5), ids=["committee", "commune", "huge-figure", "no-figures", "escaped-name"])
def test_stamped_with_prior_equals_built_part_by_part(pairs, index):
    unit, stamped, built = pairs[index]
    assert stamped.name == built.name == template_filename(unit)
    assert parts(stamped) == parts(built)


@pytest.mark.parametrize("index", range(5), ids=["committee", "commune", "huge-figure", "no-figures", "escaped-name"])
def test_stamped_with_prior_equals_built_cell_by_cell(pairs, index):
    _, stamped, built = pairs[index]
    assert cells(stamped) == cells(built)


def test_prior_figures_are_the_units_own(pairs, form):
    figures = {unit.code: prior_column(stamped) for unit, stamped, _ in pairs}
    assert figures["03386"]["RESIDENTIAL_AREAS"] == 9
    assert figures["03386"]["POOR_FUND_TOTAL"] == 123456789012345
    assert figures["03386"]["POOR_FUND_LOCAL"] == pytest.approx(0.3)
    assert figures["03386"]["CULTURAL_FAMILIES"] == 2.5 and figures["03386"]["DOCS_ISSUED"] == -3
    assert figures["03387"]["RESIDENTIAL_AREAS"] == 1e20 and figures["03387"]["CULTURAL_AREAS"] is None
    assert figures["X&1"]["CONFERENCES"] == 7 and figures["105"]["DOCS_ISSUED"] == 41
    codes = {ind.code for ind in form.indicators_for("communes")}
    assert all(value is None for code, value in figures["03388"].items() if code in codes)


def test_filled_in_it_checks_as_a_built_one(pairs, tmp_path, form, units):
    """The unit types its figures next to last year's and checks its return: the same verdict,
    and the figures read are the ones typed, never the prior column's."""
    outputs = {}
    for kind, index in (("stamped", 1), ("built", 2)):
        unit, template = pairs[1][0], pairs[1][index]
        book = openpyxl.load_workbook(template)
        ws = book[C.DATA_SHEET]
        rows = {row[3].value: row[4] for row in ws.iter_rows() if row[3].value in TYPED}
        for code, value in TYPED.items():
            rows[code].value = value
        (tmp_path / kind).mkdir()
        path = tmp_path / kind / template.name
        book.save(path)
        result = CliRunner().invoke(cli, ["check", str(path)])
        outputs[kind] = (result.exit_code, result.output)
        checked = process_file(path, Context(form, {u.code: u for u in units}))
        assert checked.accepted and checked.unit.code == unit.code
        assert {v.code: v.value for v in checked.values} == TYPED
    assert outputs["stamped"] == outputs["built"]


def test_prior_templates_in_parallel(tmp_path, form, units, monkeypatch):
    monkeypatch.setattr(batch, "POOL_MIN_PRIOR", 1)
    paths = write_templates(form, units, tmp_path / "out", PERIOD, DEADLINE, prior=PRIOR, jobs=2)
    assert [p.name for p in paths] == [template_filename(u) for u in units]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    by_code = dict(zip((u.code for u in units), paths, strict=True))
    assert prior_column(by_code["03386"])["POOR_FUND_TOTAL"] == 123456789012345
    assert prior_column(by_code["03387"])["RESIDENTIAL_AREAS"] == 1e20


def printed(files: dict[str, Path], folder: Path) -> dict[str, Image.Image]:
    """Each workbook printed to PDF by LibreOffice, its pages drawn side by side by pdftoppm."""
    folder.mkdir()
    for name, path in files.items():
        shutil.copy(path, folder / f"{name}.xlsx")
    profile = (folder / "profile").as_uri()
    sources = [str(folder / f"{name}.xlsx") for name in files]
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), *sources]
    subprocess.run(command, check=True, timeout=180, capture_output=True)
    images = {}
    for name in files:
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(folder / f"{name}.pdf"), str(folder / name)], check=True, timeout=60)
        pages = [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{name}-*.png"))]
        sheet = Image.new("RGB", (sum(p.width for p in pages), max(p.height for p in pages)), "white")
        for i, page in enumerate(pages):
            sheet.paste(page, (sum(p.width for p in pages[:i]), 0))
        images[name] = sheet
    return images


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice (soffice) and pdftoppm are needed")
def test_libreoffice_prints_stamped_as_built(pairs, tmp_path, form, units):
    """LibreOffice opens the stamped files (parts deflated in pieces, prior figures filled on the
    bytes) and prints them exactly as the built ones, pixel for pixel."""
    plain = write_templates(form, units[1:2], tmp_path / "plain", PERIOD, DEADLINE)[0]
    files = {
        "prior_stamped": pairs[1][1],
        "prior_built": pairs[1][2],
        "plain_stamped": plain,
        "plain_built": build_template(form, units[1], tmp_path / template_filename(units[1]), PERIOD, DEADLINE),
    }
    images = printed(files, tmp_path / "printed")
    for kind in ("prior", "plain"):
        stamped, built = images[f"{kind}_stamped"], images[f"{kind}_built"]
        assert stamped.size == built.size
        assert ImageChops.difference(stamped, built).getbbox() is None, kind
    assert (
        images["prior_stamped"].size != images["plain_stamped"].size
        or ImageChops.difference(images["prior_stamped"], images["plain_stamped"]).getbbox()
    )


def test_template_cut_short_by_a_full_disk_is_not_counted(monkeypatch, form, units, tmp_path):
    """A disk that fills up in the middle of a template: the part written is not taken for a
    template (the message counts the ones written whole), and nothing reaches the folder."""
    real, seen = pathlib.Path.write_bytes, []

    def write_bytes(self, data):
        if self.name.endswith(".xlsx.tmp"):
            seen.append(self)
            if len(seen) == 3:
                real(self, data[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    with pytest.raises(TemplateError) as refused:
        write_templates(form, units, tmp_path / "out", PERIOD, prior=PRIOR)
    fields = message_fields(Msg.TEMPLATE_010, str(refused.value))
    assert (fields["done"], fields["name"]) == ("4", template_filename(units[3]))  # the committee's built, two stamped
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def plain_pairs(tmp_path_factory, form, chosen):
    """``write_templates`` without prior figures (stamped) and ``build_template``, unit by unit."""
    folder = tmp_path_factory.mktemp("plain")
    stamped = write_templates(form, chosen, folder / "stamped", PERIOD, DEADLINE)
    (folder / "built").mkdir()
    return list(
        zip(stamped, [build_template(form, u, folder / "built" / template_filename(u), PERIOD, DEADLINE) for u in chosen], strict=True)
    )


@pytest.mark.parametrize("index", range(5), ids=["committee", "commune", "commune-2", "commune-3", "escaped-name"])
def test_stamped_without_prior_equals_built_cell_by_cell(plain_pairs, index):
    """The parts holding the unit's name and code, deflated in pieces, read back as the built ones."""
    stamped, built = plain_pairs[index]
    assert parts(stamped) == parts(built)
    assert cells(stamped) == cells(built)


@pytest.mark.parametrize("prior", [PRIOR, None], ids=["prior", "plain"])
def test_only_the_committee_is_built_in_full(monkeypatch, tmp_path, form, units, prior):
    """Every other unit's template is stamped (a stamp that fails falls back to a full build,
    which the comparisons above would not notice)."""
    built = []
    real = batch.build_template

    def build(form, unit, *args, **kwargs):
        built.append(unit.code)
        return real(form, unit, *args, **kwargs)

    monkeypatch.setattr(batch, "build_template", build)
    write_templates(form, [*units, AWKWARD], tmp_path / "out", PERIOD, DEADLINE, prior=prior, jobs=1)
    assert built == [u.code for u in units if form.is_committee(u.name)] == ["105"]
