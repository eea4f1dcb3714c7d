"""Public pages any HTTP cache can serve: no cookie, the same bytes for every anonymous
reader, `Cache-Control: public` with a short s-maxage; Django keeps the rendered letter
page, and nothing stale or erased stays in it."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.cache import get_max_age

from campaign.coalition import services as coalition_services
from campaign.core.pagecache import page_lookup
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.coalition.factories import EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import organiser
from tests.factories import PetitionFactory
from tests.petitions.helpers import let_cache_time_pass, sign_data

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "home",
    "petitions:list",
    "petitions:detail",
    "petitions:resend",
    "articles:list",
    "coalition:directory",
    "coalition:apply",
    "privacy",
    "privacy:request",
    "api:petition-list",
    "api:petition-detail",
]
# Pages every anonymous reader gets alike, which say so to a cache in front.
SHARED_PAGES = ["home", "petitions:list", "petitions:detail", "coalition:directory", "privacy"]


def url_of(name: str, petition) -> str:
    if name in ("petitions:detail", "petitions:resend", "api:petition-detail"):
        return reverse(name, kwargs={"slug": petition.slug})
    return reverse(name)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def confirmed(petition, name: str, *, is_public: bool = True):
    signature = services.signature_create(
        petition=petition,
        details=services.SignatureDetails(name=name, email=f"{name.split()[0]}@example.org", country="GB"),
    )
    signature.is_public = is_public
    Signature.objects.filter(pk=signature.pk).update(is_public=is_public)
    services.signature_confirm(signature=signature)
    return signature


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_sets_no_cookie(name):
    response = Client().get(url_of(name, PetitionFactory()))
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_public_page_may_be_kept_by_a_shared_cache_for_a_few_seconds(name, settings):
    settings.PUBLIC_PAGE_SECONDS = 4
    response = Client().get(url_of(name, PetitionFactory()))
    assert {"public", "s-maxage=4", "max-age=0"} <= cache_control(response)


@pytest.mark.parametrize("name", ["api:petition-list", "api:petition-detail"])
def test_count_api_may_be_kept_by_a_shared_cache_for_a_few_seconds(name, settings):
    settings.PUBLIC_PAGE_SECONDS = 4
    response = Client().get(url_of(name, PetitionFactory()))
    assert {"public", "s-maxage=4", "max-age=10"} <= cache_control(response)


def test_letter_page_varies_on_nothing_its_address_does_not_say():
    petition = PetitionFactory()
    for path in (petition.get_absolute_url(), f"/fr{petition.get_absolute_url()}"):
        for _ in range(2):  # rendered, then from Django's cache: alike
            response = Client().get(path)
            assert vary(response) == set()


def test_letter_page_is_the_same_bytes_for_every_anonymous_reader():
    petition = PetitionFactory()
    first = Client().get(petition.get_absolute_url())
    second = Client().get(petition.get_absolute_url())
    assert first.context is not None  # rendered
    assert second.context is None  # kept by Django
    assert first.content == second.content
    # Even a reader holding an old CSRF cookie from before gets the shared copy.
    returning = Client()
    returning.cookies["csrftoken"] = "x" * 32
    assert returning.get(petition.get_absolute_url()).content == first.content


def test_letter_page_of_a_logged_in_person_is_theirs_and_no_cache_keeps_it():
    petition = PetitionFactory()
    Client().get(petition.get_absolute_url())  # a reader fills Django's cache
    client = Client()
    client.force_login(organiser())
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response.context is not None  # rendered for them
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)


def test_letter_page_shows_a_visitors_message_to_them_alone(rf):
    petition = PetitionFactory()
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "Only for this visitor")
    carrier = HttpResponse()
    storage.update(carrier)  # writes the messages cookie a redirect would carry
    visitor = Client()
    visitor.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    response = visitor.get(petition.get_absolute_url())
    assert "Only for this visitor" in response.content.decode()
    assert "private" in cache_control(response)
    assert "Only for this visitor" not in Client().get(petition.get_absolute_url()).content.decode()


def test_letter_page_keeps_only_the_first_page_of_signatories(client):
    petition = PetitionFactory()
    for wall in ("", "?wall=2"):
        client.get(petition.get_absolute_url() + wall)
    assert client.get(petition.get_absolute_url() + "?wall=1").context is None  # page 1, however asked for
    assert client.get(petition.get_absolute_url() + "?wall=2").context is not None  # never kept


def test_letter_page_is_kept_no_longer_than_until_the_letter_closes(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PUBLIC_PAGE_SECONDS = 60
    petition = PetitionFactory(closes_at=timezone.now() + timedelta(seconds=30))
    Client().get(petition.get_absolute_url())
    assert page_lookup(f"letter:{petition.slug}").html is not None
    let_cache_time_pass(31)
    assert page_lookup(f"letter:{petition.slug}").html is None


def test_a_crowd_read_of_the_letter_costs_one_cache_round_trip(client):
    """The test cache is the database cache, so each cache round trip is one query."""
    petition = PetitionFactory()
    client.get(petition.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(petition.get_absolute_url()).status_code == 200
    assert len(queries) == 1, [query["sql"] for query in queries]


def test_a_letter_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory(title="The first title")
    assert "The first title" in client.get(petition.get_absolute_url()).content.decode()
    petition.title = "A better title"
    petition.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_publish_changes(petition=petition)
    assert "A better title" in client.get(petition.get_absolute_url()).content.decode()


def test_a_new_endorsement_shows_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    organisation = OrganisationFactory(name="Privacy Action Cymru")
    assert "Privacy Action Cymru" not in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coalition_services.endorsement_create(organisation=organisation, petition=petition, authorised_by="Amara")
    assert "Privacy Action Cymru" in client.get(petition.get_absolute_url()).content.decode()


def test_an_organisers_profile_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    organisation = OrganisationFactory(name="Privacy Action Cymru")
    EndorsementFactory(organisation=organisation, petition=petition)
    assert "Privacy Action Cymru" in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coalition_services.organisation_profile_update(
            organisation=organisation,
            by=organiser(),
            name="Hawliau Preifatrwydd",
            short_name="",
            website="https://hawliau.example.org",
            country="GB",
        )
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "Hawliau Preifatrwydd" in html
    assert "Privacy Action Cymru" not in html


def test_a_withdrawn_signers_name_leaves_the_kept_page_at_once(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        signature = confirmed(petition, "Quillon Vexhartmore")
    assert "Quillon Vexhartmore" in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_withdraw(signature=signature)
    assert page_lookup(f"letter:{petition.slug}").html is None
    assert "Quillon Vexhartmore" not in client.get(petition.get_absolute_url()).content.decode()


def test_the_count_api_moves_at_once_and_answers_json_404(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    url = reverse("api:petition-detail", kwargs={"slug": petition.slug})
    assert client.get(url).json()["signature_count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(petition, "Amara Okafor")
    assert client.get(url).json()["signature_count"] == 1
    missing = client.get(reverse("api:petition-detail", kwargs={"slug": "no-such-letter"}))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert cache.get("api:petition-card:no-such-letter") is None


def test_sign_loads_the_letter_with_one_query(client):
    petition = PetitionFactory()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), sign_data())
    assert response.status_code == 302
    letter_reads = [
        query for query in queries if query["sql"].startswith("SELECT") and 'FROM "petitions_petition"' in query["sql"]
    ]
    assert len(letter_reads) == 1, letter_reads


def test_the_sign_form_of_a_kept_page_signs(client):
    petition = PetitionFactory()
    Client().get(petition.get_absolute_url())  # someone else fills Django's cache
    page = client.get(petition.get_absolute_url())
    assert page.context is None
    assert f'action="{reverse("petitions:sign", kwargs={"slug": petition.slug})}#errors"' in page.content.decode()
    response = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        sign_data(),
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert Signature.objects.get().petition_version == petition.version
    assert get_max_age(response) is None  # a redirect after a post: nothing for a cache
