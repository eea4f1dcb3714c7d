"""A person in Chromium: open the letter, sign, read the mail, confirm, see the count."""

import re
import time

import pytest

from campaign.petitions.models import Signature
from tests.conftest import wait_until
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CONFIRM = re.compile(r"https?://\S+/letters/[\w-]+/confirm/\S+?/")


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def person(request, browser):
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_sign_confirm_and_see_the_count(person, live_server, worker, smtp, settings):
    settings.PUBLIC_PAGE_SECONDS = 1
    petition = PetitionFactory(title="Ban face scans in the street", goal=10)
    email = f"browser-{int(time.time() * 1000)}@example.org"
    page = person
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Ban face scans in the street"
    assert page.locator("[data-count]").first.inner_text() == "0"

    page.get_by_label("Your name").fill("Amara Okafor")
    page.get_by_role("textbox", name=re.compile(r"^Email address")).fill(email)
    page.get_by_label(re.compile(r"^Country")).select_option("GB")
    page.get_by_label("Show my name and country").check()
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()
    page.get_by_role("button", name="Sign the letter").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    body = smtp.wait_for(email)[0].get_body(preferencelist=("plain",)).get_content()
    page.goto(CONFIRM.search(body).group(0))
    assert Signature.objects.get(email=email).confirmed_at is None
    page.get_by_role("button", name="Confirm my signature").click()
    assert "You are signer number 1" in page.content()

    # The letter page may be a copy kept for PUBLIC_PAGE_SECONDS: the count moves within it.
    def count_shown() -> str:
        page.goto(f"{live_server.url}{petition.get_absolute_url()}")
        return page.locator("[data-count]").first.inner_text()

    wait_until(lambda: count_shown() == "1", timeout=3 * settings.PUBLIC_PAGE_SECONDS, what="the count to move")
    assert "Amara Okafor" in page.locator(".wall").inner_text()


def test_form_errors_are_announced_and_tied_to_fields(person, live_server, transactional_db):
    petition = PetitionFactory()
    page = person
    page.goto(f"{live_server.url}{petition.get_absolute_url()}")
    page.get_by_label("Your name").fill("Visit www.spam.example")
    page.get_by_role("textbox", name=re.compile(r"^Email address")).fill("not-an-address")
    page.get_by_role("button", name="Sign the letter").click()
    page.get_by_role("alert").wait_for()
    email = page.get_by_role("textbox", name=re.compile(r"^Email address"))
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby").split()
    assert page.locator(f"#{described[0]}").inner_text().strip()
    assert email.input_value() == "not-an-address"
    assert not Signature.objects.exists()
