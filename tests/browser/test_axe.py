"""Axe (axe-core, pinned in tests/browser/package-lock.json) over every public page, the
organisers' pages and allauth's pages, at a desktop and a phone width: no violation of
serious or critical impact. The same pages at 320 px do not scroll sideways.

To check a new page, add a `Page` to PAGES: its id names the test, `path` takes the
`Site` (the objects loaded once for the module) and returns the address to open.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit
from wsgiref.simple_server import make_server

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.utils import timezone

from campaign.articles.models import Deployment, Document, Entity, Publisher
from campaign.coalition.models import Organisation
from campaign.petitions import services as petition_services
from campaign.petitions.demo import letter as demo_letter
from campaign.petitions.models import Petition, Source
from campaign.privacy import services as privacy_services
from campaign.updates.models import Update
from tests.browser.conftest import AXE_SUMMARY
from tests.coalition.helpers import organiser, totp_code
from tests.conftest import clear_database_cache
from tests.factories import PetitionFactory, SignatureFactory

# The tests themselves only read: a plain django_db mark gets the test database set up,
# while the data loaded once for the module (see `site`) stays committed for the server.
pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db]

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {1280: 800, 390: 844}
BLOCKING = ("critical", "serious")
PASSWORD = "a long enough passphrase 42"  # tests.coalition.helpers.make_user's


@dataclass
class Site:
    """What the pages are about, loaded once for the module."""

    letter: Petition
    closed_letter: Petition
    confirm_token: str
    withdraw_token: str
    withdrawn_token: str
    data_token: str
    document: Document
    deployment: Deployment
    publisher: Publisher
    entity: Entity
    member: Organisation
    partner: Source
    update: Update
    organiser_secret: str


@dataclass(frozen=True)
class Page:
    id: str
    path: Callable[[Site], str]
    # "public": a visitor; "organiser": logged in with password and code; "half": the
    # password given, the authenticator code still asked for.
    who: str = "public"
    status: int = 200
    # Submits the page's form empty, to check the page as it comes back with errors.
    fail_with: str | None = None


PAGES = [
    # Letters and signing.
    Page("home", lambda s: "/"),
    Page("letters", lambda s: "/letters/"),
    Page("letter", lambda s: s.letter.get_absolute_url()),
    Page("letter-sign-errors", lambda s: s.letter.get_absolute_url(), fail_with="Sign the letter"),
    Page("check-your-inbox", lambda s: f"/letters/{s.letter.slug}/check-your-inbox/"),
    Page("confirm", lambda s: f"/letters/{s.letter.slug}/confirm/{s.confirm_token}/"),
    Page("confirm-bad-link", lambda s: f"/letters/{s.letter.slug}/confirm/not-a-token/", status=400),
    Page("withdraw", lambda s: f"/letters/{s.letter.slug}/withdraw/{s.withdraw_token}/"),
    Page("withdrawn", lambda s: f"/letters/{s.letter.slug}/withdraw/{s.withdrawn_token}/"),
    Page("resend", lambda s: f"/letters/{s.letter.slug}/resend/"),
    Page("resend-errors", lambda s: f"/letters/{s.letter.slug}/resend/", fail_with="Send me my links again"),
    Page("closed-letter", lambda s: s.closed_letter.get_absolute_url()),
    Page("partner-totals", lambda s: s.partner.get_partner_url()),
    Page("letter-embed", lambda s: f"/letters/{s.letter.slug}/embed/"),
    Page("letter-embed-errors", lambda s: f"/letters/{s.letter.slug}/embed/", fail_with="Sign the letter"),
    Page(
        "share-mastodon-errors", lambda s: f"/share/mastodon/?letter={s.letter.slug}&instance=not+a+server", status=400
    ),
    # The same pages in another language: the switcher, the translated letter, longer words.
    Page("letter-in-french", lambda s: f"/fr{s.letter.get_absolute_url()}"),
    Page("letter-in-german-errors", lambda s: f"/de{s.letter.get_absolute_url()}", fail_with="Brief unterschreiben"),
    Page("evidence-in-portuguese", lambda s: "/pt-br/evidence/"),
    Page("coalition-join-in-spanish", lambda s: "/es/coalition/join/"),
    # Privacy.
    Page("privacy", lambda s: "/privacy/"),
    Page("my-data-request", lambda s: "/privacy/my-data/"),
    Page("my-data-request-errors", lambda s: "/privacy/my-data/", fail_with="Email me the link"),
    Page("my-data-sent", lambda s: "/privacy/my-data/sent/"),
    Page("my-data", lambda s: f"/privacy/my-data/{s.data_token}/"),
    Page("my-data-erase", lambda s: f"/privacy/my-data/{s.data_token}/erase/"),
    # Evidence library.
    Page("evidence", lambda s: "/evidence/"),
    Page("evidence-search", lambda s: "/evidence/?q=police"),
    Page("evidence-document", lambda s: s.document.get_absolute_url()),
    Page("evidence-deployments", lambda s: "/evidence/deployments/"),
    Page("evidence-deployment", lambda s: s.deployment.get_absolute_url()),
    Page("evidence-publisher", lambda s: s.publisher.get_absolute_url()),
    Page("evidence-entity", lambda s: s.entity.get_absolute_url()),
    Page("evidence-wins", lambda s: "/evidence/wins/"),
    Page("evidence-data-dictionary", lambda s: "/evidence/data/"),
    # Coalition.
    Page("coalition", lambda s: "/coalition/"),
    Page("coalition-member", lambda s: s.member.get_absolute_url()),
    Page("coalition-join", lambda s: "/coalition/join/"),
    Page("coalition-join-errors", lambda s: "/coalition/join/", fail_with="Send the application"),
    Page("coalition-join-thanks", lambda s: "/coalition/join/check-your-inbox/"),
    Page("not-found", lambda s: "/no-such-page/", status=404),
    # allauth.
    Page("login", lambda s: "/accounts/login/"),
    Page("login-errors", lambda s: "/accounts/login/", fail_with="Log in"),
    Page("mfa-code", lambda s: "/accounts/2fa/authenticate/", who="half"),
    Page("password-reset", lambda s: "/accounts/password/reset/"),
    Page("logout-confirm", lambda s: "/accounts/logout/", who="organiser"),
    Page("reauthenticate", lambda s: "/accounts/reauthenticate/", who="organiser"),
    # Organisers.
    Page("organise", lambda s: "/organise/", who="organiser"),
    Page("organise-letter", lambda s: f"/organise/letters/{s.letter.slug}/", who="organiser"),
    Page("updates", lambda s: f"/organise/letters/{s.letter.slug}/updates/", who="organiser"),
    Page("update-compose", lambda s: f"/organise/letters/{s.letter.slug}/updates/new/", who="organiser"),
    Page(
        "update-compose-errors",
        lambda s: f"/organise/letters/{s.letter.slug}/updates/new/",
        who="organiser",
        fail_with="Save the draft",
    ),
    Page("update-preview", lambda s: f"/organise/letters/{s.letter.slug}/updates/{s.update.pk}/", who="organiser"),
    Page("review-queue", lambda s: "/coalition/review/", who="organiser"),
    Page("admin", lambda s: "/admin/", who="organiser"),
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The demo campaign plus what the pages behind links need, committed once for all the
    pages (a page per test would load it 90 times); flushed afterwards, as
    transactional_db would."""
    with django_db_blocker.unblock():
        try:
            yield _load_site()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            # The flush also takes the row a migration seeds (petitions 0004), which the
            # tests after this module, in their own transactions, expect to find.
            Source.objects.get_or_create(code=Source.OTHER, defaults={"name": "Other links", "kind": "channel"})
    clear_database_cache(django_db_blocker)


