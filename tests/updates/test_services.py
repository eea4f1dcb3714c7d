"""Who gets an update, exactly once, at the configured rate; unsubscribing stops it."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.accounts.models import User
from campaign.core import outbox
from campaign.core.models import OutboxMessage
from campaign.petitions import services as petition_services
from campaign.petitions.models import Petition, Signature
from campaign.updates import services
from campaign.updates.models import Update, UpdateRecipient
from tests.factories import PetitionFactory, SignatureFactory
from tests.updates.helpers import draft, opted_in, sent_to_everyone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast(settings):
    # Every mail due at once unless a test slows it down.
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000


def update_rows(update):
    return OutboxMessage.objects.filter(kind=services.MAIL_UPDATE, object_id__in=update.recipients.values("pk"))


def addresses(mailoutbox) -> list[str]:
    return sorted(address for mail in mailoutbox for address in mail.to)


def test_an_update_goes_to_confirmed_signers_who_asked_for_it_and_to_no_one_else(mailoutbox):
    petition = PetitionFactory()
    wanted = opted_in(petition, 2)
    SignatureFactory(petition=petition, wants_updates=True)  # never confirmed
    opted_in(petition, 1, wants_updates=False)  # did not tick the box
    withdrawn, erased, struck, anonymised = opted_in(petition, 4)
    petition_services.signature_withdraw(signature=withdrawn)
    petition_services.signature_erase(signature=erased)
    petition_services.signature_invalidate(signature=struck)
    Signature.objects.filter(pk=anonymised.pk).update(
        anonymised_at=timezone.now(), email="", email_normalised=None, name=""
    )
    opted_in(PetitionFactory(), 1)  # another letter's supporter
    update = sent_to_everyone(draft(petition))
    assert update.recipients_queued == 2 and update.queued_at is not None
    assert services.update_audience(petition=petition).count() == 2
    outbox.outbox_drain()
    assert addresses(mailoutbox) == sorted(signature.email for signature in wanted)


def test_a_fan_out_run_again_after_a_kill_queues_no_one_twice_and_skips_no_one(monkeypatch, mailoutbox):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 3)
    petition = PetitionFactory()
    signers = opted_in(petition, 7)
    update = draft(petition)
    services.update_send(update=update, by=None)
    assert services.update_fan_out_batch(update_id=update.pk)  # 3 queued, then "killed"
    # Worst case: the cursor is lost as well (a restore, a hand edit); the unique pair
    # still keeps the three from a second row.
    Update.objects.filter(pk=update.pk).update(last_signature_id=0)
    services.update_fan_out(update_id=update.pk)
    assert UpdateRecipient.objects.filter(update=update).count() == 7
    assert update_rows(update).count() == 7
    outbox.outbox_drain()
    assert addresses(mailoutbox) == sorted(signature.email for signature in signers)


def test_a_send_stopped_halfway_resumes_with_the_rest_only(mailoutbox):
    petition = PetitionFactory()
    signers = opted_in(petition, 6)
    update = sent_to_everyone(draft(petition))
    for message in update_rows(update).order_by("pk")[:2]:
        assert outbox.outbox_send(message_id=message.pk)  # the worker then dies
    services.update_deliver()  # the next step, on another worker
    assert addresses(mailoutbox) == sorted(signature.email for signature in signers)
    update.refresh_from_db()
    assert update.state == Update.State.SENT and update.sent_at is not None


def test_mails_are_due_one_per_step_of_the_configured_rate(settings, mailoutbox):
    settings.UPDATE_MAILS_PER_SECOND = 10
    petition = PetitionFactory()
    opted_in(petition, 5)
    update = sent_to_everyone(draft(petition))
    due = list(update_rows(update).order_by("next_attempt_at").values_list("next_attempt_at", flat=True))
    gaps = {round((later - earlier).total_seconds(), 3) for earlier, later in itertools.pairwise(due)}
    assert gaps == {0.1}
    assert update.scheduled_until == due[0] + timedelta(seconds=0.5)
    outbox.outbox_drain()
    assert len(mailoutbox) == 1  # the others are not due yet
    assert not services.update_finish_if_done(update_id=update.pk)


def test_a_later_batch_is_paced_on_from_the_last_mail_queued(settings, monkeypatch):
    settings.UPDATE_MAILS_PER_SECOND = 2
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 2)
    petition = PetitionFactory()
    opted_in(petition, 4)
    update = sent_to_everyone(draft(petition))
    due = list(update_rows(update).order_by("next_attempt_at").values_list("next_attempt_at", flat=True))
    assert [round((moment - due[0]).total_seconds(), 3) for moment in due] == [0, 0.5, 1.0, 1.5]


def test_unsubscribing_while_an_update_is_sent_stops_the_mails_still_to_come(settings, mailoutbox):
    settings.UPDATE_MAILS_PER_SECOND = 1  # one mail a second: the others wait
    petition = PetitionFactory()
    first, second, third = opted_in(petition, 3)
    update = sent_to_everyone(draft(petition))
    outbox.outbox_drain()
    assert addresses(mailoutbox) == [first.email]
    recipient = UpdateRecipient.objects.get(update=update, signature=second)
    assert services.recipient_unsubscribe(recipient=recipient)
    assert not services.recipient_unsubscribe(recipient=recipient)
    update_rows(update).filter(status=OutboxMessage.Status.PENDING).update(next_attempt_at=timezone.now())
    outbox.outbox_drain()
    assert addresses(mailoutbox) == sorted([first.email, third.email])
    second.refresh_from_db()
    assert second.wants_updates is False
    counts = services.update_counts(update)
    assert (counts["sent"], counts["cancelled"], counts["unsubscribed"], counts["pending"]) == (2, 1, 1, 0)


def test_a_signer_who_withdraws_after_being_queued_is_not_mailed(settings, mailoutbox):
    settings.UPDATE_MAILS_PER_SECOND = 1
    petition = PetitionFactory()
    first, second = opted_in(petition, 2)
    update = sent_to_everyone(draft(petition))
    petition_services.signature_withdraw(signature=second)
    update_rows(update).update(next_attempt_at=timezone.now())
    outbox.outbox_drain()
    assert addresses(mailoutbox) == [first.email]
    assert services.update_counts(update)["cancelled"] == 1


def test_an_unsubscribed_signer_gets_no_later_update(mailoutbox):
    petition = PetitionFactory()
    (signer,) = opted_in(petition, 1)
    first = sent_to_everyone(draft(petition))
    outbox.outbox_drain()
    services.recipient_unsubscribe(recipient=first.recipients.get())
    second = sent_to_everyone(draft(petition))
    assert second.recipients_queued == 0
    services.update_deliver()
    second.refresh_from_db()
    assert second.state == Update.State.SENT
    assert addresses(mailoutbox) == [signer.email]  # the first update's mail only


def test_a_sent_update_can_neither_change_nor_be_sent_again():
    update = draft()
    services.update_send(update=update, by=None)
    with pytest.raises(services.UpdateNotDraft):
        services.update_edit(update=update, subject="Changed", body="Changed")
    with pytest.raises(services.UpdateNotDraft):
        services.update_send(update=update, by=None)
    update.refresh_from_db()
    assert update.subject != "Changed"


def test_deleting_a_signature_deletes_its_recipient_rows():
    petition = PetitionFactory()
    (signer,) = opted_in(petition, 1)
    sent_to_everyone(draft(petition))
    Signature.objects.filter(pk=signer.pk).delete()
    assert not UpdateRecipient.objects.exists()


def test_the_wish_is_read_again_when_the_mail_is_built(settings, mailoutbox):
    settings.UPDATE_MAILS_PER_SECOND = 1
    petition = PetitionFactory()
    first, second = opted_in(petition, 2)
    update = sent_to_everyone(draft(petition))
    Signature.objects.filter(pk=second.pk).update(wants_updates=False)  # say, by an organiser in the admin
    update_rows(update).update(next_attempt_at=timezone.now())
    outbox.outbox_drain()
    assert addresses(mailoutbox) == [first.email]
    assert services.update_counts(update)["cancelled"] == 1


def test_a_thank_you_written_ahead_goes_out_once_the_letter_closes_and_not_before(
    mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory(status=Petition.Status.OPEN)
    (signer,) = opted_in(petition, 1)
    author = User.objects.create_user(email="organiser@example.org", password="pw")
    thanks = services.update_create(petition=petition, subject="Thank you", body="We hand it in.", by=author)
    services.update_edit(update=thanks, subject="Thank you", body="We hand it in.", send_when_closed=True)
    plain_draft = draft(petition)

    services.update_deliver()
    thanks.refresh_from_db()
    assert thanks.state == Update.State.DRAFT and mailoutbox == []  # the letter is still open

    Petition.objects.filter(pk=petition.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.update_deliver()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_deliver()
    thanks.refresh_from_db()
    plain_draft.refresh_from_db()
    assert thanks.state == Update.State.SENT and thanks.sent_by == author
    assert plain_draft.state == Update.State.DRAFT  # only the one written for the closing
    assert addresses(mailoutbox) == [signer.email]
