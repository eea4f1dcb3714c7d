"""Updates to supporters: write, test, send, unsubscribe.

Sending fans an update out into one UpdateRecipient and one outbox row per signer who
asked for updates, in batches that move a cursor, each batch one statement
(docs/adr/0007-updates-fan-out-through-the-outbox.md). The rows' due times are spaced
at UPDATE_MAILS_PER_SECOND, so the outbox's ordinary drain sends them at that rate.
Whether a person still wants the mail is checked again when it is built, just before
it is sent.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from campaign.core.models import OutboxMessage
from campaign.core.outbox import outbox_drain, outbox_enqueue
from campaign.petitions.models import Petition, Signature
from campaign.updates.models import Update, UpdateRecipient

logger = logging.getLogger(__name__)

MAIL_UPDATE = "updates.update"
MAIL_TEST = "updates.test"
UNSUBSCRIBE_SALT = "updates.unsubscribe"
# Signatures considered per fan-out statement: a short transaction each (~0.2 s), and a
# cursor that moves with it, so a run cut short resumes where it stopped.
FAN_OUT_BATCH = 5000
# A delivery step fans out for at most this long before it sends what is due.
FAN_OUT_SECONDS = 5.0


class UpdateNotDraft(Exception):
    """The update is being sent or has been sent: it can no longer change."""


class InvalidUnsubscribeToken(Exception):
    """An unsubscribe link that is tampered with or names no one we know."""


# --- Who gets it ------------------------------------------------------------------------


def update_audience(*, petition: Petition) -> QuerySet[Signature]:
    """The signers an update of this letter goes to: confirmed, still counted, not
    anonymised, and asked for updates (withdrawing, erasing, anonymising and
    unsubscribing all turn wants_updates off)."""
    return Signature.objects.filter(
        petition=petition,
        wants_updates=True,
        confirmed_at__isnull=False,
        withdrawn_at__isnull=True,
        invalidated_at__isnull=True,
        anonymised_at__isnull=True,
    )


def recipient_wants_it(signature: Signature) -> bool:
    """The same test as update_audience, on one loaded signature, when its mail is built."""
    return bool(signature.wants_updates and signature.is_counted and signature.anonymised_at is None)


# --- Writing and testing ----------------------------------------------------------------


def update_create(*, petition: Petition, subject: str, body: str, by, send_when_closed: bool = False) -> Update:
    return Update.objects.create(
        petition=petition, subject=subject, body=body, created_by=by, send_when_closed=send_when_closed
    )


def update_edit(*, update: Update, subject: str, body: str, send_when_closed: bool = False) -> None:
    """Change a draft. Conditional, so an edit racing the send button cannot change
    what is already going out."""
    changed = Update.objects.filter(pk=update.pk, state=Update.State.DRAFT).update(
        subject=subject, body=body, send_when_closed=send_when_closed, updated_at=timezone.now()
    )
    if not changed:
        raise UpdateNotDraft
    update.subject, update.body, update.send_when_closed = subject, body, send_when_closed


def update_test_send(*, update: Update, by) -> None:
    """Mail the update as it stands to `by` alone, through the outbox."""
    with transaction.atomic():
        Update.objects.filter(pk=update.pk).update(tested_by=by)
        outbox_enqueue(kind=MAIL_TEST, object_id=update.pk)


# --- Sending ----------------------------------------------------------------------------


def update_send(*, update: Update, by) -> None:
    """Start sending: from here on the update cannot change. The fan-out and the
    sending happen in delivery steps (update_deliver), the first one queued now, the
    others every second from beat, which also resumes a step lost with its worker."""
    from campaign.updates.tasks import update_deliver_task

    now = timezone.now()
    with transaction.atomic():
        changed = Update.objects.filter(pk=update.pk, state=Update.State.DRAFT).update(
            state=Update.State.SENDING, sent_by=by, send_started_at=now, updated_at=now
        )
        if not changed:
            raise UpdateNotDraft
        transaction.on_commit(lambda: _queue(update_deliver_task, update.pk))
    update.state, update.send_started_at = Update.State.SENDING, now
    logger.info("update %s: sending started", update.pk)


def updates_send_when_closed() -> int:
    """Start the drafts written to go out when their letter closes, of letters that
    have closed (by hand or by their closing date), as sent by who wrote them."""
    due = Update.objects.filter(
        state=Update.State.DRAFT, send_when_closed=True, petition__in=Petition.objects.closed()
    ).select_related("created_by")
    started = 0
    for update in due:
        try:
            update_send(update=update, by=update.created_by)
        except UpdateNotDraft:
            continue  # another step started it
        started += 1
    return started


def _queue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:
        # Beat runs a delivery step every second: nothing is lost, only a second.
        logger.warning("broker unavailable: update delivery waits for beat")


def _fan_out_sql() -> str:
    signature = Signature._meta.db_table
    recipient = UpdateRecipient._meta.db_table
    outbox = OutboxMessage._meta.db_table
    # Every name comes from the models; every value is bound. A signature already
    # queued for this update (a batch re-run after a lost commit) meets the unique
    # pair and gets no second row, hence no second mail.
    return f"""
        WITH batch AS (
            SELECT id FROM {signature}
            WHERE petition_id = %(petition)s AND id > %(after)s AND wants_updates
              AND confirmed_at IS NOT NULL AND withdrawn_at IS NULL AND invalidated_at IS NULL
              AND anonymised_at IS NULL
            ORDER BY id LIMIT %(limit)s
        ), created AS (
            INSERT INTO {recipient} (update_id, signature_id, created_at)
            SELECT %(update)s, id, %(now)s FROM batch
            ON CONFLICT (update_id, signature_id) DO NOTHING
            RETURNING id
        ), numbered AS (
            SELECT id, %(start)s + (row_number() OVER (ORDER BY id) - 1) * %(step)s * interval '1 second' AS due
            FROM created
        ), queued AS (
            INSERT INTO {outbox} (kind, object_id, status, attempts, created_at, next_attempt_at, queued_at, last_error)
            SELECT %(kind)s, id, %(pending)s, 0, %(now)s, due, due, '' FROM numbered
            RETURNING 1
        )
        SELECT (SELECT max(id) FROM batch), (SELECT count(*) FROM queued)
    """  # noqa: S608  # nosec B608


def update_fan_out_batch(*, update_id: int) -> bool:
    """Queue the next FAN_OUT_BATCH signers of a sending update. Returns True while
    there may be more.

    Each mail is due 1/UPDATE_MAILS_PER_SECOND after the one before, from the later of
    now and the last mail already queued: the drain claims only what is due, so this
    spacing is the rate. queued_at is set to the due time, so that the sweep treats a
    mail as handed over when it falls due, and takes it over only if no drain has sent
    it a few seconds later (a lost worker).

    The update's row is locked for the batch (skipped if another step holds it), so two
    steps never fan out the same signers; the cursor moves in the same transaction as
    the rows it covers."""
    step = 1.0 / settings.UPDATE_MAILS_PER_SECOND
    with transaction.atomic():
        update = (
            Update.objects.select_for_update(skip_locked=True)
            .filter(pk=update_id, state=Update.State.SENDING, queued_at__isnull=True)
            .only("pk", "petition_id", "last_signature_id", "scheduled_until")
            .first()
        )
        if update is None:
            return False
        now = timezone.now()
        start = max(now, update.scheduled_until or now)
        params = {
            "petition": update.petition_id,
            "after": update.last_signature_id,
            "limit": FAN_OUT_BATCH,
            "update": update.pk,
            "now": now,
            "start": start,
            "step": step,
            "kind": MAIL_UPDATE,
            "pending": OutboxMessage.Status.PENDING,
        }
        with connection.cursor() as cursor:
            cursor.execute(_fan_out_sql(), params)
            last_seen, queued = cursor.fetchone()
        if last_seen is None:
            Update.objects.filter(pk=update.pk).update(queued_at=now)
            logger.info("update %s: every mail queued", update.pk)
            return False
        Update.objects.filter(pk=update.pk).update(
            last_signature_id=last_seen,
            recipients_queued=F("recipients_queued") + queued,
            scheduled_until=start + timedelta(seconds=queued * step),
        )
    return True


def update_fan_out(*, update_id: int, seconds: float | None = None) -> None:
    """Fan out until every signer is queued (or `seconds` have passed)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while update_fan_out_batch(update_id=update_id):
        if deadline is not None and time.monotonic() > deadline:
            return


