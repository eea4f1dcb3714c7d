"""In Chromium: reading a letter sets no cookie, a sign form another site posts is
refused with the 403 page and stores nothing, and the site's own form signs."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from campaign.core.models import OutboxMessage
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def forging_page(action: str) -> bytes:
    """A page of another site that posts a filled sign form to ours as soon as it loads."""
    fields = {"name": "Forged Name", "email": "forged@example.org", "country": "GB", "consent": "on"}
    inputs = "".join(f'<input type="hidden" name="{name}" value="{escape(value)}">' for name, value in fields.items())
    return (
        f'<!doctype html><form id="f" method="post" action="{escape(action)}">{inputs}</form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()


@pytest.fixture
def other_site(another_site) -> Callable[[str, str], str]:
    """Serves forging pages on another site: a function that takes the host to serve
    under and the form's action, and returns the page's address."""
    return lambda host, action: another_site(host, forging_page(action))


def test_reading_a_letter_sets_no_cookie(page, live_server, transactional_db):
    petition = PetitionFactory()
    response = page.goto(live_server.url + petition.get_absolute_url())
    assert response.status == 200
    assert "public" in response.headers["cache-control"]
    assert page.get_by_role("button", name="Sign the letter").is_visible()
    assert page.context.cookies() == []


def _other_host(site_host: str, relation: str) -> str:
    """A host that is cross-site to ours (another name for the loopback), or same-site
    (the same host on another port: a site ignores the port)."""
    if relation == "same-site":
        return site_host
    return "127.0.0.1" if site_host == "localhost" else "localhost"


@pytest.mark.parametrize("relation", ["cross-site", "same-site"])
def test_a_sign_form_posted_by_another_site_is_refused(relation, page, live_server, other_site, transactional_db):
    petition = PetitionFactory()
    action = live_server.url + reverse("petitions:sign", kwargs={"slug": petition.slug})
    forging = other_site(_other_host(urlsplit(live_server.url).hostname, relation), action)
    with page.expect_navigation(url=action) as navigation:
        page.goto(forging)
    response = navigation.value
    assert response.request.method == "POST"
    assert response.request.header_value("sec-fetch-site") == relation
    assert response.status == 403
    assert page.get_by_role("heading", name="This form was sent from another website").is_visible()
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert page.context.cookies() == []


def test_the_sites_own_form_signs(page, live_server, transactional_db):
    petition = PetitionFactory()
    page.goto(live_server.url + petition.get_absolute_url())
    page.get_by_label("Your name").fill("Amara Okafor")
    page.get_by_role("textbox", name=re.compile(r"^Email address")).fill("amara@example.org")
    page.get_by_label(re.compile(r"^Country")).select_option("GB")
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign the letter").click()
    assert posted.value.request.header_value("sec-fetch-site") == "same-origin"
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert Signature.objects.get().email == "amara@example.org"
    assert page.context.cookies() == []
