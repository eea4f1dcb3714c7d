"""The signing workflow: sign, confirm, remind, withdraw, invalidate, purge, anonymise,
count."""

from __future__ import annotations

import hashlib
import json
import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone, translation

from campaign.coalition.services import endorsements_tell_new_version
from campaign.core.emails import normalise_email
from campaign.core.models import OutboxMessage
from campaign.core.outbox import outbox_create_with, outbox_enqueue, outbox_resend
from campaign.core.pagecache import page_forget, public_pages_changed
from campaign.core.ratelimit import keyed_hash
from campaign.petitions.forms import CONSENT_TEXT
from campaign.petitions.models import (
    DeliveryPack,
    Milestone,
    Petition,
    PetitionTranslation,
    PetitionVersion,
    Signature,
    SignatureCounter,
    SignatureDay,
    Source,
    new_partner_token,
)

logger = logging.getLogger(__name__)

MAIL_CONFIRM = "petitions.confirm"
MAIL_ALREADY_SIGNED = "petitions.already_signed"
MAIL_KINDS = (MAIL_CONFIRM, MAIL_ALREADY_SIGNED)
MAIL_MILESTONE = "petitions.milestone"
# The dashboard's "resend" queues at most this many refused mails of a letter at once.
RESEND_BATCH = 500
# A person may ask for the mail again, but not flood an inbox with it: a few mails a day,
# never two within minutes. A cap per window rather than for life, so whoever wants to
# withdraw can always have their link mailed again, a day later at worst.
MAX_MAILS_PER_WINDOW = 4
MAIL_WINDOW = timedelta(hours=24)
MIN_MAIL_INTERVAL = timedelta(minutes=2)
CONFIRM_SALT = "petitions.confirm"
WITHDRAW_SALT = "petitions.withdraw"
COUNTER_LOCK_NAMESPACE = 7101
PURGE_BATCH = 2000
# The fields of signature_one_per_person: one signature per person and letter.
REPEAT_KEY = ("petition", "email_normalised")


class PetitionClosed(Exception):
    """The letter does not take signatures (draft, closed, archived, or not yet open)."""


class InvalidToken(Exception):
    """A confirmation or withdrawal link that is tampered with, expired or stale."""


# --- Letters ----------------------------------------------------------------------------


def _text_of(petition: Petition) -> dict:
    return {
        "title": petition.title,
        "body": petition.body,
        "demands": list(petition.demands.order_by("position", "pk").values_list("text", flat=True)),
    }


def _translation_text_of(translation: PetitionTranslation) -> dict:
    return {"title": translation.title, "body": translation.body, "demands": translation.demand_lines}


def _record_version(*, petition: Petition, language: str, text: dict, holder: QuerySet) -> PetitionVersion:
    """Snapshot one language's text of a letter. `holder` selects the row that carries
    that text's version number and fingerprint (the letter, or its translation)."""
    fingerprint = hashlib.sha256(json.dumps(text, sort_keys=True).encode()).hexdigest()
    with transaction.atomic():
        current = holder.select_for_update().values("version", "text_fingerprint").get()
        status = Petition.objects.filter(pk=petition.pk).values_list("status", flat=True).get()
        versions = PetitionVersion.objects.filter(petition=petition, language=language)
        latest = versions.order_by("-number").first()
        if latest is not None and fingerprint == current["text_fingerprint"]:
            return latest
        if latest is None or status == Petition.Status.DRAFT:
            number = latest.number if latest else 1
            version, _ = PetitionVersion.objects.update_or_create(
                petition=petition, language=language, number=number, defaults={**text, "created_at": timezone.now()}
            )
        else:
            number = latest.number + 1
            version = PetitionVersion.objects.create(petition=petition, language=language, number=number, **text)
        holder.update(version=number, text_fingerprint=fingerprint)
    return version


def petition_record_version(*, petition: Petition) -> PetitionVersion:
    """Snapshot the letter's text. Once a letter has left draft, any change to its
    title, body or demands makes a new version; signatures record the one they saw."""
    return _record_version(
        petition=petition,
        language=petition.language,
        text=_text_of(petition),
        holder=Petition.objects.filter(pk=petition.pk),
    )


