"""The outbox: mails recorded with the change that causes them, sent after commit.

A change writes an OutboxMessage (kind, object id) in its own transaction; after commit
a drain task is woken (one per burst), claims due messages with SKIP LOCKED and sends
them over one SMTP session. A message the broker never got, or whose worker
died mid-send, is handed over again by the sweep (beat) once its claim has expired;
one that rode along on a drain a dead worker held gets a new drain from the next
sweep (docs/adr/0006-a-lost-worker-is-replaced-at-once.md).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import smtplib
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from campaign.core import mail
from campaign.core.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_BATCH = 500
DRAIN_BATCH = 50
DRAIN_KICK_KEY = "outbox:drain-queued"
# A drain the broker lost is replaced once the key expires (the sweep catches the rest).
DRAIN_KICK_SECONDS = 10
# A live drain claims a message within a batch of its commit: one still due and
# unclaimed this long after it was queued has no drain (its worker died holding it,
# or every worker is busy), and the sweep queues one more.
DRAIN_LATE_SECONDS = 3
BROKER_AWAY_KEY = "outbox:broker-away"
BROKER_PAUSE_SECONDS = 5


class MailDeferred(Exception):
    """The mail server refused for now; the message will be tried again later."""

    def __init__(self, retry_in: timedelta):
        super().__init__(f"retry in {retry_in}")
        self.retry_in = retry_in


def outbox_enqueue(*, kind: str, object_id: int) -> OutboxMessage:
    """Record a mail to send. Call inside the transaction that makes it necessary."""
    message = OutboxMessage.objects.create(kind=kind, object_id=object_id)
    transaction.on_commit(lambda: _hand_to_worker(message.pk))
    return message


def outbox_create_with(
    instance: models.Model, *, kind: str, unless_taken: tuple[str, ...] = ()
) -> OutboxMessage | None:
    """Insert `instance` and the mail it causes (an outbox row about it) in one
    statement: a new row and its mail stand or fall together, as in one transaction.

    Model validation and signals are not run, as with `bulk_create`; the database's
    constraints apply as always, and a violation raises IntegrityError with nothing
    written. Inside a transaction the statement runs in a savepoint, so that
    transaction can go on after a violation.

    `unless_taken` names the fields of a unique constraint: a row that would repeat one
    already there is then not written, nor is its mail, and None is returned (see
    insert_unless_taken for why the database must not refuse it).
    """
    fields, message_fields, sql = _insert_with_outbox(type(instance), unless_taken)
    message = OutboxMessage(kind=kind, object_id=0)
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    values += [field.get_db_prep_save(field.pre_save(message, True), connection) for field in message_fields]
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    message.pk, message.object_id = row
    instance.pk = message.object_id
    instance._state.adding = message._state.adding = False
    instance._state.db = message._state.db = connection.alias
    transaction.on_commit(lambda: _hand_to_worker(message.pk))
    return message


def insert_unless_taken(instance: models.Model, *, unless_taken: tuple[str, ...]) -> bool:
    """Insert `instance` unless a row with the same values of `unless_taken` (the fields
    of a unique constraint) is there; True when it was written.

    A violated constraint is an error in the database server, which writes it to its
    log with the key's values and the whole statement (a person's name and address),
    where no purge of ours reaches. ON CONFLICT DO NOTHING finds the repeat with no
    error. As with `bulk_create`, save() and signals are not run.
    """
    fields, sql = _insert(type(instance), unless_taken)
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True


@functools.cache
def _insert(model: type[models.Model], unless_taken: tuple[str, ...]) -> tuple[list, str]:
    """The fields written for a new `model` row, and the INSERT … RETURNING its key."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    holes = ", ".join(["%s"] * len(fields))
    conflict = ""
    if unless_taken:
        target = ", ".join(quote(model._meta.get_field(name).column) for name in unless_taken)
        conflict = f" ON CONFLICT ({target}) DO NOTHING"
    # Every name comes from the model; every value is bound.
    return fields, f"INSERT INTO {table} ({columns}) VALUES ({holes}){conflict} RETURNING {pk}"  # noqa: S608  # nosec B608


