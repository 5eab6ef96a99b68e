"""`/api/v1/user/trusted-contacts` and `/api/v1/user/contact-invites`: trusted contacts by invitation."""

from __future__ import annotations

from backend.http.routing import API_PREFIX, Call, Route
from backend.wiring import contacts
from shared.errors import NotFound
from shared.models.base import EmptyRequest
from shared.models.contacts import (
    ContactInvite,
    ReceivedInvite,
    ReceivedInviteResponse,
    ReceivedInvitesResponse,
    TrustedContactsInput,
    TrustedContactsView,
)

GROUP = "users"


def _verified_email(call: Call) -> str | None:
    claims = call.principal.claims if call.principal else {}
    email = claims.get("email")
    return email if isinstance(email, str) and claims.get("email_verified") is True else None


def _account_email(call: Call) -> str | None:
    """The caller's account email, shown to the people they invite (never a text they typed)."""
    return _verified_email(call)


def get_contacts(call: Call) -> TrustedContactsView:
    return TrustedContactsView(contacts=contacts().contacts_of(call.uid))


def put_contacts(call: Call) -> TrustedContactsView:
    """Replace the caller's trusted contacts: each is invited and told nothing until it accepts."""
    body: TrustedContactsInput = call.body
    invited = contacts().replace(call.uid, inviter_email=_account_email(call), contacts=body.contacts)
    return TrustedContactsView(contacts=invited)


def _received(invite: ContactInvite) -> ReceivedInvite:
    return ReceivedInvite(
        id=invite.id,
        inviter_uid=invite.inviter_uid,
        inviter_email=invite.inviter_email,
        status=invite.status,
        created_at=invite.created_at,
    )


def list_invites(call: Call) -> ReceivedInvitesResponse:
    invites = contacts().received(call.uid, verified_email=_verified_email(call))
    return ReceivedInvitesResponse(invites=[_received(i) for i in invites])


def _respond(call: Call, *, accept: bool) -> ReceivedInviteResponse:
    invite = contacts().respond(
        call.params["inviteId"],
        uid=call.uid,
        verified_email=_verified_email(call),
        accept=accept,
    )
    return ReceivedInviteResponse(invite=_received(invite))


def accept(call: Call) -> ReceivedInviteResponse:
    return _respond(call, accept=True)


def decline(call: Call) -> ReceivedInviteResponse:
    return _respond(call, accept=False)


INVITES = f"{API_PREFIX}/user/contact-invites"
ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        f"{API_PREFIX}/user/trusted-contacts",
        get_contacts,
        "The caller's trusted contacts and whether each accepted",
        GROUP,
        TrustedContactsView,
    ),
    Route(
        "PUT",
        f"{API_PREFIX}/user/trusted-contacts",
        put_contacts,
        "Replace the caller's trusted contacts (at most 5); each is invited and must accept",
        GROUP,
        TrustedContactsView,
        body=TrustedContactsInput,
    ),
    Route(
        "GET",
        INVITES,
        list_invites,
        "Invitations to be someone's trusted contact, addressed to the caller",
        GROUP,
        ReceivedInvitesResponse,
    ),
    Route(
        "POST",
        f"{INVITES}/{{inviteId}}/accept",
        accept,
        "Accept an invitation: you will be told (never what was said) if that person may need support",
        GROUP,
        ReceivedInviteResponse,
        body=EmptyRequest,
        errors=(NotFound,),
    ),
    Route(
        "POST",
        f"{INVITES}/{{inviteId}}/decline",
        decline,
        "Decline an invitation (or withdraw an acceptance)",
        GROUP,
        ReceivedInviteResponse,
        body=EmptyRequest,
        errors=(NotFound,),
    ),
)
