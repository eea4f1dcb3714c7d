"""Every public page, in Chromium: every request it makes stays on our origin, and the
strict Content-Security-Policy blocks nothing (nothing inline, nothing foreign)."""

from urllib.parse import urlsplit

import pytest

from campaign.petitions import services
from tests.core.test_security import public_pages
from tests.factories import ConfirmedSignatureFactory, PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_public_pages_make_no_request_to_another_origin_and_break_no_csp(page, live_server):
    petition = PetitionFactory()
    ConfirmedSignatureFactory(petition=petition, is_public=True)
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Origin", email="origin@example.org", country="FR")
    )
    origin = urlsplit(live_server.url)
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    pages = public_pages(petition, signature)
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if urlsplit(url)[:2] != origin[:2] and not url.startswith("data:")]
    csp = [text for text in problems if "Content Security Policy" in text or "Refused to" in text]
    print(f"\n{len(pages)} public pages, {len(requests)} requests, {len(foreign)} foreign, {len(csp)} CSP reports")
    assert len(requests) >= len(pages)
    assert foreign == []
    assert csp == []
