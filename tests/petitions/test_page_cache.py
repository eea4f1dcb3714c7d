"""The letter page comes from the page cache: the same HTML for every reader, but each
visitor's own CSRF token and form stamp, and nothing stale after a change."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.coalition import services as coalition_services
from campaign.core.pagecache import hole
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.coalition.factories import OrganisationFactory
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="(csrfmiddlewaretoken|stamp)" value="([^"]*)"')


def tokens(html: str) -> dict:
    return dict(TOKENS.findall(html))


def without_tokens(html: str) -> str:
    return TOKENS.sub("", html)


def test_two_visitors_share_the_page_but_not_their_tokens():
    petition = PetitionFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get(petition.get_absolute_url())
    two = second.get(petition.get_absolute_url())
    assert one.context is not None  # rendered
    assert two.context is None  # served from the cache
    html_one, html_two = one.content.decode(), two.content.decode()
    assert without_tokens(html_one) == without_tokens(html_two)
    assert tokens(html_one)["csrfmiddlewaretoken"] != tokens(html_two)["csrfmiddlewaretoken"]
    assert "hole-" not in html_two
    assert second.cookies["csrftoken"].value


def test_a_visitor_can_sign_with_the_form_of_a_cached_page(settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory()
    Client().get(petition.get_absolute_url())  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(petition.get_absolute_url())
    assert page.context is None
    form = {**tokens(page.content.decode()), "name": "Amara", "email": "amara@example.org"}
    form.update(country="GB", consent="on", website="")
    with CaptureQueriesContext(connection) as queries:
        response = visitor.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), form)
    assert response.status_code == 302
    signature = Signature.objects.get(petition=petition)
    assert signature.petition_version == petition.version
    # The letter is read with one query (issue 16: not from the page cache's facts).
    assert len([query for query in queries if 'FROM "petitions_petition"' in query["sql"]]) == 1


def test_a_confirmation_shows_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="a@example.org", country="GB")
    )
    assert "0 signatures so far" in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    assert "1 signature so far" in client.get(petition.get_absolute_url()).content.decode()


def test_a_new_endorsement_shows_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    organisation = OrganisationFactory(name="Privacy Action Cymru")
    assert "Privacy Action Cymru" not in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coalition_services.endorsement_create(organisation=organisation, petition=petition, authorised_by="Amara")
    assert "Privacy Action Cymru" in client.get(petition.get_absolute_url()).content.decode()


def test_a_visitors_message_is_shown_to_them_and_never_cached(client, rf):
    petition = PetitionFactory()
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "Only for this visitor")
    carrier = HttpResponse()
    storage.update(carrier)  # writes the messages cookie a redirect would carry
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    assert "Only for this visitor" in client.get(petition.get_absolute_url()).content.decode()
    assert "Only for this visitor" not in Client().get(petition.get_absolute_url()).content.decode()


def test_text_in_the_letter_cannot_forge_a_hole(client):
    petition = PetitionFactory(summary="hole-csrf- and hole-stamp- are just words here.")
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "hole-csrf- and hole-stamp- are just words here." in html
    assert hole("csrf") not in html


def test_the_count_api_moves_at_once_and_answers_json_404(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    url = reverse("api:petition-detail", kwargs={"slug": petition.slug})
    assert client.get(url).json()["signature_count"] == 0
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="a@example.org", country="GB")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    assert client.get(url).json()["signature_count"] == 1
    missing = client.get(reverse("api:petition-detail", kwargs={"slug": "no-such-letter"}))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert cache.get("api:petition-card:no-such-letter") is None


def test_pages_cached_under_another_secret_key_are_not_served(client, settings):
    petition = PetitionFactory()
    client.get(petition.get_absolute_url())
    settings.SECRET_KEY = "another-secret-key-after-a-rotation-" + "x" * 20
    html = Client().get(petition.get_absolute_url()).content.decode()
    assert hole("csrf") not in html
    assert len(tokens(html)["csrfmiddlewaretoken"]) == 64


def test_only_the_first_page_of_signatories_is_cached(client):
    petition = PetitionFactory()
    for wall in ("", "?wall=1", "?wall=2", "?wall=999999"):
        client.get(petition.get_absolute_url() + wall)
    cached = client.get(petition.get_absolute_url() + "?wall=1")
    assert cached.context is None  # page 1 from the cache, whichever way it was asked for
    older = client.get(petition.get_absolute_url() + "?wall=2")
    assert older.context is not None  # rendered again: never kept


def test_a_crowd_read_costs_one_cache_round_trip_and_still_shows_the_live_count(
    client, django_capture_on_commit_callbacks
):
    """The test cache is the database cache, so each cache round trip is one query."""
    petition = PetitionFactory()
    page_url = petition.get_absolute_url()
    api_url = reverse("api:petition-detail", kwargs={"slug": petition.slug})
    for _ in range(2):  # rendered and cached, then served once (the count's key is learnt)
        client.get(page_url), client.get(api_url)
    for url in (page_url, api_url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == 1, [query["sql"] for query in queries]
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="a@example.org", country="GB")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    assert "1 signature so far" in client.get(page_url).content.decode()
    assert client.get(api_url).json()["signature_count"] == 1
