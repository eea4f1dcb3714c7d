"""What every sitemap shares: absolute links from SITE_URL; and the site's own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteUrlSitemap(Sitemap):
    """Absolute links from SITE_URL, never from the Sites table or a request's Host;
    each page in every language, with its alternates, so search engines offer a reader
    the page in theirs."""

    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme


class PagesSitemap(SiteUrlSitemap):
    """The home page and the lists that lead to everything else."""

    changefreq = "daily"

    def items(self):
        return ["home", "petitions:list", "coalition:directory"]

    def location(self, name):
        return reverse(name)
