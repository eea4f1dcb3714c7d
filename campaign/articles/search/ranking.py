"""The library's results in the reader's order: relevance, date published or date added."""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from campaign.articles.forms import LibraryQuery, Sort
from campaign.articles.models import Document, FacetBitmap, SearchEntry
from campaign.articles.search.filtering import filtered_documents, matching_entries, own_language_query, resolve_filters


def _order(sort: str, prefix: str = "") -> tuple:
    if sort == Sort.RELEVANCE:
        return ("-rank", F(f"{prefix}published_on").desc(nulls_last=True), f"-{prefix}number")
    if sort == Sort.ADDED:
        return (F(f"{prefix}published_at").desc(nulls_last=True), f"-{prefix}number")
    return (F(f"{prefix}published_on").desc(nulls_last=True), f"-{prefix}number")


# A search matching much of the library ranks only its newest matches by relevance, then
# lists the older ones newest first: ranking means reading every match's search vector,
# and at 100,000 documents a query matching half of them spent 50 ms doing so. The newest
# RANK_WINDOW matches are found by walking the date index, which visits about
# published * RANK_WINDOW / matches entries at some WALK_COST times the cost of ranking
# one match (measured: 2.5 at 100,000 documents), so the window is used only where that
# walk is the cheaper of the two.
RANK_WINDOW = 1000
WALK_COST = 2.5


def ranks_window(query: LibraryQuery, total: int) -> bool:
    """Whether the library ranks only the newest RANK_WINDOW of this search's `total`
    matches (the page says so)."""
    if not query.q or query.effective_sort != Sort.RELEVANCE or total <= RANK_WINDOW:
        return False
    published = FacetBitmap.objects.filter(facet="all", value="").values_list("documents", flat=True).first()
    return total * total > WALK_COST * RANK_WINDOW * (published or 0)


def _after_window(entries: QuerySet[SearchEntry]) -> Q | None:
    """Documents that come after the RANK_WINDOW newest of `entries` in date order (None
    when there are no more than that: the count the caller had was out of date)."""
    last = entries.order_by(*_order(Sort.PUBLISHED)).values_list("published_on", "number")[
        RANK_WINDOW - 1 : RANK_WINDOW
    ]
    if not last:
        return None
    published_on, number = last[0]
    if published_on is None:  # undated documents come last, by number
        return Q(published_on__isnull=True, number__lt=number)
    return (
        Q(published_on__lt=published_on)
        | Q(published_on=published_on, number__lt=number)
        | Q(published_on__isnull=True)
    )


def library_results(query: LibraryQuery, *, limit: int | None = None, windowed: bool = False) -> QuerySet[Document]:
    """The library's results in the reader's order. Pass `limit` when no more than the
    first `limit` results will be read (the end of the page shown): a search then sorts
    only its first `limit` entries, and reads only those documents. Pass `windowed` as
    ranks_window() says for the count of results: a broad search then ranks only its
    newest matches, in every page and download alike."""
    sort = query.effective_sort
    if not query.q:
        return filtered_documents(query).select_related("publisher").order_by(*_order(sort))
    # Sorted among the search entries, which carry the sort keys, so that PostgreSQL may
    # choose between ranking every match and walking a date index, on one table.
    entries = matching_entries(query, resolve_filters(query))
    rank = SearchRank(F("search_entry__search_vector"), own_language_query(query.q, "search_entry__"))
    if windowed:
        # The newest matches (and, past the window, the older ones the page reaches)
        # walked in date order; then the window ranked, the rest after it by date.
        kept = entries.order_by(*_order(Sort.PUBLISHED))
        if limit is not None:
            kept = kept[: max(limit, RANK_WINDOW)]
        if (limit is None or limit > RANK_WINDOW) and (after := _after_window(entries)) is not None:
            rank = Case(When(after, then=Value(-1.0)), default=rank, output_field=FloatField())
    else:
        if sort == Sort.RELEVANCE:
            entries = entries.alias(rank=SearchRank(F("search_vector"), own_language_query(query.q)))
        kept = entries.order_by(*_order(sort))
        if limit is not None:
            kept = kept[:limit]
    documents = Document.objects.filter(pk__in=kept.values("document_id")).select_related("publisher")
    if sort == Sort.RELEVANCE:
        # Ranked again, but only what the first ranking (or the walk) kept.
        documents = documents.alias(rank=rank)
    return documents.order_by(*_order(sort))
