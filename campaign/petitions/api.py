"""Read-only JSON: letters and their live counts, cacheable for a few seconds."""

from __future__ import annotations

from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaign.coalition.selectors import endorsement_counts
from campaign.core.links import absolute_url
from campaign.petitions import selectors
from campaign.petitions.models import Petition
from campaign.petitions.services import count_cache_key

CACHE_SECONDS = 10


def _card(petition: Petition, organisations: int) -> dict:
    """Everything the API says of a letter but its count."""
    return {
        "slug": petition.slug,
        "title": petition.title,
        "url": absolute_url(petition.get_absolute_url()),
        "goal": petition.goal,
        "status": petition.status,
        "organisations": organisations,
    }


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def petition_list(request):
    petitions = list(Petition.objects.public().order_by("-created_at"))
    organisations = endorsement_counts([petition.pk for petition in petitions])
    return JsonResponse(
        {
            "results": [
                {**_card(p, organisations.get(p.pk, 0)), "signature_count": selectors.signature_count(p)}
                for p in petitions
            ]
        }
    )


def _card_key(slug: str) -> str:
    return f"api:petition-card:{slug}"


def _card_lookup(slug: str) -> tuple[tuple[int, dict] | None, dict]:
    """(the cached (letter id, card) or None, the other values found): the card and the
    live count in one round trip, the count's key known from the slug's id hint."""
    key = _card_key(slug)
    count_key = selectors.count_key_for_slug(slug)
    found = cache.get_many([key, count_key] if count_key else [key])
    return found.pop(key, None), found


def petition_detail_cached(slug: str) -> dict | None:
    """What the API says of a letter, from the cache alone (one round trip), or None
    when the cache lacks the card or the live count."""
    cached, found = _card_lookup(slug)
    if cached is None:
        return None
    petition_id, card = cached
    if count_cache_key(petition_id) not in found:
        return None
    return {**card, "signature_count": selectors.signature_count_seen(slug, petition_id, found)}


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def petition_detail(request, slug: str):
    """What a crowd refreshing the count asks for. All but the count is kept in the
    cache for as long as clients may keep the answer; the count is read live from its
    own cache entry, which every confirmation clears, in the same round trip."""
    cached, found = _card_lookup(slug)
    if cached is None:
        petition = Petition.objects.public().filter(slug=slug).first()
        if petition is None:
            return JsonResponse({"error": "not_found", "detail": "No letter with this slug."}, status=404)
        cached = (petition.pk, _card(petition, endorsement_counts([petition.pk]).get(petition.pk, 0)))
        cache.set(_card_key(slug), cached, CACHE_SECONDS)
    petition_id, card = cached
    return JsonResponse({**card, "signature_count": selectors.signature_count_seen(slug, petition_id, found)})
