"""The dashboard's figures, all read from aggregates kept as things happen (the counters,
the daily counts, the milestones) or from small indexed sets (mails waiting or
refused), never by counting a letter's signatures: each query here costs the same at
ten signatures and at a million (bench/dashboard.py measures it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from campaign.core.models import OutboxMessage
from campaign.petitions.models import Milestone, Petition, Signature, SignatureCounter, SignatureDay
from campaign.petitions.selectors import country_counts, signature_count, source_counts
from campaign.petitions.services import MAIL_KINDS

CHART_DAYS = 30
SOURCES_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Totals:
    """What a letter has received and what of it was confirmed, counted as it happened."""

    count: int  # the public count: confirmed, not withdrawn, not invalidated
    goal: int
    signed: int  # signatures received
    confirmed: int  # confirmations received
    mailed: int  # signers' mails sent

    @property
    def confirmation_rate(self) -> int | None:
        """Per cent of the signatures received that were confirmed; None before any."""
        if not self.signed:
            return None
        return min(round(100 * self.confirmed / self.signed), 100)

    @property
    def goal_percent(self) -> int:
        return round(100 * self.count / self.goal) if self.goal else 0


def _day_sums(queryset) -> dict:
    return queryset.aggregate(signed=Sum("signed"), confirmed=Sum("confirmed"), mailed=Sum("mailed"))


def letter_totals(petition: Petition) -> Totals:
    sums = _day_sums(SignatureDay.objects.filter(petition=petition))
    return Totals(
        count=signature_count(petition),
        goal=petition.goal,
        signed=sums["signed"] or 0,
        confirmed=sums["confirmed"] or 0,
        mailed=sums["mailed"] or 0,
    )


@dataclass(frozen=True)
class LetterRow:
    petition: Petition
    totals: Totals


def letter_rows() -> list[LetterRow]:
    """Every letter, newest first, with its figures: three queries whatever the number
    of letters (letters, counters grouped, days grouped)."""
    petitions = list(Petition.objects.defer("body").order_by("-created_at"))
    counts = dict(
        SignatureCounter.objects.values("petition_id").annotate(n=Sum("count")).values_list("petition_id", "n")
    )
    days = {
        row["petition_id"]: row
        for row in SignatureDay.objects.values("petition_id").annotate(
            signed=Sum("signed"), confirmed=Sum("confirmed"), mailed=Sum("mailed")
        )
    }
    rows = []
    for petition in petitions:
        day = days.get(petition.pk, {})
        totals = Totals(
            count=counts.get(petition.pk) or 0,
            goal=petition.goal,
            signed=day.get("signed") or 0,
            confirmed=day.get("confirmed") or 0,
            mailed=day.get("mailed") or 0,
        )
        rows.append(LetterRow(petition=petition, totals=totals))
    return rows


def daily_counts(
    petition: Petition, *, days: int = CHART_DAYS, today: date | None = None
) -> list[tuple[date, int, int]]:
    """(day, received, confirmed) for each of the last `days` days, oldest first, days
    without a signature included as zeros."""
    today = today or timezone.now().date()
    first = today - timedelta(days=days - 1)
    rows = (
        SignatureDay.objects.filter(petition=petition, day__gte=first, day__lte=today)
        .values("day")
        .annotate(signed=Sum("signed"), confirmed=Sum("confirmed"))
        .order_by()
    )
    found = {row["day"]: (row["signed"], row["confirmed"]) for row in rows}
    return [(day, *found.get(day, (0, 0))) for day in (first + timedelta(days=n) for n in range(days))]


# Mails waiting or deferred are counted up to this many: past it the page says "more than",
# so a backlog (the mail server away for an hour) does not slow the page down with it.
PENDING_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Delivery:
    sent: int  # signers' mails sent (confirmation links, reminders)
    waiting: int  # queued, not yet tried (at most PENDING_COUNT_LIMIT + 1)
    deferred: int  # the mail server said "later": tried again with a growing wait (idem)
    refused: int  # refused for good, signature still unconfirmed: these can be resent
    limit: int  # the bound the two above were counted to


def delivery(petition: Petition) -> Delivery:
    """The signers' mails of a letter. Waiting and deferred mails are the outbox's
    pending rows (its partial index), each checked against its signature's letter by
    primary key, counted up to the limit; refused ones are the flagged signatures (a
    partial index too); sent ones the daily counts."""
    ours = Signature.objects.filter(pk=OuterRef("object_id"), petition=petition)
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, kind__in=MAIL_KINDS).filter(
        Exists(ours)
    )
    bound = PENDING_COUNT_LIMIT + 1
    # A deferred mail carries the mail server's last answer; one not yet tried, none.
    waiting = pending.filter(last_error="").values("pk")[:bound].count()
    deferred = pending.exclude(last_error="").values("pk")[:bound].count()
    refused = Signature.objects.pending().filter(petition=petition, mail_failed_at__isnull=False).count()
    sent = SignatureDay.objects.filter(petition=petition).aggregate(n=Sum("mailed"))["n"] or 0
    return Delivery(sent=sent, waiting=waiting, deferred=deferred, refused=refused, limit=PENDING_COUNT_LIMIT)


def countries(petition: Petition) -> list[tuple[str, int]]:
    """(country code, confirmed signatures), largest first: the counters, through the
    same cache as the public page."""
    return country_counts(petition)


def without_country(petition: Petition) -> int:
    return SignatureCounter.objects.filter(petition=petition, country="").aggregate(n=Sum("count"))["n"] or 0


def sources(petition: Petition) -> list[tuple[str, int]]:
    """(where from, counted signatures) for the letter, largest first, "Straight to the
    letter" included: petitions.selectors.source_counts, the dashboard's one GROUP BY
    (an index-only scan of the sourced signatures' partial index), kept a minute."""
    key = f"organise:sources:{petition.pk}"
    rows = cache.get(key)
    if rows is None:
        rows = source_counts(petition)
        cache.set(key, rows, SOURCES_CACHE_SECONDS)
    return rows


def milestones(petition: Petition) -> list[Milestone]:
    return list(Milestone.objects.filter(petition=petition).order_by("threshold"))


def next_milestone(totals: Totals) -> int:
    """The next line the count will cross: the goal or the next power of ten."""
    power = 10
    while power <= totals.count:
        power *= 10
    return min(power, totals.goal) if totals.goal > totals.count else power
