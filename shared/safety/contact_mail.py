"""The e-mail a trusted contact without the app gets when an alert is raised, as a document in the format
of Firebase's "Trigger Email from Firestore" extension (`{to, message: {subject, text, html}}`), written
to the `SESSIONS_MAIL_COLLECTION` collection (default `mail`) that the extension watches.

Invariant: the mail says only that the person may need support and what to do, in fixed wording; never
what they said, their level or signals, any link into the app's data, or text anyone typed (not even the
user's name for the contact: an invitation must not become a way to send someone free text).
"""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["trusted_contact_mail"]


def trusted_contact_mail(*, to: str, subject: str, body: str) -> dict[str, Any]:
    """The extension's document for one contact; `body` is the same fixed text as the in-app note."""
    greeting = "Hello,"
    text = f"{greeting}\n\n{body}\n"
    html = f"<p>{escape(greeting)}</p><p>{escape(body)}</p>"
    return {"to": to, "message": {"subject": subject, "text": text, "html": html}}
