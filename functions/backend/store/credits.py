"""Credit grants: one transaction changes `users/{uid}.credits.remaining` and writes its ledger entry.

Shared by the ops CLI (`sessions-ops grant-credits`) and, later, an admin HTTP endpoint.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from backend.store.documents import USERS, from_document, to_document
from shared.clock import utcnow
from shared.errors import InsufficientCredits, ValidationFailed
from shared.lifecycle import new_user
from shared.models.base import ApiModel
from shared.models.users import Credits, UserDocument
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

LEDGER = "ledger"
MAX_REASON_LENGTH = 500


class LedgerEntry(ApiModel):
    """A row of `users/{uid}/ledger`: one change of the user's credit balance."""

    delta: int
    reason: str
    before: int
    after: int
    at: datetime
    actor: str
    session_id: str | None = None


def grant_credits(
    *, db: Client, user_id: str, delta: int, reason: str, actor: str, settings: Settings
) -> tuple[int, int]:
    """Add `delta` (negative to remove) to the user's remaining credits; return (before, after).

    A missing user document is created with the configured starting grant first. The balance never
    goes below zero: such a change raises InsufficientCredits and writes nothing.
    """
    from google.cloud import firestore

    reason = reason.strip()
    if delta == 0:
        raise ValidationFailed("The credit delta must not be zero.", details=[{"field": "delta"}])
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"A reason of 1-{MAX_REASON_LENGTH} characters is required.", details=[{"field": "reason"}]
        )
    if not user_id:
        raise ValidationFailed("A user id is required.", details=[{"field": "userId"}])
    user_ref = db.collection(USERS).document(user_id)

    @firestore.transactional
    def run(transaction: Transaction) -> tuple[int, int]:
        now = utcnow()
        snapshot = user_ref.get(transaction=transaction)
        if snapshot.exists:
            user = from_document(UserDocument, snapshot.to_dict())
        else:
            user = new_user(now=now, starting_credits=settings.starting_credits)
        before = user.credits.remaining
        after = before + delta
        if after < 0:
            raise InsufficientCredits(
                f"Cannot apply {delta:+d} credits: the user has {before}; the balance cannot go below zero.",
                details={"remaining": before, "delta": delta},
            )
        credits = Credits(remaining=after, used=user.credits.used)
        updated = user.model_copy(update={"credits": credits, "updated_at": now})
        entry = LedgerEntry(delta=delta, reason=reason, before=before, after=after, at=now, actor=actor)
        transaction.set(user_ref, to_document(UserDocument.model_validate(updated.model_dump())))
        transaction.set(user_ref.collection(LEDGER).document(), to_document(entry))
        return before, after

    return cast("tuple[int, int]", run(db.transaction()))
