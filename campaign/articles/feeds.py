"""RSS and Atom for the whole library and for any filtered view: the feed's address
carries the same query string as the page."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from campaign.articles import search
from campaign.articles.forms import FACET_PARAMETERS, LibraryQuery, Sort, parse_library_query
from campaign.core.links import absolute_url
from campaign.core.text import render_markdown

FEED_SIZE = 50


class LibraryRssFeed(Feed):
    description_template = None

    def get_object(self, request, *args, **kwargs) -> LibraryQuery:
        query = parse_library_query(request.GET)
        # A feed is news: newest additions first, whatever the page was sorted by.
        return query.replace(sort=Sort.ADDED, page=1)

    def title(self, query: LibraryQuery) -> str:
        if not query.is_filtered:
            return str(_("Evidence library: all documents"))
        parts = [f"“{query.q}”"] if query.q else []
        parts += [
            f"{name}: {', '.join(map(str, getattr(query, name)))}" for name in FACET_PARAMETERS if getattr(query, name)
        ]
        if query.primary:
            parts.append(str(_("primary sources")))
        return str(_("Evidence library: %(filters)s")) % {"filters": "; ".join(parts)}

    def link(self, query: LibraryQuery) -> str:
        querystring = query.querystring(sort="")
        return absolute_url(reverse("articles:list") + (f"?{querystring}" if querystring else ""))

    def feed_url(self, query: LibraryQuery) -> str:
        querystring = query.querystring(sort="")
        return absolute_url(reverse(self.url_name) + (f"?{querystring}" if querystring else ""))

    url_name = "articles:feed-rss"

    def description(self, query: LibraryQuery) -> str:
        return str(_("Documents on biometric surveillance, newest additions first."))

    def items(self, query: LibraryQuery):
        return search.library_results(query, limit=FEED_SIZE)[:FEED_SIZE]

    def item_title(self, document) -> str:
        return document.title

    def item_description(self, document) -> str:
        # Sanitised HTML; the syndication framework escapes it into the XML.
        return str(render_markdown(document.summary))

    def item_link(self, document) -> str:
        return absolute_url(document.get_absolute_url())

    def item_guid(self, document) -> str:
        return absolute_url(document.get_absolute_url())

    def item_author_name(self, document) -> str:
        return document.publisher.name

    def item_pubdate(self, document) -> datetime | None:
        return document.published_at

    def item_updateddate(self, document) -> datetime:
        return document.updated_at

    def item_categories(self, document) -> list[str]:
        return [document.get_doc_type_display()]


class LibraryAtomFeed(LibraryRssFeed):
    feed_type = Atom1Feed
    url_name = "articles:feed-atom"

    def subtitle(self, query: LibraryQuery) -> str:
        return self.description(query)
