"""The facet bitmaps (models.FacetBitmap) must count exactly what the documents say,
whichever way a document was written: through the services, a bare .update(), a
delete. Each test compares the library's counts with a count made in Python from
the documents' own relations."""

import random
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict

from campaign.articles import search, services
from campaign.articles.forms import LibraryQuery, parse_library_query
from campaign.articles.models import Document, FacetBitmap
from tests.articles.factories import (
    CountryFactory,
    DocumentFactory,
    PublisherFactory,
    TechnologyFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "topic=t0",
    "topic=t0&topic=t1&country=GB",
    "technology=x1&year=2021",
    "type=news&primary=1",
    "publisher=p1&publisher=p2&year=2020&year=2022",
    "q=fingerprint",
    "q=fingerprint&topic=t1&type=foi",
    "q=smartwatch OR fingerprint&country=US&primary=1",
    "topic=unknown-slug",
]


def q(querystring: str):
    return parse_library_query(QueryDict(querystring))


def _facet_values(document: Document) -> dict[str, set[str]]:
    return {
        "topic": {topic.slug for topic in document.topics.all()},
        "technology": {technology.slug for technology in document.technologies.all()},
        "country": {country.code.code for country in document.countries.all()},
        "type": {document.doc_type},
        "publisher": {document.publisher.slug},
        "year": {str(document.published_on.year)} if document.published_on else set(),
        "primary": {""} if document.is_primary_source else set(),
    }


def expected_counts(query) -> tuple[dict[str, Counter], int]:
    """Counted the slow way: every published document, its relations, the selection."""
    matching = set(search.filtered_documents(LibraryQuery(q=query.q)).values_list("pk", flat=True))
    selection = {
        "topic": set(query.topic),
        "technology": set(query.technology),
        "country": set(query.country),
        "type": set(query.type),
        "publisher": set(query.publisher),
        "year": {str(year) for year in query.year},
        "primary": {""} if query.primary else set(),
    }
    counts = {key: Counter() for key in selection}
    total = 0
    for document in Document.objects.published().filter(pk__in=matching):
        values = _facet_values(document)
        passes = {key: not chosen or bool(values[key] & chosen) for key, chosen in selection.items()}
        for key in selection:
            if all(passes[other] for other in selection if other != key):
                counts[key].update(values[key])
        total += all(passes.values())
    return counts, total


def actual_counts(query) -> tuple[dict[str, Counter], int]:
    facet_counts = search.facets._library_facet_counts(query)
    counts = {facet.key: Counter({o.value: o.count for o in facet.options if o.count}) for facet in facet_counts.facets}
    counts["primary"] = Counter({"": facet_counts.primary} if facet_counts.primary else {})
    raw = search.facets._bitmap_counts(query, search.filtering.resolve_filters(query), facets=False)
    return counts, raw["count"].get("", 0)


def assert_counts_match() -> None:
    for querystring in QUERIES:
        query = q(querystring)
        assert actual_counts(query) == expected_counts(query), querystring
        assert search.result_count(query) == expected_counts(query)[1], querystring


@pytest.fixture
def library():
    rng = random.Random(4)
    topics = [TopicFactory(slug=f"t{n}") for n in range(3)]
    technologies = [TechnologyFactory(slug=f"x{n}") for n in range(2)]
    countries = [CountryFactory(code=code) for code in ("GB", "US", "FR")]
    publishers = [PublisherFactory(slug=f"p{n}") for n in range(3)]
    words = ["fingerprint", "smartwatch", "camera", "tender"]
    documents = []
    for n in range(24):
        documents.append(
            DocumentFactory(
                title=f"{rng.choice(words)} report {n}",
                summary=f"About {rng.choice(words)}.",
                topics=rng.sample(topics, rng.randint(0, 2)),
                technologies=rng.sample(technologies, rng.randint(0, 2)),
                countries=rng.sample(countries, rng.randint(1, 2)),
                publisher=rng.choice(publishers),
                doc_type=rng.choice([Document.Type.NEWS, Document.Type.FOI, Document.Type.NGO]),
                is_primary_source=rng.random() < 0.3,
                published_on=None if n % 7 == 0 else date(2020 + n % 3, 1 + n % 12, 1 + n % 28),
                status=Document.Status.DRAFT if n % 5 == 0 else Document.Status.PUBLISHED,
                published_at=None if n % 5 == 0 else date(2024, 1, 1),
            )
        )
    return documents


