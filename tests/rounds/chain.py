"""A province served by one store: the province committee, communes under it with rounds of their
residential areas, each area's return typed into its template, and what the province's
consolidation must hold. Shared by the library's and the web's tests of forwarding."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import rounds
from pipeline.core.constants import LEVEL_ALL, Sender
from pipeline.form.csvread import Given
from pipeline.form.definition import load_form
from pipeline.rounds import entry
from pipeline.rounds.committee_form import create_committee_round
from pipeline.sample import COMMUNE_EXAMPLE, EXAMPLES, area_list_csv, area_values, committee_values, fill_return

PROVINCE_FORM = EXAMPLES["tinh-lai-chau-2025"].form_dir
PERIOD = "2025"
PROVINCE = ("12", "Tỉnh Lai Châu")
COMMUNES = [("03388", "Phường Đoàn Kết"), ("03390", "Xã Bình Lư"), ("03394", "Xã Sin Suối Hồ")]


@dataclass
class Chain:
    province_round: str
    commune_rounds: dict[str, str] = field(default_factory=dict)  # commune code → its round
    expected: Counter = field(default_factory=Counter)  # indicator code → the province's total over all levels


def add_committees(store, communes=COMMUNES) -> None:
    store.add_committees([(*PROVINCE, "province", None)] + [(code, name, "commune", PROVINCE[0]) for code, name in communes])


def area_list(code: str, name: str, areas: int) -> Given:
    """A commune's list of its residential areas, as its office uploads it (the commune first)."""
    return Given("khu_dan_cu.csv", area_list_csv(code, name, areas))


def typed(values: dict[str, int]) -> dict[str, str]:
    return {code: str(value) for code, value in values.items()}


def own_figures(form_dir: Path, level: str) -> dict[str, int]:
    """A committee's own figures for the indicators its ``level`` reports (``committee_values``)."""
    return committee_values(load_form(form_dir), level)


def commune_round(store, chain: Chain, code: str, name: str, areas: int) -> str:
    """The commune's round of ``areas`` residential areas, every area's return and the commune's
    own typed in; adds what they bring to ``chain.expected``."""
    rnd = create_committee_round(
        store, code, level_form=COMMUNE_EXAMPLE.form_dir, period=PERIOD, deadline=None, units_path=area_list(code, name, areas)
    )
    chain.commune_rounds[code] = rnd.id
    own = own_figures(COMMUNE_EXAMPLE.form_dir, "commune")
    assert entry.submit_typed(store, rnd.id, code, typed(own), sender=Sender.UNIT).accepted
    chain.expected.update(own)
    for i in range(1, areas + 1):
        values = area_values(i)
        assert entry.submit_typed(store, rnd.id, f"{code}{i:03d}", typed(values), sender=Sender.UNIT).accepted
        chain.expected.update({k: v for k, v in values.items() if k != "HOUSEHOLDS"})  # the province does not ask it
    return rnd.id


def province_round(store, chain_expected: Counter | None = None) -> Chain:
    rnd = create_committee_round(store, PROVINCE[0], level_form=PROVINCE_FORM, period=PERIOD, deadline=None)
    chain = Chain(rnd.id, expected=chain_expected or Counter())
    own = own_figures(PROVINCE_FORM, "province")
    assert entry.submit_typed(store, rnd.id, PROVINCE[0], typed(own), sender=Sender.UNIT).accepted
    chain.expected.update(own)
    return chain


def hand_upload(store, chain: Chain, code: str, tmp: Path) -> None:
    """A commune with no round of its own: its template of the province's round filled by hand and uploaded."""
    (template,) = rounds.round_templates(store, chain.province_round, tmp / "mau", units=[code])
    own = own_figures(PROVINCE_FORM, "communes")
    filled = fill_return(template, tmp / template.name, own)
    assert rounds.submit(store, chain.province_round, filled.read_bytes(), filled.name, link_unit=code).accepted
    chain.expected.update(own)


def all_totals(result) -> dict[str, int]:
    rows = result.totals[result.totals["level"] == LEVEL_ALL]
    return {code: int(value) for code, value in zip(rows["code"], rows["value"], strict=True) if value == value}
