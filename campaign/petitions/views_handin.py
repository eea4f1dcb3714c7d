"""The hand-in, for organisers: ask for a letter's delivery pack, download it.

Every page needs the organisers' permission to export signatures (a pack may list
signers by name); the two-factor requirement applies here as everywhere
(RequireMFAMiddleware), and downloading a pack that lists names asks for the password
or a code again, as the signature export does.
"""

from __future__ import annotations

import functools

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaign.core.csv import EXCEL_BOM
from campaign.petitions import selectors, services
from campaign.petitions.forms import PackRequestForm
from campaign.petitions.models import DeliveryPack, Petition

PACKS_SHOWN = 20


def organisers_only(view):
    """Refuse (403) a logged-in account without the organisers' permission, before
    anything else is asked of it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.has_perm("petitions.export_signatures")):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@organisers_only
@require_http_methods(["GET", "POST"])
def pack_list(request, slug: str):
    petition = get_object_or_404(Petition, slug=slug)
    form = PackRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.pack_request(petition=petition, by=request.user, include_signers=form.cleaned_data["include_signers"])
        messages.success(request, _("The delivery pack is being prepared. This page shows it when it is ready."))
        return redirect("handin:packs", slug=petition.slug)
    packs = list(
        DeliveryPack.objects.filter(petition=petition).select_related("requested_by").defer("pdf", "csv")[:PACKS_SHOWN]
    )
    return render(
        request,
        "petitions/deliverypack_list.html",
        {
            "petition": petition,
            "form": form,
            "packs": packs,
            "is_preparing": any(pack.state == DeliveryPack.State.QUEUED for pack in packs),
            "timeline": selectors.handin_timeline(petition),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _ready_pack(slug: str, pk: int) -> DeliveryPack:
    return get_object_or_404(
        DeliveryPack.objects.select_related("petition"), pk=pk, petition__slug=slug, state=DeliveryPack.State.READY
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(pack: DeliveryPack, suffix: str) -> str:
    return f"{pack.petition.slug}-delivery-{timezone.localtime(pack.created_at):%Y%m%d-%H%M}{suffix}"


def _lists_names(request) -> bool:
    """A pack that lists signers by name asks for the password or a code again (five
    minutes), like the signature export; one with counts only does not."""
    return DeliveryPack.objects.filter(pk=request.resolver_match.kwargs["pk"], include_signers=True).exists()


@login_required
@organisers_only
@require_GET
@reauthentication_required(enabled=_lists_names)
def pack_pdf(request, slug: str, pk: int):
    pack = _ready_pack(slug, pk)
    return _attachment(bytes(pack.pdf), "application/pdf", _filename(pack, ".pdf"))


@login_required
@organisers_only
@require_GET
@reauthentication_required(enabled=_lists_names)
def pack_csv(request, slug: str, pk: int):
    """The CSV beside the PDF; `?for=excel` adds the byte-order mark Excel needs to read
    it as UTF-8, as the signature export does."""
    pack = _ready_pack(slug, pk)
    for_excel = request.GET.get("for") == "excel"
    content = bytes(pack.csv)
    if for_excel:
        content = EXCEL_BOM.encode() + content
    return _attachment(content, "text/csv; charset=utf-8", _filename(pack, "-excel.csv" if for_excel else ".csv"))