def test_facet_counts_equal_the_documents_counted_one_by_one(library):
    assert_counts_match()


def test_facet_counts_follow_publishing_withdrawing_and_bare_updates(library):
    draft = next(document for document in library if document.status == Document.Status.DRAFT)
    services.document_set_status(document=draft, status=Document.Status.PUBLISHED)
    published = next(document for document in library if document.status == Document.Status.PUBLISHED)
    services.document_set_status(document=published, status=Document.Status.WITHDRAWN)
    # Writes that bypass the services must be counted too.
    Document.objects.filter(pk__in=[d.pk for d in library[:6]]).update(doc_type=Document.Type.FOI)
    Document.objects.filter(pk=library[7].pk).update(published_on=date(2022, 3, 1), is_primary_source=True)
    assert_counts_match()


def test_facet_counts_follow_reclassification_and_deletion(library):
    document = library[3]
    document.topics.set([TopicFactory(slug="t2")])
    document.countries.clear()
    services.document_reindex(document_ids=[document.pk])
    Document.objects.filter(pk=library[8].pk).delete()
    assert_counts_match()


def test_facet_bitmaps_grow_together_when_a_larger_id_is_published(library):
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(length(bits)) FROM articles_facetbitmap")
        (length,) = cursor.fetchone()
        cursor.execute("SELECT setval(pg_get_serial_sequence('articles_document', 'id'), %s)", [length + 5])
    DocumentFactory(topics=[TopicFactory(slug="t-new")], countries=[CountryFactory(code="GB")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT length(bits) FROM articles_facetbitmap")
        lengths = [row[0] for row in cursor.fetchall()]
    assert len(lengths) == 1 and lengths[0] > length + 5
    assert_counts_match()


def test_facet_bitmaps_rebuilt_from_scratch_are_the_ones_kept_in_step(library):
    services.document_set_status(document=library[1], status=Document.Status.WITHDRAWN)
    kept = {(row.facet, row.value): row.bits.rstrip("0") for row in FacetBitmap.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT articles_facet_bitmaps_rebuild()")
    rebuilt = {(row.facet, row.value): row.bits.rstrip("0") for row in FacetBitmap.objects.all()}
    # Kept in step, a value no document has any more stays as a row of zeros.
    assert {key: bits for key, bits in kept.items() if bits} == rebuilt


def test_library_page_counts_nothing_before_anything_is_published():
    DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    assert search.result_count(q("")) == 0
    assert all(not facet.options for facet in search.library_facets(q("")))
    assert search.primary_count(q("q=anything")) == 0


def test_only_the_most_frequent_publishers_are_shown_and_none_is_missed():
    """Counting stops once no publisher left could enter the top (see articles_facet_top):
    the publishers shown must still be the most frequent ones, ties going by name."""
    police = TopicFactory(slug="police")
    for n in range(24):
        publisher = PublisherFactory(slug=f"pub{n:02}", name=f"Publisher {n:02}")
        for k in range(1 + n % 9):
            # Big publishers are not the ones most about the police, and counts tie.
            DocumentFactory(publisher=publisher, topics=[police] if (n + k) % 4 == 0 else [])
    for querystring in ("", "topic=police", "topic=police&publisher=pub00"):
        query = q(querystring)
        counts = expected_counts(query)[0]["publisher"]
        names = {f"pub{n:02}": f"Publisher {n:02}" for n in range(24)}
        ranked = sorted(
            (slug for slug in counts if counts[slug]), key=lambda slug: (-counts[slug], names[slug].lower())
        )
        expected = ranked[: search.facets.FACET_LIMIT] + [slug for slug in query.publisher if slug not in ranked[:15]]
        facet = next(facet for facet in search.library_facets(query) if facet.key == "publisher")
        assert [(option.value, option.count) for option in facet.options] == [(s, counts[s]) for s in expected]
