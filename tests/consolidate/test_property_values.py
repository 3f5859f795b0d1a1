"""Whatever an officer (or an officer's script) leaves in the cells of a template-shaped return
(huge, tiny or negative numbers, NaN and infinity, text with control characters, text that looks
like a formula, error values, numbers typed as text with separators), consolidation finishes
and writes every output; totals.csv, values.csv and the workbook's "Tổng hợp" agree; and every
value that was not used is an error finding on its own cell (money wording on a count, ``500k``
khu dân cư: a ``money-on-count`` warning)."""

from __future__ import annotations

import math
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.appendix.document import DOCX_NAME, write_appendix
from pipeline.consolidate.combine import consolidate_folder
from pipeline.core.constants import TYPE_TEXT, Severity
from pipeline.core.errors import Msg
from pipeline.form.definition import load_form
from pipeline.form.model import Unit
from pipeline.ingest.extract import extract_return
from pipeline.ingest.readers import read_workbook
from pipeline.ingest.values import Kind, parse_value
from pipeline.outputs.readback import read_consolidation
from pipeline.outputs.staging import write_outputs
from pipeline.templates.build import build_template
from pipeline.validate.context import Context, Options
from tests.agreement import assert_outputs_agree
from tests.conftest import write_form
from tests.consolidate.test_absurd_numbers import type_into

pytestmark = pytest.mark.slow  # minutes under hypothesis or end to end: make test-fast leaves it out

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

INDICATORS = """
N_PEOPLE,I,Số người,người,count,,,yes,city;communes
N_WOMEN,I,Số người là nữ,người,count,,,no,city;communes
M_FUND,I,Số tiền vận động,đồng,money,,,yes,city;communes
M_CASH,I,Số tiền mặt,đồng,money,,,no,city;communes
D_AREA,I,Diện tích,ha,decimal,,,no,city;communes
D_RATE,I,Tỷ lệ hoàn thành,%,decimal,0,100,no,city;communes
T_NOTE,I,Ghi chú của đơn vị,,text,,,no,city;communes
"""
RULES = """
R1,N_WOMEN <= N_PEOPLE,error,all,skip_any,Số người là nữ không lớn hơn số người.
R2,M_CASH <= M_FUND,warning,all,skip_any,Số tiền mặt không lớn hơn số tiền vận động.
R3,N_PEOPLE[city] + N_PEOPLE[communes] == N_PEOPLE[all],error,levels,skip_all,Các cấp cộng lại bằng tổng.
"""
UNITS = [Unit("001", "Thành phố Mẫu", "city"), Unit("00201", "Phường Một", "communes"), Unit("00202", "Xã Hai", "communes")]
ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")
# Characters openpyxl refuses in a cell; Excel saves them as _xHHHH_, which readers decode.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escaped(text: str) -> str:
    """``text`` as Excel stores it: control characters XML cannot hold written ``_xHHHH_``."""
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _as_text(n: int, style: int) -> str:
    """A whole number typed as text the ways officers type it."""
    grouped = f"{n:,}"
    return [str(n), grouped.replace(",", "."), grouped, grouped.replace(",", " "), grouped.replace(",", ".") + " đồng",
            f"{n} người", f"{n / 10**6:g} triệu".replace(".", ","), f"({n})", f"-{n}", f"{n},00"][style]  # fmt: skip


CONTENTS = st.one_of(
    st.none(),
    st.integers(0, 10**6),
    st.integers(-(10**6), -1),
    st.sampled_from([10**9, 10**9 + 1, 10**12, 10**12 + 1, 10**15, 10**15 + 1, 2**53 + 1, 2**63, 10**20, 10**25]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-300, max_value=1e-300),
    st.builds(_as_text, st.integers(0, 10**21), st.integers(0, 9)),
    st.sampled_from(
        [
            "=1+2",
            "=SUM(E1:E3)",
            "+84 912",
            "-5",
            "@SUM(A1)",
            "-",
            "–",
            "(5)",
            "5,00",
            "1,5",
            "1.250,75",
            "30 triệu",
            "2 tỷ",
            "1e19",
            "99999999999999999999",
            "  ",
            "",
            "\u200b",
            "'120",
        ]
    ),  # fmt: skip
    st.sampled_from(ERRORS),
    st.text(st.characters(categories=["Cc"]) | st.sampled_from("0123456789., -"), max_size=12).map(_escaped),
    st.text(max_size=30).map(_escaped),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
)


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    folder = tmp_path_factory.mktemp("property")
    form = load_form(write_form(folder / "form", INDICATORS, RULES))
    templates = {u.code: build_template(form, u, folder / f"{u.code}.xlsx", "2023") for u in UNITS}
    return form, templates