def _has_pending(update: Update) -> bool:
    return OutboxMessage.objects.filter(
        kind=MAIL_UPDATE, status=OutboxMessage.Status.PENDING, object_id__in=update.recipients.values("pk")
    ).exists()


def update_finish_if_done(*, update_id: int) -> bool:
    """Mark a sending update sent once every mail is queued, due and out of pending
    (sent, failed or cancelled). Mails the server deferred keep it sending until
    their retries end."""
    update = Update.objects.filter(pk=update_id, state=Update.State.SENDING).first()
    if update is None or update.queued_at is None:
        return False
    if update.scheduled_until and update.scheduled_until > timezone.now():
        return False
    if _has_pending(update):
        return False
    done = Update.objects.filter(pk=update_id, state=Update.State.SENDING).update(
        state=Update.State.SENT, sent_at=timezone.now()
    )
    if done:
        logger.info("update %s: sent", update_id)
    return bool(done)


def update_deliver(*, update_id: int | None = None) -> int:
    """One delivery step, for one update or every update being sent: fan out (for up
    to FAN_OUT_SECONDS), send what is due through the outbox's drain, and mark sent
    what is done. Safe to run several at once and to lose mid-way: the row lock and
    the unique pair keep the fan-out single, the outbox's claims keep each mail
    single. Returns how many mails the drain sent. A thank-you written to go out when
    its letter closes starts here, once the letter has."""
    updates_send_when_closed()
    sending = Update.objects.filter(state=Update.State.SENDING)
    if update_id is not None:
        sending = sending.filter(pk=update_id)
    ids = list(sending.values_list("pk", flat=True))
    if not ids:
        return 0
    deadline = time.monotonic() + FAN_OUT_SECONDS
    for pk in ids:
        update_fan_out(update_id=pk, seconds=max(deadline - time.monotonic(), 0))
    sent = outbox_drain()
    for pk in ids:
        update_finish_if_done(update_id=pk)
    return sent


