import re

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse

from campaign.coalition import services
from campaign.coalition import urls as coalition_urls
from campaign.coalition.models import RESERVED_SLUGS, Application, Decision, Endorsement, Organisation
from campaign.core.models import OutboxMessage
from campaign.petitions.models import Petition
from tests.coalition.factories import ApplicationFactory, EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import organiser
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def details(**overrides) -> services.ApplicationDetails:
    values = {
        "name": "Riverside Privacy Group",
        "website": "https://riverside.example.org",
        "country": "GB",
        "description": "Local group.",
        "applicant_name": "Sam Rivers",
        "applicant_role": "Coordinator",
        "email": "sam@riverside.example.org",
        "why": "A ban.",
        "principles_version": "v1",
    }
    values.update(overrides)
    return services.ApplicationDetails(**values)


def test_application_submit_records_everything_unpublished_and_mails(django_capture_on_commit_callbacks, mailoutbox):
    letter = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(details=details(letter_ids=[letter.pk]), client_ip="10.0.0.1")
    organisation = application.organisation
    assert organisation.status == Organisation.Status.APPLIED
    assert not Organisation.objects.public().exists()
    assert list(application.letters.all()) == [letter]
    assert application.ip_hash and "10.0.0.1" not in application.ip_hash
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@riverside.example.org"]
    assert "/coalition/join/confirm/" in mailoutbox[0].body


def test_application_submit_gives_clashing_names_their_own_slugs():
    first = services.application_submit(details=details())
    second = services.application_submit(details=details())
    assert first.organisation.slug != second.organisation.slug


def test_an_organisation_named_like_a_directory_address_gets_a_slug_of_its_own():
    for name in RESERVED_SLUGS:
        slug = services.application_submit(details=details(name=name.title())).organisation.slug
        assert slug not in RESERVED_SLUGS
        assert resolve(reverse("coalition:organisation", kwargs={"slug": slug})).url_name == "organisation"


def test_the_database_refuses_a_reserved_slug():
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(slug="review")


def test_every_address_of_the_directory_is_reserved():
    """A first path segment of the directory's own (join/, review/, …) must never be an
    organisation's slug, or that organisation's page could not be reached."""
    segments = {str(pattern.pattern).split("/")[0] for pattern in coalition_urls.urlpatterns}
    assert segments - {"", "<slug:slug>"} == set(RESERVED_SLUGS)


def test_application_submit_ignores_letters_that_are_not_open():
    draft = PetitionFactory(status=Petition.Status.DRAFT)
    application = services.application_submit(details=details(letter_ids=[draft.pk]))
    assert not application.letters.exists()


def test_confirm_moves_application_into_review_once():
    application = services.application_submit(details=details())
    assert services.application_confirm_email(application=application) is True
    assert services.application_confirm_email(application=application) is False
    application.organisation.refresh_from_db()
    application.contact.refresh_from_db()
    assert application.organisation.status == Organisation.Status.EMAIL_VERIFIED
    assert application.contact.verified_at is not None
    assert not Organisation.objects.public().exists()


def test_confirm_token_round_trips_and_rejects_tampering():
    application = services.application_submit(details=details())
    token = services.confirm_token(application)
    assert services.application_from_token(token) == application
    with pytest.raises(services.InvalidToken):
        services.application_from_token(token[:-2] + "xx")
    with pytest.raises(services.InvalidToken):
        services.application_from_token(signing.dumps({"a": application.pk}, salt=services.INVITE_SALT))


def test_confirm_token_expires(settings, monkeypatch):
    application = services.application_submit(details=details())
    token = services.confirm_token(application)
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + services.CONFIRM_MAX_AGE.total_seconds() + 5)
    with pytest.raises(services.InvalidToken):
        services.application_from_token(token)


def test_approve_publishes_records_endorses_invites(django_capture_on_commit_callbacks, mailoutbox):
    letter = PetitionFactory()
    application = ApplicationFactory()
    application.letters.set([letter])
    by = organiser()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.application_approve(application=application, by=by, reason="Known group", tier="member")
    organisation = Organisation.objects.get(pk=application.organisation_id)
    assert organisation.status == Organisation.Status.APPROVED
    assert organisation.tier == "member"
    assert organisation.joined_at is not None
    assert (decision.action, decision.decided_by, decision.reason) == ("approve", by, "Known group")
    endorsement = Endorsement.objects.get(organisation=organisation, petition=letter)
    assert endorsement.petition_version == letter.version
    assert endorsement.authorised_by == application.contact.name
    assert len(mailoutbox) == 1
    assert re.search(r"/coalition/invitation/[^/\s]+/", mailoutbox[0].body)


def test_decline_records_reason_and_tells_the_applicant(django_capture_on_commit_callbacks, mailoutbox):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decline(application=application, by=organiser(), reason="Sells <b>cameras</b>")
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.DECLINED
    assert application.outcome == Application.Outcome.DECLINED
    assert "Sells <b>cameras</b>" in mailoutbox[0].body
    assert "Sells &lt;b&gt;cameras&lt;/b&gt;" in mailoutbox[0].alternatives[0][0]
    assert "invitation" not in mailoutbox[0].body


