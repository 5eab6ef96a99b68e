"""FCM pushes: the project's only sender. A dry run on the emulators (there is no FCM offline); never
raises, because the notification document is the record and a push is best effort."""

from __future__ import annotations

from backend import logs
from backend.cloud.clients import emulated, firebase_app


def send_push(token: str, *, title: str, body: str, data: dict[str, str] | None = None) -> bool:
    from firebase_admin import messaging

    message = messaging.Message(
        token=token, notification=messaging.Notification(title=title, body=body), data=data or {}
    )
    try:
        messaging.send(message, dry_run=emulated(), app=firebase_app())
    except Exception as exc:
        logs.warning("FCM not sent", errorType=type(exc).__name__)
        return False
    return True
