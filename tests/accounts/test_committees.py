"""The committees of a server: from a unit list with a ``parent`` column (any tree), and from the
official registry (skipped when the optional package is missing); running it again adds nothing."""

from __future__ import annotations

import openpyxl
import pytest

from pipeline.accounts import init_from_registry, init_from_units
from pipeline.core.errors import FormDefinitionError, Msg, StoreError
from pipeline.store import Store
from tests.committees import TREE_CSV


def _rows(store):
    return [(c.code, c.name, c.level, c.parent_code) for c in store.committees()]


def test_a_unit_list_makes_the_tree_and_a_second_run_adds_nothing(tmp_path, units_file):
    with Store.open(tmp_path / "data") as store:
        first = init_from_units(store, units_file)
        lines = [line.split(",") for line in TREE_CSV.splitlines()[1:]]
        assert first.added == [code for code, *_ in lines] and (first.kept, first.total) == (0, len(lines))
        assert sorted(_rows(store)) == sorted((code, name, level, parent or None) for code, name, level, parent in lines)
        assert store.committee_chain("03386-01") == ["03386-01", "03386", "12", "00"]
        assert [c.code for c in store.committee_children("12")] == ["03386", "03408"]
        assert [c.code for c in store.committees_under("12")] == ["03386", "03408", "03386-01"]
        assert store.committees_under("03386-01") == [] and store.committees_under("99999") == []
        again = init_from_units(store, units_file)
        assert (again.added, again.kept, again.total) == ([], len(lines), len(lines))


def test_a_workbook_without_levels_for_groups_children_before_parents(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["code", "name", "level", "parent"], ["03386", "Phường Tân Phong", "commune", "C1"], ["C1", "Cụm 1", "", ""]):
        sheet.append(row)
    book.save(tmp_path / "don_vi.xlsx")
    with Store.open(tmp_path / "data") as store:
        report = init_from_units(store, tmp_path / "don_vi.xlsx")
        assert report.added == ["03386", "C1"]
        assert store.committee("C1").level == "group" and store.committee("03386").parent_code == "C1"


def test_a_list_can_hang_under_committees_already_kept(tmp_path, units_file):
    villages = tmp_path / "khu_dan_cu.csv"
    villages.write_text(
        "code,name,level,parent\n03408-01,Bản Nà Lại,village,3408\n03408-02,Bản Nà Khum,village,03408-01\n", encoding="utf-8"
    )  # 3408: Excel dropped the zero
    with Store.open(tmp_path / "data") as store:
        with pytest.raises(FormDefinitionError) as caught:  # no committee 03408 yet
            init_from_units(store, villages)
        assert caught.value.msg is Msg.TREE_001 and store.committees() == []
        with pytest.raises(StoreError) as refused:
            store.add_committees([("03408-01", "Bản Nà Lại", "village", "03408")])
        assert refused.value.msg is Msg.ACCOUNT_001
        init_from_units(store, units_file)
        assert init_from_units(store, villages).added == ["03408-01", "03408-02"]
        assert store.committee_chain("03408-02") == ["03408-02", "03408-01", "03408", "12", "00"]


def test_lai_chau_from_the_registry_keeps_the_official_codes(tmp_path):
    pytest.importorskip("vietnam_provinces", reason="the optional registry package (pip install 'tonghop[units]')")
    from pipeline.form.registry import find_province

    province = find_province("Lai Châu").province
    with Store.open(tmp_path / "data") as store:
        report = init_from_registry(store, "lai chau")
        assert report.added == [province.code, *(code for code, _ in province.communes)] and report.kept == 0
        top = store.committee(province.code)
        assert (top.code, top.name, top.level, top.parent_code) == ("12", "Tỉnh Lai Châu", "province", None)
        communes = store.committee_children("12")
        assert len(communes) == len(province.communes) > 30
        assert all(len(c.code) == 5 and c.level == "commune" for c in communes)
        assert init_from_registry(store, "12").added == []


def test_a_round_belongs_to_a_committee_or_to_the_servers_owner(tree_store_both):
    store = tree_store_both
    fields = dict(form_dir="pipeline/definitions", form_id="BC", form_version="1", period="2026", deadline=None, units=[])
    commune = store.create_round(**fields, committee_code="03386")
    owner = store.create_round(**fields)
    assert store.round(commune.id).committee_code == "03386" == commune.committee_code
    assert store.round(owner.id).committee_code is None
    with pytest.raises(StoreError):
        store.create_round(**fields, committee_code="99999")
