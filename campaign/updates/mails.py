"""The update mails, built when they are sent (see core.mail): whether the person
still wants it is decided here, just before sending. Every one carries a visible
unsubscribe link and RFC 8058's one-click headers."""

from __future__ import annotations

import secrets

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from campaign.core.links import absolute_url
from campaign.core.mail import render_mail
from campaign.core.text import render_markdown
from campaign.privacy.services import access_token
from campaign.updates import services
from campaign.updates.models import Update, UpdateRecipient

TEMPLATES = "updates/email/update"

RECIPIENT_FIELDS_MAILED = (
    "unsubscribed_at",
    "update__subject", "update__body", "update__petition__slug", "update__petition__title",
    "update__petition__language",
    "signature__name", "signature__email", "signature__language", "signature__wants_updates", "signature__confirmed_at",
    "signature__withdrawn_at", "signature__invalidated_at", "signature__anonymised_at",
)  # fmt: skip


# Stand-ins for what differs between two recipients' mails: the mail is rendered once per
# update and batch, and each person's name and link are poured in (a tenth of the cost
# of rendering three templates per mail). Random, so no text an organiser types holds one.
NAME_HOLE = f"name-{secrets.token_hex(8)}"
LINK_HOLE = f"link-{secrets.token_hex(8)}"
DATA_HOLE = f"data-{secrets.token_hex(8)}"


def _render(
    update: Update, *, name: str, to: str, unsubscribe_url: str, privacy_url: str, test: bool
) -> EmailMultiAlternatives:
    """The mail in the active language: its frame and links in it, the organiser's
    subject and text as they wrote them."""
    petition = update.petition
    context = {
        "subject": update.subject,
        "body": update.body,
        "body_html": render_markdown(update.body),
        "name": name,
        "title": petition.title,
        "petition_url": absolute_url(petition.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
        "privacy_url": privacy_url,
        "test": test,
    }
    message = render_mail(TEMPLATES, context, to)
    return _with_unsubscribe_headers(message, unsubscribe_url)


def _with_unsubscribe_headers(message: EmailMultiAlternatives, unsubscribe_url: str) -> EmailMultiAlternatives:
    # RFC 2369 and RFC 8058: mail programs show their own unsubscribe button, which
    # POSTs "List-Unsubscribe=One-Click" to this URL (campaign.updates.views.unsubscribe).
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("updates:unsubscribe", kwargs={"token": token}))


def _privacy_url(token: str | None) -> str:
    """The person's data page (every mail links to it), or where to ask for it."""
    if token is None:
        return absolute_url(reverse("privacy:request"))
    return absolute_url(reverse("privacy:data", kwargs={"token": token}))


def _template(update: Update, language: str) -> EmailMultiAlternatives:
    """The update's mail in `language` with holes for the name and the links' tokens."""
    with translation.override(language):
        return _render(
            update,
            name=NAME_HOLE,
            to="",
            unsubscribe_url=_unsubscribe_url(LINK_HOLE),
            privacy_url=_privacy_url(DATA_HOLE),
            test=False,
        )


def _poured(
    template: EmailMultiAlternatives, *, name: str, to: str, token: str, data_token: str
) -> EmailMultiAlternatives:
    """One recipient's mail from the update's rendered template: the name as typed in
    the text part and escaped in the HTML part; the links' tokens are URL-safe."""
    url = template.extra_headers["List-Unsubscribe"][1:-1].replace(LINK_HOLE, token)
    # The links first: a name is poured in last, so nothing in it is ever replaced.
    text = template.body.replace(LINK_HOLE, token).replace(DATA_HOLE, data_token).replace(NAME_HOLE, name)
    html = template.alternatives[0][0].replace(LINK_HOLE, token).replace(DATA_HOLE, data_token)
    html = html.replace(NAME_HOLE, escape(name))
    message = EmailMultiAlternatives(subject=template.subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return _with_unsubscribe_headers(message, url)


def build_update_many(recipient_ids: list[int]) -> dict[int, EmailMultiAlternatives | None]:
    found = (
        UpdateRecipient.objects.select_related("update__petition", "signature")
        .only(*RECIPIENT_FIELDS_MAILED)
        .filter(pk__in=recipient_ids)
    )
    recipients = {recipient.pk: recipient for recipient in found}
    # Rendered once per update and language among the batch's recipients: each signer
    # gets the frame and links in the language they signed in.
    templates: dict[tuple[int, str], EmailMultiAlternatives] = {}
    built: dict[int, EmailMultiAlternatives | None] = {}
    for recipient_id in recipient_ids:
        recipient = recipients.get(recipient_id)
        if recipient is None or recipient.unsubscribed_at or not services.recipient_wants_it(recipient.signature):
            built[recipient_id] = None
            continue
        language = recipient.signature.language or recipient.update.petition.language
        key = (recipient.update_id, language)
        if key not in templates:
            templates[key] = _template(recipient.update, language)
        built[recipient_id] = _poured(
            templates[key],
            name=recipient.signature.name,
            to=recipient.signature.email,
            token=services.unsubscribe_token(recipient),
            data_token=access_token(signature=recipient.signature),
        )
    return built


def build_update(recipient_id: int) -> EmailMultiAlternatives | None:
    return build_update_many([recipient_id])[recipient_id]


def build_test(update_id: int) -> EmailMultiAlternatives | None:
    """The update as it stands, to the organiser who last asked for a test."""
    update = Update.objects.select_related("petition", "tested_by").filter(pk=update_id).first()
    if update is None or update.tested_by is None:
        return None
    user = update.tested_by
    with translation.override(update.petition.language):
        message = _render(
            update,
            name=user.get_full_name() or gettext("supporter"),
            to=user.email,
            unsubscribe_url=_unsubscribe_url(services.sample_unsubscribe_token(update)),
            privacy_url=_privacy_url(None),
            test=True,
        )
        message.subject = gettext("[Test] %(subject)s") % {"subject": message.subject}
    return message
