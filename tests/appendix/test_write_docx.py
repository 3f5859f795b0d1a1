"""The Word appendix "PHỤ LỤC SỐ LIỆU" (pipeline/write_docx.py, run.make_report, tonghop report)."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from pipeline import api as run
from pipeline.appendix.document import DOCX_NAME
from pipeline.appendix.docxparts import admin_name_lines, vn_date
from pipeline.cli import cli
from pipeline.cli.summary import demo_lines
from pipeline.core import settings
from pipeline.core.constants import LEVEL_ALL
from pipeline.core.errors import Msg

PARTS = ("A. SỐ LIỆU TỔNG HỢP", "B. SỐ LIỆU ĐỂ ĐƯA VÀO BÁO CÁO", "C. SỐ LIỆU CẦN XÁC MINH", "D. BIỂU ĐỒ")


def _consolidate(returns, out, prior):
    """The real pipeline; without the colleague's workbook writer, the CSVs only."""
    if importlib.util.find_spec("pipeline.workbook.book"):
        return run.consolidate(returns, period="2023", out=out, prior_path=prior)[1]
    from pipeline.consolidate.combine import consolidate_folder
    from pipeline.form.definition import load_form
    from pipeline.form.prior import load_prior
    from pipeline.form.units import load_units
    from pipeline.outputs.csvfiles import write_csvs
    from pipeline.validate.compare import attach_comparison
    from pipeline.validate.context import Context

    form = load_form()
    result = consolidate_folder(returns, Context.of(form, load_units(None, form), "2023"))
    write_csvs(attach_comparison(result, load_prior(prior)), out)
    return out


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory, sample_dir):
    """The sample consolidated with the seed's 2022 figures as the prior period."""
    return _consolidate(sample_dir, tmp_path_factory.mktemp("docx") / "out", settings.SAMPLE_DIR / "prior_2022.csv")


@pytest.fixture(scope="module")
def doc(consolidated):
    path = run.make_report(consolidated, when="15/11/2023", number="481/BC-MTTQ-BTT")
    assert path == consolidated / DOCX_NAME
    return Document(str(path))


def _paragraphs(doc, start: str, end: str | None) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    return texts[texts.index(start) + 1 : texts.index(end) if end else None]


def _table(doc, form, code):
    """(header, row) of the data table holding ``code``'s row, as cell texts."""
    label = form.indicators[code].display_label
    for table in doc.tables[1:]:
        rows = [[c.text for c in row.cells] for row in table.rows]
        for row in rows[1:]:
            if row[0] == label:
                return rows[0], dict(zip(rows[0], row, strict=True))
    raise AssertionError(code)


def test_figures_in_vietnamese_format(doc, form):
    header, poor = _table(doc, form, "POOR_FUND_TOTAL")
    assert header[:5] == ["Chỉ tiêu", "Đơn vị tính", "Cấp thành phố", "Cấp xã, phường", form.level_label(LEVEL_ALL)]
    assert (poor["Đơn vị tính"], poor[form.level_label(LEVEL_ALL)]) == ("đồng", "862.796.456")
    _, petitions = _table(doc, form, "PETITIONS_TOTAL")
    assert [petitions[h] for h in header[2:5]] == ["77", "23", "100"]
    _, new = _table(doc, form, "PETITIONS_NEW")
    assert header[5:] == ["Cùng kỳ năm 2022", "Tăng/giảm"]
    assert (new["Cùng kỳ năm 2022"], new["Tăng/giảm"]) == ("76", "+3")
    _, plans = _table(doc, form, "DOCS_PLAN")
    assert (plans["Cấp xã, phường"], plans["Cùng kỳ năm 2022"]) == ("", "")  # not reported: blank
    assert plans["Chỉ tiêu"] == "Trong đó: kế hoạch"


def test_parts_in_italics(doc, form):
    table = next(t for t in doc.tables[1:] if any(row.cells[0].text == "Trong đó: kế hoạch" for row in t.rows))
    italic = {row.cells[0].text: bool(row.cells[0].paragraphs[0].runs[0].italic) for row in table.rows[1:]}
    assert italic["Trong đó: kế hoạch"] and not italic[form.indicators["DOCS_ISSUED"].label]


def test_one_table_per_section_with_repeated_header(doc, form):
    headings = [p.text for p in doc.paragraphs if p.text.startswith("Mục ")]
    assert headings[: len(form.sections)] == [f"Mục {s.id}. {s.title}" for s in form.sections.values()]
    assert len(doc.tables) == 1 + len(form.sections)
    for table in doc.tables[1:]:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # right-aligned figures


