"""What we hold about a person, found by their email address: to show it, to hand it
over, and to erase it. The person proves the address is theirs by opening a link we
mailed to it; the link expires after PRIVACY_ACCESS_LINK_HOURS."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from campaign.coalition.models import Application, Contact
from campaign.coalition.services import application_erase
from campaign.core.emails import normalise_email
from campaign.core.links import absolute_url
from campaign.core.models import OutboxMessage
from campaign.core.outbox import outbox_enqueue
from campaign.petitions.models import Signature
from campaign.petitions.services import signature_erase
from campaign.privacy.models import AccessRequest

logger = logging.getLogger(__name__)

MAIL_ACCESS = "privacy.access"
ACCESS_SALT = "privacy.access"


class InvalidAccessLink(Exception):
    """A link that is tampered with, or whose data is gone (erased, withdrawn, purged)."""


class AccessLinkExpired(Exception):
    """A genuine link past its validity. `address` is the address it was for, while we
    still hold it: a fresh link can then be mailed there without asking for it."""

    def __init__(self, address: str | None):
        super().__init__("access link expired")
        self.address = address


def access_link_max_age() -> timedelta:
    return timedelta(hours=settings.PRIVACY_ACCESS_LINK_HOURS)


# --- Links ------------------------------------------------------------------------------
# A link names the row whose address it opens (a signature, a coalition contact, an
# access request), never the address itself: signing.dumps signs but does not encrypt,
# and a URL ends up in browser histories and server logs.


def access_token(
    *, signature: Signature | None = None, contact: Contact | None = None, access_request: AccessRequest | None = None
) -> str:
    if signature is not None:
        payload = {"s": signature.pk}
    elif contact is not None:
        payload = {"c": contact.pk}
    elif access_request is not None:
        payload = {"r": access_request.pk}
    else:
        raise ValueError("an access link names a signature, a contact or an access request")
    return signing.dumps(payload, salt=ACCESS_SALT, compress=True)


def _address_named(payload: object) -> str | None:
    if not isinstance(payload, dict) or len(payload) != 1:
        return None
    ((key, value),) = payload.items()
    if not isinstance(value, int):
        return None
    if key == "s":
        rows = Signature.objects.filter(pk=value, email_normalised__isnull=False).values_list("email", flat=True)
    elif key == "c":
        rows = Contact.objects.filter(pk=value).values_list("email", flat=True)
    elif key == "r":
        rows = AccessRequest.objects.filter(pk=value).values_list("email", flat=True)
    else:
        return None
    return rows.first() or None


def address_from_token(token: str) -> str:
    """The address a link opens. Raises AccessLinkExpired or InvalidAccessLink."""
    try:
        payload = signing.loads(token, salt=ACCESS_SALT, max_age=access_link_max_age())
    except signing.SignatureExpired:
        raise AccessLinkExpired(_address_named(signing.loads(token, salt=ACCESS_SALT))) from None
    except signing.BadSignature:
        raise InvalidAccessLink from None
    address = _address_named(payload)
    if address is None:
        raise InvalidAccessLink
    return address


# --- Asking ------------------------------------------------------------------------------


def access_request_create(*, email: str) -> AccessRequest:
    """Queue the mail with a link to what we hold about `email`. The same work whether
    we hold anything or not, so neither the page nor its timing tells a visitor."""
    with transaction.atomic():
        access_request = AccessRequest.objects.create(email=email)
        outbox_enqueue(kind=MAIL_ACCESS, object_id=access_request.pk)
    return access_request


def access_requests_purge() -> int:
    """Forget the addresses of requests whose links have expired."""
    cutoff = timezone.now() - access_link_max_age()
    with transaction.atomic():
        ids = list(AccessRequest.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind=MAIL_ACCESS, object_id__in=ids).delete()
        return AccessRequest.objects.filter(pk__in=ids).delete()[0]


# --- Finding, handing over, erasing -----------------------------------------------------


def _same_person(model, email: str):
    """Rows of `model` whose `email` is this address once normalised (case, Gmail dots
    and +tags), as signatures are matched. Only these models keep no normalised copy,
    and they are few: the candidates come from the domain, the match from Python."""
    wanted = normalise_email(email)
    domain = wanted.rpartition("@")[2]
    candidates = model.objects.filter(email__iendswith=f"@{domain}")
    if domain == "gmail.com":
        candidates = model.objects.filter(email__iregex=r"@(gmail|googlemail)\.com$")
    return [row for row in candidates if normalise_email(row.email) == wanted]


@dataclass
class PersonData:
    email: str
    signatures: list[Signature] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    access_requests: list[AccessRequest] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.signatures or self.applications)

    def as_json(self) -> dict:
        """Everything we hold, as the person may take it away."""
        return {
            "email": self.email,
            "signatures": [_signature_json(signature) for signature in self.signatures],
            "coalition_applications": [_application_json(application) for application in self.applications],
            "access_requests": [{"asked_at": _iso(row.created_at)} for row in self.access_requests],
        }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def signature_status(signature: Signature) -> str:
    if signature.invalidated_at:
        return "invalidated"
    if signature.confirmed_at:
        return "confirmed"
    if signature.mail_failed_at:
        return "mail_refused"
    return "pending"


def _signature_json(signature: Signature) -> dict:
    return {
        "letter": signature.petition.title,
        "letter_url": absolute_url(signature.petition.get_absolute_url()),
        "letter_version_signed": signature.petition_version,
        "status": signature_status(signature),
        "name": signature.name,
        "email": signature.email,
        "country": str(signature.country or ""),
        "city": signature.city,
        "organisation_or_role": signature.affiliation,
        "name_shown_publicly": signature.is_public,
        "wants_updates": signature.wants_updates,
        "came_through": signature.source.name if signature.source else "",
        "consent_text": signature.consent_text,
        "consent_version": signature.consent_version,
        "keyed_hash_of_ip_kept": signature.ip_hash is not None,
        "signed_at": _iso(signature.created_at),
        "confirmed_at": _iso(signature.confirmed_at),
        "invalidated_at": _iso(signature.invalidated_at),
        "mails_sent": signature.mails_sent,
    }


def _application_json(application: Application) -> dict:
    contact, organisation = application.contact, application.organisation
    return {
        "organisation": organisation.name,
        "organisation_status": organisation.status,
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "wants_coalition_updates": contact.wants_updates,
        "consent_text": contact.consent_text,
        "why_join": application.why,
        "keyed_hash_of_ip_kept": application.ip_hash is not None,
        "applied_at": _iso(application.created_at),
        "address_confirmed_at": _iso(application.confirmed_at),
        "outcome": application.outcome,
        "decided_at": _iso(application.decided_at),
        "has_representative_account": contact.user_id is not None,
        "answers_to_organisers": [
            {"question": reply.question.reason, "answer": reply.text, "received_at": _iso(reply.received_at)}
            for reply in application.replies.select_related("question")
        ],
    }


def person_data_collect(*, email: str) -> PersonData:
    """Every signature and coalition application held for this address."""
    signatures = list(
        Signature.objects.filter(email_normalised=normalise_email(email))
        .select_related("petition", "source")
        .order_by("created_at", "pk")
    )
    contact_ids = [contact.pk for contact in _same_person(Contact, email)]
    applications = list(
        Application.objects.filter(contact_id__in=contact_ids)
        .select_related("organisation", "contact")
        .order_by("created_at", "pk")
    )
    access_requests = sorted(_same_person(AccessRequest, email), key=lambda row: row.created_at)
    return PersonData(email=email, signatures=signatures, applications=applications, access_requests=access_requests)


@dataclass(frozen=True)
class Erased:
    signatures: int
    applications: int


def person_data_erase(*, email: str) -> Erased:
    """Erase everything held for this address: each signature as signature_erase does
    (the counts drop), each application as application_erase does, and the address's
    access requests with their mails."""
    found = person_data_collect(email=email)
    signatures = sum(signature_erase(signature=signature) for signature in found.signatures)
    applications = sum(application_erase(application=application) for application in found.applications)
    request_ids = [row.pk for row in found.access_requests]
    with transaction.atomic():
        OutboxMessage.objects.filter(kind=MAIL_ACCESS, object_id__in=request_ids).delete()
        AccessRequest.objects.filter(pk__in=request_ids).delete()
    logger.info("person data erased: %s signatures, %s applications", signatures, applications)
    return Erased(signatures=signatures, applications=applications)
