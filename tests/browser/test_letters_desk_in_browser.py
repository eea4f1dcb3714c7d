"""An organiser's letter desk in Chromium: preview a draft from the admin, and a partner's
link whose signatures the partner then sees counted on its own page."""

import re

import pytest

from campaign.petitions import services
from campaign.petitions.models import Petition, Signature, Source
from tests.coalition.helpers import organiser, totp_code
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "a long enough passphrase 42"


def test_an_organiser_previews_a_draft_from_the_admin(live_server, transactional_db, browser):
    draft = PetitionFactory(title="Ban face-scanning tags", slug="ban-tags", status=Petition.Status.DRAFT)
    boss = organiser()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/petitions/petition/{draft.pk}/change/")
    page.get_by_label("Email").fill(boss.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(boss.totp_secret))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="View on site").click()
    page.get_by_role("heading", level=1, name="Ban face-scanning tags").wait_for()
    assert "only staff can see this page" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="Sign the letter").is_disabled()
    assert page.url.endswith("/letters/ban-tags/preview/")
    context.close()


def test_a_partners_link_counts_on_the_partners_own_page(live_server, transactional_db, browser):
    letter = PetitionFactory(title="Stop mobile fingerprint checks", status=Petition.Status.OPEN)
    partner = Source(code="riverside", name="Riverside Privacy Group")
    services.source_save(source=partner)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{letter.get_absolute_url()}?src=riverside")
    page.get_by_label("Your name").fill("Zoë Fernández")
    page.get_by_role("textbox", name=re.compile(r"^Email address")).fill("zoe@example.org")
    page.get_by_label(re.compile(r"^Country")).select_option("ES")
    page.get_by_role("checkbox", name=re.compile("^I agree")).check()
    page.get_by_role("button", name="Sign the letter").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    signature = Signature.objects.get(email="zoe@example.org")
    assert signature.source == partner
    services.signature_confirm(signature=signature)

    page.goto(f"{live_server.url}{partner.get_partner_url()}")
    row = page.get_by_role("row", name=re.compile("Stop mobile fingerprint checks"))
    assert row.get_by_role("cell").first.inner_text() == "1"
    assert "Zoë" not in page.content() and "zoe@example.org" not in page.content()
    context.close()


def test_no_page_scrolls_sideways_on_a_320_px_phone(live_server, transactional_db, browser):
    letter = PetitionFactory(status=Petition.Status.OPEN)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ("/", letter.get_absolute_url(), "/coalition/", "/evidence/", "/privacy/"):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"
    context.close()
