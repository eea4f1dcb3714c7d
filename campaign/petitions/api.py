"""Read-only JSON: letters and their live counts, cacheable for a few seconds."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaign.coalition.selectors import endorsement_counts
from campaign.core.links import absolute_url
from campaign.petitions import selectors
from campaign.petitions.models import Petition

CACHE_SECONDS = 10


def _serialise(petition: Petition, organisations: int) -> dict:
    return {
        "slug": petition.slug,
        "title": petition.title,
        "url": absolute_url(petition.get_absolute_url()),
        "signature_count": selectors.signature_count(petition),
        "goal": petition.goal,
        "status": petition.status,
        "organisations": organisations,
    }


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def petition_list(request):
    petitions = list(Petition.objects.public().order_by("-created_at"))
    organisations = endorsement_counts([petition.pk for petition in petitions])
    return JsonResponse({"results": [_serialise(p, organisations.get(p.pk, 0)) for p in petitions]})


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def petition_detail(request, slug: str):
    petition = Petition.objects.public().filter(slug=slug).first()
    if petition is None:
        return JsonResponse({"error": "not_found", "detail": "No letter with this slug."}, status=404)
    return JsonResponse(_serialise(petition, endorsement_counts([petition.pk]).get(petition.pk, 0)))
