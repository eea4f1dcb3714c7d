"""Read-only JSON: letters and their live counts, cacheable for a few seconds."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import override
from django.views.decorators.http import require_GET

from campaign.coalition.selectors import endorsement_counts
from campaign.core.links import absolute_url
from campaign.petitions import selectors
from campaign.petitions.models import Petition

CACHE_SECONDS = 10


def _cacheable(view):
    """Clients may keep an answer for CACHE_SECONDS; a cache in front (nginx, a CDN)
    no longer than a letter page (PUBLIC_PAGE_SECONDS), so the count it serves moves."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS, s_maxage=settings.PUBLIC_PAGE_SECONDS)
        return response

    return wrapped


def _translations(petition: Petition) -> list[dict]:
    """The languages the letter is translated into, each with its title and page."""
    rows = []
    for translation in petition.translations.all():
        with override(translation.language):
            url = absolute_url(petition.get_absolute_url())
        rows.append({"language": translation.language, "title": translation.title, "url": url})
    return rows


def _card(petition: Petition, organisations: int) -> dict:
    """Everything the API says of a letter but its count, which is one for the letter
    in every language: translations are the same letter. Its `url` is its page in its
    own language."""
    with override(petition.language):
        url = absolute_url(petition.get_absolute_url())
    return {
        "slug": petition.slug,
        "title": petition.title,
        "language": petition.language,
        "url": url,
        "translations": _translations(petition),
        "goal": petition.goal,
        "status": petition.status,
        "organisations": organisations,
    }


@require_GET
@_cacheable
def petition_list(request):
    petitions = list(Petition.objects.public().prefetch_related("translations").order_by("-created_at"))
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


@require_GET
@_cacheable
def petition_detail(request, slug: str):
    """What a crowd refreshing the count asks for. All but the count is kept in the
    cache for as long as clients may keep the answer; the count is read from its own
    cache entry, which every confirmation clears."""
    cached = cache.get(_card_key(slug))
    if cached is None:
        petition = Petition.objects.public().filter(slug=slug).first()
        if petition is None:
            return JsonResponse({"error": "not_found", "detail": "No letter with this slug."}, status=404)
        cached = (petition.pk, _card(petition, endorsement_counts([petition.pk]).get(petition.pk, 0)))
        cache.set(_card_key(slug), cached, CACHE_SECONDS)
    petition_id, card = cached
    return JsonResponse({**card, "signature_count": selectors.signature_count_of(petition_id)})