def test_sentences_in_the_report_style(doc):
    text = "\n".join(_paragraphs(doc, PARTS[1], PARTS[2]))
    for expected in (
        "đã vận động được tổng số tiền 862.796.456 đồng (trong đó: Quỹ “Vì người nghèo” Trung ương chuyển về 24.000.000 đồng;",
        "tiếp nhận 100 đơn (cấp thành phố 77 đơn; cấp xã, phường 23 đơn); trong đó: đơn kỳ trước chuyển sang 21 đơn, đơn tiếp nhận trong kỳ 79 đơn",
        "so với cùng kỳ năm 2022 số đơn tiếp nhận mới tăng 03 đơn",
        "đã giải quyết 86/100 đơn",
        "đã tiếp 44 lượt = 47 người = 44 vụ việc (cấp thành phố 28 lượt/28 người; cấp xã, phường tiếp 16 lượt/19 người), bằng so với cùng kỳ năm 2022",
        "ban hành 215 văn bản chỉ đạo, hướng dẫn, triển khai thực hiện nhiệm vụ trong hệ thống Mặt trận (trong đó: 46 kế hoạch, 07 hướng dẫn, 151 công văn, 11 thông báo)",
        "trao 2.614 suất quà",
        "hỗ trợ 10 hộ nghèo trên địa bàn thành phố xây dựng Nhà đại đoàn kết",
        "tổ chức 45 hội nghị tiếp xúc cử tri",
        "đã giải quyết 84/98 đơn",
        "kết nạp thêm 02 tổ chức thành viên, nâng tổng số lên 09 tổ chức thành viên",
    ):
        assert expected in text
    assert "{" not in text and "Chưa đưa vào" not in text


def test_verification_list_starts_with_the_poor_fund_gap(doc, form, consolidated):
    items = _paragraphs(doc, PARTS[2], PARTS[3])
    r04 = next(rule for rule in form.rules if rule.id == "R04")
    with (consolidated / "values.csv").open(encoding="utf-8") as handle:
        cell = next(r["cell"] for r in csv.DictReader(handle) if r["unit_code"] == "105" and r["code"] == "POOR_FUND_TOTAL")
    places = "Số liệu tổng hợp – Tổng cộng; Số liệu tổng hợp – Cấp thành phố; "
    assert items[0].startswith(f"1. Cảnh báo – {places}Thành phố Lai Châu (tệp 105_Thanh_pho_Lai_Chau.xlsx, ô {cell}): " + r04.message)
    assert "= 744.304.560 đồng" in items[0] and "= 862.796.456 đồng" in items[0] and "chênh lệch 118.491.896 đồng" in items[0]
    assert sum(r04.message in item for item in items) == 1  # one item per failed rule, its places listed
    assert all("POOR_FUND" not in item for item in items)


def test_document_look(doc):
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 1) for m in margins] == [2, 2, 3, 1.5]
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert doc.styles["Normal"].font.size.pt == 14
    header = doc.tables[0]
    cells = [c.text for row in header.rows for c in row.cells]
    assert cells == [
        "ỦY BAN MTTQ VIỆT NAM\nTỈNH LAI CHÂU\nỦY BAN MTTQ VIỆT NAM\nTHÀNH PHỐ LAI CHÂU\n",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "Số: 481/BC-MTTQ-BTT",
        "Lai Châu, ngày 15 tháng 11 năm 2023",
    ]
    assert header.rows[0].cells[1].paragraphs[1].runs[0].underline
    assert header.rows[1].cells[1].paragraphs[0].runs[0].italic
    assert [p.text for p in doc.paragraphs[:2]] == ["PHỤ LỤC SỐ LIỆU", "Báo cáo kết quả công tác Mặt trận năm 2023"]


def test_charts_are_pictures(doc):
    assert len(doc.inline_shapes) == 3
    assert all(abs(shape.width - Cm(15)) < Cm(0.01) for shape in doc.inline_shapes)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Biểu đồ ")]
    assert captions[0].startswith("Biểu đồ 1. Quỹ “Vì người nghèo”")
    assert "Tổng số tiền vận động được: 862.796.456 đồng; chưa rõ nguồn: 118.491.896 đồng." in [p.text for p in doc.paragraphs]


