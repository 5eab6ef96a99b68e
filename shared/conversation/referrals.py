"""The referral protocol inside a conversation turn (decided in shared/safety/referral.py, applied in
shared/safety/referring.py): the message's embedding computed once, and the reply that carries a referral.

Invariant: a reply to a message that called for a referral gives the locale's crisis resources. Offline
it is the protocol's template; with a model, the model is instructed to give them and its reply is
checked; a reply that leaves them out is replaced by the template (`safety.replaced`).
"""

from __future__ import annotations

from datetime import datetime

from shared.models.messages import Message, MessageSafety
from shared.models.safety import CrisisResources
from shared.safety.embedding import MessageEmbedding, embed_message
from shared.safety.referral import Referral, ReferralKind, helper_support_reply, referral_reply
from shared.safety.referring import REFERRAL_REPLY_MODEL, mentions_resources

__all__ = ["checked_referral_reply", "referral_safety", "referral_template", "turn_embedding"]


def turn_embedding(text: str) -> MessageEmbedding | None:
    """The message's embedding, once per turn; None when the bundled model is missing (the screen's rules
    still run, and the screen reports the learned model's absence itself)."""
    from shared.memory.embedding import EmbeddingModelMissingError

    try:
        return embed_message(text)
    except EmbeddingModelMissingError:
        return None


def referral_safety(referral: Referral, *, replaced: bool) -> MessageSafety:
    """Marks a reply that carries a referral, so clients and exports can tell it (signals: the kind)."""
    return MessageSafety(
        level=referral.level.value,
        confidence=1.0,
        signals=[f"referral:{referral.kind.value}"],
        replaced=replaced,
    )


def referral_template(
    reply: Message,
    referral: Referral,
    *,
    locale: str | None,
    default_locale: str,
    now: datetime,
    replaced: bool,
) -> Message:
    """`reply` as the protocol's template for `referral`, in `locale`: a crisis referral's resources, or
    a helper's support resources for someone worried about another person."""
    text = (
        referral_reply(locale, default_locale=default_locale)
        if referral.kind == ReferralKind.CRISIS
        else helper_support_reply(locale, default_locale=default_locale)
    )
    return reply.model_copy(
        update={
            "content": text,
            "status": "complete",
            "ai_model": REFERRAL_REPLY_MODEL,
            "updated_at": now,
            "safety": referral_safety(referral, replaced=replaced),
        }
    )


def checked_referral_reply(
    final: Message,
    referral: Referral,
    resources: CrisisResources,
    *,
    default_locale: str,
    now: datetime,
) -> Message:
    """A model's complete reply to a message that called for a referral: kept (and marked) when it names
    every helpline of `resources`, else replaced by the template. Replies that are not complete, or
    were already replaced by the reply check, are returned as they are."""
    if final.status != "complete" or final.safety is not None:
        return final
    if mentions_resources(final.content, resources):
        return final.model_copy(update={"safety": referral_safety(referral, replaced=False)})
    return referral_template(
        final, referral, locale=resources.locale, default_locale=default_locale, now=now, replaced=True
    )
