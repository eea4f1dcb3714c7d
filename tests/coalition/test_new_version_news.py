"""Members who endorsed a letter are told when its text changes."""

import pytest
from django.utils import timezone

from campaign.coalition.models import Organisation
from campaign.petitions import services as petition_services
from campaign.petitions.models import Petition
from tests.coalition.factories import ContactFactory, EndorsementFactory, OrganisationFactory
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def reword(petition, body: str) -> None:
    petition.body = body
    petition.save()
    petition_services.petition_publish_changes(petition=petition)


@pytest.fixture
def letter():
    petition = PetitionFactory(status=Petition.Status.OPEN)
    petition_services.petition_publish_changes(petition=petition)  # version 1 recorded
    return petition


def test_a_new_version_mails_each_member_still_endorsing_an_earlier_one(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    told = OrganisationFactory()
    ContactFactory(organisation=told, email="speaker@told.example.org")
    now = timezone.now()
    withdrawn = EndorsementFactory(petition=letter, endorsed_at=now, withdrawn_at=now).organisation
    ContactFactory(organisation=withdrawn)
    suspended = OrganisationFactory(status=Organisation.Status.SUSPENDED)
    ContactFactory(organisation=suspended)
    EndorsementFactory(petition=letter, organisation=told)
    EndorsementFactory(petition=letter, organisation=suspended)

    with django_capture_on_commit_callbacks(execute=True):
        reword(letter, "A stronger text.")

    letter.refresh_from_db()
    assert letter.version == 2
    (mail,) = mailoutbox
    assert mail.to == ["speaker@told.example.org"]
    assert "now at version 2" in mail.body and "endorsed version 1" in mail.body
    assert letter.get_absolute_url() in mail.body
    assert f"/coalition/manage/{told.slug}/endorsements/" in mail.body
    assert "<script>" not in mail.alternatives[0][0]  # the organisation's hostile name, escaped


def test_saving_the_same_text_or_a_draft_tells_no_one(mailoutbox, django_capture_on_commit_callbacks):
    open_letter = PetitionFactory(status=Petition.Status.OPEN)
    draft = PetitionFactory(status=Petition.Status.DRAFT)
    for petition in (open_letter, draft):
        petition_services.petition_publish_changes(petition=petition)
        ContactFactory(organisation=EndorsementFactory(petition=petition).organisation)
    with django_capture_on_commit_callbacks(execute=True):
        petition_services.petition_publish_changes(petition=open_letter)  # nothing changed
        reword(draft, "Still drafting.")
    assert mailoutbox == []


def test_a_member_that_endorsed_the_new_version_already_is_not_told(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    reword(letter, "Version two.")
    letter.refresh_from_db()
    ContactFactory(organisation=EndorsementFactory(petition=letter, petition_version=2).organisation)
    with django_capture_on_commit_callbacks(execute=True):
        petition_services.petition_publish_changes(petition=letter)
    assert mailoutbox == []
