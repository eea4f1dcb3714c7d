from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from campaign.articles import citations, exports, search, selectors
from campaign.articles.forms import FACET_PARAMETERS, Sort, parse_library_query
from campaign.articles.models import (
    Deployment,
    DeploymentEvent,
    Document,
    DocumentDeployment,
    DocumentFormerSlug,
    Entity,
    KeyFigure,
    Publisher,
    Win,
)


def _paginate(request, queryset, page_number: int):
    paginator = Paginator(queryset, selectors.PAGE_SIZE)
    return paginator.get_page(page_number)


@require_GET
def library(request):
    query = parse_library_query(request.GET)
    facet_counts = search.library_facet_counts(query)  # cached until the library changes
    windowed = search.ranks_window(query, facet_counts.total)
    results = search.library_results(query, limit=query.page * selectors.PAGE_SIZE, windowed=windowed)
    paginator = Paginator(results, selectors.PAGE_SIZE)
    paginator.count = facet_counts.total
    page = paginator.get_page(query.page)
    documents = list(page.object_list)
    prefetch_related_objects(documents, "topics", "countries", "summaries")
    snippets = search.snippets(documents, query.q, language=get_language())
    for document in documents:
        document.snippet = snippets.get(document.pk, "")
        # A search highlights the words found, in our own summary; else the reader's language.
        document.snippet_language = document.language if query.q else document.summary_in(get_language())[1]
    suggestions = search.did_you_mean(query.q) if query.q and page.paginator.count < 3 else []
    active = [
        (name, value, query.toggled(name, value).querystring())
        for name in FACET_PARAMETERS
        for value in getattr(query, name)
    ]
    context = {
        "query": query,
        "page": page,
        "documents": documents,
        "facets": facet_counts.facets,
        "primary_count": facet_counts.primary,
        "primary_toggle": query.replace(primary=not query.primary, page=1).querystring(),
        "active_filters": active,
        "suggestions": [(name, query.replace(q=f'"{name}"', page=1).querystring()) for name in suggestions],
        "sort_choices": Sort.CHOICES,
        "querystring": query.querystring(),
        "last_updated": selectors.data_last_updated(),
        "figures": selectors.headline_figures(),
        "rank_window": search.ranking.RANK_WINDOW if windowed else None,
    }
    return render(request, "articles/document_list.html", context)


def _visible_document(request, number: int) -> tuple[Document, bool]:
    """Published documents for everyone; drafts too for editors, as a preview."""
    document = get_object_or_404(Document.objects.select_related("publisher").with_summaries(), number=number)
    is_preview = document.status == Document.Status.DRAFT
    if is_preview and not request.user.has_perm("articles.change_document"):
        raise Http404
    return document, is_preview


@require_GET
def document_by_slug(request, slug: str):
    """The library's first addresses, /evidence/items/<slug>/, and any slug a document had
    since: for good to its numbered address, which never changes."""
    number = Document.objects.filter(slug=slug).values_list("number", flat=True).first()
    if number is None:
        number = DocumentFormerSlug.objects.filter(slug=slug).values_list("document__number", flat=True).first()
    if number is None:
        raise Http404
    return redirect("articles:document", number=number, permanent=True)


@require_GET
def document_detail(request, number: int):
    document, is_preview = _visible_document(request, number)
    if document.status == Document.Status.WITHDRAWN:
        return render(request, "articles/document_withdrawn.html", {"document": document}, status=410)
    summary, summary_language = document.summary_in(get_language())
    links = (
        DocumentDeployment.objects.filter(document=document)
        .select_related("deployment__country", "deployment__deployer")
        .order_by("deployment__name")
    )
    context = {
        "document": document,
        "summary": summary,
        "summary_language": summary_language,
        "is_preview": is_preview,
        "deployment_links": links,
        "figures": document.figures.select_related("deployment"),
        "wins": document.wins.all(),
        "related": selectors.related_documents(document),
        "letters": selectors.document_letters(document),
        "citation_plain": citations.citation_plain(document),
        "citation_bibtex": citations.citation_bibtex(document),
    }
    return render(request, "articles/document_detail.html", context)


@require_GET
def deployment_list(request):
    deployments = (
        Deployment.objects.with_status().select_related("country", "deployer").order_by("country__code", "name")
    )
    return render(
        request,
        "articles/deployment_list.html",
        {
            "deployments": deployments,
            "figures": selectors.headline_figures(),
            "last_updated": selectors.data_last_updated(),
        },
    )


@require_GET
def deployment_detail(request, slug: str):
    deployment = get_object_or_404(Deployment.objects.with_status().select_related("country", "deployer"), slug=slug)
    events = DeploymentEvent.objects.filter(
        deployment=deployment, document__status=Document.Status.PUBLISHED
    ).select_related("document")
    links = (
        DocumentDeployment.objects.filter(deployment=deployment, document__status=Document.Status.PUBLISHED)
        .select_related("document__publisher")
        .order_by(F("document__published_on").desc(nulls_last=True), "-document__number")
    )
    figures = KeyFigure.objects.filter(
        deployment=deployment, document__status=Document.Status.PUBLISHED
    ).select_related("document")
    context = {
        "deployment": deployment,
        "events": events,
        "links": links,
        "figures": figures,
        "vendors": deployment.vendors.all(),
        "technologies": deployment.technologies.all(),
        "wins": deployment.wins.all(),
    }
    return render(request, "articles/deployment_detail.html", context)


@require_GET
def publisher_detail(request, slug: str):
    publisher = get_object_or_404(Publisher, slug=slug)
    documents = (
        Document.objects.published()
        .filter(publisher=publisher)
        .order_by(F("published_on").desc(nulls_last=True), "-number")
    )
    page = _paginate(request, documents, _page_number(request))
    return render(request, "articles/publisher_detail.html", {"publisher": publisher, "page": page})


@require_GET
def entity_detail(request, slug: str):
    entity = get_object_or_404(Entity, slug=slug)
    page = _paginate(request, selectors.entity_documents(entity), _page_number(request))
    deployments = Deployment.objects.filter(deployer=entity) | Deployment.objects.filter(vendors=entity)
    return render(
        request,
        "articles/entity_detail.html",
        {"entity": entity, "page": page, "deployments": deployments.distinct().order_by("name")},
    )


@require_GET
def win_list(request):
    wins = Win.objects.select_related("country", "deployment").prefetch_related(
        Prefetch("documents", queryset=Document.objects.published().select_related("publisher"))
    )
    return render(request, "articles/win_list.html", {"wins": wins})


@require_GET
def data_dictionary(request):
    return render(request, "articles/data_dictionary.html", {"columns": exports.COLUMNS})


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
