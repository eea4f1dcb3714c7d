from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.coalition.models import Application, Decision, Endorsement, Organisation, domain_of
from tests.coalition.factories import (
    ApplicationFactory,
    ContactFactory,
    EndorsementFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)
from tests.coalition.helpers import organiser

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Example.ORG/about", "example.org"),
        ("http://edri.org", "edri.org"),
        ("https://sub.example.org.", "sub.example.org"),
        ("not a url", ""),
        ("https://[bad", ""),
    ],
)
def test_domain_of_takes_the_host_without_www(url, domain):
    assert domain_of(url) == domain


def test_organisation_domain_follows_its_website():
    organisation = OrganisationFactory(website="https://www.first.example.org")
    organisation.website = "https://second.example.net/x"
    organisation.save(update_fields=["website"])
    organisation.refresh_from_db()
    assert organisation.domain == "second.example.net"


def test_public_members_are_approved_only():
    approved = OrganisationFactory()
    for status in ["applied", "verified", "review", "declined", "suspended"]:
        PendingOrganisationFactory(status=status, joined_at=timezone.now() if status == "suspended" else None)
    assert list(Organisation.objects.public()) == [approved]


def test_database_refuses_a_member_without_joined_date():
    with pytest.raises(IntegrityError):
        OrganisationFactory(joined_at=None)


def test_database_refuses_two_members_with_the_same_name_in_any_case():
    OrganisationFactory(name="Liberty")
    with pytest.raises(IntegrityError):
        OrganisationFactory(name="LIBERTY")


def test_applications_may_share_a_members_name_so_organisers_see_the_duplicate():
    OrganisationFactory(name="Liberty")
    assert PendingOrganisationFactory(name="Liberty").pk


def test_database_refuses_a_departure_before_joining():
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError):
        Organisation.objects.filter(pk=organisation.pk).update(
            status="left", left_at=organisation.joined_at - timedelta(days=1)
        )


def test_database_refuses_an_application_without_authority():
    with pytest.raises(IntegrityError):
        ApplicationFactory(is_authorised=False)


def test_database_refuses_an_outcome_without_a_date():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError):
        Application.objects.filter(pk=application.pk).update(outcome="approved")


def test_database_refuses_a_decision_without_reason():
    with pytest.raises(IntegrityError):
        Decision.objects.create(organisation=OrganisationFactory(), action="approve", reason="", decided_by=organiser())


def test_database_allows_one_endorsement_per_organisation_and_letter():
    endorsement = EndorsementFactory()
    with pytest.raises(IntegrityError):
        EndorsementFactory(organisation=endorsement.organisation, petition=endorsement.petition)


def test_database_refuses_a_withdrawal_before_the_endorsement():
    endorsement = EndorsementFactory()
    with pytest.raises(IntegrityError):
        Endorsement.objects.filter(pk=endorsement.pk).update(withdrawn_at=endorsement.endorsed_at - timedelta(hours=1))


def test_database_refuses_the_same_contact_address_twice_for_one_organisation():
    contact = ContactFactory(email="a@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(organisation=contact.organisation, email="A@EXAMPLE.ORG")


def test_endorsement_at_launch_is_within_a_day_of_opening():
    endorsement = EndorsementFactory()
    opened = endorsement.petition.opens_at
    endorsement.endorsed_at = opened + timedelta(hours=20)
    assert endorsement.is_at_launch
    endorsement.endorsed_at = opened + timedelta(days=2)
    assert not endorsement.is_at_launch


def test_logo_url_is_empty_without_a_logo_and_versioned_with_one():
    organisation = OrganisationFactory()
    assert organisation.logo_url() == ""
    organisation.logo_hash = "abc123"
    assert organisation.logo_url("small").endswith(f"/{organisation.slug}/small/abc123.png")