def test_second_decision_is_refused_and_changes_nothing():
    application = ApplicationFactory()
    by = organiser()
    services.application_decline(application=application, by=by, reason="No")
    with pytest.raises(services.AlreadyDecided):
        services.application_approve(application=application, by=by, reason="Yes after all")
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.DECLINED
    assert Decision.objects.count() == 1


def test_unconfirmed_application_cannot_be_approved():
    application = ApplicationFactory(confirmed_at=None, organisation__status=Organisation.Status.APPLIED)
    with pytest.raises(services.AlreadyDecided):
        services.application_approve(application=application, by=organiser(), reason="Eager")
    assert not OutboxMessage.objects.exists()


def test_suspend_takes_a_member_out_of_public_view_and_is_logged():
    organisation = OrganisationFactory()
    by = organiser()
    services.organisation_suspend(organisation=organisation, by=by, reason="Abuse")
    assert not Organisation.objects.public().exists()
    services.organisation_reinstate(organisation=organisation, by=by, reason="Resolved")
    assert Organisation.objects.public().get() == organisation
    assert list(Decision.objects.values_list("action", flat=True)) == ["reinstate", "suspend"]


def test_suspending_a_non_member_is_refused():
    application = ApplicationFactory()
    with pytest.raises(services.NotAMember):
        services.organisation_suspend(organisation=application.organisation, by=organiser(), reason="x")


def _approved_contact():
    application = ApplicationFactory()
    services.application_approve(application=application, by=organiser(), reason="ok")
    contact = application.contact
    contact.refresh_from_db()
    return contact


def test_invitation_creates_a_verified_representative_once():
    contact = _approved_contact()
    token = services.invitation_token(contact)
    assert services.contact_from_invitation(token) == contact
    user = services.invitation_accept(contact=contact, password="a long enough passphrase 42")
    assert user.email == contact.email
    assert user.groups.filter(name="representative").exists()
    assert user.emailaddress_set.get().verified
    with pytest.raises(services.InvalidToken):
        services.contact_from_invitation(token)
    with pytest.raises(services.InvalidToken):
        services.invitation_accept(contact=contact, password="another long passphrase 43")


def test_invitation_is_void_once_the_member_is_suspended():
    contact = _approved_contact()
    token = services.invitation_token(contact)
    services.organisation_suspend(organisation=contact.organisation, by=organiser("o2@example.org"), reason="x")
    with pytest.raises(services.InvalidToken):
        services.contact_from_invitation(token)


def test_endorsement_withdraw_is_dated_and_renewable():
    endorsement = EndorsementFactory()
    assert services.endorsement_withdraw(endorsement=endorsement) is True
    assert services.endorsement_withdraw(endorsement=endorsement) is False
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None
    renewed = services.endorsement_create(
        organisation=endorsement.organisation, petition=endorsement.petition, authorised_by="Rep"
    )
    assert renewed.pk == endorsement.pk
    assert renewed.withdrawn_at is None


def test_only_members_endorse_and_only_open_letters():
    pending = ApplicationFactory().organisation
    with pytest.raises(services.NotAMember):
        services.endorsement_create(organisation=pending, petition=PetitionFactory(), authorised_by="x")
    closed = PetitionFactory(status=Petition.Status.CLOSED)
    with pytest.raises(services.PetitionNotOpen):
        services.endorsement_create(organisation=OrganisationFactory(), petition=closed, authorised_by="x")


def test_approval_skips_letters_closed_since_the_application():
    open_letter, closed_letter = PetitionFactory(), PetitionFactory()
    application = ApplicationFactory()
    application.letters.set([open_letter, closed_letter])
    Petition.objects.filter(pk=closed_letter.pk).update(status=Petition.Status.CLOSED)
    services.application_approve(application=application, by=organiser(), reason="ok")
    assert list(Endorsement.objects.values_list("petition", flat=True)) == [open_letter.pk]


def test_mail_subjects_are_plain_text_not_html(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(details=details(name='Rights & "Watch" <Group>'))
    assert mailoutbox[0].subject == 'Please confirm your address: application of Rights & "Watch" <Group>'


def test_purge_deletes_unconfirmed_applications_after_their_link_expired():
    from datetime import timedelta

    from django.utils import timezone

    stale = services.application_submit(details=details(name="Stale Group"))
    services.application_submit(details=details(name="Fresh Group"))
    confirmed = services.application_submit(details=details(name="Confirmed Group"))
    services.application_confirm_email(application=confirmed)
    long_ago = timezone.now() - services.CONFIRM_MAX_AGE - timedelta(hours=1)
    Organisation.objects.filter(pk__in=[stale.organisation_id, confirmed.organisation_id]).update(created_at=long_ago)
    assert services.applications_purge() == 1
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Fresh Group", "Confirmed Group"}
    assert not OutboxMessage.objects.filter(object_id=stale.pk, kind=services.MAIL_CONFIRM).exists()
