"""A person's own data: ask for a link by mail, see what we hold, take it, erase it.

Every page that opens someone's data is kept out of caches (never_cache) and names
that data only through the link's token, never the address."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.core.origin import same_origin_post
from campaign.core.ratelimit import hits, rate_limited, request_limits
from campaign.privacy import services
from campaign.privacy.forms import AccessRequestForm

STATUS_LABELS = {
    "pending": _("waiting for you to confirm it"),
    "confirmed": _("confirmed"),
    "invalidated": _("struck off by the organisers"),
    "mail_refused": _("our mail to you was refused"),
}


def _hours() -> int:
    return settings.PRIVACY_ACCESS_LINK_HOURS


def _limits(request, email: str) -> list[tuple[str, str, int]]:
    # The sign form's limits: this form, too, makes us mail an address someone typed.
    return request_limits(
        request,
        scope="privacy",
        email=email,
        per_ip=settings.SIGN_RATE_PER_IP_PER_HOUR,
        per_address=settings.SIGN_RATE_PER_ADDRESS_PER_HOUR,
    )


def _too_many(request):
    return rate_limited(
        request,
        note=_("If you asked already, the email with your link is on its way: look in your inbox and spam folder."),
    )


@same_origin_post
@require_http_methods(["GET", "POST"])
def access_request(request):
    """The public form. Whatever the address, the answer is the same page; the data
    itself only ever goes to the address, by mail."""
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not hits(_limits(request, email)):
            return _too_many(request)
        services.access_request_create(email=email)
        return redirect("privacy:sent")
    return render(request, "privacy/access_request.html", {"form": form, "hours": _hours()})


@require_GET
def access_request_sent(request):
    return render(request, "privacy/access_request_sent.html", {"hours": _hours()})


def _address_or_page(request, token: str) -> tuple[str | None, HttpResponse | None]:
    """The address the link opens, or the page to show instead of its data."""
    try:
        return services.address_from_token(token), None
    except services.AccessLinkExpired as expired:
        context = {"token": token, "can_renew": expired.address is not None, "form": AccessRequestForm()}
        return None, render(request, "privacy/link_expired.html", {**context, "hours": _hours()}, status=410)
    except services.InvalidAccessLink:
        context = {"form": AccessRequestForm(), "hours": _hours()}
        return None, render(request, "privacy/link_invalid.html", context, status=404)


@never_cache
@require_GET
def person_data(request, token: str):
    address, page = _address_or_page(request, token)
    if page is not None:
        return page
    data = services.person_data_collect(email=address)
    context = {"token": token, "data": data, "hours": _hours()}
    signatures = [(signature, STATUS_LABELS[services.signature_status(signature)]) for signature in data.signatures]
    return render(request, "privacy/person_data.html", {**context, "signatures": signatures})


@never_cache
@require_GET
def person_data_json(request, token: str):
    address, page = _address_or_page(request, token)
    if page is not None:
        return page
    data = services.person_data_collect(email=address)
    response = HttpResponse(
        json.dumps(data.as_json(), indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@same_origin_post
@never_cache
@require_http_methods(["GET", "POST"])
def person_data_erase(request, token: str):
    """GET asks for confirmation; the erasure happens only on the POST."""
    address, page = _address_or_page(request, token)
    if page is not None:
        return page
    if request.method == "POST":
        erased = services.person_data_erase(email=address)
        return render(request, "privacy/person_data_erased.html", {"erased": erased})
    data = services.person_data_collect(email=address)
    return render(request, "privacy/person_data_erase.html", {"token": token, "data": data})


@same_origin_post
@never_cache
@require_POST
def access_link_renew(request, token: str):
    """An expired link we can still trace to an address: mail a fresh one there."""
    try:
        services.address_from_token(token)
    except services.AccessLinkExpired as expired:
        if expired.address is None:
            return redirect("privacy:request")
        if not hits(_limits(request, expired.address)):
            return _too_many(request)
        services.access_request_create(email=expired.address)
        return redirect("privacy:sent")
    except services.InvalidAccessLink:
        return redirect("privacy:request")
    return redirect("privacy:data", token=token)
