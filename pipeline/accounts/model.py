"""The words of the accounts' model: an account's role, what it may be asked to do, and how a
committee stands to the account's own."""

from __future__ import annotations

from enum import Enum

from pipeline.core.errors import Msg


class Role(str, Enum):
    """An account's role in its committee (kept as the plain string)."""

    OFFICE = "office"  # runs its committee's rounds
    VIEWER = "viewer"  # reads them

    @property
    def label(self) -> str:
        """The role in Vietnamese, as a page or the command line shows it."""
        return {Role.OFFICE: Msg.ACCOUNT_040, Role.VIEWER: Msg.ACCOUNT_041}[self].render()


class Action(str, Enum):
    """What an account may ask to do on a committee (``scope.can``)."""

    VIEW_ROUND = "view_round"  # see a round, its board, its files, its consolidation
    ACT_ROUND = "act_round"  # create, run, review, consolidate, forward a round
    INVITE = "invite"  # create an account (with its role) for the committee, send its invitation
    MANAGE_ACCOUNTS = "manage_accounts"  # see the committee's accounts, send one a new set-password link


class Relation(str, Enum):
    """Where a committee stands from an account's committee."""

    OWN = "own"  # the account's committee itself
    ANCESTOR = "ancestor"  # the account's committee is above it (it is under the account's)
    DESCENDANT = "descendant"  # the account's committee is under it (it is above the account's)
    NONE = "none"  # elsewhere in the tree (a sibling, another province) or unknown
