"""Firestore adapter of trusted-contact invitations (`contactInvites/{id}`; see shared/models/contacts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from backend.store.documents import from_document, to_document
from backend.store.errors import translate_errors
from backend.store.users import replace_trusted_contacts
from shared.clock import utcnow
from shared.errors import NotFound, ValidationFailed
from shared.models.contacts import ContactInvite, TrustedContactInput, TrustedContactView, invite_id_for
from shared.models.safety import TrustedContact
from shared.settings import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client, Transaction

CONTACT_INVITES = "contactInvites"


def _view(invite: ContactInvite) -> TrustedContactView:
    return TrustedContactView(
        name=invite.name, uid=invite.contact_uid, email=invite.contact_email, status=invite.status
    )


def _sent(db: Client, inviter_uid: str) -> list[ContactInvite]:
    from google.cloud.firestore import FieldFilter

    docs = db.collection(CONTACT_INVITES).where(filter=FieldFilter("inviterUid", "==", inviter_uid)).get()
    return sorted(
        (from_document(ContactInvite, d.to_dict(), id=d.id) for d in docs),
        key=lambda i: (i.position, i.created_at),
    )


def contacts_of(db: Client, inviter_uid: str) -> list[TrustedContactView]:
    return [_view(invite) for invite in _sent(db, inviter_uid)]


def replace_contacts(
    db: Client,
    inviter_uid: str,
    *,
    inviter_email: str | None,
    contacts: list[TrustedContactInput],
    settings: Settings,
) -> list[TrustedContactView]:
    """Invite the listed contacts (a contact already invited keeps its answer) and withdraw the
    invitations of contacts no longer listed. Nobody is notified of an invitation: the invited
    person finds it through the API, so an invitation cannot be used to reach anyone."""
    if any(contact.uid == inviter_uid for contact in contacts):
        raise ValidationFailed("You cannot be your own trusted contact.", details=[{"field": "contacts"}])
    now = utcnow()
    wanted = {invite_id_for(inviter_uid, uid=c.uid, email=c.email): c for c in contacts}
    existing = {invite.id: invite for invite in _sent(db, inviter_uid)}
    batch = db.batch()
    for invite_id in existing.keys() - wanted.keys():
        batch.delete(db.collection(CONTACT_INVITES).document(invite_id))
    for position, (invite_id, contact) in enumerate(wanted.items()):
        ref = db.collection(CONTACT_INVITES).document(invite_id)
        if invite_id in existing:
            batch.update(ref, {"name": contact.name, "position": position})
            continue
        invite = ContactInvite(
            id=invite_id,
            inviter_uid=inviter_uid,
            inviter_email=inviter_email,
            contact_uid=contact.uid,
            contact_email=contact.email,
            name=contact.name,
            position=position,
            created_at=now,
        )
        batch.set(ref, to_document(invite, exclude={"id"}))
    batch.commit()
    # The user document keeps the list too (exports and erasure read it); never a push token.
    replace_trusted_contacts(
        db,
        inviter_uid,
        [TrustedContact(name=c.name, uid=c.uid, email=c.email) for c in contacts],
        settings,
    )
    return contacts_of(db, inviter_uid)


def received(db: Client, uid: str, *, verified_email: str | None) -> list[ContactInvite]:
    """Invitations addressed to this account: by uid, or by its verified email."""
    from google.cloud.firestore import FieldFilter

    invites = db.collection(CONTACT_INVITES)
    docs = list(invites.where(filter=FieldFilter("contactUid", "==", uid)).get())
    if verified_email:
        docs += invites.where(filter=FieldFilter("contactEmail", "==", verified_email.lower())).get()
    found = {d.id: from_document(ContactInvite, d.to_dict(), id=d.id) for d in docs}
    return sorted(found.values(), key=lambda i: i.created_at)


def _addressed_to(invite: ContactInvite, uid: str, verified_email: str | None) -> bool:
    if invite.contact_uid is not None:
        return invite.contact_uid == uid
    return bool(verified_email) and invite.contact_email == (verified_email or "").lower()


def respond(
    db: Client, invite_id: str, *, uid: str, verified_email: str | None, accept: bool
) -> ContactInvite:
    """The invited account accepts or declines (and may change its answer later)."""
    from google.cloud import firestore

    ref = db.collection(CONTACT_INVITES).document(invite_id)

    @firestore.transactional
    def run(transaction: Transaction) -> ContactInvite:
        snapshot = ref.get(transaction=transaction)
        invite = from_document(ContactInvite, snapshot.to_dict(), id=snapshot.id) if snapshot.exists else None
        if invite is None or not _addressed_to(invite, uid, verified_email):
            raise NotFound("Invitation not found.")
        update: dict[str, Any] = {"status": "accepted" if accept else "declined", "responded_at": utcnow()}
        if accept:
            update["contact_uid"] = uid  # an email invitation is bound to the account that accepted it
        changed = invite.model_copy(update=update)
        transaction.set(ref, to_document(changed, exclude={"id"}))
        return changed

    return cast(ContactInvite, run(db.transaction()))


def accepted_invites(db: Client, inviter_uid: str) -> list[ContactInvite]:
    """The invitations to honour when this user's crisis alert is raised: only accepted ones (each
    bound to the account that accepted), one per account, in the user's order."""
    from google.cloud.firestore import FieldFilter

    docs = (
        db.collection(CONTACT_INVITES)
        .where(filter=FieldFilter("inviterUid", "==", inviter_uid))
        .where(filter=FieldFilter("status", "==", "accepted"))
        .get()
    )
    invites = sorted(
        (from_document(ContactInvite, d.to_dict(), id=d.id) for d in docs), key=lambda i: i.position
    )
    seen: set[str] = set()
    found = []
    for invite in invites:
        if invite.contact_uid and invite.contact_uid not in seen:
            seen.add(invite.contact_uid)
            found.append(invite)
    return found


def verified_email(invite: ContactInvite) -> str | None:
    """The address of an accepted invitation made BY E-MAIL: accepting it proved the account owns the
    address (`respond`). An address typed next to a uid was never proved, so it is never used (else an
    inviter could list a friend's uid with a stranger's address and have the stranger e-mailed)."""
    if invite.status != "accepted" or not invite.contact_email:
        return None
    by_email = invite_id_for(invite.inviter_uid, uid=None, email=invite.contact_email)
    return invite.contact_email if invite.id == by_email else None


def accepted_contact_uids(db: Client, inviter_uid: str) -> list[str]:
    """The accounts to tell when this user's crisis alert is raised: only those that accepted."""
    return sorted(str(invite.contact_uid) for invite in accepted_invites(db, inviter_uid))


@translate_errors
class FirestoreContacts:
    """Trusted contacts by invitation, bound to one database (what the API uses)."""

    def __init__(self, *, db: Client, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def contacts_of(self, inviter_uid: str) -> list[TrustedContactView]:
        return contacts_of(self.db, inviter_uid)

    def replace(
        self, inviter_uid: str, *, inviter_email: str | None, contacts: list[TrustedContactInput]
    ) -> list[TrustedContactView]:
        return replace_contacts(
            self.db, inviter_uid, inviter_email=inviter_email, contacts=contacts, settings=self.settings
        )

    def received(self, uid: str, *, verified_email: str | None) -> list[ContactInvite]:
        return received(self.db, uid, verified_email=verified_email)

    def respond(self, invite_id: str, *, uid: str, verified_email: str | None, accept: bool) -> ContactInvite:
        return respond(self.db, invite_id, uid=uid, verified_email=verified_email, accept=accept)
