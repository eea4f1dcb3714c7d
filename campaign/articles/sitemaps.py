from __future__ import annotations

from django.urls import reverse

from campaign.articles.models import Deployment, Document, Entity, Publisher
from campaign.core.sitemaps import SiteUrlSitemap


class DocumentSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return Document.objects.published().only("number", "updated_at").order_by("number")

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
