"""Anonymous public forms refuse posts from other sites by the browser's Fetch Metadata
and Origin headers, not a token; forms of logged-in people keep Django's token CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from campaign.coalition.models import Application
from campaign.core.models import OutboxMessage
from campaign.core.origin import origin_of
from campaign.petitions import services
from campaign.petitions.models import Signature
from campaign.privacy.models import AccessRequest
from tests.coalition.helpers import apply_data, organiser
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

pytestmark = pytest.mark.django_db

SITE = "https://campaign.example.org"

REFUSED = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": SITE},  # the browser's own word wins
    {"Origin": "https://attacker.example.net"},
    {"Origin": "http://campaign.example.org"},  # another scheme is another origin
    {"Origin": "https://campaign.example.org:8443"},  # and so is another port
    {"Origin": "null"},  # a sandboxed frame or a data: page
]
ACCEPTED = [
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked: no other site is involved
    {"Sec-Fetch-Site": "same-origin", "Origin": SITE},
    {"Origin": SITE},
    {"Origin": "HTTPS://Campaign.Example.org:443"},  # the same origin, written otherwise
    {},  # neither header: no browser another site could drive
]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def sign(petition, headers: dict, client=None):
    client = client or Client(enforce_csrf_checks=True)
    return client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), sign_data(), headers=headers)


@pytest.mark.parametrize("headers", REFUSED, ids=lambda headers: repr(headers))
def test_same_origin_post_refuses_a_sign_post_from_another_site(headers, mailoutbox):
    response = sign(PetitionFactory(), headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form was sent from another website" in html
    assert "Nothing was stored and no email was sent." in html
    assert 'class="site-header"' in html  # the site's own page, not a bare error
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("headers", ACCEPTED, ids=lambda headers: repr(headers))
def test_same_origin_post_accepts_a_sign_post_from_the_site_itself_without_a_token(headers):
    response = sign(PetitionFactory(), headers)
    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_same_origin_post_lets_another_site_link_to_the_form(client):
    response = client.get(reverse("petitions:resend", kwargs={"slug": PetitionFactory().slug}), headers=REFUSED[0])
    assert response.status_code == 200


def test_origin_of_reads_what_a_browser_sends():
    assert origin_of("https://Example.org/path?q=1") == "https://example.org"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("null") is None
    assert origin_of("https://example.org:99999") is None
    assert origin_of("ftp://example.org") is None


def _signature(petition):
    return services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="amara@example.org", country="GB")
    )


def test_same_origin_post_guards_every_anonymous_form(client, mailoutbox):
    """Each public form, posted from another site: refused, and nothing changes."""
    petition = PetitionFactory()
    signature = _signature(petition)
    mailoutbox.clear()
    outbox = OutboxMessage.objects.count()
    cross = {"Sec-Fetch-Site": "cross-site"}
    posts = [
        (reverse("petitions:resend", kwargs={"slug": petition.slug}), {"email": "amara@example.org"}),
        (
            reverse("petitions:confirm", kwargs={"slug": petition.slug, "token": services.confirm_token(signature)}),
            {},
        ),
        (
            reverse("petitions:withdraw", kwargs={"slug": petition.slug, "token": services.withdraw_token(signature)}),
            {},
        ),
        (reverse("coalition:apply"), apply_data()),
        (reverse("privacy:request"), {"email": "amara@example.org"}),
        (reverse("privacy:erase", kwargs={"token": "any-token"}), {}),
        (reverse("privacy:renew", kwargs={"token": "any-token"}), {}),
    ]
    for url, data in posts:
        response = client.post(url, data, headers=cross)
        assert response.status_code == 403, url
    signature.refresh_from_db()
    assert signature.confirmed_at is None
    assert signature.withdrawn_at is None
    assert not Application.objects.exists()
    assert not AccessRequest.objects.exists()
    assert OutboxMessage.objects.count() == outbox
    assert mailoutbox == []


def test_forms_of_logged_in_people_keep_the_csrf_token():
    person = organiser()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    # No such application is needed: the token is checked before the view runs.
    response = client.post(reverse("coalition:review-detail", kwargs={"pk": 1}), {"decision": "approve"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x"}).status_code == 403