def petition_translation_record_version(*, translation: PetitionTranslation) -> PetitionVersion:
    """Snapshot a translation's text: its versions count on their own, as the
    original's do, so a signature on the French page says which French text it saw."""
    return _record_version(
        petition=translation.petition,
        language=translation.language,
        text=_translation_text_of(translation),
        holder=PetitionTranslation.objects.filter(pk=translation.pk),
    )


def petition_publish_changes(*, petition: Petition) -> PetitionVersion:
    """An organiser saved the letter (its demands and translations too): record its
    texts' versions and retire the cached public pages, which show them, and the copy
    signing reads. A new version of the original letter members endorsed is news to
    them: they are mailed."""
    previous = Petition.objects.filter(pk=petition.pk).values_list("version", flat=True).first()
    version = petition_record_version(petition=petition)
    for text in petition.translations.all():
        petition_translation_record_version(translation=text)
    if previous is not None and version.number > previous:
        endorsements_tell_new_version(petition=petition, version=version.number)
    _letters_changed([petition.slug])
    return version


def petitions_delete(*, petitions: QuerySet[Petition]) -> None:
    slugs = list(petitions.values_list("slug", flat=True))
    petitions.delete()
    _letters_changed(slugs)


SOURCE_CODES_KEY = "petitions:source-codes"


def source_save(*, source: Source) -> None:
    """An organiser created or changed a source: its code takes effect on the next page."""
    source.save()
    _sources_changed()


def sources_delete(*, sources: QuerySet[Source]) -> None:
    sources.delete()
    _sources_changed()


def source_new_partner_link(*, source: Source) -> None:
    """The partner's secret link leaked or the partnership ended: the old link stops working."""
    source.partner_token = new_partner_token()
    source.save(update_fields=["partner_token"])


def _sources_changed() -> None:
    cache.delete(SOURCE_CODES_KEY)
    transaction.on_commit(lambda: cache.delete(SOURCE_CODES_KEY))
    public_pages_changed()


def letter_cache_key(slug: str) -> str:
    """The letter signing reads, with its text's version in every language."""
    return f"petitions:letter:{slug}"


def _letters_changed(slugs: list[str]) -> None:
    """Forget the letters' cached copies now and again after commit, so a copy read
    from the old row in between is not left behind (as public_pages_changed does)."""
    keys = [letter_cache_key(slug) for slug in slugs]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
    public_pages_changed()


# --- Tokens -----------------------------------------------------------------------------


def confirm_token(signature: Signature) -> str:
    return signing.dumps({"s": signature.pk}, salt=CONFIRM_SALT, compress=True)


def withdraw_token(signature: Signature) -> str:
    return signing.dumps({"s": signature.pk}, salt=WITHDRAW_SALT, compress=True)


def _signature_from_token(token: str, *, salt: str, max_age: timedelta | None, petition: Petition) -> Signature:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
        signature_id = int(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken from None
    signature = Signature.objects.filter(pk=signature_id, petition=petition).first()
    if signature is None:
        raise InvalidToken
    return signature


def signature_from_confirm_token(token: str, *, petition: Petition) -> Signature:
    return _signature_from_token(
        token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.SIGNATURE_PENDING_DAYS), petition=petition
    )


def signature_from_withdraw_token(token: str, *, petition: Petition) -> Signature:
    return _signature_from_token(token, salt=WITHDRAW_SALT, max_age=None, petition=petition)


# --- Signing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureDetails:
    name: str
    email: str
    country: str
    city: str = ""
    affiliation: str = ""
    is_public: bool = False
    wants_updates: bool = False
    # Where the person came from (selectors.source_id_for): None when straight to the letter.
    source_id: int | None = None
    # The language of the page signed on, for the person's mails; empty: the letter's own.
    language: str = ""


