"""In Chromium, with the keyboard only (Tab, Space, Enter and typing; no click, no fill):
a visitor signs a letter and an organisation applies to the coalition, and every element
the keyboard reaches shows where the focus is. On a short window, the sign panel's
button can be reached."""

import pytest

from campaign.coalition.models import Application
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]

MAX_TABS = 250


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return el.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        }"""
    )


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on `selector`, checking on the way that each element
    reached shows its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 100)")
        assert _focus_is_visible(page), f"no visible focus on {focused}"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked")


def test_a_visitor_signs_a_letter_with_the_keyboard_only(page, live_server, transactional_db, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    letter = PetitionFactory()
    page.goto(live_server.url + letter.get_absolute_url())
    type_into(page, "#id_name", "Aoife Keyboard")
    type_into(page, "#id_email", "aoife@example.org")
    type_into(page, "#id_country", "Ireland")
    tick(page, "#id_consent")
    tab_to(page, ".sign-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your inbox").wait_for()
    signature = Signature.objects.get(petition=letter)
    assert (signature.name, signature.email, signature.country) == ("Aoife Keyboard", "aoife@example.org", "IE")


def test_an_organisation_applies_with_the_keyboard_only(page, live_server, transactional_db, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    PetitionFactory(title="Ban face scans now")
    page.goto(live_server.url + "/coalition/join/")
    type_into(page, "#id_name", "Keyboard Rights")
    type_into(page, "#id_website", "https://keyboard-rights.example.org")
    type_into(page, "#id_country", "Ireland")
    type_into(page, "#id_kind", "NGO")
    type_into(page, "#id_description", "We defend rights with the keyboard.")
    type_into(page, "#id_applicant_name", "Niamh Tab")
    type_into(page, "#id_applicant_role", "Director")
    type_into(page, "#id_email", "niamh@keyboard-rights.example.org")
    tick(page, "#id_letters_0")
    type_into(page, "#id_why", "To stand with the coalition.")
    tick(page, "#id_is_authorised")
    tick(page, "#id_accepts_principles")
    tab_to(page, ".apply-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your inbox").wait_for()
    application = Application.objects.select_related("organisation", "contact").get()
    assert (application.organisation.name, application.organisation.country, application.organisation.kind) == (
        "Keyboard Rights",
        "IE",
        "ngo",
    )
    assert application.contact.email == "niamh@keyboard-rights.example.org"
    assert application.letters.get().title == "Ban face scans now"


@pytest.mark.parametrize("width,height", [(1280, 600), (390, 640)])
def test_the_sign_button_can_be_seen_in_a_short_window(width, height, browser, live_server, transactional_db):
    """A sticky panel taller than the window would keep its button below the window's
    edge however far one scrolls."""
    letter = PetitionFactory(body="A long letter.\n\n" * 200)
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(live_server.url + letter.get_absolute_url())
        panel = page.locator(".sign-panel")
        if panel.evaluate("el => getComputedStyle(el).position") == "sticky":
            assert panel.evaluate("el => el.getBoundingClientRect().height <= innerHeight")
        button = page.get_by_role("button", name="Sign the letter")
        # Half-way down the letter, where a reader decides to sign.
        page.evaluate("() => scrollTo(0, document.body.scrollHeight / 3)")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
    finally:
        context.close()
