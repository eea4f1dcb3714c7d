"""A reader finds an item in a few keystrokes, narrows by two facets, opens it, and
copies its citation, in Debian's Chromium."""

import re

import pytest

from tests.articles.factories import CountryFactory, DocumentFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_searches_narrows_by_two_facets_opens_an_item_and_copies_its_citation(live_server, page, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = live_server.url
    police, borders = TopicFactory(slug="police", name="Policing"), TopicFactory(slug="borders", name="Borders")
    gb, us = CountryFactory(code="GB"), CountryFactory(code="US")
    target = DocumentFactory(
        slug="target",
        title="Fingerprint scanners at the roadside",
        summary="Street fingerprint checks.",
        topics=[police],
        countries=[gb],
        authors="Ada Lovelace",
    )
    DocumentFactory(
        slug="wrong-country", title="Fingerprint checks abroad", summary="Fingerprint.", topics=[police], countries=[us]
    )
    DocumentFactory(
        slug="wrong-topic",
        title="Fingerprint records at borders",
        summary="Fingerprint.",
        topics=[borders],
        countries=[gb],
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(f"{live_server.url}/evidence/")
    page.get_by_label("Search the library").fill("fingerprint")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=fingerprint"))
    assert page.locator("#results-heading").inner_text() == "3 documents"

    page.get_by_label(re.compile(r"^Policing")).check()
    page.get_by_label(re.compile(r"^United Kingdom")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=GB"))
    assert "topic=police" in page.url
    assert page.locator("#results-heading").inner_text() == "1 document"
    assert page.locator(".result__snippet mark").first.inner_text().lower() == "fingerprint"

    page.get_by_role("link", name="Fingerprint scanners at the roadside").click()
    page.wait_for_url(re.compile(rf"/evidence/{target.number}/$"))
    page.get_by_role("button", name="Copy reference").click()
    page.locator("[data-copy-status]").filter(has_text="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Ada Lovelace (7 June 2021) Fingerprint scanners at the roadside.")
    assert f"/evidence/{target.number}/" in copied
