"""In Chromium: a form that fails opens at its error summary, which names the problems,
links each to its field and takes the focus; the title says "Error"; the fields say
they are invalid and what is wrong."""

import re

import pytest

from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _fail_the_sign_form(page, base: str, letter) -> None:
    page.goto(base + letter.get_absolute_url())
    page.get_by_role("textbox", name="Email address").fill("not an address")
    page.get_by_role("button", name="Sign the letter").click()
    page.locator("#errors").wait_for()


def test_a_failed_sign_form_opens_at_its_summary_without_javascript(browser, live_server, transactional_db, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    letter = PetitionFactory()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 640})
    page = context.new_page()
    try:
        _fail_the_sign_form(page, live_server.url, letter)
        assert page.url.endswith(letter.get_absolute_url() + "sign/#errors")
        assert page.title().startswith("Error: ")
        summary = page.locator("#errors")
        assert summary.get_attribute("tabindex") == "-1"
        # The fragment brought the summary into view, though the form is below the letter.
        assert summary.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight }"
        )
        email = page.locator("#id_email")
        assert email.get_attribute("aria-invalid") == "true"
        assert "id_email-error" in email.get_attribute("aria-describedby").split()
        assert page.locator("#id_email-error").inner_text().startswith("Enter your email address")
        summary.get_by_role("link", name=re.compile("^Email address")).click()
        assert page.url.endswith("#id_email")
    finally:
        context.close()


def test_a_failed_sign_form_moves_the_focus_to_its_summary(page, live_server, transactional_db, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    letter = PetitionFactory()
    _fail_the_sign_form(page, live_server.url, letter)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'errors'")
    assert page.locator("#errors").evaluate("el => getComputedStyle(el).outlineStyle") != "none"


def test_a_page_without_errors_has_a_plain_title_and_no_summary(page, live_server, transactional_db):
    letter = PetitionFactory(title="Plain title")
    page.goto(live_server.url + letter.get_absolute_url())
    assert not page.title().startswith("Error")
    assert page.locator("#errors").count() == 0
