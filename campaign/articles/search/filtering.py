"""Which published documents a library query matches: the search and the ticked facets."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchQueryField
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, Value, When
from django.db.models.functions import Cast

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


@dataclass(frozen=True)
class Reading:
    """The search as PostgreSQL reads it (a tsquery's text) for documents in some languages."""

    tsquery: str
    languages: Q  # the documents this reading applies to, on the search entries' columns


def _language_groups() -> list[tuple[str, Q]]:
    """(configuration, which documents it stems), every document in exactly one group."""
    grouped = search_config_languages()
    every_code = [code for codes in grouped.values() for code in codes]
    return [(config, Q(language__in=codes)) for config, codes in grouped.items()] + [
        (FALLBACK_SEARCH_CONFIG, ~Q(language__in=every_code))
    ]


@functools.lru_cache(maxsize=512)
def readings(text: str) -> tuple[Reading, ...]:
    """The search (web-search syntax: "quoted phrases", OR, -excluded words) read with
    each language's configuration, those that read it alike grouped, in one round trip.
    A word most languages stem alike ("fingerprint") gives one reading for all."""
    groups = _language_groups()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["websearch_to_tsquery(%s::regconfig, %s)::text"] * len(groups)),  # nosec B608
            [value for config, _languages in groups for value in (config, text)],
        )
        tsqueries = cursor.fetchone()
    merged: dict[str, Q] = {}
    for tsquery, (_config, languages) in zip(tsqueries, groups, strict=True):
        merged[tsquery] = merged[tsquery] | languages if tsquery in merged else languages
    if len(merged) == 1:
        return (Reading(tsqueries[0], Q()),)
    return tuple(Reading(tsquery, languages) for tsquery, languages in merged.items())


def _prefixed(condition: Q, prefix: str) -> Q:
    """A condition on the search entries' columns, reached through `prefix` (a relation)."""
    if not prefix:
        return condition
    copy = condition.copy()
    copy.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1])
        for child in condition.children
    ]
    return copy


def _tsquery(reading: Reading) -> Cast:
    return Cast(Value(reading.tsquery), SearchQueryField())


class Matches(Func):
    """vector @@ query, for a query given as an expression rather than a SearchQuery."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def search_condition(text: str, prefix: str = "") -> Q:
    """The documents the search finds, each read in its own language: an OR of one
    condition per reading, each a constant tsquery that the GIN index answers (a
    BitmapOr). Not one OR'ed tsquery for all: read in German, "-immigration" excludes
    'immigration', not the English stem 'immigr', and would let English documents in."""
    condition = Q()
    for reading in readings(text):
        match = Matches(F(f"{prefix}search_vector"), _tsquery(reading))
        condition |= Q(_prefixed(reading.languages, prefix), match) if reading.languages else Q(match)
    return condition


def own_language_query(text: str, prefix: str = ""):
    """The search as each row's own language reads it: what ranks and highlights a match."""
    *others, last = readings(text)
    if not others:
        return _tsquery(last)
    return Case(
        *[When(_prefixed(reading.languages, prefix), then=_tsquery(reading)) for reading in others],
        default=_tsquery(last),
        output_field=SearchQueryField(),
    )


def own_language_config(prefix: str = "") -> Case:
    """Each row's text search configuration, by its language."""
    *groups, (fallback, _other) = _language_groups()
    return Case(
        *[When(_prefixed(languages, prefix), then=Value(config)) for config, languages in groups],
        default=Value(fallback),
    )


def search_matches(entries: QuerySet[SearchEntry], text: str) -> QuerySet[SearchEntry]:
    return entries.filter(search_condition(text))


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
