"""The search entries (models.SearchEntry) are a copy of the published documents'
search columns: a search must find exactly what is published, however it was written,
and ranking only a page's worth of them must give that page exactly."""

import csv
import io
from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse

from campaign.articles import search, services
from campaign.articles.forms import parse_library_query
from campaign.articles.models import Document, SearchEntry
from tests.articles.factories import DocumentFactory, TopicFactory

pytestmark = pytest.mark.django_db

COPIED = [
    "search_vector",
    "published_on",
    "published_at",
    "number",
    "topic_ids",
    "technology_ids",
    "country_ids",
    "doc_type",
    "publisher_id",
    "is_primary_source",
]


def q(querystring: str):
    return parse_library_query(QueryDict(querystring))


def found(text: str) -> list[str]:
    return list(search.library_results(q(f"q={text}")).values_list("slug", flat=True))


def assert_entries_copy_the_published_documents() -> None:
    published = Document.objects.published().values_list("pk", *COPIED)
    entries = SearchEntry.objects.values_list("document_id", *COPIED)
    assert sorted(map(tuple, entries)) == sorted(map(tuple, published))


def test_a_draft_is_found_once_published_and_no_longer_once_withdrawn():
    document = DocumentFactory(slug="d", title="Fingerprint ledger", status=Document.Status.DRAFT, published_at=None)
    assert found("fingerprint") == []
    services.document_set_status(document=document, status=Document.Status.PUBLISHED)
    assert found("fingerprint") == ["d"]
    services.document_set_status(document=document, status=Document.Status.WITHDRAWN)
    assert found("fingerprint") == []
    assert_entries_copy_the_published_documents()


def test_entries_follow_reindexing_bare_updates_and_deletes():
    kept = DocumentFactory(slug="kept", title="Camera tender")
    deleted = DocumentFactory(slug="deleted", title="Camera contract")
    kept.title = "Smartwatch tender"
    kept.save()
    kept.topics.set([TopicFactory()])
    services.document_reindex(document_ids=[kept.pk])
    Document.objects.filter(pk=kept.pk).update(published_on=date(2001, 2, 3), is_primary_source=True)
    deleted.delete()
    assert found("smartwatch") == ["kept"]
    assert found("camera") == []
    assert_entries_copy_the_published_documents()


def test_a_page_ranked_from_only_its_share_of_entries_is_the_page_ranked_from_all():
    for n in range(30):
        DocumentFactory(
            slug=f"d{n}",
            title="Smartwatch " * (1 + n % 4) + f"report {n}",
            summary="smartwatch tagging" if n % 3 else "other",
            published_on=date(2020, 1, 1 + n % 5),
        )
    query = q("q=smartwatch")
    everything = list(search.library_results(query).values_list("slug", flat=True))
    assert len(everything) == 30
    for page in (1, 2):
        limited = search.library_results(query, limit=page * 10)
        assert (
            list(limited.values_list("slug", flat=True)[(page - 1) * 10 : page * 10])
            == everything[(page - 1) * 10 : page * 10]
        )


def test_the_facet_counts_carry_the_number_of_results():
    DocumentFactory(title="Smartwatch one", topics=[TopicFactory(slug="police")])
    DocumentFactory(title="Smartwatch two")
    DocumentFactory(title="Camera")
    for querystring in ("", "q=smartwatch", "q=smartwatch&topic=police", "topic=police", "topic=nothing"):
        query = q(querystring)
        assert search.library_facet_counts(query).total == search.result_count(query)
        assert search.result_count(query) == search.filtered_documents(query).count()


@pytest.fixture
def broad_search(monkeypatch):
    """Thirty documents a search for "smartwatch" all finds (two undated, several sharing a
    date), with a window of seven: so broad a search ranks only its newest seven."""
    monkeypatch.setattr(search.ranking, "RANK_WINDOW", 7)
    for n in range(30):
        DocumentFactory(
            slug=f"d{n}",
            title="Smartwatch " * (1 + n % 4) + f"report {n}",
            summary="smartwatch tagging" if n % 3 else "other",
            published_on=None if n in (4, 9) else date(2020, 1, 1 + n % 6),
        )
    DocumentFactory(slug="camera", title="Camera")
    return q("q=smartwatch")


def test_a_broad_search_ranks_its_newest_matches_then_lists_the_rest_by_date(broad_search):
    ranked = list(search.library_results(broad_search).values_list("slug", flat=True))
    by_date = list(search.library_results(q("q=smartwatch&sort=published")).values_list("slug", flat=True))
    window = set(by_date[:7])
    expected = [slug for slug in ranked if slug in window] + by_date[7:]
    assert search.ranks_window(broad_search, 30)
    assert expected != ranked  # the window changes the order: this test can tell
    for page in (1, 2, 3):
        results = search.library_results(broad_search, limit=page * 10, windowed=True)
        assert (
            list(results.values_list("slug", flat=True)[(page - 1) * 10 : page * 10])
            == expected[(page - 1) * 10 : page * 10]
        )
    everything = search.library_results(broad_search, windowed=True)  # a download: every result
    assert list(everything.values_list("slug", flat=True)) == expected
    first = search.library_results(broad_search, limit=5, windowed=True)
    assert list(first.values_list("slug", flat=True)[:5]) == expected[:5]


def test_a_count_out_of_date_ranks_what_there_is(broad_search, monkeypatch):
    ranked = list(search.library_results(broad_search).values_list("slug", flat=True))
    monkeypatch.setattr(search.ranking, "RANK_WINDOW", 50)  # more than match: the count was stale
    results = search.library_results(broad_search, limit=100, windowed=True)
    assert list(results.values_list("slug", flat=True)) == ranked


def test_a_search_matching_few_documents_ranks_them_all(broad_search):
    assert not search.ranks_window(broad_search, 7)  # no more than the window
    assert not search.ranks_window(broad_search, 14)  # the walk would cost more than ranking
    assert not search.ranks_window(q("q=smartwatch&sort=published"), 30)  # not ranked at all


def test_the_library_says_when_it_ranks_only_the_newest_matches(client, broad_search):
    url = reverse("articles:list")
    assert "the 7 newest are ranked by relevance" in client.get(url, {"q": "smartwatch"}).content.decode()
    by_date = client.get(url, {"q": "smartwatch", "sort": "published"}).content.decode()
    assert "30 documents" in by_date
    assert "newest are ranked" not in by_date


def test_a_download_of_a_broad_search_lists_what_the_pages_list(client, broad_search):
    pages = [
        slug
        for page in (1, 2)
        for slug in search.library_results(broad_search, limit=page * 20, windowed=True).values_list("slug", flat=True)[
            (page - 1) * 20 : page * 20
        ]
    ]
    response = client.get(reverse("articles:export-csv"), {"q": "smartwatch"})
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    assert [row["slug"] for row in rows] == pages
