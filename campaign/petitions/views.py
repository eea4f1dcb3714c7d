from __future__ import annotations

import math

from django.conf import settings
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from campaign.core.pagecache import PAGE_SECONDS, markers, page_lookup, page_respond
from campaign.core.ratelimit import client_ip, hits, request_limits
from campaign.petitions import selectors, services
from campaign.petitions.forms import ResendForm, SignatureForm, form_stamp
from campaign.petitions.models import Petition


def _public_petition(slug: str) -> Petition:
    return get_object_or_404(Petition.objects.public(), slug=slug)


# What signing needs of a letter, kept with its cached page (see _letter_within_limits).
SIGNING_FIELDS = ("id", "slug", "title", "version", "status", "opens_at", "closes_at")


def _letter_within_limits(request, slug: str, email: str) -> tuple[Petition, bool]:
    """The letter a signature is for, and whether this submission is within the rate
    limits (it is counted)."""
    within = hits(_limits(request, email, "sign"))
    return _public_petition(slug), within


def _closed(request, petition: Petition):
    return render(request, "petitions/petition_closed.html", {"petition": petition}, status=409)


def _too_many(request, petition: Petition):
    response = render(request, "petitions/rate_limited.html", {"petition": petition}, status=429)
    response["Retry-After"] = "3600"
    return response


def _limits(request, email: str, scope: str) -> list[tuple[str, str, int]]:
    return request_limits(
        request,
        scope=scope,
        email=email,
        per_ip=settings.SIGN_RATE_PER_IP_PER_HOUR,
        per_address=settings.SIGN_RATE_PER_ADDRESS_PER_HOUR,
    )


def petition_list(request):
    petitions = list(Petition.objects.public().order_by("status", "-created_at"))
    for petition in petitions:
        petition.signature_count = selectors.signature_count(petition)
    return render(request, "petitions/petition_list.html", {"petitions": petitions})


def _wall_page_number(request) -> int:
    """The page of signatories asked for: 1 for anything that is not a page number, and
    a 404 past the last page we show, so no one can make PostgreSQL walk a deep OFFSET
    (nor pass it a number past bigint)."""
    try:
        page = max(1, int(request.GET.get("wall", "1")))
    except ValueError:
        return 1
    if page > selectors.WALL_MAX_PAGE:
        raise Http404
    return page


def _detail_context(request, petition: Petition, form: SignatureForm, *, signature_count: int | None = None) -> dict:
    wall_page_number = _wall_page_number(request)
    wall, wall_has_more = selectors.wall_page(petition, wall_page_number)
    return {
        "petition": petition,
        "demands": petition.demands.all(),
        "form": form,
        "stamp": form_stamp(),
        "signature_count": selectors.signature_count(petition) if signature_count is None else signature_count,
        "country_counts": selectors.country_counts(petition)[:20],
        "wall": wall,
        "wall_page": wall_page_number,
        "wall_has_more": wall_has_more,
    }


def petition_detail(request, slug: str):
    """The page a crowd reads: the same for everyone but the sign form's CSRF token and
    stamp, so it comes from the page cache. A cached copy is served while the count it
    shows is the current one; a confirmation, an edit or a closing date renders it anew."""
    holes = {"csrf": get_token(request), "stamp": form_stamp()}
    # Only the first page of signatories is cached: the one a crowd sees. Older pages
    # are rendered for whoever asks, so no one can fill the cache with ?wall=N.
    slot = None
    if _wall_page_number(request) == 1:
        count_key = selectors.count_key_for_slug(slug)
        slot = page_lookup(request, f"letter:{slug}", also=[count_key] if count_key else [])
    if slot and slot.page:
        facts = slot.page.facts
        if facts["count"] == selectors.signature_count_seen(slug, facts["petition_id"], slot.also):
            return page_respond(slot.page.html, holes)
    petition = _public_petition(slug)
    # Read as the cached path reads it, which notes the letter's id for this slug: the
    # next read then fetches the count with the page.
    count = selectors.signature_count_seen(slug, petition.pk, slot.also if slot else {})
    context = _detail_context(request, petition, SignatureForm(), signature_count=count)
    html = render_to_string("petitions/petition_detail.html", {**context, **_form_markers()}, request)
    if slot:
        signing = {name: getattr(petition, name) for name in SIGNING_FIELDS}
        slot.store(
            html,
            facts={"petition_id": petition.pk, "count": count, "signing": signing},
            timeout=_page_seconds(petition),
        )
    return page_respond(html, holes)


