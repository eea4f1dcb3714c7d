"""In Chromium: a partner's page on another site frames a letter's embed and a visitor
signs inside the frame, counted for that partner; the Mastodon share form takes the
reader to their own server."""

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from campaign.petitions import services
from campaign.petitions.models import Signature, Source
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def partner_site(another_site) -> Callable[[str, str], str]:
    """A partner's site: a function that takes a host name and an embed address and
    returns the address of a page framing it."""

    def serve(host: str, embed_url: str) -> str:
        return another_site(
            host,
            (
                "<!doctype html><title>Riverside Privacy Group</title><h1>Our news</h1>"
                f'<iframe src="{escape(embed_url)}" title="Sign the letter" width="420" height="640"></iframe>'
            ).encode(),
        )

    return serve


def test_a_visitor_signs_inside_a_partners_frame(page, live_server, partner_site, transactional_db):
    services.source_save(source=Source(code="riverside", name="Riverside Privacy Group"))
    petition = PetitionFactory()
    embed_url = live_server.url + reverse("petitions:embed", args=[petition.slug]) + "?src=riverside"
    site_host = urlsplit(live_server.url).hostname
    partner_host = "127.0.0.1" if site_host == "localhost" else "localhost"
    page.goto(partner_site(partner_host, embed_url))
    frame = page.frame_locator("iframe")
    frame.get_by_label("Your name").fill("Amara Okafor")
    frame.get_by_role("textbox", name=re.compile(r"^Email address")).fill("amara@example.org")
    frame.get_by_label(re.compile(r"^Country")).select_option("GB")
    frame.get_by_role("checkbox", name=re.compile("^I agree")).check()
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        frame.get_by_role("button", name="Sign the letter").click()
    # The framed page is ours, so its post is same-origin whatever site frames it.
    assert posted.value.request.header_value("sec-fetch-site") == "same-origin"
    frame.get_by_role("heading", name="Check your inbox").wait_for()
    assert urlsplit(page.url).hostname == partner_host  # the visitor is still on the partner's page
    signature = Signature.objects.get()
    assert signature.email == "amara@example.org"
    assert signature.source.code == "riverside"
    assert page.context.cookies() == []


def test_a_letter_page_cannot_be_framed_by_another_site(page, live_server, partner_site, transactional_db):
    petition = PetitionFactory()
    site_host = urlsplit(live_server.url).hostname
    partner_host = "127.0.0.1" if site_host == "localhost" else "localhost"
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "frame" in message.text else None)
    page.goto(partner_site(partner_host, live_server.url + petition.get_absolute_url()))
    frame = page.frame_locator("iframe")
    assert frame.get_by_role("heading", name=petition.title).count() == 0
    assert refused  # Chromium says why it left the frame empty


def test_the_mastodon_form_goes_to_the_readers_own_server(page, live_server, transactional_db):
    petition = PetitionFactory()
    shared: list[str] = []

    def mastodon(route):
        shared.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Mastodon</title><h1>Compose</h1>")

    page.route("https://social.example.net/**", mastodon)
    page.goto(live_server.url + petition.get_absolute_url())
    page.get_by_label("Your Mastodon server").fill("https://Social.Example.net/")
    page.get_by_role("button", name="Share on Mastodon").click()
    page.get_by_role("heading", name="Compose").wait_for()
    url = urlsplit(shared[0])
    assert (url.scheme, url.netloc, url.path) == ("https", "social.example.net", "/share")
    text = parse_qs(url.query)["text"][0]
    assert text == f"{petition.title} {live_server.url}{petition.get_absolute_url()}".replace(
        live_server.url, "http://127.0.0.1:8000"
    )


def test_the_letters_preview_card_image_is_a_png_a_browser_shows(page, live_server, transactional_db):
    """What a link preview shows: the og:image of the letter page, in the page's language."""
    petition = PetitionFactory()
    page.goto(live_server.url + f"/fr{petition.get_absolute_url()}")
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert urlsplit(image_url).path == f"/fr/letters/{petition.slug}/share.png"
    response = page.goto(live_server.url + urlsplit(image_url).path)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.body().startswith(b"\x89PNG\r\n\x1a\n")
    size = page.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [1200, 630]