def test_without_prior_no_comparison_columns(consolidated, tmp_path, form):
    folder = tmp_path / "copy"
    shutil.copytree(consolidated, folder)
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    (folder / "run.json").write_text(json.dumps({**meta, "comparison": None, "prior_period": None}), encoding="utf-8")
    doc = Document(str(run.make_report(folder)))
    header, _ = _table(doc, form, "PETITIONS_NEW")
    assert "Tăng/giảm" not in header
    text = "\n".join(_paragraphs(doc, PARTS[1], PARTS[2]))
    assert "đơn tiếp nhận trong kỳ 79 đơn. Kết quả giải quyết" in text and "cùng kỳ" not in text


def test_sentence_without_figures_is_left_out(consolidated, tmp_path, form):
    folder = tmp_path / "copy"
    shutil.copytree(consolidated, folder)
    totals = (folder / "totals.csv").read_text(encoding="utf-8").splitlines()
    (folder / "totals.csv").write_text("\n".join(line for line in totals if not line.startswith("WARM_COATS,")) + "\n", encoding="utf-8")
    text = "\n".join(_paragraphs(Document(str(run.make_report(folder))), PARTS[1], PARTS[2]))
    assert "áo ấm" not in text.split("Chưa đưa vào")[0]
    section = form.sections["II.2.1"]
    assert f"Chưa đưa vào câu về “{form.indicators['WARM_COATS'].label}” (mục II.2.1. {section.title}) vì thiếu số liệu:" in text
    assert "warm_coats" not in text  # never the sentence's internal id


def test_chart_without_figures_is_a_note(consolidated, tmp_path, form):
    folder = tmp_path / "copy"
    shutil.copytree(consolidated, folder)
    petitions = form.charts[1]
    totals = (folder / "totals.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in totals if line.split(",")[0] not in petitions.codes]
    (folder / "totals.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    doc = Document(str(run.make_report(folder)))
    assert len(doc.inline_shapes) == len(form.charts) - 1
    assert f"Biểu đồ “{petitions.title}” không vẽ được: thiếu số liệu." in [p.text for p in doc.paragraphs]


def test_dates_and_names():
    assert vn_date(date(2024, 2, 5), "Lai Châu") == "Lai Châu, ngày 05 tháng 02 năm 2024"
    assert vn_date(date(2023, 11, 15), "Lai Châu") == "Lai Châu, ngày 15 tháng 11 năm 2023"
    assert vn_date(date(2023, 3, 1), "Hà Nội") == "Hà Nội, ngày 01 tháng 3 năm 2023"
    assert admin_name_lines("Ủy ban MTTQ Việt Nam thị xã Sa Pa") == ["ỦY BAN MTTQ VIỆT NAM", "THỊ XÃ SA PA"]


def test_report_cli(consolidated, tmp_path):
    target = tmp_path / "phu_luc.docx"
    result = CliRunner().invoke(cli, ["report", str(consolidated), "--out", str(target), "--date", "15/11/2023"])
    dated = Msg.CLI_016.render(day="15/11/2023")
    assert (result.exit_code, result.output) == (0, f"{dated}\nĐã ghi phụ lục số liệu: {target}\n")
    assert Document(str(target)).tables


def test_report_cli_not_a_consolidation(tmp_path):
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    expected = Msg.REPORT_001.render(where=str(tmp_path), missing="run.json, totals.csv, values.csv, findings.csv, relations.csv")
    assert (result.exit_code, result.output) == (2, f"Lỗi: {expected}\n")


def test_report_cli_bad_date(consolidated):
    result = CliRunner().invoke(cli, ["report", str(consolidated), "--date", "31/02/2023"])
    assert (result.exit_code, result.output) == (2, f"Lỗi: {Msg.REPORT_002.render(value='31/02/2023')}\n")


@pytest.mark.slow
def test_demo_writes_the_word_file(tmp_path):
    if not importlib.util.find_spec("pipeline.workbook.book"):
        pytest.skip("the consolidated workbook writer is not there yet")
    done = run.demo(out=tmp_path / "demo")
    assert (tmp_path / "demo" / DOCX_NAME).is_file()
    assert demo_lines(done)[-1] == f"Phụ lục số liệu (Word, so sánh với cùng kỳ năm 2022) đã ghi vào tệp {tmp_path / 'demo' / DOCX_NAME}."
    assert (tmp_path / "demo" / "comparison.csv").is_file()