def letter_text_versions(petition: Petition) -> dict[str, int]:
    """The current version of the letter's text in each language it is written in."""
    return {petition.language: petition.version, **dict(petition.translations.values_list("language", "version"))}


def _version_in(petition: Petition, language: str) -> int:
    """The version a signer on the page in `language` read: the translation's, or the
    original's where there is none. The letter signing reads from the cache carries
    them all (selectors.public_letter), so a signature costs no query for it."""
    versions = getattr(petition, "text_versions", None)
    if versions is None:
        versions = letter_text_versions(petition)
    return versions.get(language, petition.version)


def signature_create(*, petition: Petition, details: SignatureDetails, client_ip: str = "") -> Signature:
    """Record a signature and its confirmation mail together (one statement).

    A second signature with the same (normalised) address is not written (the unique
    constraint, met with ON CONFLICT DO NOTHING, so that the database logs no error
    naming the person) and becomes a reminder instead: the caller cannot tell the
    difference, and neither can the person, so the site never reveals who has signed.
    """
    if not petition.is_open:
        raise PetitionClosed
    now = timezone.now()
    language = details.language or petition.language
    signature = Signature(
        petition=petition,
        language=language,
        petition_version=_version_in(petition, language),
        name=details.name,
        email=details.email,
        email_normalised=normalise_email(details.email),
        country=details.country,
        city=details.city,
        affiliation=details.affiliation,
        is_public=details.is_public,
        wants_updates=details.wants_updates,
        source_id=details.source_id,
        consent_text=str(CONSENT_TEXT),
        consent_version=settings.PRIVACY_CONSENT_VERSION,
        ip_hash=keyed_hash(client_ip, "signature-ip") if client_ip else None,
        mails_sent=1,
        last_mailed_at=now,
        created_at=now,
    )
    if outbox_create_with(signature, kind=MAIL_CONFIRM, unless_taken=REPEAT_KEY) is None:
        existing = Signature.objects.filter(petition=petition, email_normalised=signature.email_normalised).first()
        if existing is None:  # signed and withdrawn in between: rare enough to ask again
            raise IntegrityError("the signature taken a moment ago is gone")
        signature_remind(signature=existing)
        return existing
    _day_add(petition_id=petition.pk, signed=1)
    return signature


def signature_remind(*, signature: Signature) -> bool:
    """Mail the person again: the confirmation link while pending, a short "you have
    already signed" with the withdrawal link once confirmed. One conditional UPDATE caps
    how often (MAX_MAILS_PER_WINDOW a day, MIN_MAIL_INTERVAL apart), so fifty identical
    submissions at once still send at most one mail. `mails_sent` counts the mails of
    the current window; a request after the window has passed starts a new one."""
    now = timezone.now()
    since = now - MAIL_WINDOW
    # A window left empty began with the signature (signature_create sends the first mail).
    new_window = Q(mail_window_started_at__lt=since) | Q(mail_window_started_at__isnull=True, created_at__lt=since)
    with transaction.atomic():
        allowed = (
            Signature.objects.filter(
                Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lt=now - MIN_MAIL_INTERVAL),
                new_window | Q(mails_sent__lt=MAX_MAILS_PER_WINDOW),
                pk=signature.pk,
                withdrawn_at__isnull=True,
                invalidated_at__isnull=True,
                anonymised_at__isnull=True,
            ).update(
                mails_sent=Case(When(new_window, then=Value(1)), default=F("mails_sent") + 1),
                mail_window_started_at=Case(When(new_window, then=Value(now)), default=F("mail_window_started_at")),
                last_mailed_at=now,
            )
            == 1
        )
        if allowed:
            kind = MAIL_ALREADY_SIGNED if signature.confirmed_at else MAIL_CONFIRM
            outbox_enqueue(kind=kind, object_id=signature.pk)
    return allowed


def signature_resend(*, petition: Petition, email: str) -> None:
    """Someone lost their links or let them expire and asks for them again: a pending
    signer gets the confirmation mail, a confirmed one the mail with the withdrawal link."""
    signature = Signature.objects.filter(petition=petition, email_normalised=normalise_email(email)).first()
    if signature is not None:
        signature_remind(signature=signature)