def _load_site() -> Site:
    call_command("load_demo", stdout=StringIO())
    letter = Petition.objects.get(slug=demo_letter.SLUG)
    closed = PetitionFactory(
        title="A closed letter", slug="closed-letter", status=Petition.Status.CLOSED, closes_at=timezone.now()
    )
    pending = SignatureFactory(petition=letter, email="pending@example.org", name="Pending Signer")
    signed = SignatureFactory(petition=letter, email="signed@example.org", name="Signed", confirmed_at=timezone.now())
    gone = SignatureFactory(petition=letter, email="gone@example.org", name="Gone", confirmed_at=timezone.now())
    petition_services.signature_withdraw(signature=gone)
    boss = organiser()
    return Site(
        letter=letter,
        closed_letter=closed,
        confirm_token=petition_services.confirm_token(pending),
        withdraw_token=petition_services.withdraw_token(signed),
        withdrawn_token=petition_services.withdraw_token(gone),
        data_token=privacy_services.access_token(signature=signed),
        document=Document.objects.published().first(),
        deployment=Deployment.objects.documented().first(),
        publisher=Publisher.objects.first(),
        entity=Entity.objects.first(),
        member=Organisation.objects.public().first(),
        partner=Source.objects.create(code="partner-axe", name="Partner & <Co>"),
        update=Update.objects.create(petition=letter, subject="News", body="We handed it in.", created_by=boss),
        organiser_secret=boss.totp_secret,
    )


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    """The site on a loopback port for the whole module. Not pytest-django's live_server:
    a test that uses it gets transactional_db, which empties the database after every
    test, and the data here is loaded once for all of them."""
    httpd = make_server(
        "127.0.0.1",
        0,
        StaticFilesHandler(get_wsgi_application()),
        server_class=ThreadedWSGIServer,
        handler_class=WSGIRequestHandler,
    )
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS} is missing: install axe-core with `npm ci --prefix tests/browser` "
            "(`make test` does it when npm is installed; Debian: apt-get install npm)",
            pytrace=False,
        )
    return str(AXE_JS)


