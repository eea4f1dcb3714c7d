"""Sessions of staff and representatives: how long they last, what ends them, and what
asks for the password or a code again."""

from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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


NEW_PASSWORD = "another long passphrase 43"


def change_password_through_allauth(client, user) -> None:
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def change_password_through_the_admin(client, user) -> None:
    client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def change_own_password_in_the_user_admin(client, user) -> None:
    client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.mark.parametrize(
    ("change", "superuser"),
    [
        (change_password_through_allauth, False),
        (change_password_through_the_admin, False),
        (change_own_password_in_the_user_admin, True),
    ],
    ids=["allauth", "admin", "user-admin"],
)
def test_password_change_logs_out_every_other_session_and_keeps_this_one(change, superuser):
    user = organiser(is_superuser=superuser)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get(reverse("coalition:review")).status_code == 200

    change(here, user)

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert here.get(reverse("coalition:review")).status_code == 200
    response = elsewhere.get(reverse("coalition:review"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("remember", [True, False], ids=["remember-me", "browser-session"])
def test_session_lasts_a_working_day(client, remember):
    user = organiser()
    form = {"login": user.email, "password": PASSWORD, **({"remember": "on"} if remember else {})}
    client.post(reverse("account_login"), form)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.get_decoded()["_auth_user_id"] == str(user.pk)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 8 * 60 * 60 - 60 < left <= 8 * 60 * 60
    # "Remember me" keeps the cookie across browser restarts, for the same working day.
    assert response.cookies["sessionid"]["max-age"] == (8 * 60 * 60 if remember else "")


def test_session_age_is_configurable():
    from tests.core.test_safe_defaults import PRODUCTION, manage

    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)",
        **PRODUCTION, DJANGO_SESSION_COOKIE_AGE="3600",
    )  # fmt: skip
    assert result.stdout.split()[-1:] == ["3600"], result.stderr
