"""Share links for a letter: plain links to each network's own share page, built here
so every part of the address is encoded once. No network's script, image or font is
loaded: a reader's visit tells no one anything until they click."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django import template
from django.utils.translation import gettext_lazy as _

from campaign.core.links import absolute_url
from campaign.petitions.models import Petition

register = template.Library()


@dataclass(frozen=True)
class ShareLink:
    label: str
    url: str


def share_links(petition: Petition) -> list[ShareLink]:
    url = absolute_url(petition.get_absolute_url())
    text = f"{petition.title} {url}"
    return [
        ShareLink(
            _("Share by email"), "mailto:?" + urlencode({"subject": petition.title, "body": url}, quote_via=_quote)
        ),
        ShareLink(_("Share on Bluesky"), "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ShareLink(
            _("Share on X (Twitter)"), "https://x.com/intent/tweet?" + urlencode({"text": petition.title, "url": url})
        ),
        ShareLink(_("Share on Facebook"), "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ShareLink(_("Share on WhatsApp"), "https://wa.me/?" + urlencode({"text": text})),
        ShareLink(_("Share on Telegram"), "https://t.me/share/url?" + urlencode({"url": url, "text": petition.title})),
        ShareLink(_("Share on LinkedIn"), "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
    ]


def _quote(value, safe="", encoding=None, errors=None):
    """Mail programs read "+" literally in a mailto: body, so spaces are %20 there."""
    return quote(value, safe=safe, encoding=encoding, errors=errors)


@register.inclusion_tag("petitions/_share_links.html")
def share_panel(petition: Petition) -> dict:
    return {
        "petition": petition,
        "links": share_links(petition),
        "share_url": absolute_url(petition.get_absolute_url()),
    }
