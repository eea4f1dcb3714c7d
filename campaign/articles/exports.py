"""The whole filtered result as CSV or JSON, streamed in flat memory, and the data
dictionary that documents every column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from campaign.articles import selectors
from campaign.articles.forms import parse_library_query
from campaign.articles.models import Country, Document, DocumentDeployment
from campaign.core.csv import EXCEL_BOM, csv_chunks
from campaign.core.links import absolute_url

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


COLUMNS = [
    Column("number", "integer", _("The document's public number in the library. Never reused.")),
    Column("title", "text", _("The title of the original document.")),
    Column("slug", "text", _("The short name in the library's address for this document.")),
    Column("library_url", "URL", _("This document's page in the library.")),
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


def _documents(request) -> Iterator[Document]:
    query = parse_library_query(request.GET)
    documents = (
        selectors.library_results(query, windowed=selectors.ranks_window(query, selectors.result_count(query)))
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


@require_GET
def export_csv(request):
    names = [column.name for column in COLUMNS]
    rows = ([row[name] for name in names] for row in map(_row, _documents(request)))
    # The byte-order mark makes spreadsheets read the file as UTF-8.
    response = StreamingHttpResponse(csv_chunks(names, rows, prefix=EXCEL_BOM), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def export_json(request):
    def stream():
        meta = {
            "generated_at": timezone.now().isoformat(),
            "data_dictionary": absolute_url(reverse("articles:data-dictionary")),
            "query": request.GET.urlencode(),
        }
        yield '{"meta": ' + json.dumps(meta) + ', "results": ['
        for index, document in enumerate(_documents(request)):
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

    response = StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response
