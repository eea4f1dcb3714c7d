"""Two applicants racing for one slug: the loser takes another without an error in the
database server, whose log would otherwise keep the organisation's row."""

import secrets
import threading

import pytest
from django.db import connection, transaction
from django.utils.text import slugify

from campaign.coalition import services
from campaign.coalition.models import Organisation
from tests.coalition.factories import PendingOrganisationFactory
from tests.core.server_log import watch_server_log


@pytest.mark.django_db(transaction=True)
def test_application_racing_for_a_slug_leaves_no_trace_in_the_server_log():
    token = secrets.token_hex(6)
    name, email = f"Racing Group {token}", f"sam.{token}@racing.example.org"
    inserted, release = threading.Event(), threading.Event()

    def other_applicant():
        # Holds the slug, not yet committed: the slug check cannot see it, the INSERT waits.
        try:
            with transaction.atomic():
                PendingOrganisationFactory(name="Another group", slug=slugify(name))
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=other_applicant)
    other.start()
    try:
        assert inserted.wait(10)
        threading.Timer(0.5, release.set).start()
        details = services.ApplicationDetails(
            name=name, website=f"https://racing-{token}.example.org", country="GB", description="Local group.",
            applicant_name=f"Sam {token}", applicant_role="Coordinator", email=email, why="A ban.",
            principles_version="v1",
        )  # fmt: skip
        with watch_server_log() as log:
            application = services.application_submit(details=details)
    finally:
        release.set()
        other.join(10)
    assert application.organisation.slug == f"{slugify(name)}-2"
    assert Organisation.objects.filter(slug__startswith=slugify(name)).count() == 2
    assert token not in log.text.lower()  # neither the name, the website nor the applicant
