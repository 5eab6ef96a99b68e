"""What the safety gateway sends after its transaction commits (the `SafetyOutbound` port): the deep
assessment request on Pub/Sub and pushes to trusted contacts. Never raises: the inline verdict and the
alert already stand; these only add to them."""

from __future__ import annotations

from backend import logs
from backend.cloud.names import SAFETY_ASSESSMENTS_TOPIC
from backend.cloud.pubsub import publish
from backend.cloud.push import send_push
from shared.models.sessions import Session
from shared.safety.gateway import SafetyOutbound
from shared.safety.levels import SafetyLevel


class CloudSafetyOutbound(SafetyOutbound):
    def assessment_requested(self, *, session: Session, message_id: str, level: SafetyLevel) -> None:
        payload = {
            "sessionId": session.id,
            "messageId": message_id,
            "userId": session.user_id,
            "inlineLevel": level.value,
        }
        try:
            publish(SAFETY_ASSESSMENTS_TOPIC, payload)
        except Exception as exc:  # the inline verdict already stands; the deep pass can only add to it
            logs.error("safety assessment not published", sessionId=session.id, errorType=type(exc).__name__)

    def push(self, *, token: str, title: str, body: str) -> None:
        send_push(token, title=title, body=body)
