"""An organiser writes an update in Chromium (no JavaScript needed), previews it, sends
a test to themselves, then sends it; a supporter unsubscribes from the mail's link."""

import re
from urllib.parse import urlsplit

import pytest

from campaign.updates.models import Update
from tests.coalition.helpers import organiser, totp_code
from tests.factories import ConfirmedSignatureFactory, PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "a long enough passphrase 42"


def test_compose_preview_test_send_and_unsubscribe(live_server, transactional_db, mailoutbox, settings, browser):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    letter = PetitionFactory(title="Ban face scans now", slug="ban-face-scans")
    supporters = ConfirmedSignatureFactory.create_batch(2, petition=letter, wants_updates=True)
    ConfirmedSignatureFactory(petition=letter, wants_updates=False)
    boss = organiser()
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    desk = context.new_page()

    desk.goto(f"{base}/organise/letters/{letter.slug}/updates/")
    desk.get_by_label("Email").fill(boss.email)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_label("Code").fill(totp_code(boss.totp_secret))
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("heading", name=re.compile("Updates to the supporters of")).wait_for()
    assert "2 confirmed signers have asked for updates." in desk.content()

    desk.get_by_role("link", name="Write an update").click()
    desk.get_by_label("Subject").fill("We won a hearing")
    desk.get_by_label("Text").fill("The committee **will hear us** on Monday.\n\n<script>alert(1)</script>")
    desk.get_by_role("button", name="Preview").click()
    preview = desk.locator(".update-preview")
    assert preview.locator("strong").inner_text() == "will hear us"
    assert "<script>" not in preview.inner_html()
    assert not Update.objects.exists()
    desk.get_by_role("button", name="Save the draft").click()
    desk.get_by_text("Draft saved.").wait_for()

    desk.get_by_role("button", name=f"Send a test to {boss.email}").click()
    desk.get_by_text(f"A test mail is on its way to {boss.email}.").wait_for()
    assert [message.to for message in mailoutbox] == [[boss.email]]

    desk.get_by_role("link", name="Send to the supporters…").click()
    desk.get_by_text("will be mailed to 2 people").wait_for()
    desk.get_by_role("button", name="Send it now").click()
    desk.get_by_text("Sending started.").wait_for()
    assert sorted(message.to[0] for message in mailoutbox[1:]) == sorted(s.email for s in supporters)
    # The first delivery step sent everything; a reload shows the figures.
    desk.reload()
    counts = desk.locator(".update-counts")
    assert re.search(r"Sent\s*2\s*Pending\s*0\s*Failed\s*0", counts.inner_text())
    # Nothing on these pages is wider than a 320 px screen (the site's header is not theirs);
    # the list's table scrolls inside its own box.
    outside = "[...document.querySelectorAll('main *')].filter(e => !e.closest('.table-scroll'))"
    assert desk.evaluate(outside + ".filter(e => e.getBoundingClientRect().right > 320).length") == 0
    desk.goto(f"{base}/organise/letters/{letter.slug}/updates/")
    assert desk.get_by_role("link", name="We won a hearing").is_visible()
    assert desk.evaluate(outside + ".filter(e => e.getBoundingClientRect().right > 320).length") == 0
    context.close()

    # A supporter opens the unsubscribe link of their mail and presses the button.
    reader = browser.new_context(java_script_enabled=False).new_page()
    link = re.search(r"https?://\S+/updates/unsubscribe/\S+/", mailoutbox[1].body).group(0)
    reader.goto(base + urlsplit(link).path)
    reader.get_by_role("button", name="Unsubscribe").click()
    reader.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert Update.objects.get().recipients.filter(unsubscribed_at__isnull=False).count() == 1
