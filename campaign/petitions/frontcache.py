"""The letter reads the front cache answers (campaign.core.frontcache): the letter
page a crowd reads before signing, and the count API a crowd refreshes."""

from __future__ import annotations

import json
import re

from django.core.serializers.json import DjangoJSONEncoder

from campaign.core.frontcache import Route
from campaign.petitions import api, selectors
from campaign.petitions.forms import form_stamp

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"


def _card(slug: str) -> str | None:
    data = api.petition_detail_cached(slug)
    return None if data is None else json.dumps(data, cls=DjangoJSONEncoder)  # as JsonResponse writes it


ROUTES = (
    Route(
        name="petitions:detail",
        pattern=re.compile(rf"/letters/{SLUG}/"),
        answer=selectors.letter_page_cached,
        holes=lambda: {"stamp": form_stamp()},
        csrf=True,
    ),
    Route(name="api:petition-detail", pattern=re.compile(rf"/api/petitions/{SLUG}/"), answer=_card),
)
