"""The privacy notice states what the site does: each claim is held against it."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from campaign.accounts.models import User
from campaign.core.views import PAGE_COOKIES
from campaign.petitions.models import Signature
from campaign.petitions.services import signatures_purge
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def notice(client) -> str:
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    return response.content.decode()


def item(html: str, item_id: str) -> str:
    return " ".join(re.search(rf'<li id="{item_id}">(.*?)</li>', html, re.DOTALL).group(1).split())


def test_notice_periods_follow_the_settings(client, settings):
    settings.SIGNATURE_PENDING_DAYS = 13
    settings.IP_HASH_RETENTION_DAYS = 17
    settings.SIGNATURE_RETENTION_DAYS = 19
    settings.APPLICATION_RETENTION_DAYS = 23
    settings.PRIVACY_ACCESS_LINK_HOURS = 29
    html = notice(client)
    assert "within 13 days" in item(html, "period-pending")
    assert "after 17 days" in item(html, "period-ip")
    assert "after 19 days" in item(html, "period-retention")
    assert "23 days after the decision" in item(html, "period-application")
    assert "for 29 hours" in item(html, "period-access")
    assert "valid for 29 hours" in html


def test_notice_pending_period_is_the_one_the_purge_applies(client, settings):
    settings.SIGNATURE_PENDING_DAYS = 3
    assert "within 3 days" in item(notice(client), "period-pending")
    now = timezone.now()
    stale = SignatureFactory(created_at=now - timedelta(days=3, hours=1))
    fresh = SignatureFactory(created_at=now - timedelta(days=2, hours=23))
    signatures_purge()
    assert list(Signature.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert stale.pk != fresh.pk


def test_notice_ip_hash_period_is_the_one_the_purge_applies(client, settings):
    settings.IP_HASH_RETENTION_DAYS = 2
    assert "after 2 days" in item(notice(client), "period-ip")
    now = timezone.now()
    old = SignatureFactory(ip_hash="a" * 32, created_at=now - timedelta(days=2, hours=1), confirmed_at=now)
    young = SignatureFactory(ip_hash="b" * 32, created_at=now - timedelta(days=1, hours=23), confirmed_at=now)
    signatures_purge()
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.ip_hash, young.ip_hash) == (None, "b" * 32)


def _url(name: str, letter) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, kwargs={"slug": letter.slug})


def test_notice_cookies_are_exactly_those_each_page_sets(client):
    letter = PetitionFactory()
    html = notice(client)
    for use in PAGE_COOKIES:
        assert escape(str(use.pages)) in html
        for name in use.url_names:
            response = Client().get(_url(name, letter))
            assert response.status_code == 200, name
            assert sorted(response.cookies) == sorted(use.cookies), name


def test_notice_states_the_session_cookie_an_organiser_gets(client, settings):
    user = User.objects.create_user(email="organiser@example.org", password="a long pass phrase")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    visitor = Client()
    visitor.get(reverse("account_login"))
    response = visitor.post(
        reverse("account_login"), {"login": "organiser@example.org", "password": "a long pass phrase"}
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in notice(client)
    lifetime = round(visitor.session.get_expiry_age() / 3600)
    assert f"for at most {lifetime} hours" in notice(client)


def test_notice_names_the_data_controller(client, settings):
    settings.DATA_CONTROLLER_NAME = "Rights & <Watch>"
    settings.DATA_CONTROLLER_EMAIL = "dpo@rights.example.org"
    settings.DATA_CONTROLLER_ADDRESS = ""
    html = notice(client)
    assert "Rights &amp; &lt;Watch&gt; is the controller" in html
    assert 'href="mailto:dpo@rights.example.org"' in html
    assert "controller-address" not in html
    settings.DATA_CONTROLLER_ADDRESS = "1 Privacy Street, Cardiff"
    assert "1 Privacy Street, Cardiff" in notice(client)


def test_notice_links_to_a_working_what_do_you_hold_form(client):
    html = notice(client)
    link = reverse("privacy:request")
    assert f'href="{link}"' in html
    form = client.get(link).content.decode()
    assert '<label for="id_email"' in form
