"""Who may do what where: every relation of the tree (own, parent, child, sibling, unrelated)
for both roles, through ``relation`` and ``can``."""

from __future__ import annotations

import pytest

from pipeline.accounts import Action, Relation, Role, allowed, can, relation
from tests.committees import make_account

# From the commune 03386: its own committee, its parent (the province), its child (a residential
# area), its sibling (another commune of the province), an unrelated one (a commune of another
# province), the top of the tree (its grandparent), and a code no committee has.
WHERE = {
    "own": ("03386", Relation.OWN),
    "parent": ("12", Relation.DESCENDANT),
    "grandparent": ("00", Relation.DESCENDANT),
    "child": ("03386-01", Relation.ANCESTOR),
    "sibling": ("03408", Relation.NONE),
    "unrelated": ("00004", Relation.NONE),
    "unknown": ("99999", Relation.NONE),
}
# What each role may do at each place: (view, act, invite an office, invite a viewer, manage accounts).
EXPECTED = {
    "office": {
        "own": (True, True, True, True, True),
        "child": (True, False, True, False, True),
    },
    "viewer": {
        "own": (True, False, False, False, False),
    },
}
NOTHING = (False, False, False, False, False)


def _answers(store, account, code):
    return (
        can(store, account, Action.VIEW_ROUND, code),
        can(store, account, Action.ACT_ROUND, code),
        can(store, account, Action.INVITE, code, invitee_role=Role.OFFICE),
        can(store, account, Action.INVITE, code, invitee_role=Role.VIEWER),
        can(store, account, Action.MANAGE_ACCOUNTS, code),
    )


@pytest.mark.parametrize("role", ["office", "viewer"])
@pytest.mark.parametrize("place", list(WHERE))
def test_relation_and_can_over_the_tree(tree_store, role, place):
    account = make_account(tree_store, f"xa.{role}", "03386", role)
    code, expected_relation = WHERE[place]
    assert relation(tree_store, account, code) is expected_relation
    assert _answers(tree_store, account, code) == EXPECTED[role].get(place, NOTHING)


def test_a_province_office_reads_every_level_under_it_and_acts_only_on_its_own(tree_store_both):
    store = tree_store_both
    office = make_account(store, "tinh.laichau", "12")
    assert relation(store, office, "03386-01") is Relation.ANCESTOR and relation(store, office, "00") is Relation.DESCENDANT
    assert can(store, office, Action.VIEW_ROUND, "03386-01") and not can(store, office, Action.ACT_ROUND, "03386-01")
    assert not can(store, office, Action.VIEW_ROUND, "01") and not can(store, office, Action.VIEW_ROUND, "00004")


def test_a_disabled_account_and_no_account_may_do_nothing(tree_store):
    office = make_account(tree_store, "xa.office", "03386")
    tree_store.disable_account(office.id)
    disabled = tree_store.account(office.id)
    for action in Action:
        assert not can(tree_store, disabled, action, "03386") and not can(tree_store, None, action, "03386")


def test_the_rules_table_alone():
    assert allowed("office", "invite", Relation.OWN, "viewer") and not allowed("office", "invite", Relation.ANCESTOR, "viewer")
    assert allowed(Role.OFFICE, Action.INVITE, Relation.ANCESTOR)
    assert not any(allowed(role, action, Relation.DESCENDANT) for role in Role for action in Action)
    assert not any(allowed(role, action, Relation.NONE) for role in Role for action in Action)
    with pytest.raises(ValueError):
        allowed("admin", "view_round", Relation.OWN)
