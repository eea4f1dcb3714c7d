"""Which published documents a library query matches: the search and the ticked facets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, Value, When

from campaign.articles.forms import LibraryQuery
from campaign.articles.models import (
    FALLBACK_SEARCH_CONFIG,
    Country,
    Document,
    Publisher,
    SearchEntry,
    Technology,
    Topic,
    search_config_languages,
)


def _websearch(text: str, config: str) -> SearchQuery:
    """Web-search syntax: "quoted phrases", OR, and -excluded words."""
    return SearchQuery(text, search_type="websearch", config=config)


def search_query(text: str):
    """The search read in every language the library stems, OR'ed: one constant query, so
    the GIN index finds the candidates. Each document is stemmed in its own language, and
    only that language's reading decides whether it matches (see own_language_query)."""
    combined = _websearch(text, FALLBACK_SEARCH_CONFIG)
    for config in search_config_languages():
        combined |= _websearch(text, config)
    return combined


def own_language_query(text: str, prefix: str = "") -> Case:
    """The search read in each row's own language (a CASE on its language column): what
    decides a match and ranks it. Alone it cannot use the index: a document in English
    matches "-immigration" in German reading, which excludes only 'immigration', not the
    English stem 'immigr'; so it checks the candidates search_query() found."""
    return Case(
        *[
            When(**{f"{prefix}language__in": codes}, then=_websearch(text, config))
            for config, codes in search_config_languages().items()
        ],
        default=_websearch(text, FALLBACK_SEARCH_CONFIG),
        output_field=SearchQueryField(),
    )


def own_language_config(prefix: str = "") -> Case:
    """Each row's text search configuration, by its language."""
    return Case(
        *[
            When(**{f"{prefix}language__in": codes}, then=Value(config))
            for config, codes in search_config_languages().items()
        ],
        default=Value(FALLBACK_SEARCH_CONFIG),
    )


class Matches(Func):
    """vector @@ query, where the query is an expression (a CASE) rather than a SearchQuery."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def search_matches(entries: QuerySet[SearchEntry], text: str) -> QuerySet[SearchEntry]:
    """The entries the search finds: candidates from the index, checked in their own language."""
    return entries.filter(search_vector=search_query(text)).filter(
        Matches(F("search_vector"), own_language_query(text))
    )


def search_matches_sql(text: str) -> tuple[str, list]:
    """SELECT document_id of the entries the search finds, for hand-written statements."""
    return search_matches(SearchEntry.objects.all(), text).values("document_id").query.sql_with_params()


@dataclass(frozen=True)
class ResolvedFilters:
    """The query's slugs and codes turned into ids, once per request."""

    topic: tuple[int, ...]
    technology: tuple[int, ...]
    country: tuple[int, ...]
    publisher: tuple[int, ...]


def resolve_filters(query: LibraryQuery) -> ResolvedFilters:
    def ids(model, field: str, values: tuple) -> tuple[int, ...]:
        if not values:
            return ()
        # An unknown value matches nothing, rather than being dropped (which would widen).
        return tuple(model.objects.filter(**{f"{field}__in": values}).values_list("pk", flat=True)) or (0,)

    return ResolvedFilters(
        topic=ids(Topic, "slug", query.topic),
        technology=ids(Technology, "slug", query.technology),
        country=ids(Country, "code", query.country),
        publisher=ids(Publisher, "slug", query.publisher),
    )


def _year_condition(years: tuple[int, ...]) -> Q:
    condition = Q()
    for year in years:
        condition |= Q(published_on__gte=date(year, 1, 1), published_on__lt=date(year + 1, 1, 1))
    return condition


def _narrowed(rows: QuerySet, query: LibraryQuery, resolved: ResolvedFilters) -> QuerySet:
    """Every selected facet applied, to documents or to search entries (same columns).
    Values within one facet widen (either topic); facets narrow each other."""
    if query.topic:
        rows = rows.filter(topic_ids__overlap=list(resolved.topic))
    if query.technology:
        rows = rows.filter(technology_ids__overlap=list(resolved.technology))
    if query.country:
        rows = rows.filter(country_ids__overlap=list(resolved.country))
    if query.type:
        rows = rows.filter(doc_type__in=query.type)
    if query.publisher:
        rows = rows.filter(publisher_id__in=resolved.publisher)
    if query.year:
        rows = rows.filter(_year_condition(query.year))
    if query.primary:
        rows = rows.filter(is_primary_source=True)
    return rows


def matching_entries(query: LibraryQuery, resolved: ResolvedFilters) -> QuerySet[SearchEntry]:
    """The search entries (published documents only) the search and the facets match."""
    return _narrowed(search_matches(SearchEntry.objects.all(), query.q), query, resolved)


def filtered_documents(query: LibraryQuery, *, resolved: ResolvedFilters | None = None) -> QuerySet[Document]:
    """Published documents matching the search and every selected facet."""
    resolved = resolved or resolve_filters(query)
    if query.q:
        # Found in the narrow search entries; only the documents found are read.
        entries = matching_entries(query, resolved).values("document_id")
        return Document.objects.published().filter(pk__in=entries)
    return _narrowed(Document.objects.published(), query, resolved)
