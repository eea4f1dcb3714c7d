from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from campaign.articles.models import Deployment, Document, Entity, Publisher


class SiteUrlSitemap(Sitemap):
    """Absolute links from SITE_URL, never from the Sites table or a request's Host."""

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme


class DocumentSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return Document.objects.published().only("slug", "updated_at").order_by("number")

    def lastmod(self, document):
        return document.updated_at


class DeploymentSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return Deployment.objects.order_by("pk")

    def lastmod(self, deployment):
        return deployment.updated_at


class PublisherSitemap(SiteUrlSitemap):
    def items(self):
        return Publisher.objects.filter(documents__status=Document.Status.PUBLISHED).distinct().order_by("pk")


class EntitySitemap(SiteUrlSitemap):
    def items(self):
        return Entity.objects.order_by("pk")


class LibraryPagesSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        return ["articles:list", "articles:deployments", "articles:wins", "articles:data-dictionary"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "library": LibraryPagesSitemap,
    "documents": DocumentSitemap,
    "deployments": DeploymentSitemap,
    "publishers": PublisherSitemap,
    "entities": EntitySitemap,
}
