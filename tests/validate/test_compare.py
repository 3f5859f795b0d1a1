"""Comparison with the prior period and its outlier warnings (pipeline/compare.py)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from pipeline import api as run
from pipeline.core import settings
from pipeline.core.constants import Severity
from pipeline.core.errors import Msg
from pipeline.form.model import Unit
from pipeline.form.prior import PriorData
from pipeline.validate.compare import COMPARISON_COLUMNS, PRIOR_OUTLIER, compare_with_prior
from tests.conftest import message_fields

TOTALS = pd.DataFrame(
    [
        ("PETITIONS_NEW", "all", 79),  # prior 76: +3, as in the seed report
        ("RECEPTION_TURNS", "all", 44),  # prior 44: equal
        ("TET_GIFTS", "all", 500),  # prior 100: x5, flagged
        ("TET_GIFTS_VALUE", "all", 200),  # prior 100: x2, not flagged
        ("WARM_COATS", "city", 20),  # prior 100: /5, flagged
        ("UNITY_HOUSES", "all", 5),  # prior 0: never flagged
        ("INSPECTIONS", "city", 1),  # no prior: not compared
    ],
    columns=["code", "level", "value"],
)
PRIOR = PriorData(
    period="2022",
    by_level={
        ("PETITIONS_NEW", "all"): 76,
        ("RECEPTION_TURNS", "all"): 44,
        ("TET_GIFTS", "all"): 100,
        ("TET_GIFTS_VALUE", "all"): 100,
        ("WARM_COATS", "city"): 100,
        ("UNITY_HOUSES", "all"): 0,
        ("DOCS_ISSUED", "communes"): 900,  # not reported this year
        ("NO_SUCH_CODE", "all"): 1,  # not in the form: ignored
    },
)


def test_comparison_frame(form):
    frame, _ = compare_with_prior(TOTALS, PRIOR, form)
    assert list(frame.columns) == COMPARISON_COLUMNS
    rows = {(r.code, r.level): r for r in frame.itertuples()}
    assert list(rows) == [
        ("DOCS_ISSUED", "communes"),
        ("UNITY_HOUSES", "all"),
        ("TET_GIFTS", "all"),
        ("TET_GIFTS_VALUE", "all"),
        ("WARM_COATS", "city"),
        ("RECEPTION_TURNS", "all"),
        ("PETITIONS_NEW", "all"),
    ]  # form order, then level order; INSPECTIONS has no prior
    assert (rows["PETITIONS_NEW", "all"].change, rows["PETITIONS_NEW", "all"].ratio) == (3, pytest.approx(79 / 76, abs=1e-4))
    assert rows["RECEPTION_TURNS", "all"].change == 0
    assert math.isnan(rows["DOCS_ISSUED", "communes"].value) and not rows["DOCS_ISSUED", "communes"].flag
    assert math.isnan(rows["UNITY_HOUSES", "all"].ratio)


def test_x5_is_flagged_x2_is_not(form):
    frame, _ = compare_with_prior(TOTALS, PRIOR, form)
    flagged = frame.loc[frame["flag"], ["code", "level"]].apply(tuple, axis=1).tolist()
    assert flagged == [("TET_GIFTS", "all"), ("WARM_COATS", "city")]


def test_factor_is_a_parameter(form):
    frame, warnings = compare_with_prior(TOTALS, PRIOR, form, factor=6)
    assert not frame["flag"].any() and warnings == []
    frame, _ = compare_with_prior(TOTALS, PRIOR, form, factor=1.5)
    assert frame.loc[frame["code"] == "TET_GIFTS_VALUE", "flag"].item()


def test_one_warning_per_flagged_row(form):
    _, warnings = compare_with_prior(TOTALS, PRIOR, form)
    assert [(p.type, p.rule, p.severity, p.level, p.code) for p in warnings] == [
        (PRIOR_OUTLIER, PRIOR_OUTLIER, Severity.WARNING, "all", "TET_GIFTS"),
        (PRIOR_OUTLIER, PRIOR_OUTLIER, Severity.WARNING, "city", "WARM_COATS"),
    ]
    gifts = form.indicators["TET_GIFTS"]
    expected = Msg.COMPARE_001.render(
        where="Tổng hợp › Tổng cộng",
        label=gifts.display_label,
        value="500",
        unit=gifts.unit,
        prior="100",
        prior_period="năm 2022",
        change_text="gấp 5 lần",
    )
    assert warnings[0].message == expected
    assert message_fields(Msg.COMPARE_001, warnings[1].message)["change_text"] == "chỉ bằng 20%"


def test_numbers_in_messages_are_vietnamese(form):
    totals = pd.DataFrame([("POOR_FUND_TOTAL", "all", 862796456)], columns=["code", "level", "value"])
    prior = PriorData(period=None, by_level={("POOR_FUND_TOTAL", "all"): 100000000})
    _, (warning,) = compare_with_prior(totals, prior, form)
    fund = form.indicators["POOR_FUND_TOTAL"]
    expected = Msg.COMPARE_001.render(
        where="Tổng hợp › Tổng cộng",
        label=fund.label,
        value="862.796.456",
        unit=fund.unit,
        prior="100.000.000",
        prior_period="kỳ trước",
        change_text="gấp 8,6 lần",
    )
    assert warning.message == expected


def test_per_unit_prior_is_summed_by_level(form):
    units = [Unit("105", "Thành phố", "city"), Unit("03386", "Phường A", "communes"), Unit("03387", "Phường B", "communes")]
    prior = PriorData(by_unit={("105", "PETITIONS_TOTAL"): 70, ("03386", "PETITIONS_TOTAL"): 10, ("03387", "PETITIONS_TOTAL"): 5})
    totals = pd.DataFrame(
        [("PETITIONS_TOTAL", lv, v) for lv, v in (("city", 77), ("communes", 23), ("all", 100))], columns=["code", "level", "value"]
    )
    frame, _ = compare_with_prior(totals, prior, form, units=units)
    assert frame[["level", "prior"]].values.tolist() == [["city", 70], ["communes", 15], ["all", 85]]


def test_consolidate_with_prior_writes_comparison(tmp_path, sample_dir, form):
    prior = tmp_path / "prior.csv"
    prior.write_text("code,level,period,value\nPOOR_FUND_TOTAL,all,2022,172559291\nPETITIONS_NEW,all,2022,76\n", encoding="utf-8")
    result, out = run.consolidate(sample_dir, period="2023", out=tmp_path / "out", prior_path=prior)
    assert result.comparison["flag"].tolist() == [True, False]  # 862.796.456 is x5 of 172.559.291
    outliers = [p for p in result.findings.problems if p.type == PRIOR_OUTLIER]
    assert [(p.level, p.code) for p in outliers] == [("all", "POOR_FUND_TOTAL")]
    assert (out / "comparison.csv").read_text(encoding="utf-8").splitlines() == [
        ",".join(COMPARISON_COLUMNS),
        "POOR_FUND_TOTAL,all,862796456,172559291,690237165,5,True",
        "PETITIONS_NEW,all,79,76,3,1.0395,False",
    ]
    findings = pd.read_csv(out / "findings.csv", dtype=str, keep_default_na=False)
    assert (findings["rule"] == PRIOR_OUTLIER).sum() == 1
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["prior_period"] == "2022"


def test_consolidate_without_prior_has_no_comparison(tmp_path, sample_dir):
    result, out = run.consolidate(sample_dir, period="2023", out=tmp_path / "out")
    assert result.comparison is None and not (out / "comparison.csv").exists()
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["comparison"] is None


def test_bundled_prior_is_the_seed(form):
    from pipeline.form.prior import load_prior

    prior = load_prior(settings.SAMPLE_DIR / "prior_2022.csv")
    assert (prior.period, prior.by_level) == ("2022", {("RECEPTION_TURNS", "all"): 44, ("PETITIONS_NEW", "all"): 76})
