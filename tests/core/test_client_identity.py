"""Who a rate limit counts: each visitor behind the proxy, an IPv6 client by its /64."""

import runpy

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from campaign.core.ratelimit import client_identity, rate_limit_identity, request_within_limits
from tests.conftest import BASE_DIR


def settings_under(monkeypatch, **environment: str) -> dict:
    """campaign/settings.py as it reads the given environment."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "campaign" / "settings.py"))


@pytest.mark.django_db
def test_allauth_limits_count_each_visitor_behind_the_documented_proxy(settings, monkeypatch):
    production = settings_under(monkeypatch, TRUSTED_PROXY_COUNT="1")
    settings.TRUSTED_PROXY_COUNT = production["TRUSTED_PROXY_COUNT"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = production.get("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    organiser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    data = {"login": "someone@example.org", "password": "wrong"}
    statuses = [attacker.post(reverse("account_login"), data).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert organiser.post(reverse("account_login"), data).status_code != 429


@pytest.mark.parametrize(
    ("address", "identity"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("not an address", "not an address"),
    ],
)
def test_rate_limit_identity_keys_ipv6_by_its_64(address, identity):
    assert rate_limit_identity(address) == identity


def test_client_identity_reads_the_address_the_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8:5:6::99")
    assert client_identity(request) == "2001:db8:5:6::/64"


@pytest.mark.django_db
def test_rate_limit_cannot_be_dodged_by_hopping_addresses_within_a_64():
    def submit(address: str) -> bool:
        request = RequestFactory().post("/", REMOTE_ADDR=address)
        return request_within_limits(request, scope="test", email=f"{address}@example.org", per_ip=3, per_address=0)

    hops = [submit(f"2001:db8:7:8::{n}") for n in range(1, 5)]
    assert hops == [True, True, True, False]
    assert submit("2001:db8:7:9::1") is True  # the next /64 is another client
    # An IPv4 client is one client, whether or not its address comes IPv4-mapped.
    assert [submit("::ffff:198.51.100.3"), submit("198.51.100.3")] == [True, True]
    assert [submit("198.51.100.3"), submit("::ffff:198.51.100.3")] == [True, False]
