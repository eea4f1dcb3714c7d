"""The whole filtered result as CSV or JSON, streamed in flat memory, and the data
dictionary that documents every column."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from campaign.articles import search
from campaign.articles.forms import LibraryQuery, parse_library_query
from campaign.articles.models import Country, Document, DocumentDeployment
from campaign.core.csv import EXCEL_BOM, csv_chunks
from campaign.core.links import absolute_url
from campaign.core.ratelimit import client_identity, hits, keyed_hash, rate_limited

CHUNK = 2000
# A whole-library export is many queries and megabytes of text for anyone who asks: it
# is kept, compressed, until the library changes (the key names its version) or for
# this long, whichever comes first; one too big to keep is streamed every time.
EXPORT_CACHE_SECONDS = 10 * 60
EXPORT_CACHE_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


COLUMNS = [
    Column("number", "integer", _("The document's public number in the library, and its address there. Never reused.")),
    Column("title", "text", _("The title of the original document.")),
    Column("slug", "text", _("A short name for this document. Its old address, with the slug, leads to library_url.")),
    Column("library_url", "URL", _("This document's page in the library: /evidence/ and its number. Permanent.")),
    Column("url", "URL", _("Link to the original, normalised. Empty when no link is recorded.")),
    Column("archive_url", "URL", _("Link to an archived copy of the original, if any.")),
    Column("publisher", "text", _("The outlet or body that published the original.")),
    Column("authors", "list", _("Authors, separated by “; ”.")),
    Column("published", "date", _("Date of publication (YYYY-MM-DD). Empty when undated.")),
    Column(
        "published_precision",
        "day | month | year",
        _(
            "How precisely the date is known. A month-precise date is given as the 1st, "
            "a year-precise one as 1 January."
        ),
    ),
    Column(
        "type",
        "code",
        _(
            "Document type: news, investigation, foi, government, contract, judgment, parliament, ngo, "
            "academic or press."
        ),
    ),
    Column(
        "is_primary_source",
        "yes | no",
        _(
            "Whether the document is itself the primary source (a contract, a judgment, an official record, "
            "a campaign's own statement)."
        ),
    ),
    Column("language", "code", _("Language of the original (ISO 639-1).")),
    Column("countries", "list", _("ISO 3166-1 alpha-2 codes of the countries it concerns, separated by “; ”.")),
    Column("topics", "list", _("Topics from the library's controlled list, separated by “; ”.")),
    Column("technologies", "list", _("Technologies from the library's controlled list, separated by “; ”.")),
    Column("deployments", "list", _("Deployments it documents, each as “name (kind of link)”, separated by “; ”.")),
    Column("summary", "Markdown", _("Our own summary of the document, in Markdown.")),
    Column("added", "date-time", _("When the document was added to the library (ISO 8601, UTC).")),
    Column("updated", "date-time", _("When its entry was last changed (ISO 8601, UTC).")),
]


def _documents(query: LibraryQuery) -> Iterator[Document]:
    documents = (
        search.library_results(query, windowed=search.ranks_window(query, search.result_count(query)))
        .select_related("publisher")
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("code")),
            "topics",
            "technologies",
            Prefetch(
                "deployment_links",
                queryset=DocumentDeployment.objects.select_related("deployment").order_by("deployment__name"),
            ),
        )
    )
    return documents.iterator(chunk_size=CHUNK)


def _row(document: Document) -> dict:
    return {
        "number": document.number,
        "title": document.title,
        "slug": document.slug,
        "library_url": absolute_url(document.get_absolute_url()),
        "url": document.url,
        "archive_url": document.archive_url,
        "publisher": document.publisher.name,
        "authors": "; ".join(document.author_list),
        "published": document.published_on.isoformat() if document.published_on else "",
        "published_precision": document.published_precision if document.published_on else "",
        "type": document.doc_type,
        "is_primary_source": document.is_primary_source,
        "language": document.language,
        "countries": "; ".join(country.code.code for country in document.countries.all()),
        "topics": "; ".join(topic.name for topic in document.topics.all()),
        "technologies": "; ".join(technology.name for technology in document.technologies.all()),
        "deployments": "; ".join(
            f"{link.deployment.name} ({link.relation})" for link in document.deployment_links.all()
        ),
        "summary": document.summary,
        "added": document.published_at.isoformat() if document.published_at else "",
        "updated": document.updated_at.isoformat(),
    }


def _filename(extension: str) -> str:
    return f"evidence-library-{timezone.now():%Y%m%d-%H%M}.{extension}"


def _within_limit(request) -> bool:
    identity = keyed_hash(client_identity(request), "ratelimit-ip")
    return hits([("library-export:ip", identity, settings.LIBRARY_EXPORT_RATE_PER_IP_PER_HOUR)])


def _export_key(kind: str, query: LibraryQuery) -> str:
    # The parsed query, not the raw string: junk parameters make no entries of their own.
    params = urlencode(query.params())
    digest = hashlib.sha256(f"{get_language()}:{params}".encode()).hexdigest()[:32]
    return f"articles:export:{kind}:{search.library_version()}:{digest}"


def _cached(key: str, generate: Callable[[], Iterator[str]]) -> Iterator[bytes]:
    """The export kept under `key`, or generated, streamed and kept once it has been
    sent whole (a download cut short keeps nothing)."""
    kept = cache.get(key)
    if kept is not None:
        decompressor = zlib.decompressobj()
        for start in range(0, len(kept), 64 * 1024):
            yield decompressor.decompress(kept[start : start + 64 * 1024])
        yield decompressor.flush()
        return
    compressor = zlib.compressobj(6)
    parts: list[bytes] | None = []
    size = 0
    for chunk in generate():
        data = chunk.encode()
        yield data
        if parts is not None:
            parts.append(compressor.compress(data))
            size += len(parts[-1])
            if size > EXPORT_CACHE_MAX_BYTES:
                parts = None
    if parts is not None:
        cache.set(key, b"".join([*parts, compressor.flush()]), EXPORT_CACHE_SECONDS)


def _too_many(request, *, json: bool):
    return rate_limited(
        request,
        title=_("Too many downloads"),
        message=_("We have sent a lot of exports of the library to your connection in the last hour."),
        back_url=reverse("articles:list"),
        back_label=_("Back to the evidence library"),
        as_json=json,
    )


@require_GET
def export_csv(request):
    if not _within_limit(request):
        return _too_many(request, json=False)
    query = parse_library_query(request.GET).replace(page=1)
    names = [column.name for column in COLUMNS]

    def generate() -> Iterator[str]:
        rows = ([row[name] for name in names] for row in map(_row, _documents(query)))
        # The byte-order mark makes spreadsheets read the file as UTF-8.
        return csv_chunks(names, rows, prefix=EXCEL_BOM)

    response = StreamingHttpResponse(
        _cached(_export_key("csv", query), generate), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def export_json(request):
    if not _within_limit(request):
        return _too_many(request, json=True)
    query = parse_library_query(request.GET).replace(page=1)

    def generate() -> Iterator[str]:
        meta = {
            "generated_at": timezone.now().isoformat(),
            "data_dictionary": absolute_url(reverse("articles:data-dictionary")),
            "query": urlencode(query.params()),
        }
        yield '{"meta": ' + json.dumps(meta) + ', "results": ['
        for index, document in enumerate(_documents(query)):
            row = _row(document)
            row["is_primary_source"] = document.is_primary_source
            row["countries"] = [country.code.code for country in document.countries.all()]
            row["topics"] = [topic.name for topic in document.topics.all()]
            row["technologies"] = [technology.name for technology in document.technologies.all()]
            row["deployments"] = [
                {"name": link.deployment.name, "slug": link.deployment.slug, "relation": link.relation}
                for link in document.deployment_links.all()
            ]
            row["authors"] = document.author_list
            yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    response = StreamingHttpResponse(
        _cached(_export_key("json", query), generate), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response