def recipient_mail_refused(recipient_id: int) -> None:
    """The address refused an update for good: flag the signature, as a refused
    confirmation is flagged, for organisers to look at."""
    signature_ids = UpdateRecipient.objects.filter(pk=recipient_id).values("signature_id")
    Signature.objects.filter(pk__in=signature_ids, mail_failed_at__isnull=True).update(mail_failed_at=timezone.now())


# --- What the organisers see ------------------------------------------------------------


def update_counts(update: Update) -> dict[str, int]:
    """Mails of an update by outcome, and how many people unsubscribed through it."""
    rows = (
        OutboxMessage.objects.filter(kind=MAIL_UPDATE, object_id__in=update.recipients.values("pk"))
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["unsubscribed"] = update.recipients.filter(unsubscribed_at__isnull=False).count()
    return counts


# --- Unsubscribing ----------------------------------------------------------------------


def unsubscribe_token(recipient: UpdateRecipient) -> str:
    return signing.dumps({"r": recipient.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def sample_unsubscribe_token(update: Update) -> str:
    """The link in a test mail: it opens the page, and unsubscribes no one."""
    return signing.dumps({"t": update.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def recipient_from_token(token: str) -> UpdateRecipient | None:
    """The recipient an unsubscribe link was made for; None for a test mail's link.
    No expiry: an old newsletter's link must still work."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        if "t" in payload:
            int(payload["t"])
            return None
        recipient_id = int(payload["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidUnsubscribeToken from None
    recipient = UpdateRecipient.objects.select_related("update__petition").filter(pk=recipient_id).first()
    if recipient is None:
        raise InvalidUnsubscribeToken
    return recipient


def recipient_unsubscribe(*, recipient: UpdateRecipient) -> bool:
    """Stop every update to this signer, at once: the flag the fan-out reads goes off,
    and their mails still waiting in the outbox (of this update or another being sent)
    are cancelled; a mail already claimed by a worker may still go (the builder checks
    the flag too, just before sending). Returns False when it was already done."""
    with transaction.atomic():
        first = UpdateRecipient.objects.filter(pk=recipient.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        Signature.objects.filter(pk=recipient.signature_id, wants_updates=True).update(wants_updates=False)
        OutboxMessage.objects.filter(
            kind=MAIL_UPDATE,
            status=OutboxMessage.Status.PENDING,
            object_id__in=UpdateRecipient.objects.filter(signature_id=recipient.signature_id).values("pk"),
        ).update(status=OutboxMessage.Status.CANCELLED)
    if first:
        logger.info("update recipient %s unsubscribed", recipient.pk)
    return bool(first)
