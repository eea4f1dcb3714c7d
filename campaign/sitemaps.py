"""/sitemap.xml: every public page, by section. Locations are the language-neutral
(English) addresses."""

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
