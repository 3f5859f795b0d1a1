"""Office accounts of the committees one server serves (issue 22): the committees' tree, accounts
with a role in one committee, who may do what (the one place the rules live), invitations, and
logging in with a lockout. The web's login pages and the ``tonghop admin`` commands are thin
faces over this package.

May import: ``core``, ``form`` (the registry and unit-list readers), ``store``.

API, for the web (every function takes the open ``Store``; times default to now, tests pass ``now=``):

- Committees (``committees.py``): ``init_from_registry(store, "Lai Châu" | None)``,
  ``init_from_units(store, path)`` → ``InitReport(added, kept, total, note)``; idempotent.
  ``store.committee(code)``, ``store.committees()``, ``store.committee_children(code)``,
  ``store.committee_chain(code)`` (the code and those above it), ``store.committees_under(code)``
  (every committee below it: the ones whose rounds an office reads).
  A round's committee: ``store.create_round(…, committee_code=code)``, ``RoundRecord.committee_code``
  (None: a round of the server's owner).
- Scope (``scope.py``): ``relation(store, account, code) -> Relation`` (OWN, ANCESTOR: the
  account's committee is above ``code``, DESCENDANT, NONE) and
  ``can(store, account, action, code, invitee_role=None) -> bool`` for ``Action.VIEW_ROUND``,
  ``ACT_ROUND``, ``INVITE``, ``MANAGE_ACCOUNTS``. Call it from one decorator on every route and
  answer 404 when it says no. ``allowed(role, action, relation)`` is the bare rules table
  (``RULES``), for a page that shows what an account may do.
- Invitations (``invitations.py``): ``invite(store, inviter, login, name, code, role) ->
  (account, token)`` (``inviter=None``: the server's owner); ``reset_link(store, actor, account)
  -> token``; ``redeem(store, token, password) -> account``; ``invitation_url(base_url, token)``
  (``<base>/mat-khau/<token>``: the web's set-password route is ``SET_PASSWORD_PATH``). Show a
  token once; the store keeps only its sha256. Keep the token out of access logs.
- Login (``login.py``): ``authenticate(store, login, password, address) -> account`` (raises
  ``PipelineError``: ``ACCOUNT_015`` wrong login or password, ``ACCOUNT_016`` locked, wait N
  minutes); put ``(account.id, account.session_epoch)`` in the signed session cookie (at most
  ``SESSION_HOURS``) and on every request ``session_valid(store, id, epoch) -> account | None``.
- Passwords (``passwords.py``): ``check_rules(password, login)`` (raises the rule broken),
  ``hash_password``, ``verify``, ``needs_rehash``; argon2id, parameters in docs/accounts.md.
- Words (``model.py``): ``Role`` (``office``, ``viewer``; ``.label`` in Vietnamese),
  ``Action``, ``Relation``. An account is the store's ``AccountRecord``; the audit log's actor
  for an account's action is its ``login``.

Every refusal is a ``PipelineError`` of the catalogue's ``ACCOUNT_…`` entries with its HTTP
status (404 outside the scope).
"""

from pipeline.accounts.committees import InitReport, init_from_registry, init_from_units
from pipeline.accounts.invitations import check_login, invitation_url, invite, redeem, reset_link
from pipeline.accounts.login import authenticate, session_valid
from pipeline.accounts.model import Action, Relation, Role
from pipeline.accounts.passwords import check_rules, hash_password, needs_rehash, verify
from pipeline.accounts.scope import allowed, can, relation

__all__ = [
    "Action",
    "InitReport",
    "Relation",
    "Role",
    "allowed",
    "authenticate",
    "can",
    "check_login",
    "check_rules",
    "hash_password",
    "init_from_registry",
    "init_from_units",
    "invitation_url",
    "invite",
    "needs_rehash",
    "redeem",
    "relation",
    "reset_link",
    "session_valid",
    "verify",
]
