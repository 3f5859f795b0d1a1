"""The store of collection rounds: rounds and their units, unit links (tokens kept only as
sha256 hashes), every file received kept byte for byte (content-addressed blobs under the data
folder), submissions with their findings, the office's reviews, an append-only audit log, and the jobs done outside a request (a
round's consolidation, its progress); the committees a server serves and their office accounts
(invitations and login attempts with them).
The only code that speaks SQL (SQLAlchemy, SQLite by default or PostgreSQL by URL); the schema
is built and upgraded by the Alembic migrations in ``migrations/`` whenever a store is opened.
Nothing is ever deleted or overwritten: reviews and new links are added rows.

May import: ``core``.
"""

from pipeline.core.errors import StoreError, StoreUnavailableError
from pipeline.store.accounts import AccountRecord, InvitationRecord
from pipeline.store.committees import CommitteeRecord
from pipeline.store.records import AuditRecord, DraftRecord, JobRecord, RoundRecord, SubmissionRecord, UnitRecord
from pipeline.store.store import Store

__all__ = [
    "AccountRecord",
    "AuditRecord",
    "CommitteeRecord",
    "DraftRecord",
    "InvitationRecord",
    "JobRecord",
    "RoundRecord",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "SubmissionRecord",
    "UnitRecord",
]
