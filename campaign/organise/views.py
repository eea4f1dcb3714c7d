"""The organisers' dashboard: every letter's figures at /organise/, one letter's at
/organise/letters/<slug>/, and the coalition's queue and growth. Organisers only."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from campaign.coalition import rules as coalition_rules
from campaign.coalition import selectors as coalition_selectors
from campaign.organise import charts, rules, selectors
from campaign.petitions import services as petition_services
from campaign.petitions.models import Petition

PENDING_APPLICATIONS_SHOWN = 20


def organisers_only(view):
    """Logged in (else the login page), an organiser (else 403). Two-factor setup is
    enforced before any page by campaign.accounts.middleware."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.can_view_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _coalition(request) -> dict:
    if not coalition_rules.can_review(request.user):
        return {}
    queue = coalition_selectors.review_queue()
    return {
        "applications": list(queue[:PENDING_APPLICATIONS_SHOWN]),
        "applications_waiting": queue.count(),
        "timeline": coalition_selectors.member_timeline(),
        "chart_height": coalition_selectors.CHART_HEIGHT,
        "chart_width": coalition_selectors.CHART_BAR * 12,
    }


@require_GET
@organisers_only
def dashboard(request):
    return render(
        request,
        "organise/dashboard.html",
        {
            "rows": selectors.letter_rows(),
            "show_coalition": coalition_rules.can_review(request.user),
            **_coalition(request),
        },
    )


@require_GET
@organisers_only
def letter(request, slug: str):
    petition = get_object_or_404(Petition.objects.defer("body"), slug=slug)
    totals = selectors.letter_totals(petition)
    days = selectors.daily_counts(petition)
    return render(
        request,
        "organise/letter_dashboard.html",
        {
            "petition": petition,
            "totals": totals,
            "next_milestone": selectors.next_milestone(totals),
            "milestones": selectors.milestones(petition),
            "chart": charts.day_chart(days),
            "chart_days": selectors.CHART_DAYS,
            "countries": selectors.countries(petition),
            "sources": selectors.sources(petition),
            "without_country": selectors.without_country(petition),
            "delivery": selectors.delivery(petition),
            "can_resend": rules.can_resend_mails(request.user),
        },
    )


@require_POST
@organisers_only
def letter_resend(request, slug: str):
    """Queue the letter's refused confirmation mails again (after, say, the signers'
    provider lifted a block)."""
    if not rules.can_resend_mails(request.user):
        raise PermissionDenied
    petition = get_object_or_404(Petition.objects.only("pk", "slug"), slug=slug)
    queued = petition_services.signature_mails_resend(petition=petition)
    if queued:
        messages.success(request, _("%(count)d refused mails queued again.") % {"count": queued})
    else:
        messages.info(request, _("No refused mail to send again."))
    return redirect("organise:letter", slug=petition.slug)
