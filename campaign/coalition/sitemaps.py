from __future__ import annotations

from campaign.coalition.models import Organisation
from campaign.core.sitemaps import SiteUrlSitemap


class MemberSitemap(SiteUrlSitemap):
    """Approved members only: an application, a suspended or departed member has no page."""

    changefreq = "weekly"

    def items(self):
        return Organisation.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated_at
