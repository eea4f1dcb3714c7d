from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from campaign.core import mail, outbox
from campaign.core.models import OutboxMessage
from campaign.core.tasks import outbox_drain_task
from campaign.petitions import services as petition_services
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    return smtp


def pending_signature(email="amara@example.org"):
    details = petition_services.SignatureDetails(name="Amara", email=email, country="GB")
    return petition_services.signature_create(petition=PetitionFactory(), details=details)


def message_for(signature):
    return OutboxMessage.objects.get(object_id=signature.pk)


def test_outbox_send_delivers_once_over_smtp(smtp_settings):
    signature = pending_signature()
    message = message_for(signature)
    assert outbox.outbox_send(message_id=message.pk)
    assert not outbox.outbox_send(message_id=message.pk)
    mails = smtp_settings.wait_for("amara@example.org")
    assert len(mails) == 1
    assert "confirm" in mails[0]["Subject"].lower()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.sent_at and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_committed_signature_wakes_a_drain_that_sends_its_mail(mailoutbox):
    message = message_for(pending_signature())  # in autocommit: the (eager) drain runs on commit
    assert [mail.to for mail in mailoutbox] == [["amara@example.org"]]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert cache.get(outbox.DRAIN_KICK_KEY) is None  # the drain let the key go


def test_outbox_send_skips_a_message_another_worker_holds(mailoutbox):
    message = message_for(pending_signature())
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert not outbox.outbox_send(message_id=message.pk)
    assert mailoutbox == []


def test_outbox_send_reclaims_after_a_dead_workers_claim_expires(mailoutbox):
    message = message_for(pending_signature())
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_send(message_id=message.pk)
    assert len(mailoutbox) == 1


def test_outbox_send_temporary_refusal_is_deferred_with_backoff(smtp_settings):
    message = message_for(pending_signature())
    smtp_settings.reply = "451 4.3.0 Try again later"
    with pytest.raises(outbox.MailDeferred) as deferred:
        outbox.outbox_send(message_id=message.pk)
    assert deferred.value.retry_in == timedelta(seconds=30)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at > timezone.now()
    assert message.last_error == "SMTPDataError 451"
    # Not due yet: a second try now does nothing.
    assert not outbox.outbox_send(message_id=message.pk)
    smtp_settings.reply = None
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.outbox_send(message_id=message.pk)
    assert len(smtp_settings.wait_for("amara@example.org")) == 1


def test_outbox_send_permanent_refusal_fails_and_flags_signature(smtp_settings):
    signature = pending_signature()
    message = message_for(signature)
    smtp_settings.reply = "550 5.1.1 Mailbox unavailable"
    assert not outbox.outbox_send(message_id=message.pk)
    message.refresh_from_db()
    signature.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert signature.mail_failed_at is not None
    assert "amara" not in message.last_error


def test_outbox_send_server_down_is_deferred(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 1  # nothing listens there
    message = message_for(pending_signature())
    with pytest.raises(outbox.MailDeferred):
        outbox.outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1


def test_outbox_send_cancels_mail_for_withdrawn_signature(mailoutbox):
    signature = pending_signature()
    message = message_for(signature)
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=timezone.now())
    assert not outbox.outbox_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.CANCELLED
    assert mailoutbox == []