# --- Counting ---------------------------------------------------------------------------


def count_cache_key(petition_id: int) -> str:
    return f"petitions:count:{petition_id}"


def wall_cache_key(petition_id: int) -> str:
    return f"petitions:wall:{petition_id}"


def _counter_add(*, petition_id: int, country: str, delta: int) -> None:
    """Add to one random shard; callers hold the letter's shared counter lock."""
    with connection.cursor() as cursor:
        # The table name comes from the model; every value is bound.
        cursor.execute(
            f"""
            INSERT INTO {SignatureCounter._meta.db_table} (petition_id, country, shard, count)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (petition_id, country, shard)
            DO UPDATE SET count = {SignatureCounter._meta.db_table}.count + EXCLUDED.count
            """,  # noqa: S608  # nosec B608
            [petition_id, str(country or ""), random.randrange(SignatureCounter.SHARDS), delta],  # noqa: S311
        )
    transaction.on_commit(lambda: cache.delete_many([count_cache_key(petition_id), wall_cache_key(petition_id)]))


def _day_add(*, petition_id: int, signed: int = 0, confirmed: int = 0) -> None:
    """Count a signature received or confirmed today, on a random shard of the day's
    row (SignatureDay). A statistic for the dashboard: the signature never waits on it."""
    table = SignatureDay._meta.db_table
    with connection.cursor() as cursor:
        # The table name comes from the model; every value is bound.
        cursor.execute(
            f"""
            INSERT INTO {table} (petition_id, day, shard, signed, confirmed, mailed)
            VALUES (%s, %s, %s, %s, %s, 0)
            ON CONFLICT (petition_id, day, shard) DO UPDATE
            SET signed = {table}.signed + EXCLUDED.signed, confirmed = {table}.confirmed + EXCLUDED.confirmed
            """,  # noqa: S608  # nosec B608
            [petition_id, timezone.now().date(), random.randrange(SignatureDay.SHARDS), signed, confirmed],  # noqa: S311
        )


def signature_days_add(*, petition: Petition, signatures: list[Signature]) -> None:
    """Count signatures written outside the signing workflow (the demo's) in the daily
    counts, on the days they carry, as signing and confirming would have."""
    events: dict = {}
    for signature in signatures:
        events.setdefault(signature.created_at.date(), [0, 0])[0] += 1
        if signature.confirmed_at:
            events.setdefault(signature.confirmed_at.date(), [0, 0])[1] += 1
    for day, (signed, confirmed) in events.items():
        row, _ = SignatureDay.objects.get_or_create(petition=petition, day=day, shard=0)
        SignatureDay.objects.filter(pk=row.pk).update(signed=F("signed") + signed, confirmed=F("confirmed") + confirmed)


def signatures_mailed(signature_ids: list[int]) -> None:
    """Signers' mails went out: count them on today's rows of their letters, in one
    statement per drained batch (the outbox calls this for the signing kinds)."""
    table = SignatureDay._meta.db_table
    with connection.cursor() as cursor:
        # The table names come from the models; every value is bound.
        cursor.execute(
            f"""
            INSERT INTO {table} (petition_id, day, shard, signed, confirmed, mailed)
            SELECT petition_id, %s, %s, 0, 0, count(*) FROM {Signature._meta.db_table} WHERE id = ANY(%s)
            GROUP BY petition_id
            ON CONFLICT (petition_id, day, shard) DO UPDATE SET mailed = {table}.mailed + EXCLUDED.mailed
            """,  # noqa: S608  # nosec B608
            [timezone.now().date(), random.randrange(SignatureDay.SHARDS), signature_ids],  # noqa: S311
        )


def milestone_thresholds(total: int) -> list[int]:
    """The powers of ten a count of `total` has reached (10, 100, …)."""
    thresholds, threshold = [], 10
    while threshold <= total:
        thresholds.append(threshold)
        threshold *= 10
    return thresholds


