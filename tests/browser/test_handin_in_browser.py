"""An organiser prepares a letter's delivery pack in Chromium and downloads it: log in
with TOTP, ask for the pack with names, give the password again, read the PDF back."""

import re

import pytest
from pypdf import PdfReader

from tests.coalition.helpers import organiser, totp_code
from tests.factories import ConfirmedSignatureFactory, PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "a long enough passphrase 42"


def test_organiser_prepares_and_downloads_a_delivery_pack(live_server, transactional_db, browser):
    letter = PetitionFactory(title="Ban face scans now", slug="ban-face-scans", demands=["Ban live facial recognition"])
    ConfirmedSignatureFactory(petition=letter, name="Łukasz Wójcik", country="PL")
    ConfirmedSignatureFactory(petition=letter, name="Фёдор", country="UA", is_public=False)
    boss = organiser()
    base = live_server.url
    # No JavaScript: the page, its form and its downloads work without it.
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/organise/letters/{letter.slug}/pack/")
    page.get_by_label("Email").fill(boss.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(boss.totp_secret))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hand in “Ban face scans now”").wait_for()

    page.get_by_label("List the signers who chose to be shown (name and country)").check()
    page.get_by_role("button", name="Prepare the pack").click()
    page.get_by_text("The delivery pack is being prepared.").wait_for()
    page.get_by_role("link", name="PDF", exact=True).wait_for()
    assert re.search(r"2 signatures,\s+0 organisations,\s+1 name listed,\s+\d+ pages", page.content())

    # A list of names asks for the password again before it leaves the site.
    page.get_by_role("link", name="PDF", exact=True).click()
    page.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert download.suggested_filename.startswith("ban-face-scans-delivery-")
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = "\n".join(page_.extract_text() for page_ in reader.pages)
    assert "Ban face scans now" in text
    assert "Ban live facial recognition" in text
    assert "Łukasz" in text
    assert "Фёдор" not in text

    # At 320 px the page's content does not run off the side: the table scrolls within itself.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{base}/organise/letters/{letter.slug}/pack/")
    content = page.locator("main .wrap.section")
    assert content.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert content.evaluate("element => element.getBoundingClientRect().right <= 320")
    context.close()
