"""The outbox: mails recorded with the change that causes them, sent after commit.
And the workers' liveness canary, which shows whether a worker still takes tasks."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import smtplib
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, models, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils import timezone

from campaign.core import mail
from campaign.core.cache import add_or_get
from campaign.core.models import OutboxMessage, WorkerCanary

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_BATCH = 500
DRAIN_BATCH = 50
DRAIN_KICK_KEY = "outbox:drain-queued"
DRAIN_KICK_SECONDS = 10
# How far apart the clocks of the web and worker machines may be: a drain's lease (see
# _hand_to_worker) is trusted until this long before it ends.
LEASE_MARGIN_SECONDS = 1.0
_drain_lease_seen = 0.0  # the latest lease this process has read in the kick key
# After a failed hand-over, a web process stops trying the broker for this long: each
# try can take the broker connection timeout, and a surge must not queue behind it.
BROKER_PAUSE_SECONDS = 5
_broker_paused_until = 0.0


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

    The sign form is the one write a surge makes: there the ORM's two INSERTs in a
    transaction (BEGIN, INSERT, INSERT, COMMIT: four round trips) were a quarter of a
    signature's cost to the web process. Model validation and signals are not run, as
    with `bulk_create`; the database's constraints apply as always, and a violation
    raises IntegrityError with nothing written. Inside a transaction the statement
    runs in a savepoint, so that transaction can go on after a violation.

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
    """Wake a drain (outbox_drain) unless one is already on its way.

    Under a surge, one task per mail cost the web process a Celery publish per signature
    (a third of a signature's CPU) and the worker a task per mail. A key in the cache
    says a drain is queued: the first message after a drain has started (and deleted the
    key) queues the next one, the others ride along. A drain that the broker lost is
    replaced once the key expires, and the sweep still hands over what waits too long.

    The key holds the drain's lease: the time until which it promises to go on claiming
    (OUTBOX_DRAIN_LEASE_SECONDS ahead, renewed with each batch). A process that has read
    it hands nothing over while it runs: this message, committed before then, will be
    claimed. Under a surge a web process then asks the cache every few seconds, not
    once per signature (that round trip was an eighth of the sign POST's CPU).
    """
    global _broker_paused_until, _drain_lease_seen
    from campaign.core.tasks import outbox_drain_task

    if time.time() < _drain_lease_seen - LEASE_MARGIN_SECONDS:
        return
    if time.monotonic() >= _broker_paused_until:
        try:
            queued, lease = _kick()
            if queued:
                try:
                    outbox_drain_task.delay()
                except Exception:
                    cache.delete(DRAIN_KICK_KEY)
                    raise
            elif isinstance(lease, int):
                _drain_lease_seen = lease / 1000
        except Exception:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning("broker unavailable, outbox message %s left for the sweep", message_id)
            # Messages that rode along on the kick that failed wait for no drain either.
            recently = timezone.now() - timedelta(seconds=DRAIN_KICK_SECONDS)
            OutboxMessage.objects.due().filter(queued_at__gte=recently).update(queued_at=None)
        else:
            return
    # The broker is away. The row is safe in the database and the sweep will hand it
    # over when the broker is back; the person sees no error.
    OutboxMessage.objects.filter(pk=message_id).update(queued_at=None)


def claim_duration() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _lease_ms() -> int:
    """A lease from now, as the kick key holds it: milliseconds since the epoch."""
    return int((time.time() + settings.OUTBOX_DRAIN_LEASE_SECONDS) * 1000)


def _kick_key_seconds() -> int:
    """How long the kick key lives: past the lease it holds, so it outlasts the drain."""
    return DRAIN_KICK_SECONDS + math.ceil(settings.OUTBOX_DRAIN_LEASE_SECONDS)


def _kick() -> tuple[bool, object]:
    """Set the kick key unless it is set: (True, None) when this call set it (a drain is
    to be queued, and the lease is the one it will honour), else (False, what the key
    holds). One round trip with Redis."""
    return add_or_get(cache, DRAIN_KICK_KEY, _lease_ms(), _kick_key_seconds())


def _renew_lease() -> float:
    """Hold the kick key with a lease from now; the lease's end, in seconds."""
    lease = _lease_ms()
    cache.set(DRAIN_KICK_KEY, lease, _kick_key_seconds())
    return lease / 1000


def _claim(*, message_id: int | None = None, limit: int = 1) -> list[OutboxMessage]:
    """Claim due messages (one by id, or the `limit` longest due) in one statement.

    The conditional UPDATE makes a claim exclusive: a task delivered twice, a sweep
    racing a worker or two drains at once never hold the same message. SKIP LOCKED
    lets concurrent drains take different rows instead of queueing on the same ones.
    """
    now = timezone.now()
    table = OutboxMessage._meta.db_table
    only_one = "AND id = %s" if message_id is not None else ""
    # The table name comes from the model; every value is bound.
    sql = f"""
        UPDATE {table} SET claimed_until = %s, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM {table}
            WHERE status = %s AND next_attempt_at <= %s
              AND (claimed_until IS NULL OR claimed_until < %s) {only_one}
            ORDER BY next_attempt_at LIMIT %s
            FOR UPDATE SKIP LOCKED
        )
        RETURNING id, kind, object_id, attempts
    """  # noqa: S608  # nosec B608
    params = [now + claim_duration(), OutboxMessage.Status.PENDING, now, now]
    params += [message_id] if message_id is not None else []
    return list(OutboxMessage.objects.raw(sql, [*params, limit]))


def outbox_send(*, message_id: int) -> bool:
    """Send one outbox message, at most once. Returns True when this call sent it.

    A worker killed mid-send leaves a claim that expires after OUTBOX_CLAIM_SECONDS,
    and the sweep then hands the message over again.
    """
    claimed = _claim(message_id=message_id)
    if not claimed:
        return False
    return _deliver(claimed[0], _build_batch(claimed)[claimed[0].pk])


def outbox_drain() -> int:
    """Send every due message, a few at a time, until none is left. Returns how many
    were sent. A message the mail server defers is handed back to the broker with a
    countdown (its own task), so the drain goes on with the others.

    While it runs, the kick key stays: new messages ride along on this drain, which
    claims them as they come, instead of each queueing a drain of its own (under a
    surge, a task per handful of mails cost the worker more than the mails). Once
    nothing is due and its lease has run out (_hand_to_worker) it deletes the key,
    from when on a new message queues the next drain, and claims once more: a
    message committed before the key went, whose hand-over saw the key, is claimed
    by that last pass; one committed after finds no key and queues a drain.

    After a batch shorter than DRAIN_BATCH, the drain waits OUTBOX_GATHER_SECONDS
    before it claims again. A batch costs the worker a claim, a query for what the
    mails show and the letter's links whatever its size: claimed as they came, a
    surge's mails went out four or five at a time and those costs were half of the
    worker's CPU per mail. Waiting a fifth of a second lets the next batch fill. The
    drain renews the kick key with each batch, so a long surge keeps one drain with
    full batches rather than gaining another each time the key would have expired.
    """
    sent = _drain_batches(holding_key=True)
    cache.delete(DRAIN_KICK_KEY)
    return sent + _drain_batches(holding_key=False)


def _drain_batches(*, holding_key: bool) -> int:
    """Claim and send batches until one comes up empty; holding the key, until one that
    started after the lease's end comes up empty, so that every message committed
    before then is claimed (see _hand_to_worker)."""
    sent = 0
    lease_until = _renew_lease() if holding_key else 0.0
    while True:
        started = time.time()
        batch = _claim(limit=DRAIN_BATCH)
        built = _build_batch(batch)
        for message in batch:
            try:
                sent += _deliver(message, built[message.pk])
            except MailDeferred as deferred:
                _send_later(message.pk, deferred.retry_in)
        if not holding_key:
            if not batch:
                return sent
            continue
        if batch:
            lease_until = _renew_lease()
        elif started >= lease_until:
            return sent
        if len(batch) < DRAIN_BATCH:
            wait = settings.OUTBOX_GATHER_SECONDS
            if not batch:  # nothing came: wait on, at most until the lease's end
                wait = min(max(wait, 0.05), lease_until - time.time())
            if wait > 0:
                time.sleep(wait)


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


def _deliver(message: OutboxMessage, email: Built) -> bool:
    """Send a message this process has claimed, as built for it (None: nothing to send
    any more; an exception: it could not be built); record the outcome."""
    kind = mail.kind(message.kind)
    if email is None:
        _finish(message, OutboxMessage.Status.CANCELLED)
        return False
    if isinstance(email, Exception):
        _fail_for_good(message, kind, email)
        return False
    try:
        mail.send(email)
    except smtplib.SMTPException as error:
        if _is_permanent(error) or message.attempts >= MAX_ATTEMPTS:
            _finish(message, OutboxMessage.Status.FAILED, error=error)
            if kind.on_permanent_failure:
                kind.on_permanent_failure(message.object_id)
            return False
        _defer(message, error)
    except OSError as error:  # connection refused, timeout: the mail server is away
        if message.attempts >= MAX_ATTEMPTS:
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
    # Once per mail, so one plain statement: the ORM's update() cost the worker 0.31 ms
    # of CPU per mail to build, this 0.08 ms.
    sent_at = timezone.now() if status == OutboxMessage.Status.SENT else None
    with connection.cursor() as cursor:
        cursor.execute(_FINISH_SQL, [status, sent_at, _describe(error) if error else "", message.pk])
    logger.info("outbox message %s (%s) %s", message.pk, message.kind, status)


# The outcome of a mail does not wait for the disk (synchronous_commit off for this
# statement's own transaction; the drain calls it outside any other). A commit that
# waits for its WAL to be flushed cost PostgreSQL 190-220 µs of CPU and the worker 350-390
# µs of waiting, against 110-120 and 150-190 (an UPDATE of this table, 3,000 in a row).
# What it risks: if the database server crashes (not a restart, which flushes), the
# marks of the mails sent in the last fraction of a second are lost, and those mails
# are sent again once their claim expires. A signature, on the other hand, is only
# acknowledged once it is on disk.
# The table name comes from the model; every value is bound.
_FINISH_SQL = f"""
    SET LOCAL synchronous_commit TO OFF;
    UPDATE {OutboxMessage._meta.db_table}
    SET status = %s, sent_at = %s, claimed_until = NULL, last_error = %s
    WHERE id = %s
"""  # noqa: S608  # nosec B608


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
    queued long enough ago that its task must have been lost."""
    from campaign.core.tasks import outbox_send_task

    now = timezone.now()
    grace = claim_duration() if grace is None else grace
    stale = Q(queued_at__isnull=True) | Q(queued_at__lt=now - grace)
    ids = list(OutboxMessage.objects.due().filter(stale).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    handed = 0
    for message_id in ids:
        try:
            outbox_send_task.delay(message_id)
        except Exception:
            logger.warning("broker unavailable during sweep; %s messages wait", len(ids) - handed)
            break
        OutboxMessage.objects.filter(pk=message_id).update(queued_at=now)
        handed += 1
    return handed


def outbox_resend(*, message_id: int) -> OutboxMessage:
    """An organiser asks for a failed mail to be tried again (a new message)."""
    failed = OutboxMessage.objects.get(pk=message_id)
    with transaction.atomic():
        return outbox_enqueue(kind=failed.kind, object_id=failed.object_id)


# --- Worker liveness -----------------------------------------------------------------
# A worker can lose its broker, reconnect, answer `celery inspect ping` and still never
# take a task again (celery#8030, #8091, #10205 with Redis): ping travels on the
# broadcast channel, which keeps working, while the task queues are read on another
# channel, the one that stalls. So the proof that a worker consumes is a task that went
# through the broker and its queues: a canary sent to the worker's direct queue
# (CELERY_WORKER_DIRECT), which the worker reads on the same channel as the task queue.
# The probe (`manage.py worker_alive`, `make run`) sends one each time it looks; running
# it records the time. Cost: one tiny task and one UPSERT per look.

# Rows of workers that are gone (a container replaced, a host renamed) are dropped
# after this long, so the table holds the live workers and a few recent ones.
WORKER_CANARY_KEEP = timedelta(days=7)


def worker_stuck_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_STUCK_SECONDS)


def worker_canary_send(*, hostname: str) -> bool:
    """Queue a canary for one worker (its Celery node name). False if the broker refused."""
    from celery.utils.nodenames import worker_direct

    from campaign.core.tasks import worker_canary_task

    try:
        # A canary that waited longer than the limit proves nothing: let it expire.
        worker_canary_task.apply_async(queue=worker_direct(hostname), expires=worker_stuck_after().total_seconds())
    except Exception:
        logger.warning("broker unavailable: no liveness canary for %s", hostname)
        return False
    return True


def worker_canary_record(*, hostname: str) -> None:
    """A worker ran its canary. The time is the database's, as is the clock that
    worker_canary_age reads, so a probe on another host is not fooled by clock skew."""
    WorkerCanary.objects.bulk_create(
        [WorkerCanary(hostname=hostname, consumed_at=Now())],
        update_conflicts=True,
        unique_fields=["hostname"],
        update_fields=["consumed_at"],
    )
    WorkerCanary.objects.filter(consumed_at__lt=Now() - WORKER_CANARY_KEEP).delete()


def worker_canary_age(*, hostname: str) -> timedelta | None:
    """How long ago the worker last ran a canary; None if it never did."""
    age = ExpressionWrapper(Now() - F("consumed_at"), output_field=DurationField())
    return WorkerCanary.objects.filter(hostname=hostname).annotate(age=age).values_list("age", flat=True).first()
