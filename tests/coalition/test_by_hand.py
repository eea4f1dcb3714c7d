"""Members and endorsements that came by email, post, phone or in person."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaign.coalition.models import Decision, Endorsement, Organisation, Via
from campaign.petitions.models import Petition
from tests.coalition.factories import EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import organiser
from tests.factories import HOSTILE, PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = organiser()
    client.force_login(user)
    return user


def member_data(**overrides) -> dict:
    data = {
        "member-name": "Fundación Privacidad",
        "member-website": "fundacion.example.org",
        "member-country": "ES",
        "member-description": "Defends privacy in Spain.",
        "member-tier": "member",
        "member-via": "phone",
        "member-note": "Called on 3 December; their letter is in the shared drive.",
    }
    data.update(overrides)
    return data


def test_an_organiser_adds_a_member_that_asked_by_phone(client, boss):
    assert "Enter a member or an endorsement" in client.get(reverse("coalition:review")).content.decode()
    response = client.post(reverse("coalition:record-member"), member_data(), follow=True)
    assert "is a member now" in response.content.decode()
    organisation = Organisation.objects.get(name="Fundación Privacidad")
    assert organisation.status == Organisation.Status.APPROVED and organisation.joined_at
    assert organisation.website == "https://fundacion.example.org" and organisation.domain == "fundacion.example.org"
    decision = Decision.objects.get(organisation=organisation)
    assert decision.decided_by == boss
    assert "Joined by phone" in decision.reason and "shared drive" in decision.reason
    assert client.get(organisation.get_absolute_url()).status_code == 200


def test_a_member_by_hand_with_a_taken_name_or_bad_input_is_refused_with_what_was_typed(client, boss):
    OrganisationFactory(name="Fundación Privacidad")
    response = client.post(reverse("coalition:record-member"), member_data())
    assert response.status_code == 400
    assert "A member already has this name" in response.content.decode()
    response = client.post(reverse("coalition:record-member"), member_data(**{"member-website": "not a url"}))
    assert response.status_code == 400
    assert "Defends privacy in Spain." in response.content.decode()
    assert Organisation.objects.count() == 1


def test_an_organiser_records_an_endorsement_given_by_post(client, boss):
    member = OrganisationFactory()
    letter = PetitionFactory(status=Petition.Status.OPEN)
    data = {
        "endorsement-organisation": member.pk,
        "endorsement-petition": letter.pk,
        "endorsement-authorised_by": f"Dr Zoë Ńowak {HOSTILE}",
        "endorsement-via": "post",
    }
    response = client.post(reverse("coalition:record-endorsement"), data, follow=True)
    html = response.content.decode()
    assert "endorses" in html and "<script>alert" not in html
    endorsement = Endorsement.objects.get()
    assert (endorsement.organisation, endorsement.petition) == (member, letter)
    assert endorsement.received_via == Via.POST and endorsement.recorded_by == boss
    assert endorsement.authorised_user is None


def test_an_endorsement_by_hand_is_only_for_members_and_open_letters(client, boss):
    suspended = OrganisationFactory(status=Organisation.Status.SUSPENDED)
    draft = PetitionFactory(status=Petition.Status.DRAFT)
    data = {
        "endorsement-organisation": suspended.pk,
        "endorsement-petition": draft.pk,
        "endorsement-authorised_by": "Someone",
        "endorsement-via": "email",
    }
    response = client.post(reverse("coalition:record-endorsement"), data)
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_the_database_refuses_an_endorsement_by_hand_that_names_no_organiser():
    with pytest.raises(IntegrityError), transaction.atomic():
        EndorsementFactory(received_via=Via.PHONE, recorded_by=None)


def test_entering_by_hand_is_for_organisers_only(client):
    assert client.get(reverse("coalition:record")).status_code == 302  # to the login page
    assert client.post(reverse("coalition:record-member"), member_data()).status_code == 302
    assert not Organisation.objects.exists()