def _accounted_for(result, form, returns: Path, typed: dict[str, dict[str, object]]) -> None:
    """Every value read from a return was used, or is an error finding on its cell (blank
    optional figures excepted); a value used carries no error on its cell and keeps to its
    bounds; a number or an error value typed in is never taken for a blank."""
    used = {(r.unit_code, r.code): (r.cell, r.value) for r in result.values.itertuples()}
    errors = {  # and money wording on a count (500k khu dân cư): a warning, the text not counted
        (p.unit_code, p.code, p.cell): p.type
        for p in result.findings.problems
        if (p.severity == Severity.ERROR and p.type != Msg.RELATION_001.slug) or p.type == Msg.VALUE_020.slug
    }
    empty = {p.unit_code for p in result.findings.problems if p.type == Msg.VALUE_017.slug}
    for unit in UNITS:
        path = returns / f"{unit.code}.xlsx"
        items = extract_return(read_workbook(path), form, path.name).values
        if unit.code in empty:  # nothing typed at all: the whole return is set aside, not its cells
            assert all(item.raw is None or (isinstance(item.raw, str) and not item.raw.strip()) for item in items)
            assert not [key for key in used if key[0] == unit.code]
            continue
        for item in items:
            ind = form.indicators[item.code]
            place = (unit.code, item.code, item.cell)
            content = typed[unit.code].get(item.code)
            if content in ERRORS:
                assert errors.get(place) == Msg.VALUE_016.slug, (place, content)
            elif isinstance(content, (int, float)) and not isinstance(content, bool) and math.isfinite(content):
                assert (unit.code, item.code) in used or place in errors, (place, content)
            if (unit.code, item.code) in used:
                cell, value = used[(unit.code, item.code)]
                assert cell == item.cell and place not in errors, (place, item.raw)
                if ind.type != TYPE_TEXT:
                    low, high = ind.bounds
                    assert low <= value <= high, (place, item.raw, value)
            elif parse_value(item.raw, ind.type).kind == Kind.BLANK and not ind.required and not item.formula_without_value:
                assert place not in errors, (place, item.raw)
            else:
                assert place in errors, (place, item.raw)


@PROPERTY
@given(typed=st.fixed_dictionaries({u.code: st.dictionaries(st.sampled_from([c.split(",")[0] for c in INDICATORS.split()
                                                                                  if "," in c]), CONTENTS) for u in UNITS}))  # fmt: skip
@example(typed={"001": {}, "00201": {}, "00202": {"N_PEOPLE": None, "T_NOTE": "0\r0"}})  # a lone CR once split a row of values.csv
@example(typed={"001": {}, "00201": {}, "00202": {"N_PEOPLE": "_x0000_"}})  # a NUL once made findings.csv a binary file
@example(typed={"001": {}, "00201": {}, "00202": {"T_NOTE": "0_x001F__x0019_"}})  # controls in a text value of values.csv
@example(
    typed={"001": {}, "00201": {"D_RATE": 7.148838558413514e-301}, "00202": {"D_RATE": 7.148838558413514e-301}}
)  # a total needing 17 digits
def test_random_cell_contents_never_corrupt_a_total(setting, typed):
    form, templates = setting
    with tempfile.TemporaryDirectory() as tmp:
        returns, out = Path(tmp) / "returns", Path(tmp) / "out"
        returns.mkdir()
        for unit in UNITS:
            type_into(templates[unit.code], returns / f"{unit.code}.xlsx", typed[unit.code])
        result = consolidate_folder(returns, Context.of(form, UNITS, "2023", options=Options(jobs=1)))
        written = write_outputs(result, out)
        assert {p.name for p in written} >= {"totals.csv", "values.csv", "findings.csv", "relations.csv", "tong_hop.xlsx"}
        assert_outputs_agree(out)
        _accounted_for(result, form, returns, typed)
        assert write_appendix(read_consolidation(out), out / DOCX_NAME).is_file()  # the drafter's Word file too