def _milestones_reach(*, petition_id: int, total: int) -> None:
    """Record every milestone (power of ten, the goal) that `total` has reached and the
    letter had not, and queue the organisers' mail for each new one, in the caller's
    transaction. ON CONFLICT DO NOTHING against milestone_once_per_letter: of two
    confirmations that both see the line crossed, one records it, the other nothing.
    Every threshold up to the total is offered, not only the one just crossed, so that
    confirmations committing together, none of which saw the exact figure, miss none;
    in ascending order, so that two of them wait on each other's rows in one order and
    never deadlock."""
    table = Milestone._meta.db_table
    with connection.cursor() as cursor:
        # The table names come from the models; every value is bound.
        cursor.execute(
            f"""
            INSERT INTO {table} (petition_id, threshold, is_goal, reached_at)
            SELECT p.id, t.threshold, t.threshold = p.goal, %s
            FROM {Petition._meta.db_table} p
            CROSS JOIN LATERAL (SELECT unnest(%s::integer[]) UNION SELECT p.goal) AS t(threshold)
            WHERE p.id = %s AND t.threshold <= %s
            ORDER BY t.threshold
            ON CONFLICT (petition_id, threshold) DO NOTHING
            RETURNING id
            """,  # noqa: S608  # nosec B608
            [timezone.now(), milestone_thresholds(total), petition_id, total],
        )
        reached = [row[0] for row in cursor.fetchall()]
    for milestone_id in reached:
        outbox_enqueue(kind=MAIL_MILESTONE, object_id=milestone_id)


def _lock_counters(petition_id: int, *, exclusive: bool) -> None:
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [COUNTER_LOCK_NAMESPACE, petition_id])


def counts_reconcile(*, petition: Petition) -> bool:
    """Rebuild a letter's counters from the signatures. Returns True if they drifted.

    The exclusive advisory lock waits for confirmations in flight to commit and holds
    new ones back for the few milliseconds this takes, so no update is lost."""
    with transaction.atomic():
        _lock_counters(petition.pk, exclusive=True)
        actual = {
            row["country"]: row["n"]
            for row in Signature.objects.counted()
            .filter(petition=petition)
            .values("country")
            .annotate(n=Count("pk"))
            .order_by()
        }
        stored: dict[str, int] = {}
        for country, count in SignatureCounter.objects.filter(petition=petition).values_list("country", "count"):
            stored[country] = stored.get(country, 0) + count
        stored = {country: count for country, count in stored.items() if count}
        if stored == actual:
            return False
        SignatureCounter.objects.filter(petition=petition).delete()
        SignatureCounter.objects.bulk_create(
            SignatureCounter(petition=petition, country=country, shard=0, count=count)
            for country, count in actual.items()
        )
    cache.delete(count_cache_key(petition.pk))
    logger.info("counters of letter %s reconciled", petition.pk)
    return True


# --- Confirming and leaving -------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    signature: Signature
    newly_confirmed: bool
    signer_number: int | None


def signature_confirm(*, signature: Signature) -> Confirmation:
    """Confirm once. A second call changes nothing and says so."""
    with transaction.atomic():
        _lock_counters(signature.petition_id, exclusive=False)
        now = timezone.now()
        updated = Signature.objects.filter(
            pk=signature.pk,
            confirmed_at__isnull=True,
            withdrawn_at__isnull=True,
            invalidated_at__isnull=True,
            anonymised_at__isnull=True,
        ).update(confirmed_at=now)
        signer_number = None
        if updated:
            _counter_add(petition_id=signature.petition_id, country=signature.country, delta=1)
            _day_add(petition_id=signature.petition_id, confirmed=1)
            signer_number = SignatureCounter.objects.total_for(signature.petition_id)
            _milestones_reach(petition_id=signature.petition_id, total=signer_number)
        signature.refresh_from_db()
    return Confirmation(signature=signature, newly_confirmed=bool(updated), signer_number=signer_number)