def _form_markers() -> dict:
    marks = markers("csrf", "stamp")
    return {"csrf_token": marks["csrf"], "stamp": marks["stamp"]}


def _page_seconds(petition: Petition) -> int:
    """Keep the page no longer than until the letter opens or closes on its own."""
    seconds = PAGE_SECONDS
    now = timezone.now()
    for moment in (petition.opens_at, petition.closes_at):
        if moment and moment > now:
            seconds = min(seconds, math.ceil((moment - now).total_seconds()))
    return seconds


@require_POST
def petition_sign(request, slug: str):
    form = SignatureForm(request.POST)
    if form.is_bot:
        return redirect("petitions:thanks", slug=slug)
    if not form.is_valid():
        petition = _public_petition(slug)  # the whole letter, to show its page again
        if not petition.is_open:
            return _closed(request, petition)
        context = _detail_context(request, petition, form)
        return render(request, "petitions/petition_detail.html", context, status=200)
    data = form.cleaned_data
    petition, within_limits = _letter_within_limits(request, slug, data["email"])
    if not petition.is_open:
        return _closed(request, _public_petition(slug))  # the whole letter, for its page
    if not within_limits:
        return _too_many(request, petition)
    details = services.SignatureDetails(
        name=data["name"],
        email=data["email"],
        country=data["country"],
        city=data["city"],
        affiliation=data["affiliation"],
        is_public=data["is_public"],
        wants_updates=data["wants_updates"],
    )
    try:
        services.signature_create(petition=petition, details=details, client_ip=client_ip(request))
    except services.PetitionClosed:
        return _closed(request, _public_petition(slug))
    return redirect("petitions:thanks", slug=petition.slug)


def petition_thanks(request, slug: str):
    petition = _public_petition(slug)
    return render(request, "petitions/signature_check_inbox.html", {"petition": petition})


@require_http_methods(["GET", "POST"])
def signature_confirm(request, slug: str, token: str):
    petition = _public_petition(slug)
    try:
        signature = services.signature_from_confirm_token(token, petition=petition)
    except services.InvalidToken:
        return render(request, "petitions/link_invalid.html", {"petition": petition, "form": ResendForm()}, status=400)
    if signature.withdrawn_at or signature.invalidated_at:
        return render(request, "petitions/signature_withdrawn.html", {"petition": petition}, status=410)
    context = {"petition": petition, "token": token, "withdraw_token": services.withdraw_token(signature)}
    if request.method == "POST":
        confirmation = services.signature_confirm(signature=signature)
        context.update(
            confirmation=confirmation,
            already=not confirmation.newly_confirmed,
            signature_count=selectors.signature_count(petition),
        )
        return render(request, "petitions/signature_confirmed.html", context)
    if signature.confirmed_at:
        context.update(already=True, signature_count=selectors.signature_count(petition))
        return render(request, "petitions/signature_confirmed.html", context)
    return render(request, "petitions/signature_confirm.html", context)


@require_http_methods(["GET", "POST"])
def signature_withdraw(request, slug: str, token: str):
    petition = _public_petition(slug)
    try:
        signature = services.signature_from_withdraw_token(token, petition=petition)
    except services.InvalidToken:
        return render(request, "petitions/link_invalid.html", {"petition": petition, "form": ResendForm()}, status=400)
    if signature.withdrawn_at:
        return render(request, "petitions/signature_withdrawn.html", {"petition": petition})
    if request.method == "POST":
        services.signature_withdraw(signature=signature)
        return render(request, "petitions/signature_withdrawn.html", {"petition": petition, "just_now": True})
    return render(request, "petitions/signature_withdraw.html", {"petition": petition, "token": token})


@require_http_methods(["GET", "POST"])
def signature_resend(request, slug: str):
    petition = _public_petition(slug)
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not hits(_limits(request, email, "resend")):
            return _too_many(request, petition)
        services.signature_resend(petition=petition, email=email)
        return redirect("petitions:thanks", slug=petition.slug)
    return render(request, "petitions/signature_resend.html", {"petition": petition, "form": form})
