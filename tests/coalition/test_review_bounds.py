"""The review queue's work is bounded: spam and declined organisations are not compared,
the page shows a bounded number of applications, and reads the organisations once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.coalition import selectors
from tests.coalition.factories import (
    ApplicationFactory,
    ContactFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from tests.coalition.helpers import organiser

pytestmark = pytest.mark.django_db


def application_named(name: str, website: str):
    org = PendingOrganisationFactory(name=name, short_name="", website=website)
    return ApplicationFactory(organisation=org, contact=ContactFactory(organisation=org, email=f"x@{org.domain}"))


def test_review_signals_do_not_compare_with_unconfirmed_or_declined_organisations():
    spam = PendingOrganisationFactory(name="Privacy International", status="applied", website="https://s.example.org")
    PendingOrganisationFactory(name="Privacy International", status="declined", website="https://d.example.org")
    member = OrganisationFactory(name="Privacy International", website="https://pi.example.org")
    signals = selectors.review_signals(application_named("Privacy Internationall", "https://new.example.org"))
    assert [duplicate.organisation for duplicate in signals.duplicates] == [member]
    assert spam not in [known.organisation for known in selectors.known_organisations()]


def test_known_organisations_are_capped_newest_first():
    members = [OrganisationFactory() for _ in range(4)]
    assert [known.organisation for known in selectors.known_organisations(limit=2)] == members[:1:-1]


def test_review_rows_show_at_most_the_limit_oldest_first():
    applications = [application_named(f"Group {n}", f"https://g{n}.example.org") for n in range(4)]
    rows = selectors.review_rows(limit=3)
    assert [application for application, _signals in rows] == applications[:3]


def test_review_queue_page_reads_the_organisations_once_however_many_wait(client):
    client.force_login(organiser())
    OrganisationFactory(name="Big Brother Watch", website="https://bbw.example.org")
    application_named("Big Brother Watch UK", "https://bbw-uk.example.org")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("coalition:review"))
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        application_named(f"Watchers {n}", f"https://w{n}.example.org")
    assert queries() == few
