"""Read-only JSON: the coalition's approved, public members."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaign.coalition.models import Organisation
from campaign.core.links import absolute_url

CACHE_SECONDS = 60


def _serialise(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "country": organisation.country.code,
        "website": organisation.website,
        "url": absolute_url(organisation.get_absolute_url()),
        "tier": organisation.tier,
        "logo_url": absolute_url(organisation.logo_url()) if organisation.logo_hash else None,
    }


def _members():
    return Organisation.objects.public().only("name", "slug", "country", "website", "tier", "logo_hash")


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def organisation_list(request):
    return JsonResponse({"results": [_serialise(organisation) for organisation in _members()]})


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def organisation_detail(request, slug: str):
    organisation = _members().filter(slug=slug).first()
    if organisation is None:
        return JsonResponse({"error": "not_found", "detail": "No member organisation with this slug."}, status=404)
    return JsonResponse(_serialise(organisation))
