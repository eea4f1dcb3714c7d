"""Reads shared by the pages, the API and the review queue."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campaign.coalition.geo import TileMap, tile_map
from campaign.coalition.models import Application, Endorsement, Organisation, OrganisationChange
from campaign.core.emails import PLUS_TAG_DOMAINS
from campaign.petitions.models import Petition

WEBMAIL_DOMAINS = PLUS_TAG_DOMAINS | {
    "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "aol.com", "gmx.com", "gmx.de", "gmx.net",
    "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com", "zoho.com", "hotmail.co.uk", "hotmail.fr",
    "live.co.uk", "msn.com", "outlook.fr", "outlook.de", "hey.com", "qq.com", "163.com", "laposte.net",
    "orange.fr", "free.fr", "libero.it", "btinternet.com", "sky.com", "comcast.net", "tutanota.de", "tuta.com",
}  # fmt: skip
NAME_SIMILARITY = 0.82
CHART_BAR = 40
CHART_HEIGHT = 120
STOP_WORDS = {"the", "for", "of", "and", "a", "an", "de", "la", "le", "el", "du", "des", "e", "et", "y"}
# The queue page shows the oldest waiting applications, this many, each compared with at
# most REVIEW_COMPARE_LIMIT organisations: a flood of applications cannot make the page
# compare every application with every organisation.
REVIEW_QUEUE_LIMIT = 50
REVIEW_COMPARE_LIMIT = 5000


# --- Review signals ---------------------------------------------------------------------


def _normalised_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [word for word in re.split(r"[^a-z0-9]+", folded) if word and word not in STOP_WORDS]
    return " ".join(words)


@dataclass(frozen=True)
class Duplicate:
    organisation: Organisation
    same_domain: bool
    similar_name: bool


@dataclass(frozen=True)
class ReviewSignals:
    email_domain: str
    website_domain: str
    domain_matches: bool
    is_webmail: bool
    duplicates: list[Duplicate]

    @property
    def worth_a_look(self) -> bool:
        return not self.domain_matches or self.is_webmail or bool(self.duplicates)


def _domains_match(email_domain: str, website_domain: str) -> bool:
    if not email_domain or not website_domain:
        return False
    return (
        email_domain == website_domain
        or email_domain.endswith(f".{website_domain}")
        or website_domain.endswith(f".{email_domain}")
    )


@dataclass(frozen=True)
class KnownOrganisation:
    organisation: Organisation
    name: str
    short: str


def known_organisations(*, limit: int = REVIEW_COMPARE_LIMIT) -> list[KnownOrganisation]:
    """What an application is compared with, newest first, at most `limit`: every
    organisation that confirmed its address and was not declined. Unconfirmed
    applications, where spam stays, are left out."""
    rows = (
        Organisation.objects.known()
        .exclude(status=Organisation.Status.APPLIED)
        .only("name", "short_name", "domain", "slug", "status", "country")
        .order_by("-pk")[:limit]
    )
    return [
        KnownOrganisation(organisation=row, name=_normalised_name(row.name), short=_normalised_name(row.short_name))
        for row in rows
    ]


def review_signals(application: Application, *, known: list[KnownOrganisation] | None = None) -> ReviewSignals:
    organisation = application.organisation
    email_domain = application.contact.email.rpartition("@")[2].lower().rstrip(".")
    name = _normalised_name(organisation.name)
    short = _normalised_name(organisation.short_name)
    # difflib keeps what it learnt of its second sequence: the application's name.
    matcher = SequenceMatcher(None, b=name)
    duplicates = []
    for other in known_organisations() if known is None else known:
        if other.organisation.pk == organisation.pk:
            continue
        same_domain = bool(organisation.domain) and other.organisation.domain == organisation.domain
        similar = bool(name and other.name) and (
            _similar(matcher, other.name)
            or (len(name) >= 6 and (name in other.name or other.name in name))
            or (bool(short) and short == other.short)
        )
        if same_domain or similar:
            duplicates.append(Duplicate(organisation=other.organisation, same_domain=same_domain, similar_name=similar))
    return ReviewSignals(
        email_domain=email_domain,
        website_domain=organisation.domain,
        domain_matches=_domains_match(email_domain, organisation.domain),
        is_webmail=email_domain in WEBMAIL_DOMAINS,
        duplicates=duplicates,
    )


def _similar(matcher: SequenceMatcher, other_name: str) -> bool:
    # The cheap upper bounds first, as difflib.get_close_matches does: most names fail them.
    matcher.set_seq1(other_name)
    return (
        matcher.real_quick_ratio() >= NAME_SIMILARITY
        and matcher.quick_ratio() >= NAME_SIMILARITY
        and matcher.ratio() >= NAME_SIMILARITY
    )


def review_rows(*, limit: int = REVIEW_QUEUE_LIMIT) -> list[tuple[Application, ReviewSignals]]:
    """The oldest `limit` waiting applications with their signals, all compared with
    one read of the known organisations."""
    applications = list(review_queue()[:limit])
    known = known_organisations() if applications else []
    return [(application, review_signals(application, known=known)) for application in applications]


def review_queue() -> QuerySet[Application]:
    return (
        Application.objects.filter(organisation__status__in=Organisation.REVIEWABLE, outcome="")
        .select_related("organisation", "contact")
        .order_by("confirmed_at", "pk")
    )


def pending_changes() -> QuerySet[OrganisationChange]:
    """Changes representatives proposed to reviewed fields, oldest first."""
    return (
        OrganisationChange.objects.pending()
        .select_related("organisation", "proposed_by")
        .defer("organisation__logo_large", "organisation__logo_small")
        .order_by("proposed_at", "pk")
    )


# --- Directory --------------------------------------------------------------------------


def directory(*, q: str = "", country: str = "", kind: str = "", tier: str = "") -> QuerySet[Organisation]:
    members = Organisation.objects.public()
    if q:
        members = members.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if country:
        members = members.filter(country=country)
    if kind:
        members = members.filter(kind=kind)
    if tier:
        members = members.filter(tier=tier)
    return members.defer("logo_large", "logo_small")


@dataclass(frozen=True)
class Headline:
    organisations: int
    countries: int


def country_counts() -> list[tuple[str, int]]:
    """(country code, members based there), largest first."""
    rows = Organisation.objects.public().values("country").annotate(n=Count("pk")).order_by("-n", "country")
    return [(row["country"], row["n"]) for row in rows]


def headline(counts: list[tuple[str, int]]) -> Headline:
    return Headline(organisations=sum(n for _, n in counts), countries=len(counts))


def members_map(counts: list[tuple[str, int]]) -> TileMap:
    return tile_map(dict(counts))


@dataclass(frozen=True)
class MonthBar:
    month: date
    members: int
    x: int
    y: int
    height: int


def member_timeline(*, months: int = 12, today: date | None = None) -> list[MonthBar]:
    """Members at the end of each of the last `months` months: everyone who had joined by
    then and had not left (suspensions are not dated, so a suspended member counts until now)."""
    today = today or timezone.now().date()
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        ends.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    ends.reverse()
    joined = list(
        Organisation.objects.filter(joined_at__isnull=False)
        .exclude(status=Organisation.Status.DECLINED)
        .values_list("joined_at", "left_at")
    )
    counts = []
    for first in ends:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        counts.append(
            sum(
                1
                for joined_at, left_at in joined
                if joined_at.date() < following and (left_at is None or left_at.date() >= following)
            )
        )
    tallest = max(counts, default=0) or 1
    bars = []
    for index, (first, count) in enumerate(zip(ends, counts, strict=True)):
        height = round(count / tallest * CHART_HEIGHT)
        bars.append(MonthBar(month=first, members=count, x=index * CHART_BAR, y=CHART_HEIGHT - height, height=height))
    return bars


# --- Endorsements -----------------------------------------------------------------------


@dataclass(frozen=True)
class TierGroup:
    tier: str
    label: str
    endorsements: list[Endorsement]


def endorsements_by_tier(petition: Petition) -> tuple[list[TierGroup], list[Endorsement]]:
    """A letter's endorsing members grouped by tier, and the dated withdrawals."""
    rows = list(
        Endorsement.objects.public()
        .filter(petition=petition)
        .select_related("organisation", "petition")
        .defer("organisation__logo_large", "organisation__logo_small")
        .order_by("endorsed_at", "organisation__name")
    )
    groups = []
    for tier, label in Organisation.Tier.choices:
        members = [row for row in rows if row.withdrawn_at is None and row.organisation.tier == tier]
        if members:
            groups.append(TierGroup(tier=tier, label=str(label), endorsements=members))
    withdrawn = [row for row in rows if row.withdrawn_at is not None]
    return groups, withdrawn


def endorsement_counts(petition_ids: list[int]) -> dict[int, int]:
    """Active endorsements by members, per letter, in one query."""
    rows = (
        Endorsement.objects.active()
        .public()
        .filter(petition_id__in=petition_ids)
        .values("petition_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["petition_id"]: row["n"] for row in rows}
