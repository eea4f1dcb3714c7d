"""Reads shared by the HTML pages and the JSON API."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import Http404
from django.utils.translation import gettext

from campaign.petitions.models import (
    Delivery,
    Demand,
    Petition,
    PetitionTranslation,
    Response,
    Signature,
    SignatureCounter,
    Source,
)
from campaign.petitions.services import (
    SOURCE_CODES_KEY,
    count_cache_key,
    letter_cache_key,
    letter_text_versions,
    wall_cache_key,
)

COUNT_CACHE_SECONDS = 30
COUNTRY_CACHE_SECONDS = 60
WALL_PAGE_SIZE = 50
# The wall shows the newest 10,000 signatories: beyond that, an OFFSET would cost
# PostgreSQL a walk through every row before it, on a page no cache keeps.
WALL_MAX_PAGE = 200
WALL_CACHE_SECONDS = 15
# A letter changes through its services, which forget this copy; the expiry only bounds
# what a change made behind their back (a shell, a migration) could leave.
LETTER_CACHE_SECONDS = 300


def public_letter(slug: str) -> Petition:
    """The public letter `slug`, for a sign POST: from the cache, so a surge of
    signatures costs PostgreSQL its INSERTs and not a read of the letter each
    (docs/adr/0009-a-kept-redis-client-and-a-cached-letter.md). 404 for a draft or none.
    It carries `text_versions`, its text's version in each language, so one copy serves
    signers in every language (docs/adr/0010-letter-translations-share-one-count.md)."""
    key = letter_cache_key(slug)
    petition = cache.get(key)
    if petition is None:
        petition = Petition.objects.public().filter(slug=slug).first()
        if petition is None:
            raise Http404
        petition.text_versions = letter_text_versions(petition)
        cache.set(key, petition, LETTER_CACHE_SECONDS)
    return petition


def shown_in(petitions: list[Petition], language: str) -> list[Petition]:
    """Copies of these letters wearing the title, summary and addressee of their
    translation into `language`, where there is one, for pages, images and mails; the
    originals are left as they are, so nothing shown can be saved over the letter."""
    translated = {
        petition_id: (title, summary, addressee)
        for petition_id, title, summary, addressee in PetitionTranslation.objects.filter(
            petition__in=[petition for petition in petitions if petition.language != language], language=language
        ).values_list("petition_id", "title", "summary", "addressee")
    }
    shown = []
    for petition in petitions:
        if petition.pk in translated:
            petition = copy.copy(petition)
            petition.title, petition.summary, petition.addressee = translated[petition.pk]
        shown.append(petition)
    return shown


def shown_one_in(petition: Petition, language: str) -> Petition:
    if petition.language == language:
        return petition
    return shown_in([petition], language)[0]


@dataclass(frozen=True)
class LetterText:
    """What a letter's page shows of its text in one language: the translation, or the
    original when there is none yet (`untranslated`), marked with its own language."""

    language: str
    title: str
    summary: str
    body: str
    addressee: str
    demands: list[Demand]
    version: int
    untranslated: bool


def letter_text(petition: Petition, language: str) -> LetterText:
    """The letter's text for a page in `language`. A translation's demands are shown on
    the original's Demand rows, in order, so the evidence cited for each stays beside it."""
    demands = list(petition.demands.all())
    translation = None
    if language != petition.language:
        translation = PetitionTranslation.objects.filter(petition=petition, language=language).first()
    if translation is None:
        return LetterText(
            language=petition.language,
            title=petition.title,
            summary=petition.summary,
            body=petition.body,
            addressee=petition.addressee,
            demands=demands,
            version=petition.version,
            untranslated=language != petition.language,
        )
    lines = translation.demand_lines
    if len(lines) == len(demands):
        for demand, line in zip(demands, lines, strict=True):
            demand.text = line  # shown only, never saved
    else:
        demands = [Demand(petition=petition, position=number, text=line) for number, line in enumerate(lines)]
    return LetterText(
        language=translation.language,
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        addressee=translation.addressee,
        demands=demands,
        version=translation.version,
        untranslated=False,
    )


def signature_count(petition: Petition) -> int:
    """The public count: confirmed, not withdrawn, not invalidated. Served from the
    counters (a SUM over a few rows) through the cache, which every confirmation clears."""
    return signature_count_of(petition.pk)


