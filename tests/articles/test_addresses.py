"""Evidence has permanent numbered addresses; the old slug addresses lead there."""

import pytest

from campaign.articles.models import Document, DocumentFormerSlug
from tests.articles.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_a_document_lives_at_its_number(client):
    document = DocumentFactory(title="Scanners <b>at</b> the border")
    assert document.get_absolute_url() == f"/evidence/{document.number}/"
    response = client.get(f"/evidence/{document.number}/")
    assert response.status_code == 200
    assert "Scanners &lt;b&gt;at&lt;/b&gt; the border" in response.content.decode()


def test_an_unknown_number_is_not_found(client):
    assert client.get("/evidence/999999999/").status_code == 404


def test_the_old_slug_address_moves_for_good_to_the_number(client):
    document = DocumentFactory(slug="border-scanners")
    response = client.get("/evidence/items/border-scanners/")
    assert response.status_code == 301
    assert response["Location"] == f"/evidence/{document.number}/"


def test_every_slug_a_document_had_still_leads_to_it(client):
    document = DocumentFactory(slug="first-name")
    Document.objects.filter(pk=document.pk).update(slug="second-name")
    Document.objects.filter(pk=document.pk).update(slug="third-name")
    assert set(DocumentFormerSlug.objects.values_list("slug", flat=True)) == {"first-name", "second-name"}
    for slug in ("first-name", "second-name", "third-name"):
        response = client.get(f"/evidence/items/{slug}/")
        assert response.status_code == 301
        assert response["Location"] == f"/evidence/{document.number}/"


def test_a_slug_given_up_and_taken_by_another_document_leads_to_the_new_one(client):
    old = DocumentFactory(slug="shared")
    Document.objects.filter(pk=old.pk).update(slug="renamed")
    new = DocumentFactory(slug="shared")
    assert client.get("/evidence/items/shared/")["Location"] == f"/evidence/{new.number}/"


def test_an_unknown_slug_is_not_found(client):
    assert client.get("/evidence/items/never-was/").status_code == 404


def test_a_withdrawn_document_keeps_its_number_and_answers_gone(client):
    document = DocumentFactory(status=Document.Status.WITHDRAWN)
    assert client.get(f"/evidence/{document.number}/").status_code == 410


def test_the_api_finds_a_document_by_number_or_slug(client):
    document = DocumentFactory(slug="by-slug")
    assert client.get(f"/api/articles/{document.number}/").json()["slug"] == "by-slug"
    assert client.get("/api/articles/by-slug/").json()["number"] == document.number
    assert client.get("/api/articles/999999999/").status_code == 404
