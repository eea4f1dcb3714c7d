import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign.coalition.demo.members import MEMBERS, PENDING
from campaign.coalition.models import Endorsement, Organisation
from campaign.coalition.selectors import review_queue

pytestmark = pytest.mark.django_db


def test_load_demo_adds_members_endorsements_and_one_pending_application_idempotently(client):
    call_command("load_demo")
    counts = (Organisation.objects.public().count(), Endorsement.objects.count(), review_queue().count())
    call_command("load_demo")
    assert counts == (len(MEMBERS), len(MEMBERS), 1)
    assert (Organisation.objects.public().count(), Endorsement.objects.count(), review_queue().count()) == counts
    names = [row["name"] for row in client.get(reverse("api:organisation-list")).json()["results"]]
    assert "Access Now" in names and "Liberty" in names
    assert PENDING["name"] not in names
    letter = client.get(reverse("api:petition-list")).json()["results"][0]
    assert letter["organisations"] == len(MEMBERS)


def test_demo_letter_page_shows_launch_endorsers_and_later_joiners(client):
    call_command("load_demo")
    html = client.get(Endorsement.objects.first().petition.get_absolute_url()).content.decode()
    assert "endorsed at launch" in html
    assert "joined " in html
