"""Read-only JSON for the evidence library."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models.query import prefetch_related_objects
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaign.articles import search, selectors
from campaign.articles.forms import parse_library_query
from campaign.articles.models import Deployment, Document, DocumentDeployment
from campaign.core.links import absolute_url

CACHE_SECONDS = 60


def _summary(document: Document) -> dict:
    return {
        "number": document.number,
        "title": document.title,
        "slug": document.slug,
        "url": document.url,
        "library_url": absolute_url(document.get_absolute_url()),
        "published": document.published_on.isoformat() if document.published_on else None,
        "published_precision": document.published_precision if document.published_on else None,
        "publisher": document.publisher.name,
        "type": document.doc_type,
        "is_primary_source": document.is_primary_source,
        "topics": [topic.slug for topic in document.topics.all()],
        "technologies": [technology.slug for technology in document.technologies.all()],
        "countries": [country.code.code for country in document.countries.all()],
        "language": document.language,
        "summary": document.summary,
        # Our summary in other languages, by language code (prefetch "summaries").
        "summaries": {summary.language: summary.text for summary in document.summaries.all()},
    }


def _page_url(base: str, query, number: int) -> str:
    return f"{base}?{urlencode(query.replace(page=number).params(page=True))}"


def _error(code: str, detail, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def document_list(request):
    query = parse_library_query(request.GET)
    if query.errors:
        return _error("invalid_query", query.errors, 400)
    total = search.result_count(query)
    windowed = search.ranks_window(query, total)
    results = search.library_results(query, limit=query.page * selectors.PAGE_SIZE, windowed=windowed)
    paginator = Paginator(results, selectors.PAGE_SIZE)
    paginator.count = total  # the results above stop at this page
    if query.page > max(1, paginator.num_pages):
        return _error("invalid_page", f"There are {paginator.num_pages} pages.", 404)
    page = paginator.page(query.page)
    documents = list(page.object_list)
    prefetch_related_objects(documents, "topics", "technologies", "countries", "summaries")
    base = absolute_url(request.path)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": _page_url(base, query, page.number + 1) if page.has_next() else None,
            "previous": _page_url(base, query, page.number - 1) if page.has_previous() else None,
            "results": [_summary(document) for document in documents],
        }
    )


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def document_detail(request, slug: str | None = None, number: int | None = None):
    """One document, by its public number or by its slug."""
    documents = Document.objects.published().select_related("publisher")
    document = documents.filter(**({"number": number} if number is not None else {"slug": slug})).first()
    if document is None:
        return _error("not_found", "No published document with this number or slug.", 404)
    prefetch_related_objects([document], "topics", "technologies", "countries", "summaries")
    relations = dict(DocumentDeployment.objects.filter(document=document).values_list("deployment_id", "relation"))
    data = _summary(document)
    data.update(
        authors=document.author_list,
        archive_url=document.archive_url,
        deployments=[
            {
                "name": deployment.name,
                "slug": deployment.slug,
                "relation": relations[deployment.pk],
                "status": deployment.current_status,
                "country": deployment.country.code.code,
                "library_url": absolute_url(deployment.get_absolute_url()),
            }
            for deployment in Deployment.objects.with_status()
            .filter(pk__in=relations)
            .select_related("country")
            .order_by("name")
        ],
    )
    return JsonResponse(data)
