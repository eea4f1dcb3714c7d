"""A page's meta description is plain text the template escapes: no editor's quote or
tag leaves the attribute."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from campaign.core.text import meta_description
from tests.articles.factories import DocumentFactory
from tests.coalition.factories import OrganisationFactory
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

INJECTION = 'Read this " onmouseover="alert(1) <b>now</b>'


class MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.descriptions: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "meta" and ("name", "description") in attrs:
            self.descriptions.append(dict(attrs))


def description_tag(path: str) -> dict:
    response = Client().get(path)
    assert response.status_code == 200
    parser = MetaTags()
    parser.feed(response.content.decode())
    assert len(parser.descriptions) == 1
    return parser.descriptions[0]


def test_meta_description_of_a_document_summary_keeps_its_quotes_inside_the_attribute():
    document = DocumentFactory(summary=f"**Strong** claim. {INJECTION}")
    tag = description_tag(document.get_absolute_url())
    assert set(tag) == {"name", "content"}
    assert tag["content"] == 'Strong claim. Read this " onmouseover="alert(1) now'


def test_meta_description_of_a_letter_summary_keeps_its_quotes_inside_the_attribute():
    petition = PetitionFactory(summary=INJECTION)
    tag = description_tag(petition.get_absolute_url())
    assert set(tag) == {"name", "content"}
    assert tag["content"] == INJECTION


def test_meta_description_of_an_organisation_keeps_its_quotes_inside_the_attribute():
    organisation = OrganisationFactory(description=INJECTION)
    tag = description_tag(organisation.get_absolute_url())
    assert set(tag) == {"name", "content"}
    assert tag["content"] == INJECTION


def test_meta_description_is_plain_unsafe_text_cut_to_forty_words():
    text = meta_description("**One** &amp; two\n\n" + "word " * 100, is_markdown=True)
    assert text.startswith("One & two word")
    assert len(text.split()) == 40
    assert not hasattr(text, "__html__")  # the template escapes it
