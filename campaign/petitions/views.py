from __future__ import annotations

import math

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language, npgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaign.core.forms import MASTODON_FORM_CSP
from campaign.core.origin import same_origin_post
from campaign.core.pagecache import is_personal, page_lookup, public_page
from campaign.core.ratelimit import client_ip, hits, rate_limited, request_limits
from campaign.petitions import selectors, services, share_image
from campaign.petitions.forms import ResendForm, SignatureForm
from campaign.petitions.models import Petition, Source


def _public_petition(slug: str) -> Petition:
    return get_object_or_404(Petition.objects.public(), slug=slug)


def _closed(request, petition: Petition):
    return render(request, "petitions/petition_closed.html", {"petition": petition}, status=409)


def _too_many(request, petition: Petition):
    return rate_limited(
        request,
        note=_("If you signed already, your confirmation email is on its way: look in your inbox and spam folder."),
        back_url=petition.get_absolute_url(),
        back_label=_("Back to the letter"),
    )


def _limits(request, email: str, scope: str) -> list[tuple[str, str, int]]:
    return request_limits(
        request,
        scope=scope,
        email=email,
        per_ip=settings.SIGN_RATE_PER_IP_PER_HOUR,
        per_address=settings.SIGN_RATE_PER_ADDRESS_PER_HOUR,
    )


@public_page
def petition_list(request):
    petitions = selectors.shown_in(list(Petition.objects.public().order_by("status", "-created_at")), get_language())
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


def _detail_context(request, petition: Petition, form: SignatureForm) -> dict:
    wall_page_number = _wall_page_number(request)
    wall, wall_has_more = selectors.wall_page(petition, wall_page_number)
    text = selectors.letter_text(petition, get_language())
    return {
        "petition": petition,
        "text": text,
        "demands": text.demands,
        "form": form,
        "signature_count": selectors.signature_count(petition),
        "country_counts": selectors.country_counts(petition)[:20],
        "wall": wall,
        "wall_page": wall_page_number,
        "wall_has_more": wall_has_more,
    }


@csp_update(MASTODON_FORM_CSP)
@public_page
def petition_detail(request, slug: str):
    """The page a crowd reads, the same for every anonymous reader: Django keeps it
    rendered for PUBLIC_PAGE_SECONDS, so a crowd costs PostgreSQL one render per letter
    and language that often. Only the first page of signatories is kept, the one a
    crowd sees, so no one can fill the cache with ?wall=N; a visitor of their own (a
    session, a message) gets the page rendered for them."""
    cached = None
    # A partner's link (?src=) gets a page whose form carries its code: a cache in front
    # keeps it by its address; Django keeps only the plain page, which page_forget reaches.
    source = selectors.source_code_for(request.GET.get("src"))
    if _wall_page_number(request) == 1 and not is_personal(request) and not source:
        cached = page_lookup(f"letter:{slug}")
        if cached.html is not None:
            return HttpResponse(cached.html)
    petition = _public_petition(slug)
    form = SignatureForm(initial={"source": source})
    html = render_to_string("petitions/petition_detail.html", _detail_context(request, petition, form), request)
    if cached is not None:
        cached.store(html, timeout=_page_seconds(petition))
    return HttpResponse(html)


@login_required
def petition_preview(request, slug: str):
    """The letter exactly as readers will see it, draft or not, for staff only: its
    form is shown, its button disabled (a draft takes no signature)."""
    if not request.user.has_perm("petitions.view_petition"):
        raise PermissionDenied
    petition = get_object_or_404(Petition, slug=slug)
    context = {**_detail_context(request, petition, SignatureForm()), "preview": True}
    response = render(request, "petitions/petition_detail.html", context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def _page_seconds(petition: Petition) -> int:
    """Keep the page no longer than until the letter opens or closes on its own."""
    seconds = settings.PUBLIC_PAGE_SECONDS
    now = timezone.now()
    for moment in (petition.opens_at, petition.closes_at):
        if moment and moment > now:
            seconds = min(seconds, math.ceil((moment - now).total_seconds()))
    return seconds


def _sign(request, slug: str, *, embed: bool):
    """Sign from the letter page or from its embed: the same checks and service; what
    differs is where a form with errors is shown again and where the signer goes next."""
    form = SignatureForm(request.POST)
    thanks = "petitions:embed-thanks" if embed else "petitions:thanks"
    if form.is_bot:
        return redirect(thanks, slug=slug)
    petition = selectors.public_letter(slug)
    if not petition.is_open:
        return _closed(request, petition)
    if not form.is_valid():
        if embed:
            return _render_embed(request, petition, form)
        return render(request, "petitions/petition_detail.html", _detail_context(request, petition, form))
    data = form.cleaned_data
    if not hits(_limits(request, data["email"], "sign")):
        return _too_many(request, petition)
    details = services.SignatureDetails(
        name=data["name"],
        email=data["email"],
        country=data["country"],
        city=data["city"],
        affiliation=data["affiliation"],
        is_public=data["is_public"],
        wants_updates=data["wants_updates"],
        source_id=selectors.source_id_for(data["source"]),
        language=get_language(),
    )
    try:
        services.signature_create(petition=petition, details=details, client_ip=client_ip(request))
    except services.PetitionClosed:
        return _closed(request, petition)
    return redirect(thanks, slug=petition.slug)


@csp_update(MASTODON_FORM_CSP)  # a form with errors shows the letter page again
@same_origin_post
@require_POST
def petition_sign(request, slug: str):
    return _sign(request, slug, embed=False)


# --- Partners' embeds -------------------------------------------------------------------
# The embed pages alone may be framed, by the origins EMBED_FRAME_ANCESTORS names; every
# other page keeps `frame-ancestors 'none'` and X-Frame-Options DENY. They set no cookie,
# so a partner's page framing them gives its readers' browsers nothing to track.


def framable(view):
    return xframe_options_exempt(csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})(view))


