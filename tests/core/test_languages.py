"""Languages live in the address: English unprefixed, the others under /fr/, /de/, …;
the answer depends on the address alone, so a shared cache keeps one copy per URL."""

import re

import pytest

from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

PREFIXES = {"en": "", "fr": "/fr", "de": "/de", "es": "/es", "pt-br": "/pt-br"}


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("path", ["/", "/letters/", "/coalition/", "/privacy/", "/evidence/"])
def test_every_page_answers_in_each_language_at_its_prefix(client, path):
    for code, prefix in PREFIXES.items():
        response = client.get(f"{prefix}{path}")
        assert response.status_code == 200, (code, path)
        assert html_lang(response) == code
        assert response["Content-Language"] == code


def test_english_has_no_prefix_of_its_own_and_machines_addresses_have_none(client):
    petition = PetitionFactory()
    assert client.get(f"/en/letters/{petition.slug}/").status_code == 404
    assert client.get(f"/fr/api/petitions/{petition.slug}/").status_code == 404
    assert client.get(f"/api/petitions/{petition.slug}/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200


def test_the_switcher_links_the_same_page_in_each_language_and_marks_the_current_one(client):
    petition = PetitionFactory()
    html = client.get(f"/fr/letters/{petition.slug}/?wall=1").content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    for code, prefix in PREFIXES.items():
        current = ' aria-current="page"' if code == "fr" else ""
        assert f'<a href="{prefix}/letters/{petition.slug}/" lang="{code}" hreflang="{code}"{current}>' in switcher
    assert switcher.count("aria-current") == 1
    assert "wall=" not in switcher  # the page Django keeps for everyone repeats no one's query


def test_every_language_and_x_default_are_announced_as_alternates_in_the_head(client):
    head = client.get("/de/coalition/").content.decode().split("</head>")[0]
    for code, prefix in PREFIXES.items():
        assert f'<link rel="alternate" hreflang="{code}" href="http://127.0.0.1:8000{prefix}/coalition/">' in head
    assert '<link rel="alternate" hreflang="x-default" href="http://127.0.0.1:8000/coalition/">' in head


def test_an_english_reader_page_sets_no_cookie_and_does_not_vary_on_the_browsers_languages(client):
    petition = PetitionFactory()
    for _ in range(2):  # rendered, then from the copy Django keeps
        response = client.get(f"/letters/{petition.slug}/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,de;q=0.5")
        assert response.status_code == 200
        assert html_lang(response) == "en"  # the address decides, never the header
        assert not response.cookies
        assert "accept-language" not in response.get("Vary", "").lower()
        assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]


def test_a_french_reader_page_is_as_cacheable_as_the_english_one(client):
    petition = PetitionFactory()
    response = client.get(f"/fr/letters/{petition.slug}/", HTTP_ACCEPT_LANGUAGE="de")
    assert html_lang(response) == "fr"
    assert not response.cookies
    assert "accept-language" not in response.get("Vary", "").lower()
    assert "public" in response["Cache-Control"]


def test_a_language_cookie_neither_chooses_the_language_nor_makes_the_page_private(client, settings):
    petition = PetitionFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(f"/letters/{petition.slug}/")
    assert html_lang(response) == "en"
    assert "public" in response["Cache-Control"]
