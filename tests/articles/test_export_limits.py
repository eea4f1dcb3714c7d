"""The library's exports: kept until the library changes, and limited per client."""

import pytest
from django.test import Client
from django.urls import reverse

from campaign.articles import search
from campaign.articles.models import Document
from tests.articles.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def download(client, name: str, **query) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("name", ["articles:export-csv", "articles:export-json"])
def test_library_export_is_kept_until_the_library_changes(client, name):
    DocumentFactory(slug="kept", title="First title")
    assert "First title" in download(client, name)
    Document.objects.filter(slug="kept").update(title="Second title")  # behind the cache's back
    assert "First title" in download(client, name)
    assert "First title" in download(client, name, junk="1", page="7")  # the same export
    search.library_version_bump()  # what indexing or publishing a document does
    assert "Second title" in download(client, name)


def test_library_export_kept_per_filter(client):
    DocumentFactory(slug="one", title="Only title")
    assert "Only title" in download(client, "articles:export-csv")
    assert "Only title" not in download(client, "articles:export-csv", q="nothing-matches-this")


def test_library_export_is_rate_limited_per_client(settings):
    settings.LIBRARY_EXPORT_RATE_PER_IP_PER_HOUR = 2
    DocumentFactory()
    greedy = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [greedy.get(reverse("articles:export-csv")).status_code for _ in range(2)]
    refused = greedy.get(reverse("articles:export-csv"))
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert "Too many downloads" in refused.content.decode()
    refused_json = greedy.get(reverse("articles:export-json"))
    assert refused_json.status_code == 429
    assert refused_json.json()["error"] == "rate_limited"
    assert Client(REMOTE_ADDR="203.0.113.4").get(reverse("articles:export-json")).status_code == 200
