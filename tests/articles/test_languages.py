"""Documents in several languages: each stemmed in its own, summaries per language."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from campaign.articles import search, views
from campaign.articles.forms import parse_library_query
from campaign.articles.models import DocumentSummary, SearchEntry
from tests.articles.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    data = QueryDict(mutable=True)
    data["q"] = text
    return list(search.library_results(parse_library_query(data)).values_list("slug", flat=True))


def counted(text: str) -> int:
    data = QueryDict(mutable=True)
    data["q"] = text
    return search.library_facet_counts(parse_library_query(data)).total


@pytest.fixture
def french():
    return DocumentFactory(
        slug="french",
        language="fr",
        title="La police a déployé la reconnaissance faciale",
        summary="Les données biométriques sont conservées; une surveillance généralisée.",
    )


@pytest.fixture
def german():
    return DocumentFactory(
        slug="german",
        language="de",
        title="Überwachung der Bahnhöfe",
        summary="Die Bundespolizei testet Gesichtserkennung.",
    )


@pytest.fixture
def english():
    return DocumentFactory(
        slug="english",
        title="Fingerprint scanners and immigration checks",
        summary="Police forces scanned thousands of people.",
    )


def test_a_french_document_is_found_by_inflected_french_words(french, german, english):
    assert found("surveillances") == ["french"]
    assert found("reconnaissances faciales") == ["french"]
    # French stems only: in English, biométrie and biométriques do not meet, nor déploiement and déployé.
    assert found("biométrie déploiement") == ["french"]
    assert counted("biométrie déploiement") == 1


def test_a_german_document_is_found_by_an_inflected_german_word(french, german, english):
    assert found("Bahnhof überwachen") == ["german"]
    assert found("Gesichtserkennungen") == ["german"]


def test_english_documents_are_still_found_by_english_inflections(french, german, english):
    assert found("fingerprinting scanner") == ["english"]
    assert found("scans") == ["english"]


def test_an_excluded_word_excludes_in_the_documents_own_language(french, german, english):
    # Read in German, -immigration excludes 'immigration' only; the English document
    # holds 'immigr', and must stay excluded.
    assert found("fingerprint -immigration") == []
    assert counted("fingerprint -immigration") == 0
    assert found("police -immigration") == ["french"]


def test_the_search_entry_follows_the_documents_language(french):
    assert SearchEntry.objects.get(document=french).language == "fr"
    french.language = "de"
    french.save(update_fields=["language"])
    assert SearchEntry.objects.get(document=french).language == "de"


def test_the_snippet_highlights_words_stemmed_in_the_documents_language(french):
    snippet = search.snippets([french], "conservée")[french.pk]
    assert "<mark>conservées</mark>" in snippet


def test_a_summary_per_language_is_unique_and_in_a_site_language(english):
    DocumentSummary.objects.create(document=english, language="fr", text="Un résumé.")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentSummary.objects.create(document=english, language="fr", text="Un autre.")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentSummary.objects.create(document=english, language="it", text="Un riassunto.")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentSummary.objects.create(document=english, language="de", text="")


def _render(view, **kwargs) -> str:
    request = RequestFactory().get("/evidence/", kwargs.pop("params", {}))
    request.user = AnonymousUser()
    return view(request, **kwargs).content.decode()


def test_pages_show_the_summary_in_the_readers_language_else_our_own(english):
    DocumentSummary.objects.create(document=english, language="fr", text="Des **milliers** de personnes contrôlées.")
    with translation.override("fr"):
        page = _render(views.document_detail, number=english.number)
        listing = _render(views.library)
    assert '<div class="prose" lang="fr"><p>Des <strong>milliers</strong> de personnes contrôlées.</p>' in page
    assert 'lang="fr">Des milliers de personnes contrôlées.</p>' in listing
    with translation.override("de"):
        page = _render(views.document_detail, number=english.number)
        listing = _render(views.library)
    assert '<div class="prose" lang="en"><p>Police forces scanned thousands of people.</p>' in page
    assert 'lang="en">Police forces scanned thousands of people.</p>' in listing


def test_the_api_gives_every_summary_by_language(client, english):
    DocumentSummary.objects.create(document=english, language="es", text="Miles de personas.")
    DocumentSummary.objects.create(document=english, language="pt-br", text="Milhares de pessoas.")
    detail = client.get(f"/api/articles/{english.number}/").json()
    assert detail["summaries"] == {"es": "Miles de personas.", "pt-br": "Milhares de pessoas."}
    assert detail["language"] == "en"
    listed = client.get("/api/articles/").json()["results"][0]
    assert listed["summaries"]["pt-br"] == "Milhares de pessoas."
    assert listed["library_url"].endswith(f"/evidence/{english.number}/")