def _log_in(page, base: str, *, secret: str | None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("organiser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").wait_for()
    if secret:
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)


@pytest.fixture(scope="module")
def tabs(browser, server, site) -> Iterator[dict]:
    """One tab per kind of visitor, reused by every page; the site's CSP would refuse
    the injected axe script, so the contexts bypass it."""
    contexts = {}
    tabs = {}
    for who in ("public", "organiser", "half"):
        contexts[who] = browser.new_context(bypass_csp=True)
        tabs[who] = contexts[who].new_page()
    _log_in(tabs["organiser"], server, secret=site.organiser_secret)
    _log_in(tabs["half"], server, secret=None)
    yield tabs
    for context in contexts.values():
        context.close()


@pytest.fixture
def summary(request) -> list[str]:
    return request.config.stash[AXE_SUMMARY]


@pytest.mark.parametrize("width", list(WIDTHS), ids=lambda width: f"{width}px")
@pytest.mark.parametrize("page_", PAGES, ids=lambda page_: page_.id)
def test_page_has_no_serious_axe_violation(page_, width, tabs, site, server, axe_source, summary):
    tab = tabs[page_.who]
    tab.set_viewport_size({"width": width, "height": WIDTHS[width]})
    path = page_.path(site)
    response = tab.goto(server + path)
    assert response.status == page_.status, f"{path} answered {response.status}"
    # A page behind a login must not be checked as the login page it redirected to.
    assert urlsplit(tab.url).path == urlsplit(server + path).path, f"{path} led to {tab.url}"
    if page_.fail_with:
        tab.get_by_role("button", name=page_.fail_with).click()
        tab.locator(".error-summary").wait_for()
    violations = _axe_violations(tab, axe_source)
    counts = Counter(violation["impact"] for violation in violations)
    line = f"{path:<70} {width:>4}px " + " ".join(
        f"{impact}={counts.get(impact, 0)}" for impact in ("critical", "serious", "moderate", "minor")
    )
    print(line)
    summary.append(f"{page_.id:<26} {line}")
    blocking = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in violations
        if violation["impact"] in BLOCKING
    ]
    assert blocking == [], json.dumps(blocking, indent=1)


@pytest.mark.parametrize("page_", PAGES, ids=lambda page_: page_.id)
def test_page_does_not_scroll_sideways_at_320px(page_, tabs, site, server):
    """The narrowest phone in use: wide content (a table, a long address) scrolls inside
    its own box, never the page."""
    tab = tabs[page_.who]
    tab.set_viewport_size({"width": 320, "height": 640})
    tab.goto(server + page_.path(site))
    if page_.fail_with:
        tab.get_by_role("button", name=page_.fail_with).click()
        tab.locator(".error-summary").wait_for()
    overflow = tab.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return null;
          const wide = [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 1);
          return wide.slice(-3).map(el => el.outerHTML.slice(0, 120));
        }"""
    )
    assert overflow is None, overflow


def _axe_violations(tab, axe_source: str) -> list[dict]:
    tab.add_script_tag(path=axe_source)
    return tab.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def test_the_harness_sees_a_serious_violation(browser, axe_source):
    """Guards the harness itself: an unnamed button and an image without text are found."""
    context = browser.new_context(bypass_csp=True)
    try:
        tab = context.new_page()
        tab.set_content(
            '<!doctype html><html lang="en"><title>t</title><main><button></button><img src="x.png"></main>'
        )
        found = {violation["id"]: violation["impact"] for violation in _axe_violations(tab, axe_source)}
    finally:
        context.close()
    assert found["button-name"] == "critical"
    assert found["image-alt"] == "critical"
