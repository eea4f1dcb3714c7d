"""The mail that answers "what do you hold about me?" (see core.mail)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from campaign.core.links import absolute_url
from campaign.core.mail import render_mail
from campaign.privacy.models import AccessRequest
from campaign.privacy.services import access_link_max_age, access_token


def access_url(token: str) -> str:
    return absolute_url(reverse("privacy:data", kwargs={"token": token}))


def access_url_for(*, signature=None, contact=None) -> str:
    """The link, for the footer of our other mails, to what we hold for their recipient."""
    return access_url(access_token(signature=signature, contact=contact))


def build_access(access_request_id: int) -> EmailMultiAlternatives | None:
    access_request = AccessRequest.objects.filter(pk=access_request_id).first()
    # A mail held back past the link's validity would carry a dead link: none then.
    if access_request is None or access_request.created_at < timezone.now() - access_link_max_age():
        return None
    context = {
        "access_url": access_url(access_token(access_request=access_request)),
        "hours": int(access_link_max_age().total_seconds() // 3600),
        "notice_url": absolute_url(reverse("privacy")),
    }
    return render_mail("privacy/email/access", context, access_request.email)
