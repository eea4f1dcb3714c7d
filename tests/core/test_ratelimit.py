import json

import pytest
from django.test import RequestFactory

from campaign.core.ratelimit import client_ip, hits, keyed_hash, rate_limited


def test_client_ip_ignores_forwarded_header_without_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.5"


def test_client_ip_takes_the_address_the_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged_then_real = "6.6.6.6, 198.51.100.7"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forged_then_real)
    assert client_ip(request) == "198.51.100.7"


def test_keyed_hash_is_stable_and_not_the_address():
    assert keyed_hash("203.0.113.5", "ip") == keyed_hash("203.0.113.5", "ip")
    assert keyed_hash("203.0.113.5", "ip") != keyed_hash("203.0.113.5", "other")
    assert "203" not in keyed_hash("203.0.113.5", "ip")


@pytest.mark.django_db
def test_hit_allows_up_to_the_limit_then_refuses():
    results = [hits([("test", "someone", 3)]) for _ in range(5)]
    assert results == [True, True, True, False, False]


@pytest.mark.django_db
def test_hits_counts_every_identity_and_refuses_when_any_is_over():
    limits = [("sign:ip", "shared network", 3), ("sign:address", "one person", 1)]
    assert hits(limits) is True
    assert hits(limits) is False  # the address is over; the network is still counted
    assert hits([("sign:ip", "shared network", 3)]) is True  # its third hit
    assert hits([("sign:ip", "shared network", 3)]) is False


@pytest.mark.django_db
def test_hits_with_no_limit_counts_nothing():
    assert all(hits([("sign:ip", "anyone", 0)]) for _ in range(3))


def test_rate_limited_answers_429_with_retry_after_and_the_way_back(rf):
    response = rate_limited(rf.get("/"), note="Your mail is on its way.", back_url="/letters/x/", back_label="Back")
    html = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (429, "3600")
    assert "Too many attempts" in html
    assert "from your connection or for this address" in html
    assert "Your mail is on its way." in html
    assert '<a href="/letters/x/">Back</a>' in html


def test_rate_limited_answers_json_for_an_api(rf):
    response = rate_limited(rf.get("/"), message="Too many exports.", as_json=True)
    assert (response.status_code, response["Retry-After"]) == (429, "3600")
    assert json.loads(response.content) == {"error": "rate_limited", "detail": "Too many exports."}