# What an anonymised signature keeps: its letter, the version signed, its country and
# dates (the counts by country and day), nothing else about the person.
ANONYMISED = {
    "name": "",
    "email": "",
    "email_normalised": None,
    "city": "",
    "affiliation": "",
    "is_public": False,
    "wants_updates": False,
    "ip_hash": None,
}
# What a withdrawn signature keeps: its letter, its dates, nothing about the person.
SCRUBBED = {**ANONYMISED, "country": ""}


def signature_withdraw(*, signature: Signature) -> bool:
    """Take a signature off the letter: the count drops and the personal data goes.
    Returns False when it was already withdrawn."""
    with transaction.atomic():
        _lock_counters(signature.petition_id, exclusive=False)
        current = Signature.objects.select_for_update().get(pk=signature.pk)
        if current.withdrawn_at is not None:
            return False
        if current.is_counted:
            _counter_add(petition_id=current.petition_id, country=current.country, delta=-1)
        Signature.objects.filter(pk=current.pk).update(withdrawn_at=timezone.now(), **SCRUBBED)
        OutboxMessage.objects.filter(
            kind__in=MAIL_KINDS, object_id=current.pk, status=OutboxMessage.Status.PENDING
        ).update(status=OutboxMessage.Status.CANCELLED)
        if current.is_public:
            packs_forget_names(petition_id=current.petition_id)
    _letter_page_forget_on_commit(current)
    return True


def signature_invalidate(*, signature: Signature) -> bool:
    """An organiser strikes a signature (spam, abuse). It stops counting at once."""
    with transaction.atomic():
        _lock_counters(signature.petition_id, exclusive=False)
        current = Signature.objects.select_for_update().get(pk=signature.pk)
        if current.invalidated_at is not None or current.withdrawn_at is not None:
            return False
        if current.is_counted:
            _counter_add(petition_id=current.petition_id, country=current.country, delta=-1)
        Signature.objects.filter(pk=current.pk).update(invalidated_at=timezone.now())
    return True


def signature_mail_refused(signature_id: int) -> None:
    """The address refused our mail for good: flag it for organisers to look at."""
    Signature.objects.filter(pk=signature_id, mail_failed_at__isnull=True).update(mail_failed_at=timezone.now())


