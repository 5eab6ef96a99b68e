"""Firebase ID token verification (the Auth emulator's tokens locally)."""

from __future__ import annotations

from backend.cloud.clients import firebase_app
from backend.http.routing import Principal
from shared.errors import DependencyUnavailable, Unauthenticated


def authenticate(authorization: str | None) -> Principal:
    from firebase_admin import auth

    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send 'Authorization: Bearer <Firebase ID token>'.")
    try:
        claims = auth.verify_id_token(token.strip(), app=firebase_app())
    except auth.CertificateFetchError as exc:
        raise DependencyUnavailable("Could not fetch token signing keys.") from exc
    except (auth.InvalidIdTokenError, ValueError) as exc:
        raise Unauthenticated("The ID token is invalid or expired.") from exc
    return Principal(uid=claims["uid"], is_admin=claims.get("admin") is True, claims=claims)
