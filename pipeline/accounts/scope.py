"""Who may do what, on which committee: the one place the rules of issue 22 live. The web calls
``can`` from one decorator on every route (answering 404 when it says no); the command line
acts as the server's owner and needs no account.

An office acts on its own committee's rounds and reads (only) those of the committees under it;
a viewer reads its own committee's rounds. An office invites colleagues (office or viewer) to
its own committee and offices for the committees under it, and sends a new set-password link to
an account of its committee or of one under it. Nothing else: not the committees above, not a
sibling, not another province. A disabled account may do nothing.
"""

from __future__ import annotations

from pipeline.accounts.model import Action, Relation, Role
from pipeline.store import AccountRecord, Store

# role → relation → the actions allowed; whatever is not listed is refused.
RULES: dict[Role, dict[Relation, frozenset[Action]]] = {
    Role.OFFICE: {
        Relation.OWN: frozenset({Action.VIEW_ROUND, Action.ACT_ROUND, Action.INVITE, Action.MANAGE_ACCOUNTS}),
        Relation.ANCESTOR: frozenset({Action.VIEW_ROUND, Action.INVITE, Action.MANAGE_ACCOUNTS}),
    },
    Role.VIEWER: {
        Relation.OWN: frozenset({Action.VIEW_ROUND}),
    },
}
# relation → the roles an office may invite there.
INVITE_ROLES: dict[Relation, frozenset[Role]] = {
    Relation.OWN: frozenset({Role.OFFICE, Role.VIEWER}),
    Relation.ANCESTOR: frozenset({Role.OFFICE}),
}


def relation(store: Store, account: AccountRecord, committee_code: str) -> Relation:
    """Where the committee ``committee_code`` stands from ``account``'s committee: ``OWN``;
    ``ANCESTOR`` (the account's committee is above it); ``DESCENDANT`` (below it); else, or when
    there is no such committee, ``NONE``."""
    target = str(committee_code)
    if target == account.committee_code:
        return Relation.OWN
    above_target = store.committee_chain(target)
    if account.committee_code in above_target[1:]:
        return Relation.ANCESTOR
    if above_target and target in store.committee_chain(account.committee_code)[1:]:
        return Relation.DESCENDANT
    return Relation.NONE


def allowed(role: Role | str, action: Action | str, where: Relation, invitee_role: Role | str | None = None) -> bool:
    """The rules table alone (no store): may an account of ``role`` do ``action`` on a committee
    standing at ``where`` from its own? For ``INVITE``, ``invitee_role`` is the role the new
    account would have (any role the relation allows, when None)."""
    role, action = Role(role), Action(action)
    if action not in RULES[role].get(where, frozenset()):
        return False
    return action is not Action.INVITE or invitee_role is None or Role(invitee_role) in INVITE_ROLES.get(where, frozenset())


def can(
    store: Store, account: AccountRecord | None, action: Action | str, committee_code: str, invitee_role: Role | str | None = None
) -> bool:
    """May ``account`` do ``action`` on the committee ``committee_code``? ``None`` (no account
    logged in) and a disabled account may do nothing; a committee that does not exist is outside
    everyone's scope."""
    if account is None or account.disabled_at is not None:
        return False
    return allowed(account.role, action, relation(store, account, committee_code), invitee_role)
