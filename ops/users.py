"""Account commands: the `admin` claim and credit grants."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ops.common import ACTOR, Email, Uid, auth_user, handled, out


def _set_admin(user: Any, admin: bool) -> bool:
    """Set or clear the claim, keeping the user's other custom claims; return whether it changed."""
    from firebase_admin import auth

    from backend.cloud.clients import firebase_app

    claims: dict[str, Any] = dict(user.custom_claims or {})
    was_admin = claims.get("admin") is True
    if admin:
        claims["admin"] = True
    else:
        claims.pop("admin", None)
    auth.set_custom_user_claims(user.uid, claims or None, app=firebase_app())
    return was_admin != admin


def _label(user: Any) -> str:
    return f"{user.email} ({user.uid})" if user.email else str(user.uid)


@handled
def grant_admin(email: Email = None, uid: Uid = None) -> None:
    """Give a user the `admin: true` custom claim (effective from their next ID token)."""
    user = auth_user(email=email, uid=uid)
    changed = _set_admin(user, True)
    state = "is now an admin" if changed else "was already an admin"
    out().print(f"{_label(user)} {state}; new ID tokens carry admin: true.", highlight=False)


@handled
def revoke_admin(email: Email = None, uid: Uid = None) -> None:
    """Remove the `admin` custom claim (effective from the user's next ID token)."""
    user = auth_user(email=email, uid=uid)
    changed = _set_admin(user, False)
    state = "is no longer an admin" if changed else "was not an admin"
    out().print(f"{_label(user)} {state}.", highlight=False)


@handled
def grant_credits(
    delta: Annotated[
        int, typer.Option("--delta", help="Credits to add; negative to remove.", show_default=False)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the ledger).", show_default=False)],
    email: Email = None,
    uid: Uid = None,
) -> None:
    """Add (or remove) credits in one transaction with a ledger entry; the balance never goes below zero."""
    from backend.cloud.clients import firestore_client
    from backend.store.credits import grant_credits as grant
    from shared.settings import get_settings

    user = auth_user(email=email, uid=uid)
    before, after = grant(
        db=firestore_client(),
        user_id=str(user.uid),
        delta=delta,
        reason=reason,
        actor=ACTOR,
        settings=get_settings(),
    )
    out().print(
        f"{_label(user)}: credits {before} -> {after} ({delta:+d}, {reason.strip()!r}).", highlight=False
    )
