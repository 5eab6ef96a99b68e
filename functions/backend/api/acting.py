"""Whose session a call acts on.

Users act on their own sessions only (another user's id answers 404). An admin token is a trusted
server: apps that know their users by email start sessions for them (`userEmail` on start) and then
post messages, end the session and read its summary on their behalf, so for an admin the session's
owner is the acting user.
"""

from __future__ import annotations

from backend.http.routing import Call
from backend.wiring import accounts
from shared.errors import PermissionDenied, ValidationFailed
from shared.models.sessions import StartSessionRequest
from shared.models.users import email_user_id


def session_owner(call: Call) -> str:
    principal = call.principal
    if principal is None or not principal.is_admin:
        return call.uid
    return accounts().session_owner(call.params["sessionId"]) or call.uid


def starting_user(call: Call, request: StartSessionRequest) -> str:
    """The caller, or for a trusted server call naming `userEmail`, that email's user."""
    if request.user_email is None:
        if request.user_name is not None:
            raise ValidationFailed("userName goes with userEmail.", details=[{"field": "userName"}])
        return call.uid
    if call.principal is None or not call.principal.is_admin:
        raise PermissionDenied("userEmail and userName are for trusted server calls (an admin token).")
    return email_user_id(request.user_email)
