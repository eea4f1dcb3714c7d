import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from campaign.articles.models import Document
from tests.articles.factories import (
    CountryFactory,
    DeploymentFactory,
    DocumentFactory,
    TopicFactory,
    link,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return client


@pytest.fixture
def library():
    police = TopicFactory(slug="police", name="Police")
    gb = CountryFactory(code="GB")
    DocumentFactory(slug="police-gb", title="Police scanners", topics=[police], countries=[gb])
    DocumentFactory(slug="other", title="Other matters")
    DocumentFactory(
        slug="formula",
        title='=HYPERLINK("http://evil.example","click")',
        summary="+SUM(A1:A9) and <script>x</script>",
        authors="@admin; -minus",
        topics=[police],
    )


def parse_feed(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own feed, parsed in a test


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_rss_feed_parses_and_follows_the_filter(client, library):
    response = client.get(reverse("articles:feed-rss"), {"topic": "police", "q": "scanners"})
    root = parse_feed(response.content)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles == ["Police scanners"]
    assert "topic=police" in root.find("channel").findtext("link")


def test_atom_feed_parses_and_lists_everything_unfiltered(client, library):
    response = client.get(reverse("articles:feed-atom"))
    root = parse_feed(response.content)
    assert len(root.findall(f"{ATOM}entry")) == 3
    summaries = [entry.findtext(f"{ATOM}summary") for entry in root.findall(f"{ATOM}entry")]
    assert all("<script>" not in summary for summary in summaries)


def test_feed_ignores_bad_filters_rather_than_failing(client, library):
    response = client.get(reverse("articles:feed-rss"), {"year": "abc"})
    assert response.status_code == 200
    parse_feed(response.content)


def test_csv_export_round_trips_the_whole_filtered_result(client, library, settings):
    settings.SITE_URL = "https://campaign.example"
    response = client.get(reverse("articles:export-csv"), {"topic": "police"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert sorted(row["slug"] for row in rows) == ["formula", "police-gb"]
    police = next(row for row in rows if row["slug"] == "police-gb")
    document = Document.objects.get(slug="police-gb")
    assert police["title"] == document.title
    assert police["summary"] == document.summary
    assert police["number"] == str(document.number)
    assert police["countries"] == "GB"
    assert police["library_url"] == f"https://campaign.example{document.get_absolute_url()}"


def test_csv_export_neutralises_formulas(client, library):
    rows = list(csv.DictReader(io.StringIO(body(client.get(reverse("articles:export-csv"))).lstrip("\ufeff"))))
    formula = next(row for row in rows if row["slug"] == "formula")
    assert formula["title"].startswith("'=")
    assert formula["summary"].startswith("'+")
    assert formula["authors"].startswith("'@")


def test_csv_export_streams_more_than_one_chunk(client, library, monkeypatch):
    from campaign.articles import exports

    monkeypatch.setattr(exports, "CHUNK", 1)
    rows = list(csv.DictReader(io.StringIO(body(client.get(reverse("articles:export-csv"))).lstrip("\ufeff"))))
    assert len(rows) == 3


def test_json_export_is_valid_and_structured(client, library):
    deployment = DeploymentFactory(name="Scanner rollout")
    link(Document.objects.get(slug="police-gb"), deployment, "confirms")
    data = json.loads(body(client.get(reverse("articles:export-json"), {"country": "GB"})))
    assert [row["slug"] for row in data["results"]] == ["police-gb"]
    row = data["results"][0]
    assert row["countries"] == ["GB"]
    assert row["deployments"] == [{"name": "Scanner rollout", "slug": deployment.slug, "relation": "confirms"}]
    assert row["is_primary_source"] is False


def test_api_list_has_the_documented_shape_and_filters(client, library):
    data = client.get("/api/articles/", {"topic": "police", "country": "GB"}).json()
    assert data["count"] == 1
    result = data["results"][0]
    for key in ("title", "slug", "url", "published", "publisher", "topics", "countries", "summary"):
        assert key in result
    assert result["topics"] == ["police"] and result["countries"] == ["GB"]


def test_api_list_searches_and_pages(client, library, monkeypatch):
    from campaign.articles import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    first = client.get("/api/articles/").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"].endswith("page=2")
    second = client.get("/api/articles/", {"page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get("/api/articles/", {"q": "scanners"}).json()["count"] == 1


def test_api_rejects_bad_input_with_json_errors(client, library):
    response = client.get("/api/articles/", {"year": "abc"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_query"
    response = client.get("/api/articles/", {"page": 99})
    assert response.status_code == 404 and response.json()["error"] == "invalid_page"


def test_api_detail_includes_deployments_and_unknown_is_json_404(client, library):
    deployment = DeploymentFactory()
    link(Document.objects.get(slug="police-gb"), deployment, "disputes")
    data = client.get("/api/articles/police-gb/").json()
    assert data["deployments"][0]["slug"] == deployment.slug
    assert data["deployments"][0]["relation"] == "disputes"
    response = client.get("/api/articles/no-such-thing/")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_api_detail_hides_drafts(client):
    DocumentFactory(slug="secret", status=Document.Status.DRAFT, published_at=None)
    assert client.get("/api/articles/secret/").status_code == 404
