"""/sitemap.xml: every public page, by section, in every language (campaign.core.sitemaps)."""

from campaign.articles.sitemaps import SITEMAPS as LIBRARY_SITEMAPS
from campaign.coalition.sitemaps import MemberSitemap
from campaign.core.sitemaps import PagesSitemap
from campaign.petitions.sitemaps import LetterSitemap

SITEMAPS = {
    "pages": PagesSitemap,
    "letters": LetterSitemap,
    "members": MemberSitemap,
    **LIBRARY_SITEMAPS,
}
