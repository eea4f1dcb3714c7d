"""Pages worth sharing: Open Graph and Twitter-card tags built from plain text, share
links on the letter page with no third-party script, a Mastodon form that only ever
sends the reader to https://<a host name>/share, and the home page's who-and-how."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from campaign.core.forms import mastodon_host
from tests.articles.factories import DeploymentFactory, DocumentFactory
from tests.coalition.factories import OrganisationFactory
from tests.factories import HOSTILE, PetitionFactory

pytestmark = pytest.mark.django_db


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, key
    return match.group(1)


def test_a_letter_has_open_graph_and_a_large_twitter_card(client):
    petition = PetitionFactory(summary=f"Why we write. {HOSTILE}")
    html = client.get(petition.get_absolute_url()).content.decode()
    assert meta(html, "og:title") == escape(petition.title)
    assert meta(html, "og:title").startswith("Stop &lt;b&gt;face&lt;/b&gt; scans &amp; &quot;tags&quot;")
    assert meta(html, "og:url") == f"http://127.0.0.1:8000{petition.get_absolute_url()}"
    assert meta(html, "og:image") == f"http://127.0.0.1:8000{reverse('petitions:share-image', args=[petition.slug])}"
    assert meta(html, "og:type") == "article"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert "&lt;script&gt;" in meta(html, "og:description")
    assert "<script>alert" not in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: DocumentFactory(summary=f'**Bold** "claim" {HOSTILE}'),
        lambda: DeploymentFactory(summary=f'*Cameras* "here" {HOSTILE}'),
        lambda: OrganisationFactory(),
    ],
    ids=["document", "deployment", "member"],
)
def test_documents_deployments_and_members_have_open_graph_tags(client, make):
    thing = make()
    html = client.get(thing.get_absolute_url()).content.decode()
    assert meta(html, "og:url") == f"http://127.0.0.1:8000{thing.get_absolute_url()}"
    assert meta(html, "twitter:card") == "summary"
    description = meta(html, "og:description")
    assert description and "<" not in description and '"' not in description
    assert "**" not in description  # Markdown is read as plain text, not shown as asterisks
    assert meta(html, "og:title")


def test_the_letter_page_links_to_every_network_with_no_script_of_theirs(client):
    petition = PetitionFactory()
    html = client.get(petition.get_absolute_url()).content.decode()
    for host in ("bsky.app", "x.com", "www.facebook.com", "wa.me", "t.me", "www.linkedin.com"):
        assert f'href="https://{host}/' in html, host
    assert 'href="mailto:?subject=' in html
    assert f'action="{reverse("share-mastodon")}"' in html
    # Absolute addresses of our own (the hreflang alternates) are fine; no one else's.
    own = re.escape(settings.SITE_URL)
    assert not re.search(rf'<(?:script|img|iframe|link)[^>]*(?:src|href)="(?!{own}/)https?://', html)


def test_a_letter_page_lets_forms_lead_to_a_readers_server_and_no_further(client):
    petition = PetitionFactory()
    csp = client.get(petition.get_absolute_url())["Content-Security-Policy"]
    assert "form-action 'self' https:;" in csp + ";"
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        ("  Mastodon.Social ", "mastodon.social"),
        ("https://mastodon.social/", "mastodon.social"),
        ("social.example.net.", "social.example.net"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_a_server_name_is_read_as_a_bare_host(typed, host):
    assert mastodon_host(typed) == host


BAD_SERVERS = [
    "",
    "mastodon",
    "evil.example/share",
    "evil.example:8443",
    "user@evil.example",
    "mastodon.social@evil.example",
    "https://evil.example/path",
    "//evil.example",
    "javascript:alert(1)",
    "127.0.0.1",
    "[::1]",
    "evil.example\\@mastodon.social",
    "evil .example",
    "-evil.example",
    "evil.example?x=1",
    "evil.example#frag",
    "ftp://evil.example",
    "a" * 64 + ".example",
    "\x00.example",
]


@pytest.mark.parametrize("typed", BAD_SERVERS)
def test_anything_but_a_host_name_shows_the_form_again_with_a_400(client, typed):
    petition = PetitionFactory()
    response = client.get(reverse("share-mastodon"), {"letter": petition.slug, "instance": typed})
    assert response.status_code == 400
    html = response.content.decode()
    if "\x00" not in typed:
        assert "Enter your server&#x27;s name, like mastodon.social." in html
    assert 'aria-invalid="true"' in html and '<p class="error"' in html
    assert "Location" not in response


def test_a_good_server_gets_a_redirect_to_its_share_page_with_the_letter(client):
    petition = PetitionFactory()
    response = client.get(reverse("share-mastodon"), {"letter": petition.slug, "instance": "https://Social.Example/"})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "social.example", "/share")
    assert parse_qs(url.query)["text"] == [f"{petition.title} http://127.0.0.1:8000{petition.get_absolute_url()}"]


def test_the_share_form_without_a_server_asks_for_one(client):
    petition = PetitionFactory()
    response = client.get(reverse("share-mastodon"), {"letter": petition.slug})
    assert response.status_code == 200
    assert 'name="instance"' in response.content.decode()


@pytest.mark.parametrize("letter", ["", "no-such-letter", "../../etc", "<script>"])
def test_the_share_form_for_no_public_letter_is_not_found(client, letter):
    assert client.get(reverse("share-mastodon"), {"letter": letter, "instance": "a.example"}).status_code == 404


def test_the_home_page_shows_the_count_members_logos_and_who_runs_it(client, settings):
    settings.CAMPAIGN_ORGANISER = "Rights & <Watch>"
    settings.CAMPAIGN_ORGANISER_URL = "https://rights.example/"
    settings.CAMPAIGN_CONTACT_EMAIL = "team@rights.example"
    PetitionFactory()
    with_logo = OrganisationFactory(logo_hash="abc123", logo_small=b"png")
    OrganisationFactory()
    html = client.get(reverse("home")).content.decode()
    assert "0 people have signed so far." in html
    assert "2 organisations have joined the coalition." in html
    logo = reverse("coalition:logo", args=[with_logo.slug, "small", "abc123"])
    assert (
        f'<a href="{with_logo.get_absolute_url()}"><img src="{logo}" alt="Rights &lt;script&gt;alert(&quot;org&quot;)'
        in html
    )
    assert html.count("<img") == 1  # members without a logo are counted, not drawn
    assert '<a href="https://rights.example/">Rights &amp; &lt;Watch&gt;</a>' in html
    assert '<a href="mailto:team@rights.example">team@rights.example</a>' in html