def signature_mails_resend(*, petition: Petition) -> int:
    """An organiser has a letter's refused confirmation mails tried again: for each
    signature still pending whose mail was refused, its failed mail is queued anew
    (the outbox's resend) and the flag cleared. At most RESEND_BATCH at once. Returns
    how many were queued."""
    refused = list(
        Signature.objects.pending()
        .filter(petition=petition, mail_failed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    if not refused:
        return 0
    with transaction.atomic():
        # The latest failed mail of each: the one that made the flag.
        failed = dict(
            OutboxMessage.objects.filter(kind=MAIL_CONFIRM, object_id__in=refused, status=OutboxMessage.Status.FAILED)
            .order_by("object_id", "-pk")
            .distinct("object_id")
            .values_list("object_id", "pk")
        )
        for message_id in failed.values():
            outbox_resend(message_id=message_id)
        Signature.objects.filter(pk__in=failed).update(mail_failed_at=None)
    return len(failed)


def signature_erase(*, signature: Signature) -> bool:
    """Erase a signature at the person's request (from their data page, or by an
    organiser for a request by post or phone). As on withdrawal the count drops and the
    personal data goes (SCRUBBED); a signature already withdrawn or invalidated is
    scrubbed as well, and every outbox row about it is deleted, not only cancelled.
    Returns False when nothing was left to erase."""
    with transaction.atomic():
        _lock_counters(signature.petition_id, exclusive=False)
        current = Signature.objects.select_for_update().filter(pk=signature.pk).first()
        if current is None:
            return False
        if current.withdrawn_at is not None and current.email_normalised is None:
            return False
        if current.is_counted:
            _counter_add(petition_id=current.petition_id, country=current.country, delta=-1)
        Signature.objects.filter(pk=current.pk).update(withdrawn_at=current.withdrawn_at or timezone.now(), **SCRUBBED)
        OutboxMessage.objects.filter(kind__in=MAIL_KINDS, object_id=current.pk).delete()
        if current.is_public:
            packs_forget_names(petition_id=current.petition_id)
    _letter_page_forget_on_commit(current)
    logger.info("signature %s erased", current.pk)
    return True


def _letter_page_forget_on_commit(signature: Signature) -> None:
    """Once the signature is scrubbed, delete the cached copies of its letter's page:
    the stored copy would otherwise keep the name its wall showed until it expires."""
    if signature.is_public:
        slug = Petition.objects.filter(pk=signature.petition_id).values_list("slug", flat=True).first()
        if slug:
            transaction.on_commit(lambda: page_forget(f"letter:{slug}"))


# --- Housekeeping -----------------------------------------------------------------------


def _delete_in_batches(signatures) -> int:
    """Delete the signatures a queryset selects, and their mails, PURGE_BATCH at a time:
    short transactions, and a run cut short leaves nothing half done."""
    deleted = 0
    while True:
        ids = list(signatures.values_list("pk", flat=True)[:PURGE_BATCH])
        if not ids:
            return deleted
        with transaction.atomic():
            OutboxMessage.objects.filter(kind__in=MAIL_KINDS, object_id__in=ids).delete()
            deleted += signatures.filter(pk__in=ids).delete()[0]


def signatures_purge() -> tuple[int, int]:
    """Delete signatures never confirmed within SIGNATURE_PENDING_DAYS of their last mail
    (so a reminder's "the link works for seven days" holds), and invalidated ones once
    their letter's retention period has passed since they were struck; forget IP hashes
    past their retention. Returns (signatures deleted, IP hashes forgotten). Safe to run
    twice at once: every statement is idempotent. The counts do not change: neither kind
    was counted."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.SIGNATURE_PENDING_DAYS)
    purged = _delete_in_batches(
        Signature.objects.filter(
            Q(last_mailed_at__isnull=True) | Q(last_mailed_at__lt=cutoff),
            confirmed_at__isnull=True,
            created_at__lt=cutoff,
        )
    )
    periods = Petition.objects.filter(retention_days__isnull=False).values_list("retention_days", flat=True)
    for days in {None, *periods}:
        struck = Signature.objects.filter(
            invalidated_at__lt=now - timedelta(days=settings.SIGNATURE_RETENTION_DAYS if days is None else days)
        )
        if days is None:
            struck = struck.filter(petition__retention_days__isnull=True)
        else:
            struck = struck.filter(petition__retention_days=days)
        purged += _delete_in_batches(struck)
    forgotten = Signature.objects.filter(
        ip_hash__isnull=False, created_at__lt=now - timedelta(days=settings.IP_HASH_RETENTION_DAYS)
    ).update(ip_hash=None)
    return purged, forgotten


def petitions_mark_closed() -> None:
    """Note when each letter closed, however it closed (by hand, or by its closing date
    passing, which no code path sees happen), and forget it if the letter reopens. At
    its closing date when that has passed, else now: at worst the retention period
    starts one run of this task late, never early."""
    now = timezone.now()
    Petition.objects.closed().filter(closed_at__isnull=True).update(
        closed_at=Case(When(closes_at__lte=now, then=F("closes_at")), default=Value(now))
    )
    Petition.objects.filter(closed_at__isnull=False).exclude(pk__in=Petition.objects.closed()).update(closed_at=None)


def signatures_anonymise() -> int:
    """Erase the signers' details of letters closed for longer than their retention
    period (the letter's own, or SIGNATURE_RETENTION_DAYS). A signature keeps counting
    and keeps its country and dates, so the public count and the counters stay as they
    are. Batched and idempotent; returns how many signatures were anonymised."""
    petitions_mark_closed()
    now = timezone.now()
    anonymised = 0
    for petition in Petition.objects.filter(closed_at__isnull=False).only("pk", "closed_at", "retention_days"):
        days = settings.SIGNATURE_RETENTION_DAYS if petition.retention_days is None else petition.retention_days
        if petition.closed_at > now - timedelta(days=days):
            continue
        packs_forget_names(petition_id=petition.pk)
        # Anonymised and withdrawn signatures have no address: this reads the unique index.
        due = Signature.objects.filter(petition=petition, email_normalised__isnull=False)
        while ids := list(due.values_list("pk", flat=True)[:PURGE_BATCH]):
            with transaction.atomic():
                OutboxMessage.objects.filter(
                    kind__in=MAIL_KINDS, object_id__in=ids, status=OutboxMessage.Status.PENDING
                ).update(status=OutboxMessage.Status.CANCELLED)
                done = due.filter(pk__in=ids).update(anonymised_at=now, **ANONYMISED)
            anonymised += done
            logger.info("%s signatures of letter %s anonymised", done, petition.pk)
    return anonymised


# --- The hand-in ------------------------------------------------------------------------


def pack_request(*, petition: Petition, by, include_signers: bool) -> DeliveryPack:
    """An organiser asks for a delivery pack: recorded now (who, which letter, when),
    built by a worker after commit."""
    pack = DeliveryPack.objects.create(petition=petition, requested_by=by, include_signers=include_signers)
    pack_id = pack.pk
    transaction.on_commit(lambda: _pack_hand_to_worker(pack_id))
    return pack


def _pack_hand_to_worker(pack_id: int) -> None:
    from campaign.petitions.tasks import pack_build_task

    try:
        pack_build_task.delay(pack_id)
    except Exception:
        # The broker is away: say so on the organiser's page rather than leave the pack
        # "being prepared" for ever; asking again is one click.
        DeliveryPack.objects.filter(pk=pack_id, state=DeliveryPack.State.QUEUED).update(
            state=DeliveryPack.State.FAILED, finished_at=timezone.now()
        )
        logger.warning("broker unavailable, delivery pack %s not queued", pack_id)


def pack_build(*, pack_id: int) -> bool:
    """Draw a queued pack's PDF and CSV and store them. Returns False when there was
    nothing to do (built already, failed, or its names expired meanwhile: the final
    UPDATE is conditional, so a signer who withdrew while it was drawn is not kept)."""
    from campaign.petitions.pack import pack_content, pack_csv, pack_pdf

    pack = DeliveryPack.objects.select_related("petition").filter(pk=pack_id).first()
    if pack is None or pack.state != DeliveryPack.State.QUEUED:
        return False
    petition = pack.petition
    try:
        content = pack_content(petition, include_signers=pack.include_signers)
        pdf, pages = pack_pdf(content, language=petition.language)
        with translation.override(petition.language):
            csv_bytes = pack_csv(petition, include_signers=pack.include_signers)
    except Exception:
        logger.exception("delivery pack %s could not be built", pack_id)
        DeliveryPack.objects.filter(pk=pack_id, state=DeliveryPack.State.QUEUED).update(
            state=DeliveryPack.State.FAILED, finished_at=timezone.now()
        )
        return False
    done = DeliveryPack.objects.filter(pk=pack_id, state=DeliveryPack.State.QUEUED).update(
        state=DeliveryPack.State.READY,
        finished_at=timezone.now(),
        pdf=pdf,
        csv=csv_bytes,
        page_count=pages,
        signature_count=content.total,
        signer_count=len(content.signers) if content.signers is not None else None,
        organisation_count=len(content.organisations),
    )
    logger.info("delivery pack %s built: %s pages", pack_id, pages)
    return done == 1


def packs_forget_names(*, petition_id: int) -> int:
    """Delete the files of a letter's packs that list signers by name (and stop those
    being drawn): a listed signer withdrew, was erased or hidden, or the letter's
    signers' details reached the end of their retention period. Returns how many."""
    return (
        DeliveryPack.objects.with_names()
        .filter(petition_id=petition_id)
        .update(state=DeliveryPack.State.EXPIRED, pdf=None, csv=None)
    )