def _render_embed(request, petition: Petition, form: SignatureForm):
    context = {
        "petition": selectors.shown_one_in(petition, get_language()),
        "form": form,
        "signature_count": selectors.signature_count(petition),
    }
    return render(request, "petitions/petition_embed.html", context)


@framable
@public_page
def petition_embed(request, slug: str):
    """The letter's count, progress and a short sign form, for a partner's <iframe>. The
    form carries the partner's ?src= code, as the letter page does."""
    petition = selectors.public_letter(slug)
    form = SignatureForm(initial={"source": selectors.source_code_for(request.GET.get("src"))})
    return _render_embed(request, petition, form)


@framable
@same_origin_post
@require_POST
def petition_embed_sign(request, slug: str):
    """The embed's form posts from our own origin (the framed page is ours), so the
    origin check passes; what follows stays in the frame."""
    return _sign(request, slug, embed=True)


@framable
def petition_embed_thanks(request, slug: str):
    petition = selectors.shown_one_in(selectors.public_letter(slug), get_language())
    return render(request, "petitions/embed_check_inbox.html", {"petition": petition})


BADGE_SECONDS = 60


def petition_badge(request, slug: str):
    """The count as a small SVG image, for partners who cannot use an iframe: an <img>
    works in newsletters and on sites that forbid frames. Caches may keep it a minute."""
    petition = selectors.public_letter(slug)
    count = selectors.signature_count(petition)
    label = npgettext("after a number", "signature", "signatures", count)
    figure = intcomma(count)
    # A rough width from the number of characters: DejaVu-like sans at 11 px is ~7 px a character.
    label_width = 12 + 7 * len(label)
    figure_width = 12 + 7 * len(figure)
    response = render(
        request,
        "petitions/badge.svg",
        {
            "petition": petition,
            "label": label,
            "figure": figure,
            "label_width": label_width,
            "figure_width": figure_width,
            "width": label_width + figure_width,
        },
        content_type="image/svg+xml; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=BADGE_SECONDS)
    return response


def petition_thanks(request, slug: str):
    petition = selectors.shown_one_in(_public_petition(slug), get_language())
    context = {
        "petition": petition,
        "resent": request.GET.get("resent") == "1",
        "interval_minutes": int(services.MIN_MAIL_INTERVAL.total_seconds() // 60),
        "mails_a_day": services.MAX_MAILS_PER_WINDOW,
    }
    return render(request, "petitions/signature_check_inbox.html", context)


@csp_update(MASTODON_FORM_CSP)
@same_origin_post
@require_http_methods(["GET", "POST"])
def signature_confirm(request, slug: str, token: str):
    petition = _public_petition(slug)
    shown = selectors.shown_one_in(petition, get_language())
    try:
        signature = services.signature_from_confirm_token(token, petition=petition)
    except services.InvalidToken:
        return render(request, "petitions/link_invalid.html", {"petition": shown, "form": ResendForm()}, status=400)
    if signature.withdrawn_at or signature.invalidated_at:
        return render(request, "petitions/signature_withdrawn.html", {"petition": shown}, status=410)
    context = {"petition": shown, "token": token, "withdraw_token": services.withdraw_token(signature)}
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


@same_origin_post
@require_http_methods(["GET", "POST"])
def signature_withdraw(request, slug: str, token: str):
    petition = _public_petition(slug)
    shown = selectors.shown_one_in(petition, get_language())
    try:
        signature = services.signature_from_withdraw_token(token, petition=petition)
    except services.InvalidToken:
        return render(request, "petitions/link_invalid.html", {"petition": shown, "form": ResendForm()}, status=400)
    if signature.withdrawn_at:
        return render(request, "petitions/signature_withdrawn.html", {"petition": shown})
    if request.method == "POST":
        services.signature_withdraw(signature=signature)
        return render(request, "petitions/signature_withdrawn.html", {"petition": shown, "just_now": True})
    return render(request, "petitions/signature_withdraw.html", {"petition": shown, "token": token})


@same_origin_post
@require_http_methods(["GET", "POST"])
def signature_resend(request, slug: str):
    petition = _public_petition(slug)
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not hits(_limits(request, email, "resend")):
            return _too_many(request, petition)
        services.signature_resend(petition=petition, email=email)
        # The same answer whether or not the address signed: the page must not tell
        # anyone who has signed (docs/security-and-privacy.md), so it names every case.
        return redirect(reverse("petitions:thanks", kwargs={"slug": petition.slug}) + "?resent=1")
    shown = selectors.shown_one_in(petition, get_language())
    return render(request, "petitions/signature_resend.html", {"petition": shown, "form": form})


def partner_totals(request, token: str):
    """A partner's own totals, behind the secret link organisers gave them. No cache may
    keep it and no search engine list it: the link is the only key."""
    source = get_object_or_404(Source, partner_token=token)
    response = render(
        request, "petitions/partner_totals.html", {"source": source, "rows": selectors.partner_totals(source)}
    )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


SHARE_IMAGE_SECONDS = 300


def petition_share_image(request, slug: str):
    """The letter's link-preview picture. Caches in front may keep it a few minutes:
    link previews are fetched once per share, and the count on it is rounded anyway."""
    petition = selectors.public_letter(slug)
    png = share_image.share_image(selectors.shown_one_in(petition, get_language()), selectors.signature_count(petition))
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=SHARE_IMAGE_SECONDS)
    return response