@functools.cache
def _insert_with_outbox(model: type[models.Model], unless_taken: tuple[str, ...]) -> tuple[list, list, str]:
    """The fields written for a new `model` row and its outbox row, and the statement."""
    fields, insert = _insert(model, unless_taken)
    message_fields = [
        field for field in OutboxMessage._meta.concrete_fields if not field.primary_key and field.name != "object_id"
    ]
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    outbox = quote(OutboxMessage._meta.db_table)
    message_columns = ", ".join([*(quote(field.column) for field in message_fields), quote("object_id")])
    message_holes = ", ".join(["%s"] * len(message_fields))
    # Every name comes from the models; every value is bound.
    sql = f"""
        WITH created AS ({insert})
        INSERT INTO {outbox} ({message_columns}) SELECT {message_holes}, created.{pk} FROM created
        RETURNING id, object_id
    """  # noqa: S608  # nosec B608
    return fields, message_fields, sql


def _hand_to_worker(message_id: int) -> None:
    """Wake a drain (outbox_drain) unless one is already queued.

    A key in the cache says a drain is queued: the first message after a drain has
    started (and deleted the key) queues the next one, the others ride along, so a
    surge queues a drain per burst rather than a task per mail. If the broker is away
    the message stays in the database and the sweep hands it over once the broker is
    back; the person sees no error.

    After a failed publish the site leaves the broker alone for BROKER_PAUSE_SECONDS
    (docs/adr/0003-broker-pause.md): each try waits up to the broker's connection
    timeout, and during an outage every sign request would wait with it.
    """
    from campaign.core.tasks import outbox_drain_task

    try:
        if not cache.add(DRAIN_KICK_KEY, message_id, DRAIN_KICK_SECONDS):
            return  # a drain is queued: this message rides along
        if cache.get(BROKER_AWAY_KEY) is None:
            try:
                outbox_drain_task.delay()
            except Exception:
                cache.set(BROKER_AWAY_KEY, True, BROKER_PAUSE_SECONDS)
                logger.warning("broker unavailable, outbox message %s left for the sweep", message_id)
            else:
                return
        cache.delete(DRAIN_KICK_KEY)
    except Exception:
        logger.warning("cache unavailable, outbox message %s left for the sweep", message_id)
    # Messages that rode along on a kick that failed wait for no drain either: mark
    # them unqueued so the next sweep takes them rather than after their claim time.
    recently = timezone.now() - timedelta(seconds=DRAIN_KICK_SECONDS)
    OutboxMessage.objects.due().filter(Q(pk=message_id) | Q(queued_at__gte=recently)).update(queued_at=None)


def claim_duration() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _claim(*, message_id: int | None = None, limit: int = 1) -> list[OutboxMessage]:
    """Claim due messages (one by id, or the `limit` longest due) in one statement,
    longest due first.

    The conditional UPDATE makes a claim exclusive: a task delivered twice, a sweep
    racing a worker or two drains at once never hold the same message. SKIP LOCKED
    lets concurrent drains take different rows instead of queueing on the same ones.
    """
    now = timezone.now()
    table = OutboxMessage._meta.db_table
    only_one = "AND id = %s" if message_id is not None else ""
    # The table name comes from the model; every value is bound.
    sql = f"""
        WITH claimed AS (
            UPDATE {table} SET claimed_until = %s, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM {table}
                WHERE status = %s AND next_attempt_at <= %s
                  AND (claimed_until IS NULL OR claimed_until < %s) {only_one}
                ORDER BY next_attempt_at LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id, kind, object_id, attempts, next_attempt_at
        )
        SELECT id, kind, object_id, attempts FROM claimed ORDER BY next_attempt_at, id
    """  # noqa: S608  # nosec B608
    params = [now + claim_duration(), OutboxMessage.Status.PENDING, now, now]
    params += [message_id] if message_id is not None else []
    return list(OutboxMessage.objects.raw(sql, [*params, limit]))


def outbox_send(*, message_id: int) -> bool:
    """Send one outbox message, at most once. Returns True when this call sent it.

    A worker killed mid-send leaves a claim that expires after OUTBOX_CLAIM_SECONDS,
    and the sweep then hands the message over again. Raises MailDeferred when the
    mail server refused for now.
    """
    claimed = _claim(message_id=message_id)
    if not claimed:
        return False
    with _smtp_session() as session:
        sent = _deliver(claimed[0], _build_batch(claimed)[claimed[0].pk], session)
    if sent:
        _tell_sent(claimed)
    return sent


