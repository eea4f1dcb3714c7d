"""Sessions of staff and representatives: how long they last, what ends them, and what
asks for the password or a code again."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from campaign.petitions.models import SignatureExport
from tests.coalition.helpers import organiser, totp_code
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def export_url(petition) -> str:
    return reverse("admin:petitions_petition_export", args=[petition.pk])


def test_export_asks_an_organiser_who_logged_in_long_ago_for_the_password_again(client):
    user = organiser()
    url = export_url(PetitionFactory())
    client.force_login(user)  # a session opened earlier: no password given in it lately
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_reauthenticate')}?{urlencode({'next': url})}"
    assert not SignatureExport.objects.exists()

    wrong = client.post(reverse("account_reauthenticate"), {"password": "not it", "next": url})
    assert wrong.status_code == 200
    assert client.get(url).status_code == 302

    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "next": url})
    assert response["Location"] == url
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert SignatureExport.objects.get().exported_by == user


def test_export_accepts_an_authenticator_code_and_asks_again_once_it_is_old(client, settings):
    user = organiser()
    url = export_url(PetitionFactory())
    client.force_login(user)
    assert client.get(url).status_code == 302

    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(user.totp_secret), "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200

    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # as if the code had been given long ago
    assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
    assert SignatureExport.objects.count() == 1
