"""Trusted contacts by invitation: a user names a contact, the contact accepts, only then is the
contact ever told anything (see docs/safety.md, trusted contacts).

Why: without consent, listing someone as a contact let anyone send that person crisis notifications
(a spam and harassment channel). So a contact is an invitation first (`contactInvites/{id}`), which
the invited account sees through the API and accepts or declines; a notification goes only to the
account that accepted, only with fixed wording (the inviter's free text is never shown to anyone but
the inviter), and a push only to the FCM token that account registered itself.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from shared.models.base import ApiModel
from shared.models.ids import DocumentId

InviteStatus = Literal["pending", "accepted", "declined"]
MAX_CONTACTS = 5
ContactEmail = Annotated[
    str, StringConstraints(to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
ContactUid = DocumentId  # a Firebase uid names the contact's users/{uid} document


def invite_id_for(inviter_uid: str, *, uid: str | None, email: str | None) -> str:
    """One invitation per inviter and contact, so replacing the list keeps answers already given."""
    key = f"uid:{uid}" if uid else f"email:{email}"
    return hashlib.sha256(f"{inviter_uid}\n{key}".encode()).hexdigest()[:24]


class TrustedContactInput(ApiModel):
    """A contact as the user enters it: their name for the contact (shown to the user only) and the
    account to invite, by uid or email. No push token: pushes go only to the contact's own token."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["uid"], "properties": {"uid": {"type": "string"}}},
                {"required": ["email"], "properties": {"email": {"type": "string"}}},
            ]
        }
    )

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    uid: ContactUid | None = None
    email: ContactEmail | None = None

    @model_validator(mode="after")
    def _someone(self) -> TrustedContactInput:
        if not self.uid and not self.email:
            raise ValueError("a contact needs a uid or an email to invite")
        return self


class TrustedContactsInput(ApiModel):
    contacts: list[TrustedContactInput] = Field(max_length=MAX_CONTACTS)


class ContactInvite(ApiModel):
    """`contactInvites/{id}` (API only; clients have no direct access)."""

    id: str
    inviter_uid: str
    # The inviter's verified account email, if any: what the invited person is shown, never free text.
    inviter_email: str | None = None
    contact_uid: str | None = None
    contact_email: str | None = None
    name: str  # the inviter's name for the contact: shown to the inviter only
    # Where the inviter listed this contact: the list reads back in the order it was written
    # (invitations written in one batch share `created_at`, so that alone cannot order them).
    position: int = Field(default=0, ge=0, lt=MAX_CONTACTS)
    status: InviteStatus = "pending"
    created_at: datetime
    responded_at: datetime | None = None


class TrustedContactView(ApiModel):
    """The inviter's view of one contact, with whether the contact accepted."""

    name: str
    uid: str | None = None
    email: str | None = None
    status: InviteStatus


class TrustedContactsView(ApiModel):
    success: bool = True
    contacts: list[TrustedContactView]


class ReceivedInvite(ApiModel):
    """An invitation as the invited person sees it: who asked (account email), never their free text."""

    id: str
    inviter_uid: str
    inviter_email: str | None = None
    status: InviteStatus
    created_at: datetime


class ReceivedInvitesResponse(ApiModel):
    success: bool = True
    invites: list[ReceivedInvite]


class ReceivedInviteResponse(ApiModel):
    success: bool = True
    invite: ReceivedInvite
