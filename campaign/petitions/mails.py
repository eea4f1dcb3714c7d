"""The mails a signature causes, built when they are sent (see core.mail)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from campaign.core.links import absolute_url
from campaign.core.mail import render_mail
from campaign.petitions.models import Signature
from campaign.petitions.services import confirm_token, withdraw_token


def _context(signature: Signature) -> dict:
    petition = signature.petition
    slug = petition.slug
    return {
        "signature": signature,
        "petition": petition,
        "petition_url": absolute_url(petition.get_absolute_url()),
        "confirm_url": absolute_url(
            reverse("petitions:confirm", kwargs={"slug": slug, "token": confirm_token(signature)})
        ),
        "withdraw_url": absolute_url(
            reverse("petitions:withdraw", kwargs={"slug": slug, "token": withdraw_token(signature)})
        ),
    }


SIGNATURE_FIELDS_MAILED = (
    "name", "email", "confirmed_at", "withdrawn_at", "invalidated_at",
    "petition__slug", "petition__title", "petition__language",
)  # fmt: skip


def _signature(signature_id: int) -> Signature | None:
    """The signature with what its mails show of it and of its letter: not the letter's
    text, which is most of the row and which no mail shows."""
    return Signature.objects.select_related("petition").only(*SIGNATURE_FIELDS_MAILED).filter(pk=signature_id).first()


def build_confirm(signature_id: int) -> EmailMultiAlternatives | None:
    signature = _signature(signature_id)
    if signature is None or signature.confirmed_at or signature.withdrawn_at or signature.invalidated_at:
        return None
    with translation.override(signature.petition.language):
        return render_mail("petitions/email/signature_confirm", _context(signature), signature.email)


def build_already_signed(signature_id: int) -> EmailMultiAlternatives | None:
    signature = _signature(signature_id)
    if signature is None or not signature.is_counted:
        return None
    with translation.override(signature.petition.language):
        return render_mail("petitions/email/signature_already_signed", _context(signature), signature.email)
