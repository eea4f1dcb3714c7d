"""The evidence library on a phone, in Chromium, without JavaScript: results first, the
filters folded under them; on a wide screen the filters unfolded beside them; at 320 px
nothing on the library's pages is wider than the screen."""

import pytest

from tests.articles.factories import (
    CountryFactory,
    DeploymentFactory,
    DocumentFactory,
    TopicFactory,
    event,
    link,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# Every element wider than the window that is not inside a box of its own that scrolls
# or clips it.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.right > width + 0.5; })
    .filter((el) => !clipped(el))
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def library(transactional_db):
    topic = TopicFactory(slug="policing", name="Policing")
    documents = [
        DocumentFactory(
            title=f"Police fingerprint scanners, report {n}",
            summary="Forces scanned **21,600** people in under 18 months.",
            topics=[topic],
            countries=[CountryFactory(code="GB")],
        )
        for n in range(3)
    ]
    deployment = DeploymentFactory(name="Mobile fingerprint scanning by police forces in England and Wales")
    link(documents[0], deployment)
    event(deployment, "live", documents[0].published_on, documents[0])
    return documents, deployment


def test_on_a_phone_the_results_come_first_and_the_filters_are_folded(live_server, browser, library):
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/evidence/")
    first_result = page.locator(".result").first.bounding_box()
    filters = page.locator("details#filters").bounding_box()
    assert first_result["y"] + first_result["height"] <= filters["y"]
    assert page.locator("details#filters").get_attribute("open") is None
    policing = page.get_by_label("Policing (3)")
    assert not policing.is_visible()

    page.get_by_role("link", name="Go to the filters").click()
    page.locator("details#filters > summary").click()
    policing.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**topic=policing**")
    assert page.locator("#results-heading").inner_text() == "3 documents"
    assert "(1 chosen)" in page.locator("details#filters > summary").inner_text()
    context.close()


def test_on_a_wide_screen_the_filters_are_unfolded_beside_the_results(live_server, browser, library):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/evidence/")
    assert page.get_by_label("Policing (3)").is_visible()
    assert not page.locator("details#filters > summary").is_visible()
    filters = page.locator("details#filters").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]
    assert abs(filters["y"] - results["y"]) < 5
    context.close()


def test_no_page_of_the_library_is_wider_than_a_320_px_phone(live_server, browser, library):
    documents, deployment = library
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    paths = [
        "/evidence/",
        "/evidence/?q=fingerprint",
        documents[0].get_absolute_url(),
        "/evidence/data/",
        "/evidence/deployments/",
        deployment.get_absolute_url(),
        "/evidence/wins/",
        documents[0].publisher.get_absolute_url(),
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert page.evaluate(TOO_WIDE) == [], path
    context.close()
