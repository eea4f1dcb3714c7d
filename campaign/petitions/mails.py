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


def build_confirm(signature_id: int) -> EmailMultiAlternatives | None:
    signature = Signature.objects.select_related("petition").filter(pk=signature_id).first()
    if signature is None or signature.confirmed_at or signature.withdrawn_at or signature.invalidated_at:
        return None
    with translation.override(signature.petition.language):
        return render_mail("petitions/email/signature_confirm", _context(signature), signature.email)


def build_already_signed(signature_id: int) -> EmailMultiAlternatives | None:
    signature = Signature.objects.select_related("petition").filter(pk=signature_id).first()
    if signature is None or not signature.is_counted:
        return None
    with translation.override(signature.petition.language):
        return render_mail("petitions/email/signature_already_signed", _context(signature), signature.email)
