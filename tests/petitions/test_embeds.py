"""Partners' embeds: the embed page alone may be framed (by EMBED_FRAME_ANCESTORS), sets
no cookie and signs with the partner's code; the count badge is an escaped SVG; the read
API answers other sites' scripts, and HTML pages do not."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from campaign.petitions import services
from campaign.petitions.models import Signature, Source
from tests.core.test_safe_defaults import PRODUCTION, manage
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data
from tests.petitions.test_sources import source_in_form

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def partner():
    source = Source(code="riverside", name="Riverside Privacy Group")
    services.source_save(source=source)
    return source


def sign_and_confirm(petition, count: int) -> None:
    """Signatures counted the way the site counts them (the counters, not a row count)."""
    for number in range(count):
        details = services.SignatureDetails(name=f"Signer {number}", email=f"s{number}@example.org", country="FR")
        services.signature_confirm(signature=services.signature_create(petition=petition, details=details))


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]*)", response["Content-Security-Policy"]).group(1).strip()


def test_the_embed_page_may_be_framed_and_sets_no_cookie(client):
    petition = PetitionFactory()
    response = client.get(reverse("petitions:embed", args=[petition.slug]))
    assert response.status_code == 200
    assert frame_ancestors(response) == "*"
    assert "X-Frame-Options" not in response
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "public" in response["Cache-Control"]


def test_every_other_page_still_refuses_to_be_framed(client):
    petition = PetitionFactory()
    for url in (
        petition.get_absolute_url(),
        reverse("home"),
        reverse("petitions:thanks", args=[petition.slug]),
        reverse("privacy"),
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert frame_ancestors(response) == "'none'", url


def test_the_embed_page_shows_the_count_progress_and_a_short_form(client):
    petition = PetitionFactory(goal=100)
    sign_and_confirm(petition, 3)
    html = client.get(reverse("petitions:embed", args=[petition.slug])).content.decode()
    assert "<strong data-count>3</strong>" in html
    assert '<progress max="100" value="3"' in html
    assert 'name="email"' in html and 'name="consent"' in html and 'name="country"' in html
    assert 'name="affiliation"' not in html
    assert f'action="{reverse("petitions:embed-sign", args=[petition.slug])}"' in html
    assert "<script>" not in html  # the factory's hostile title is escaped


def test_the_embed_form_records_the_partners_code(client, partner):
    petition = PetitionFactory()
    page = client.get(reverse("petitions:embed", args=[petition.slug]) + "?src=riverside").content.decode()
    assert source_in_form(page) == "riverside"
    response = client.post(
        reverse("petitions:embed-sign", args=[petition.slug]),
        sign_data(source="riverside"),
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:embed-thanks", args=[petition.slug])
    assert Signature.objects.get().source == partner
    assert frame_ancestors(response) == "*"


def test_the_inbox_step_and_form_errors_stay_framable(client):
    petition = PetitionFactory()
    thanks = client.get(reverse("petitions:embed-thanks", args=[petition.slug]))
    assert thanks.status_code == 200 and "X-Frame-Options" not in thanks
    assert "Check your inbox" in thanks.content.decode()
    invalid = client.post(reverse("petitions:embed-sign", args=[petition.slug]), sign_data(email="nope"))
    assert invalid.status_code == 200
    assert "X-Frame-Options" not in invalid and frame_ancestors(invalid) == "*"
    assert 'aria-invalid="true"' in invalid.content.decode()
    assert not Signature.objects.exists()


def test_the_embed_form_is_refused_when_posted_from_another_site(client):
    petition = PetitionFactory()
    response = client.post(
        reverse("petitions:embed-sign", args=[petition.slug]), sign_data(), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_the_embed_of_a_closed_letter_says_so_and_has_no_form(client):
    petition = PetitionFactory(status="closed")
    html = client.get(reverse("petitions:embed", args=[petition.slug])).content.decode()
    assert "This letter is closed" in html
    assert "<form" not in html


def test_an_embed_of_a_draft_is_not_found(client):
    petition = PetitionFactory(status="draft")
    assert client.get(reverse("petitions:embed", args=[petition.slug])).status_code == 404


def test_the_letter_page_offers_partners_the_snippets_escaped(client):
    petition = PetitionFactory()
    html = client.get(petition.get_absolute_url()).content.decode()
    snippet = re.search(r'<textarea id="embed-iframe"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "&lt;iframe src=&quot;" not in snippet  # the tag itself reads as markup once pasted
    assert '&lt;iframe src="http://127.0.0.1:8000/letters/' in snippet
    assert "/embed/?src=your-code" in snippet
    # The title is escaped twice: once pasted, it is an attribute value that cannot end early.
    assert "&amp;quot;tags&amp;quot;" in snippet and "&amp;lt;b&amp;gt;" in snippet
    badge = re.search(r'<textarea id="embed-badge"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"{reverse('petitions:badge', args=[petition.slug])}" in badge


def test_the_badge_is_an_svg_of_the_count_with_the_title_escaped(client):
    petition = PetitionFactory(title="A <script>alert(\"x\")</script> & 'quoted' letter")
    sign_and_confirm(petition, 2)
    response = client.get(reverse("petitions:badge", args=[petition.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies
    body = response.content.decode()
    assert "<script>" not in body
    root = ET.fromstring(body)  # noqa: S314 (our own answer) well-formed XML, whatever the title holds
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "2" in texts and "signatures" in texts
    assert root.find(f"{SVG}title").text == "A <script>alert(\"x\")</script> & 'quoted' letter: 2 signatures"


def test_the_read_api_answers_other_sites_and_html_pages_do_not(client):
    petition = PetitionFactory()
    for url in (
        reverse("api:petition-list"),
        reverse("api:petition-detail", args=[petition.slug]),
        reverse("api:article-list"),
        reverse("api:organisation-list"),
        "/api/petitions/no-such-letter/",
    ):
        response = client.get(url, headers={"Origin": "https://partner.example"})
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url
    for url in (petition.get_absolute_url(), reverse("home"), reverse("petitions:embed", args=[petition.slug])):
        response = client.get(url, headers={"Origin": "https://partner.example"})
        assert "Access-Control-Allow-Origin" not in response, url


def test_a_preflight_to_the_api_is_answered_for_reading_only(client):
    response = client.options(
        reverse("api:petition-list"),
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize(
    ("value", "sources"),
    [
        (
            "https://partner.example https://*.coalition.example",
            "['https://partner.example', 'https://*.coalition.example']",
        ),
        ("https://partner.example,https://other.example", "['https://partner.example', 'https://other.example']"),
        ("", "[\"'none'\"]"),
    ],
)
def test_who_may_frame_the_embed_is_set_per_deployment(value, sources):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMBED_FRAME_ANCESTORS)",
        **PRODUCTION,
        EMBED_FRAME_ANCESTORS=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == sources
