from __future__ import annotations

from campaign.core.sitemaps import SiteUrlSitemap
from campaign.petitions.models import Petition


class LetterSitemap(SiteUrlSitemap):
    """Every letter a visitor may read (open, closed, archived), never a draft."""

    changefreq = "daily"

    def items(self):
        return Petition.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, letter):
        return letter.updated_at
