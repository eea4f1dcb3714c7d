"""Organisers hear of a letter passing each power of ten and its goal, once each, and
of an application waiting for review: through the outbox, after commit."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from campaign.accounts.roles import ORGANISER
from campaign.coalition import services as coalition_services
from campaign.core import outbox
from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Milestone
from tests.coalition.factories import ApplicationFactory
from tests.coalition.helpers import organiser
from tests.factories import PetitionFactory
from tests.petitions.test_concurrency import pending_signatures, run_at_once


def milestone_mails():
    return OutboxMessage.objects.filter(kind=services.MAIL_MILESTONE)


def send_all(kind: str) -> None:
    for message in OutboxMessage.objects.filter(kind=kind, status=OutboxMessage.Status.PENDING):
        outbox.outbox_send(message_id=message.pk)


@pytest.mark.django_db
def test_milestone_thresholds_are_the_powers_of_ten_reached():
    assert services.milestone_thresholds(9) == []
    assert services.milestone_thresholds(10) == [10]
    assert services.milestone_thresholds(12_345) == [10, 100, 1000, 10_000]


@pytest.mark.django_db
def test_crossing_ten_a_hundred_and_the_goal_mails_the_organisers_once_each(mailoutbox):
    boss, other = organiser(), organiser("second@example.org")
    petition = PetitionFactory(goal=150)
    signatures = pending_signatures(petition, 160, "GB")
    for signature in signatures:
        services.signature_confirm(signature=signature)
        services.signature_confirm(signature=signature)  # a second click changes nothing
    assert list(Milestone.objects.filter(petition=petition).values_list("threshold", "is_goal")) == [
        (10, False),
        (100, False),
        (150, True),
    ]
    assert milestone_mails().count() == 3
    send_all(services.MAIL_MILESTONE)
    assert len(mailoutbox) == 3
    subjects = [mail.subject for mail in mailoutbox]
    assert any("Goal reached" in subject and "150" in subject for subject in subjects)
    for mail in mailoutbox:
        assert mail.to == [] and sorted(mail.bcc) == sorted([boss.email, other.email])
        assert f"/organise/letters/{petition.slug}/" in mail.body
        assert "<script>" not in mail.alternatives[0][0]


@pytest.mark.django_db
def test_a_goal_that_is_a_power_of_ten_is_one_milestone():
    petition = PetitionFactory(goal=10)
    for signature in pending_signatures(petition, 10, "FR"):
        services.signature_confirm(signature=signature)
    assert list(Milestone.objects.values_list("threshold", "is_goal")) == [(10, True)]
    assert milestone_mails().count() == 1


@pytest.mark.django_db
def test_a_milestone_with_no_organiser_to_tell_is_cancelled(mailoutbox):
    Group.objects.get(name=ORGANISER).user_set.clear()
    petition = PetitionFactory(goal=5)
    for signature in pending_signatures(petition, 5, "FR"):
        services.signature_confirm(signature=signature)
    send_all(services.MAIL_MILESTONE)
    assert mailoutbox == []
    assert milestone_mails().get().status == OutboxMessage.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_crossing_a_line_record_and_mail_it_once():
    petition = PetitionFactory(goal=1000)
    signatures = pending_signatures(petition, 16, "GB")
    for signature in signatures[:6]:
        services.signature_confirm(signature=signature)
    # Ten people confirm at the same moment, taking the count from 6 to 16 across 10.
    run_at_once(10, lambda n: services.signature_confirm(signature=signatures[6 + n]))
    assert list(Milestone.objects.filter(petition=petition).values_list("threshold", flat=True)) == [10]
    assert milestone_mails().count() == 1


@pytest.mark.django_db
def test_a_milestone_mail_is_queued_only_when_the_confirmation_commits(django_capture_on_commit_callbacks):
    petition = PetitionFactory(goal=1)
    (signature,) = pending_signatures(petition, 1, "GB")
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.signature_confirm(signature=signature)
        raise RuntimeError("the request failed after confirming")
    assert not Milestone.objects.exists() and callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        services.signature_confirm(signature=signature)
    assert milestone_mails().count() == 1
    assert len(callbacks) == 2  # the count's cache, and the milestone's mail handed to a worker


@pytest.mark.django_db
def test_an_application_waiting_for_review_mails_the_organisers_once(mailoutbox):
    boss = organiser()
    application = ApplicationFactory(confirmed_at=None)
    assert coalition_services.application_confirm_email(application=application)
    assert not coalition_services.application_confirm_email(application=application)
    arrived = OutboxMessage.objects.filter(kind=coalition_services.MAIL_ARRIVED)
    assert arrived.count() == 1
    send_all(coalition_services.MAIL_ARRIVED)
    (mail,) = mailoutbox
    assert mail.bcc == [boss.email]
    assert f"/coalition/review/{application.pk}/" in mail.body
    assert application.contact.email not in mail.body  # the applicant's details stay behind the login
    assert "<script>" not in mail.alternatives[0][0]
