"""allauth's pages in the site's own layout and words: the header and footer of every
page, our headings, none of allauth's stock phrases."""

import pytest
from django.urls import reverse

from tests.accounts.helpers import reauthenticate
from tests.coalition.helpers import organiser

pytestmark = pytest.mark.django_db

STOCK_PHRASES = ["Sign In", "Sign Out", "Activate Authenticator App", "Confirm Access", "Bad Token", "Deactivate"]


def assert_in_site_layout(response, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert f"<h1>{heading}</h1>" in html
    for phrase in STOCK_PHRASES:
        assert phrase not in html, phrase


@pytest.mark.parametrize(
    ("name", "kwargs", "heading"),
    [
        ("account_login", {}, "Log in"),
        ("account_reset_password", {}, "Forgot your password?"),
        ("account_reset_password_done", {}, "Check your inbox"),
        ("account_reset_password_from_key", {"uidb36": "zz", "key": "not-a-key"}, "This link no longer works"),
    ],
)
def test_pages_before_login_speak_in_the_sites_words(client, name, kwargs, heading):
    assert_in_site_layout(client.get(reverse(name, kwargs=kwargs), follow=True), heading)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("mfa_index", "Two-factor authentication"),
        ("mfa_generate_recovery_codes", "New recovery codes"),
        ("mfa_deactivate_totp", "Turn off the authenticator app"),
        ("mfa_view_recovery_codes", "Recovery codes"),
        ("account_change_password", "Change your password"),
        ("account_logout", "Log out"),
        ("account_reauthenticate", "Confirm it is you"),
    ],
)
def test_account_pages_speak_in_the_sites_words(client, name, heading):
    user = organiser()
    client.force_login(user)
    reauthenticate(client, "a long enough passphrase 42")
    if name == "mfa_view_recovery_codes":
        client.post(reverse("mfa_generate_recovery_codes"))
    assert_in_site_layout(client.get(reverse(name)), heading)


def test_recovery_codes_page_always_leads_on(client):
    user = organiser()
    client.force_login(user)
    reauthenticate(client, "a long enough passphrase 42")
    client.post(reverse("mfa_generate_recovery_codes"))
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert html.count("<li>") >= 10
    assert f'<a class="button" href="{reverse("organise:dashboard")}">' in html