def outbox_drain() -> int:
    """Send every due message, DRAIN_BATCH at a time, until none is left. Returns how
    many were sent. A message the mail server defers is handed back to the broker with
    a countdown (its own task), so the drain goes on with the others.

    While it runs, the kick key stays: new messages ride along on this drain, which
    claims them as they come. Once a claim comes up empty it deletes the key, from
    when on a new message queues the next drain, and claims once more: a message
    committed before the key went, whose hand-over saw the key, is claimed by that
    last pass; one committed after finds no key and queues a drain.
    """
    sent = _drain_batches()
    cache.delete(DRAIN_KICK_KEY)
    return sent + _drain_batches()


def _drain_batches() -> int:
    """Claim and send batches until a claim comes up empty, over one SMTP session."""
    sent = 0
    with _smtp_session() as session:
        while batch := _claim(limit=DRAIN_BATCH):
            built = _build_batch(batch)
            delivered = []
            for message in batch:
                try:
                    if _deliver(message, built[message.pk], session):
                        delivered.append(message)
                except MailDeferred as deferred:
                    _send_later(message.pk, deferred.retry_in)
            _tell_sent(delivered)
            sent += len(delivered)
    return sent


def _tell_sent(messages: list[OutboxMessage]) -> None:
    """Call each kind's on_sent hook once for the batch's sent mails of that kind."""
    by_kind: dict[str, list[int]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message.object_id)
    for kind_name, object_ids in by_kind.items():
        if on_sent := mail.kind(kind_name).on_sent:
            on_sent(object_ids)


@contextlib.contextmanager
def _smtp_session():
    """One connection to the mail server, opened by the first mail sent on it and
    closed at the end: a session per mail would cost the mail server a handshake (and
    TLS and login, with a real one) for each. fail_silently=False: each mail's outcome
    is its own exception."""
    session = get_connection(fail_silently=False)
    try:
        yield session
    finally:
        session.close()


# What a claimed message was built into: its mail, None when there is nothing to send any
# more, or the error that building it raised (see _build_batch).
Built = EmailMultiAlternatives | None | Exception


def _build_batch(batch: list[OutboxMessage]) -> dict[int, Built]:
    """The mails of a claimed batch, built together per kind (one query per kind).

    When a kind's batch fails to build, its mails are built one by one, so that one
    that cannot be built fails alone (see _deliver) instead of taking its batch down.
    A database error is no fault of one message: it goes up, and the claims expire."""
    by_kind: dict[str, list[OutboxMessage]] = {}
    for message in batch:
        by_kind.setdefault(message.kind, []).append(message)
    built: dict[int, Built] = {}
    for kind_name, messages in by_kind.items():
        kind = mail.kind(kind_name)
        object_ids = [message.object_id for message in messages]
        try:
            emails: dict[int, Built] = dict(kind.build_batch(object_ids))
        except DatabaseError:
            raise
        except Exception:
            emails = {object_id: _build_one(kind, object_id) for object_id in object_ids}
        built.update({message.pk: emails[message.object_id] for message in messages})
    return built


def _build_one(kind: mail.MailKind, object_id: int) -> Built:
    try:
        return kind.build(object_id)
    except DatabaseError:
        raise
    except Exception as error:
        return error


def _send_later(message_id: int, delay: timedelta) -> None:
    from campaign.core.tasks import outbox_send_task

    try:
        outbox_send_task.apply_async((message_id,), countdown=delay.total_seconds())
    except Exception:
        return  # left unqueued: the sweep hands it over once it is due
    OutboxMessage.objects.filter(pk=message_id).update(queued_at=timezone.now())


def _send_on(session, email: EmailMultiAlternatives) -> None:
    try:
        session.open()  # the first mail opens it; Django's backend then keeps it open
        session.send_messages([email])
    except BaseException:
        session.close()  # never reuse a session left in an unknown state: the next mail opens anew
        raise