def signature_count_of(petition_id: int) -> int:
    key = count_cache_key(petition_id)
    count = cache.get(key)
    if count is None:
        count = SignatureCounter.objects.total_for(petition_id)
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def country_counts(petition: Petition) -> list[tuple[str, int]]:
    """(country code, count) pairs, largest first."""
    key = f"petitions:countries:{petition.pk}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            (row["country"], row["n"])
            for row in SignatureCounter.objects.filter(petition=petition)
            .exclude(country="")
            .values("country")
            .annotate(n=Sum("count"))
            .filter(n__gt=0)
            .order_by("-n", "country")
        ]
        cache.set(key, rows, COUNTRY_CACHE_SECONDS)
    return rows


def wall_page(petition: Petition, page: int) -> tuple[list[Signature], bool]:
    """One page of public signatories, newest first, and whether an older page
    exists. No COUNT(*): we fetch one row more than we show. The first page, the one
    a crowd sees, is cached and cleared with the count on every change."""
    if page == 1:
        cached = cache.get(wall_cache_key(petition.pk))
        if cached is None:
            cached = _wall_page(petition, 1)
            cache.set(wall_cache_key(petition.pk), cached, WALL_CACHE_SECONDS)
        return cached
    return _wall_page(petition, page)


def _wall_page(petition: Petition, page: int) -> tuple[list[Signature], bool]:
    offset = (page - 1) * WALL_PAGE_SIZE
    rows = list(
        Signature.objects.on_wall()
        .filter(petition=petition)
        .order_by("-confirmed_at", "-id")
        .only("name", "country", "city", "affiliation", "confirmed_at", "is_demo")[offset : offset + WALL_PAGE_SIZE + 1]
    )
    return rows[:WALL_PAGE_SIZE], len(rows) > WALL_PAGE_SIZE and page < WALL_MAX_PAGE


SOURCE_CODES_SECONDS = 300


def _source_ids() -> dict[str, int]:
    """Every source's code and id, from the cache that source_save clears."""
    ids = cache.get(SOURCE_CODES_KEY)
    if ids is None:
        ids = dict(Source.objects.values_list("code", "id"))
        cache.set(SOURCE_CODES_KEY, ids, SOURCE_CODES_SECONDS)
    return ids


def source_code_for(code: str | None) -> str:
    """The source a `?src=` code names: its own code when an organiser created it,
    Source.OTHER for any other code, "" for none."""
    code = (code or "").strip().lower()
    if not code:
        return ""
    return code if code in _source_ids() else Source.OTHER


def source_id_for(code: str | None) -> int | None:
    return _source_ids().get(source_code_for(code))


def partner_totals(source: Source) -> list[dict]:
    """Per public letter: the counted signatures that came through `source`, and the
    letter's whole count beside them. Aggregates only, never a person."""
    counts = dict(
        Signature.objects.counted()
        .filter(source=source)
        .values_list("petition")
        .annotate(total=Count("id"))
        .values_list("petition", "total")
    )
    letters = Petition.objects.public().filter(pk__in=counts).order_by("-created_at")
    return [
        {"petition": letter, "through_source": counts[letter.pk], "all": signature_count(letter)} for letter in letters
    ]


def source_counts(petition: Petition) -> list[tuple[str, int]]:
    """(where from, counted signatures) for one letter, largest first: each source by
    name, and "Straight to the letter" for the rest. The sourced ones come from their
    own partial index; the rest is the public count minus them."""
    rows = list(
        Signature.objects.counted()
        .filter(petition=petition, source__isnull=False)
        .values_list("source__name")
        .annotate(total=Count("id"))
        .values_list("source__name", "total")
    )
    direct = max(signature_count(petition) - sum(total for _name, total in rows), 0)
    rows.append((gettext("Straight to the letter"), direct))
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def source_totals() -> list[tuple[Source, int]]:
    """Counted signatures per source, for organisers, in one GROUP BY over the sources'
    own index."""
    counts = dict(
        Signature.objects.counted()
        .filter(source__isnull=False)
        .values_list("source")
        .annotate(total=Count("id"))
        .values_list("source", "total")
    )
    return [(source, counts.get(source.pk, 0)) for source in Source.objects.all()]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    delivery: Delivery | None = None
    response: Response | None = None


def handin_timeline(petition: Petition) -> list[TimelineEntry]:
    """The letter's deliveries and the answers to it, oldest first."""
    entries = [TimelineEntry(at=row.delivered_at, delivery=row) for row in petition.deliveries.all()]
    entries += [TimelineEntry(at=row.received_at, response=row) for row in petition.responses.all()]
    return sorted(entries, key=lambda entry: (entry.at, entry.response is not None))