def test_broker_down_after_commit_raises_nothing_and_leaves_row_for_sweep(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr(outbox_drain_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        signature = pending_signature()
    message = message_for(signature)
    assert message.queued_at is None
    monkeypatch.undo()
    assert outbox.outbox_sweep() == 1  # eager in unit tests: the sweep sends it
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mailoutbox) == 1


def test_sweep_leaves_recently_queued_messages_to_their_task(mailoutbox):
    pending_signature()
    assert outbox.outbox_sweep() == 0
    assert mailoutbox == []


def test_sweep_queues_a_drain_for_messages_whose_drain_died_with_its_worker(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The kick key says a drain is queued, but the worker holding that drain was
    killed: the messages that rode along on it go out at the next sweep, not after the
    claim time, and through one drain rather than a task each."""
    cache.set(outbox.DRAIN_KICK_KEY, "held by a dead worker", outbox.DRAIN_KICK_SECONDS)
    queued = []
    monkeypatch.setattr(outbox_drain_task, "delay", lambda: queued.append("drain"))
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            pending_signature(f"rode{n}@example.org")
    assert queued == []  # they rode along on the dead worker's drain
    late = timezone.now() - timedelta(seconds=outbox.DRAIN_LATE_SECONDS + 1)
    OutboxMessage.objects.update(queued_at=late)
    monkeypatch.undo()
    assert outbox.outbox_sweep() == 0  # none handed over singly: their claim grace has not passed
    assert sorted(mail.to[0] for mail in mailoutbox) == [f"rode{n}@example.org" for n in range(3)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}


def test_sweep_queues_no_drain_while_messages_are_fresh_or_held(monkeypatch):
    queued = []
    monkeypatch.setattr(outbox_drain_task, "delay", lambda: queued.append("drain"))
    pending_signature("fresh@example.org")
    held = message_for(pending_signature("held@example.org"))
    OutboxMessage.objects.filter(pk=held.pk).update(
        queued_at=timezone.now() - timedelta(minutes=1), claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert outbox.outbox_sweep() == 0
    assert queued == []


def test_outbox_resend_queues_a_fresh_message(mailoutbox):
    message = message_for(pending_signature())
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    with transaction.atomic():
        again = outbox.outbox_resend(message_id=message.pk)
    assert again.pk != message.pk and again.status == OutboxMessage.Status.PENDING


def test_a_failed_hand_over_leaves_the_messages_that_rode_along_for_the_next_sweep(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """One request set the kick key and failed to queue the drain; another signed
    meanwhile and rode along on that key: neither waits for the claim time to pass."""
    pending_signature("rode-along@example.org")  # its hand-over saw the key (not run here)

    def broker_down(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr(outbox_drain_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        pending_signature("one@example.org")
    assert OutboxMessage.objects.filter(queued_at__isnull=True).count() == 2
    assert cache.get(outbox.DRAIN_KICK_KEY) is None  # the next signature tries the broker again
    monkeypatch.undo()
    assert outbox.outbox_sweep() == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == ["one@example.org", "rode-along@example.org"]


def test_after_a_broker_failure_the_site_leaves_the_broker_alone_for_a_while(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise BrokerError("connection refused")

    monkeypatch.setattr(outbox_drain_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        pending_signature("one@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pending_signature("two@example.org")
    assert len(attempts) == 1  # the second request did not wait on the broker
    assert OutboxMessage.objects.filter(queued_at__isnull=True).count() == 2
    cache.delete(outbox.BROKER_AWAY_KEY)  # the pause is over
    with django_capture_on_commit_callbacks(execute=True):
        pending_signature("three@example.org")
    assert len(attempts) == 2


def test_drain_sends_every_due_message_once_and_leaves_the_rest(mailoutbox):
    due = [message_for(pending_signature(f"due{n}@example.org")) for n in range(outbox.DRAIN_BATCH + 3)]
    later = message_for(pending_signature("later@example.org"))
    held = message_for(pending_signature("held@example.org"))
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    OutboxMessage.objects.filter(pk=held.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert outbox.outbox_drain() == len(due)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(f"due{n}@example.org" for n in range(len(due)))
    assert outbox.outbox_drain() == 0
    assert len(mailoutbox) == len(due)
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert {statuses[message.pk] for message in due} == {OutboxMessage.Status.SENT}
    assert statuses[later.pk] == statuses[held.pk] == OutboxMessage.Status.PENDING


def test_one_drain_is_queued_for_many_messages_and_the_next_once_it_ends(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(outbox_drain_task, "delay", lambda: queued.append("drain"))
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            pending_signature(f"surge{n}@example.org")
    assert queued == ["drain"]  # the others ride along on the drain already queued
    assert outbox.outbox_drain() == 3
    with django_capture_on_commit_callbacks(execute=True):
        pending_signature("after@example.org")
    assert queued == ["drain", "drain"]  # the drain ended: a new message queues another


@pytest.fixture
def chained_kind(django_capture_on_commit_callbacks):
    """A kind of mail whose first mail, as it is built, causes another: a message that
    is committed while a drain runs."""

    def build(object_id):
        if object_id == 1:
            with django_capture_on_commit_callbacks(execute=True):
                outbox.outbox_enqueue(kind="tests.chained", object_id=2)
        return EmailMultiAlternatives(subject="Hello", body="Text", to=[f"person{object_id}@example.org"])

    mail.register("tests.chained", build)


def test_a_message_committed_while_a_drain_runs_rides_along_on_it(
    monkeypatch, mailoutbox, chained_kind, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(outbox_drain_task, "delay", lambda: queued.append("drain"))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_enqueue(kind="tests.chained", object_id=1)
    assert queued == ["drain"]
    assert outbox.outbox_drain() == 2
    assert queued == ["drain"]  # the second mail queued no drain of its own
    assert sorted(mail.to[0] for mail in mailoutbox) == ["person1@example.org", "person2@example.org"]


def test_a_message_that_came_as_the_drain_ended_is_sent_by_it(monkeypatch, mailoutbox):
    """Committed after the drain's last claim came up empty, but before it deleted the
    kick key: its hand-over saw the key and queued nothing, so this drain must send it."""
    real_delete = cache.delete

    def delete_as_one_more_signs(key, *args, **kwargs):
        if key == outbox.DRAIN_KICK_KEY:
            pending_signature("just-in-time@example.org")
        return real_delete(key, *args, **kwargs)

    monkeypatch.setattr(cache, "delete", delete_as_one_more_signs)  # Django's cache, not ours
    assert outbox.outbox_drain() == 1
    assert [mail.to[0] for mail in mailoutbox] == ["just-in-time@example.org"]


def test_drain_hands_a_deferred_message_to_its_own_task_and_goes_on(smtp_settings, monkeypatch):
    from campaign.core.tasks import outbox_send_task

    later = []
    monkeypatch.setattr(outbox_send_task, "apply_async", lambda args, countdown: later.append((args, countdown)))
    refused = message_for(pending_signature("refused@example.org"))
    accepted = message_for(pending_signature("accepted@example.org"))
    OutboxMessage.objects.filter(pk=refused.pk).update(queued_at=None)
    smtp_settings.refuse = {"refused@example.org": "451 4.3.0 Try again later"}
    assert outbox.outbox_drain() == 1
    assert later == [((refused.pk,), 30.0)]
    refused.refresh_from_db()
    accepted.refresh_from_db()
    assert refused.status == OutboxMessage.Status.PENDING and refused.queued_at is not None
    assert refused.next_attempt_at > timezone.now() and refused.attempts == 1
    assert accepted.status == OutboxMessage.Status.SENT


def test_outbox_create_with_writes_the_row_and_its_mail_in_one_statement(
    django_capture_on_commit_callbacks,
):
    petition = PetitionFactory()
    signature = Signature(
        petition=petition, petition_version=1, name="Amara <b>", email="A@Example.org", country="KE",
        consent_text="I agree.", consent_version="v1", ip_hash="f" * 32, email_normalised="a@example.org",
    )  # fmt: skip
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        message = outbox.outbox_create_with(signature, kind=petition_services.MAIL_CONFIRM)
    # Inside the test's transaction it runs in a savepoint; the writing is one statement.
    assert [query["sql"].count("INSERT") for query in queries if "SAVEPOINT" not in query["sql"]] == [2]
    stored = Signature.objects.get(pk=signature.pk)
    assert (stored.name, stored.country.code, stored.ip_hash, stored.created_at) == (
        "Amara <b>", "KE", "f" * 32, signature.created_at,
    )  # fmt: skip
    assert OutboxMessage.objects.get(pk=message.pk).object_id == signature.pk == message.object_id
    assert message.status == OutboxMessage.Status.PENDING and len(callbacks) == 1


def test_outbox_create_with_writes_nothing_on_a_violation_and_the_transaction_goes_on():
    first = pending_signature("twice@example.org")
    again = Signature(
        petition=first.petition, petition_version=1, name="Again", email="twice@example.org", country="GB",
        consent_text="I agree.", consent_version="v1", email_normalised=first.email_normalised,
    )  # fmt: skip
    messages_before = OutboxMessage.objects.count()
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            outbox.outbox_create_with(again, kind=petition_services.MAIL_CONFIRM)
        assert Signature.objects.filter(email_normalised=first.email_normalised).count() == 1
    assert OutboxMessage.objects.count() == messages_before and again.pk is None


def test_outbox_create_with_skips_a_row_already_taken_without_an_error():
    first = pending_signature("twice@example.org")
    again = Signature(
        petition=first.petition, petition_version=1, name="Again", email="twice@example.org", country="GB",
        consent_text="I agree.", consent_version="v1", email_normalised=first.email_normalised,
    )  # fmt: skip
    messages_before = OutboxMessage.objects.count()
    with CaptureQueriesContext(connection) as queries:
        message = outbox.outbox_create_with(
            again, kind=petition_services.MAIL_CONFIRM, unless_taken=petition_services.REPEAT_KEY
        )
    assert message is None and again.pk is None
    assert not any("ROLLBACK" in query["sql"] for query in queries)  # the savepoint was released, not undone
    assert Signature.objects.filter(email_normalised=first.email_normalised).count() == 1
    assert OutboxMessage.objects.count() == messages_before