def _deliver(message: OutboxMessage, email: Built, session) -> bool:
    """Send a message this process has claimed, as built for it (None: nothing to send
    any more; an exception: it could not be built), on the batch's SMTP session;
    record the outcome."""
    kind = mail.kind(message.kind)
    if email is None:
        _finish(message, OutboxMessage.Status.CANCELLED)
        return False
    if isinstance(email, Exception):
        _fail_for_good(message, kind, email)
        return False
    try:
        _send_on(session, email)
    except (smtplib.SMTPException, OSError) as error:
        # A refusal, or no answer at all (connection refused, timeout): permanent when
        # the server says so (5xx) or after MAX_ATTEMPTS, else tried again later.
        permanent = isinstance(error, smtplib.SMTPException) and _is_permanent(error)
        if permanent or message.attempts >= MAX_ATTEMPTS:
            _finish(message, OutboxMessage.Status.FAILED, error=error)
            if kind.on_permanent_failure:
                kind.on_permanent_failure(message.object_id)
            return False
        _defer(message, error)
    except Exception as error:
        # Not the server's answer nor its absence but something about this message (an
        # address Django cannot write, say): it would fail the same way every time, and
        # left pending it would be claimed again first in every batch.
        _fail_for_good(message, kind, error)
        return False
    _finish(message, OutboxMessage.Status.SENT)
    return True


def _fail_for_good(message: OutboxMessage, kind: mail.MailKind, error: Exception) -> None:
    """Mark a message that cannot be built or sent failed, and flag it as a refusal is.
    The log names ids and where the error was raised: its text may hold the address."""
    _finish(message, OutboxMessage.Status.FAILED, error=error)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    logger.error(
        "outbox message %s (%s, object %s) failed for good: %s%s",
        message.pk,
        message.kind,
        message.object_id,
        type(error).__name__,
        where,
    )
    if kind.on_permanent_failure:
        kind.on_permanent_failure(message.object_id)


def _finish(message: OutboxMessage, status: str, error: Exception | None = None) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status,
        sent_at=timezone.now() if status == OutboxMessage.Status.SENT else None,
        claimed_until=None,
        last_error=_describe(error) if error else "",
    )
    logger.info("outbox message %s (%s) %s", message.pk, message.kind, status)


def _defer(message: OutboxMessage, error: Exception) -> None:
    delay = _retry_delay(message.attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + delay,
        claimed_until=None,
        queued_at=None,
        last_error=_describe(error),
    )
    logger.warning("outbox message %s deferred for %s: %s", message.pk, delay, type(error).__name__)
    raise MailDeferred(delay)


def _describe(error: Exception) -> str:
    # SMTP replies can echo the recipient's address: keep the code and class only.
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:300]


def outbox_sweep(*, grace: timedelta | None = None) -> int:
    """Hand over every due message that the broker may not have: never queued, or
    queued long enough ago that its task must have been lost. Returns how many.

    Then, if due messages are left that no drain has claimed DRAIN_LATE_SECONDS after
    they were queued, queue a drain for them at once, whatever the kick key says: the
    drain they rode along on was held by a worker that died (or every worker is
    busy, when one more drain does no harm). Claims keep each mail to one sender.
    """
    from campaign.core.tasks import outbox_send_task

    now = timezone.now()
    grace = claim_duration() if grace is None else grace
    due = OutboxMessage.objects.due()
    stale = Q(queued_at__isnull=True) | Q(queued_at__lt=now - grace)
    ids = list(due.filter(stale).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    handed = 0
    for message_id in ids:
        try:
            outbox_send_task.delay(message_id)
        except Exception:
            logger.warning("broker unavailable during sweep; %s messages wait", len(ids) - handed)
            return handed
        OutboxMessage.objects.filter(pk=message_id).update(queued_at=now)
        handed += 1
    late = Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=DRAIN_LATE_SECONDS))
    if due.filter(late).exists():
        _queue_drain()
    return handed


def _queue_drain() -> None:
    """Queue a drain whether or not the kick key says one is queued (the sweep's
    take-over), and set the key, so that new messages ride along on this one."""
    from campaign.core.tasks import outbox_drain_task

    try:
        cache.set(DRAIN_KICK_KEY, "sweep", DRAIN_KICK_SECONDS)
    except Exception:
        logger.warning("cache unavailable during sweep")
    try:
        outbox_drain_task.delay()
    except Exception:
        logger.warning("broker unavailable during sweep; the drain waits for the next one")


def outbox_resend(*, message_id: int) -> OutboxMessage:
    """An organiser asks for a failed mail to be tried again (a new message)."""
    failed = OutboxMessage.objects.get(pk=message_id)
    with transaction.atomic():
        return outbox_enqueue(kind=failed.kind, object_id=failed.object_id)
