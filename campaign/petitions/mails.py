"""The mails a signature causes, built when they are sent (see core.mail). A drain
builds a batch at once: one query for its signatures."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from campaign.core.links import absolute_url
from campaign.core.mail import render_mail
from campaign.petitions.models import PetitionTranslation, Signature
from campaign.petitions.services import confirm_token, withdraw_token
from campaign.privacy.services import access_token

CONFIRM_TEMPLATES = "petitions/email/signature_confirm"
ALREADY_SIGNED_TEMPLATES = "petitions/email/signature_already_signed"

SIGNATURE_FIELDS_MAILED = (
    "name", "email", "language", "confirmed_at", "withdrawn_at", "invalidated_at", "anonymised_at",
    "petition__slug", "petition__title", "petition__language",
)  # fmt: skip


def _signatures(signature_ids: list[int]) -> dict[int, Signature]:
    """The signatures with what their mails show of them and of their letter: not the
    letter's text, which is most of the row and which no mail shows."""
    found = Signature.objects.select_related("petition").only(*SIGNATURE_FIELDS_MAILED).filter(pk__in=signature_ids)
    return {signature.pk: signature for signature in found}


def _translated_titles(signatures: dict[int, Signature]) -> dict[tuple[int, str], str]:
    """The letters' titles in their signers' languages, where translated: one query a batch."""
    wanted = {(s.petition_id, s.language) for s in signatures.values() if s.language not in ("", s.petition.language)}
    if not wanted:
        return {}
    rows = PetitionTranslation.objects.filter(
        petition_id__in={petition_id for petition_id, _language in wanted},
        language__in={language for _petition_id, language in wanted},
    ).values_list("petition_id", "language", "title")
    return {(petition_id, language): title for petition_id, language, title in rows}


def signer_language(signature: Signature) -> str:
    """The language a signer's mails go out in: the page they signed on, or the
    letter's own for signatures from before there were translations."""
    return signature.language or signature.petition.language


def _link(name: str, signature: Signature, token: str) -> str:
    return absolute_url(reverse(name, kwargs={"slug": signature.petition.slug, "token": token}))


def _render(templates: str, signature: Signature, title: str) -> EmailMultiAlternatives:
    """The mail in the signer's language, its links to that language's pages."""
    petition = signature.petition
    with translation.override(signer_language(signature)):
        # The period comes from the setting that enforces it, so the mail cannot promise another.
        context = {
            "title": title,
            "petition_url": absolute_url(petition.get_absolute_url()),
            "pending_days": settings.SIGNATURE_PENDING_DAYS,
            "name": signature.name,
            "confirm_url": _link("petitions:confirm", signature, confirm_token(signature)),
            "withdraw_url": _link("petitions:withdraw", signature, withdraw_token(signature)),
            "privacy_url": absolute_url(reverse("privacy:data", kwargs={"token": access_token(signature=signature)})),
        }
        return render_mail(templates, context, signature.email)


def _confirm_is_due(signature: Signature) -> bool:
    return not (signature.confirmed_at or signature.withdrawn_at or signature.invalidated_at or signature.anonymised_at)


def _already_signed_is_due(signature: Signature) -> bool:
    return signature.is_counted and signature.anonymised_at is None


def _build_many(
    signature_ids: list[int], templates: str, is_due: Callable[[Signature], bool]
) -> dict[int, EmailMultiAlternatives | None]:
    signatures = _signatures(signature_ids)
    titles = _translated_titles(signatures)
    built = {}
    for signature_id in signature_ids:
        signature = signatures.get(signature_id)
        if signature is None or not is_due(signature):
            built[signature_id] = None
            continue
        title = titles.get((signature.petition_id, signature.language), signature.petition.title)
        built[signature_id] = _render(templates, signature, title)
    return built


def build_confirm_many(signature_ids: list[int]) -> dict[int, EmailMultiAlternatives | None]:
    return _build_many(signature_ids, CONFIRM_TEMPLATES, _confirm_is_due)


def build_already_signed_many(signature_ids: list[int]) -> dict[int, EmailMultiAlternatives | None]:
    return _build_many(signature_ids, ALREADY_SIGNED_TEMPLATES, _already_signed_is_due)


def build_confirm(signature_id: int) -> EmailMultiAlternatives | None:
    return build_confirm_many([signature_id])[signature_id]


def build_already_signed(signature_id: int) -> EmailMultiAlternatives | None:
    return build_already_signed_many([signature_id])[signature_id]


def build_milestone(milestone_id: int) -> EmailMultiAlternatives | None:
    """To the organisers: a letter has passed a milestone (a power of ten, or its goal)."""
    from campaign.accounts.roles import notify_organisers
    from campaign.petitions.models import Milestone

    milestone = Milestone.objects.select_related("petition").filter(pk=milestone_id).first()
    if milestone is None:
        return None
    petition = milestone.petition
    context = {
        "milestone": milestone,
        "title": petition.title,
        "goal": petition.goal,
        "dashboard_url": absolute_url(reverse("organise:letter", kwargs={"slug": petition.slug})),
        "petition_url": absolute_url(petition.get_absolute_url()),
        # Sent to accounts, not to one signer or contact: the page where anyone asks.
        "privacy_url": absolute_url(reverse("privacy:request")),
    }
    return notify_organisers(render_mail("petitions/email/milestone", context, ""))
