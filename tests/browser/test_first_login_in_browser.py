"""An organiser's first hour in Chromium: the password, the authenticator app set up
without being asked for the password twice, the recovery codes with a way on, then the
dashboard, which works at 320 px and without JavaScript; the next login lands there too."""

import pytest

from campaign.accounts.roles import ORGANISER
from campaign.petitions import services
from tests.coalition.helpers import make_user, totp_code
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "a long enough passphrase 42"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_first_login_sets_up_two_factor_and_lands_on_the_dashboard(live_server, transactional_db, browser):
    letter = PetitionFactory(title="Ban face scans now", slug="ban-face-scans", goal=10)
    for n, country in enumerate(["FR", "FR", "DE"]):
        details = services.SignatureDetails(name=f"Signer {n}", email=f"s{n}@example.org", country=country)
        services.signature_confirm(signature=services.signature_create(petition=letter, details=details))
    user = make_user("new.organiser@example.org", role=ORGANISER, is_staff=True)
    base = live_server.url
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Straight to the setup, in the site's own layout and words: no second password.
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    assert page.get_by_role("link", name="Ban Biometric Surveillance").is_visible()
    assert no_sideways_scroll(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_text("Incorrect code.", exact=True).wait_for()  # the summary links to it too
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    page.get_by_role("heading", name="Recovery codes").wait_for()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my codes: continue").click()

    page.get_by_role("heading", name="Dashboard", exact=True).wait_for()
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Ban face scans now").click()
    page.get_by_role("heading", name="Ban face scans now").wait_for()
    assert page.get_by_role("img", name="Signatures received and confirmed each day").is_visible()
    assert page.get_by_role("table", name="Confirmed signatures by country").get_by_text("France").is_visible()
    assert no_sideways_scroll(page)
    context.close()

    # The next login asks for the password and a code, and lands on the dashboard; the
    # dashboard needs no script.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your authenticator code").wait_for()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard", exact=True).wait_for()
    assert page.get_by_role("link", name="Ban face scans now").is_visible()
    context.close()
