from datetime import date

import pytest
from django.core.cache import cache
from django.http import QueryDict

from campaign.articles import search
from campaign.articles.forms import parse_library_query
from campaign.articles.models import Document
from campaign.articles.search.version import cache_key
from tests.articles.factories import CountryFactory, DocumentFactory, PublisherFactory, TopicFactory

pytestmark = pytest.mark.django_db


def q(querystring: str):
    return parse_library_query(QueryDict(querystring))


def counts(facets, key):
    facet = next(facet for facet in facets if facet.key == key)
    return {option.value: option.count for option in facet.options}


@pytest.fixture
def library():
    gb, us = CountryFactory(code="GB"), CountryFactory(code="US")
    police, borders = TopicFactory(slug="police", name="Police"), TopicFactory(slug="borders", name="Borders")
    liberty = PublisherFactory(slug="liberty", name="Liberty")
    guardian = PublisherFactory(slug="guardian", name="The Guardian")
    DocumentFactory(slug="a", topics=[police], countries=[gb], publisher=liberty, published_on=date(2020, 1, 1))
    DocumentFactory(
        slug="b",
        topics=[police, borders],
        countries=[gb],
        publisher=guardian,
        published_on=date(2021, 1, 1),
        doc_type=Document.Type.NGO,
        is_primary_source=True,
    )
    DocumentFactory(slug="c", topics=[borders], countries=[us], publisher=guardian, published_on=date(2021, 5, 5))
    DocumentFactory(slug="d", topics=[police], countries=[us], publisher=liberty, published_on=date(2021, 7, 7))
    DocumentFactory(
        slug="draft",
        topics=[police],
        countries=[gb],
        publisher=liberty,
        status=Document.Status.DRAFT,
        published_at=None,
    )


def slugs(query):
    return sorted(search.library_results(query).values_list("slug", flat=True))


def test_values_within_a_facet_widen_and_facets_narrow(library):
    assert slugs(q("topic=police&topic=borders")) == ["a", "b", "c", "d"]
    assert slugs(q("topic=police&country=GB")) == ["a", "b"]
    assert slugs(q("topic=borders&country=US&year=2021")) == ["c"]


def test_drafts_never_appear(library):
    assert "draft" not in slugs(q(""))


def test_facet_counts_respect_the_other_selected_facets(library):
    facets = search.library_facets(q("topic=police&country=GB&year=2021"))
    # Topic counts ignore the topic selection but apply country=GB and year=2021: only b.
    assert counts(facets, "topic") == {"police": 1, "borders": 1}
    # Country counts apply topic=police and year=2021: b (GB) and d (US).
    assert counts(facets, "country") == {"GB": 1, "US": 1}
    # Year counts apply topic=police and country=GB: a (2020) and b (2021).
    assert counts(facets, "year") == {"2021": 1, "2020": 1}
    # Publisher counts apply all three: only b.
    assert counts(facets, "publisher") == {"guardian": 1}


def test_selected_values_stay_visible_with_a_zero_count(library):
    facets = search.library_facets(q("topic=borders&publisher=liberty"))
    publisher = counts(facets, "publisher")
    assert publisher["liberty"] == 0
    assert publisher["guardian"] == 2
    assert next(f for f in facets if f.key == "publisher").has_selection


def test_primary_count_respects_the_facets(library):
    assert search.primary_count(q("country=GB")) == 1
    assert search.primary_count(q("country=US")) == 0
    assert slugs(q("primary=1")) == ["b"]


def test_toggle_links_keep_the_other_filters_and_reset_the_page(library):
    query = q("topic=police&country=GB&page=3&q=report")
    facets = search.library_facets(query)
    borders = next(o for o in next(f for f in facets if f.key == "topic").options if o.value == "borders")
    assert borders.querystring == "q=report&topic=police&topic=borders&country=GB"


def test_bad_filter_values_are_reported_and_ignored():
    query = q("year=abc&type=nonsense&country=Germany&topic=ok-slug&page=-4&sort=sideways")
    assert query.year == () and query.type == () and query.country == ()
    assert query.topic == ("ok-slug",)
    assert query.page == 1 and query.sort == ""
    assert len(query.errors) == 5


def test_sorting_by_date_added_and_published(library):
    newest_published = list(search.library_results(q("sort=published")).values_list("slug", flat=True))
    assert newest_published[0] == "d"
    Document.objects.filter(slug="a").update(published_at=date(2030, 1, 1))
    newest_added = list(search.library_results(q("sort=added")).values_list("slug", flat=True))
    assert newest_added[0] == "a"


def test_cached_facet_counts_follow_changes_to_the_library(library):
    before = counts(search.library_facets(q("")), "country")
    assert before == {"GB": 2, "US": 2}
    assert search.result_count(q("country=GB")) == 2
    DocumentFactory(slug="e", countries=[CountryFactory(code="GB")])
    assert counts(search.library_facets(q("")), "country") == {"GB": 3, "US": 2}
    assert search.result_count(q("country=GB")) == 3


def test_library_facet_counts_ignore_entries_cached_under_the_old_name(library):
    # What a server running the code before the search package moved would have cached.
    cache.set(cache_key("facet-counts", q("")), "a FacetCounts pickled from a module gone", 600)
    assert counts(search.library_facets(q("")), "country") == {"GB": 2, "US": 2}
