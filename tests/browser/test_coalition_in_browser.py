"""The whole coalition journey in Chromium: apply, confirm from the mail, an organiser
logs in with TOTP and approves, the directory shows the member, and the representative
accepts the invitation and edits the profile."""

import re
from urllib.parse import urlsplit

import pytest

from campaign.coalition.models import Organisation
from tests.coalition.helpers import image_bytes, organiser, totp_code
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "a long enough passphrase 42"


def path_of_link(message, pattern: str) -> str:
    match = re.search(rf"https?://\S+{pattern}\S*/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_apply_confirm_review_approve_invite_edit(live_server, transactional_db, mailoutbox, settings, browser):
    settings.SIGN_MIN_FILL_SECONDS = 0
    letter = PetitionFactory(title="Ban face scans now", slug="ban-face-scans")
    base = live_server.url
    # The applicant's browser runs no JavaScript at all: every step must work without it.
    applicant_context = browser.new_context(java_script_enabled=False)
    page = applicant_context.new_page()

    # 1. An organisation applies, without JavaScript doing anything for it.
    page.goto(f"{base}/coalition/")
    page.get_by_role("link", name="Join the coalition").first.click()
    page.get_by_label("Organisation name").fill("Harbour Digital Rights")
    page.get_by_label("Website").fill("https://harbour-rights.example.org")
    page.get_by_label("Country where it is based").select_option("IE")
    page.get_by_label("Where it works").select_option("national")
    page.get_by_label("Type of organisation").select_option("ngo")
    page.get_by_label("What the organisation does").fill("We defend privacy in <b>Harbour</b> & beyond.")
    page.get_by_label("Your name").fill("Niamh Byrne")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_label("Your email address").fill("niamh@harbour-rights.example.org")
    page.get_by_label("Ban face scans now").check()
    page.get_by_label("Why does the organisation want to join?").fill("To stand with the coalition.")
    page.get_by_label("I am authorised to sign on behalf of this organisation").check()
    page.get_by_label("The organisation accepts the coalition's principles above").check()
    page.get_by_role("button", name="Send the application").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    # 2. The applicant confirms from the mail, behind a button.
    assert len(mailoutbox) == 1
    page.goto(base + path_of_link(mailoutbox[0], "/coalition/join/confirm/"))
    page.get_by_role("button", name="Confirm my address").click()
    page.get_by_role("heading", name="Thank you, your address is confirmed").wait_for()
    assert not Organisation.objects.public().exists()

    # 3. An organiser logs in with password and TOTP, and approves.
    boss = organiser()
    organiser_context = browser.new_context()
    desk = organiser_context.new_page()
    desk.goto(f"{base}/coalition/review/")
    desk.get_by_label("Email").fill(boss.email)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_label("Code").fill(totp_code(boss.totp_secret))
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("heading", name="Applications to review").wait_for()
    desk.get_by_role("link", name="Harbour Digital Rights").click()
    assert "matches the website" in desk.content()
    desk.get_by_label("Approve", exact=True).check()
    desk.get_by_label("Tier if approved").select_option("member")
    desk.get_by_label("Reason").fill("Known digital rights group")
    desk.get_by_role("button", name="Record the decision").click()
    desk.get_by_text("Approved. The applicant has been mailed an invitation.").wait_for()
    organiser_context.close()

    # 4. The directory shows the new member, and the letter lists its endorsement.
    page.goto(f"{base}/coalition/?country=IE")
    page.get_by_role("link", name="Harbour Digital Rights").wait_for()
    page.goto(f"{base}/letters/{letter.slug}/")
    assert page.locator("#endorsements-heading + h3 + ul").get_by_text("Harbour Digital Rights").is_visible()

    # 5. The representative accepts the invitation and edits the profile and logo.
    assert len(mailoutbox) == 2
    page.goto(base + path_of_link(mailoutbox[1], "/coalition/invitation/"))
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    # Like every role, a representative sets up an authenticator app first, without
    # being asked again for the password just chosen.
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    page.goto(f"{base}/coalition/manage/")
    page.get_by_role("heading", name=re.compile("Edit the profile of Harbour Digital Rights")).wait_for()
    page.get_by_label("What the organisation does").fill("Privacy defenders on the Irish coast.")
    page.get_by_label("Logo (optional)").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}
    )
    page.get_by_role("button", name="Save the profile").click()
    page.get_by_text("The profile is saved.").wait_for()
    page.get_by_role("link", name="See the public page").click()
    page.get_by_text("Privacy defenders on the Irish coast.").wait_for()
    logo_src = page.locator("img.org-logo--large").get_attribute("src")
    applicant_context.close()
    assert image_width(browser, base + logo_src) == 256


def image_width(browser, url: str) -> int:
    """The natural width of an image as Chromium decodes it (needs a scripted page)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        return page.locator("img").evaluate("img => img.complete && img.naturalWidth")
    finally:
        context.close()
