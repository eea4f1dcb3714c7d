"""Plain reads shared by the library's pages and API: one document, the letters that
cite evidence, the library's figures. The search itself lives in articles.search."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import Count, F, FloatField, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from campaign.articles.models import DemandCitation, Deployment, Document, DocumentDeployment, Entity, Win
from campaign.articles.search.suggestions import trigram_available

# One page of documents, in the library's results and on a publisher's or entity's page.
PAGE_SIZE = 20


# --- One document --------------------------------------------------------------------------


def _title_terms_query(title: str, config: str) -> SearchQuery | None:
    """The title's own lexemes, OR'ed: documents that share words with it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [config, title])
        lexemes = cursor.fetchone()[0] or []
    if not lexemes:
        return None
    raw = " | ".join("'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'" for lexeme in lexemes)
    return SearchQuery(raw, search_type="raw", config="simple")


def related_documents(document: Document, *, limit: int = 5) -> list[Document]:
    """Published documents ranked by shared deployments (strongest), shared topics,
    and words their text shares with this title."""
    deployment_ids = list(document.deployment_links.values_list("deployment_id", flat=True))
    topic_ids = list(document.topics.values_list("pk", flat=True))
    shared_deployments = Subquery(
        DocumentDeployment.objects.filter(document_id=OuterRef("pk"), deployment_id__in=deployment_ids)
        .order_by()
        .values("document_id")
        .annotate(c=Count("*"))
        .values("c")[:1],
        output_field=IntegerField(),
    )
    shared_topics = Subquery(
        Document.topics.through.objects.filter(document_id=OuterRef("pk"), topic_id__in=topic_ids)
        .order_by()
        .values("document_id")
        .annotate(c=Count("*"))
        .values("c")[:1],
        output_field=IntegerField(),
    )
    terms = _title_terms_query(document.title, document.search_config)
    text_rank = SearchRank(F("search_entry__search_vector"), terms) if terms is not None else Value(0.0)
    candidates = (
        Document.objects.published()
        .exclude(pk=document.pk)
        .annotate(
            shared_deployments=Coalesce(shared_deployments, 0),
            shared_topics=Coalesce(shared_topics, 0),
            text_rank=Coalesce(text_rank, 0.0, output_field=FloatField()),
        )
        .annotate(score=F("shared_deployments") * 3.0 + F("shared_topics") + F("text_rank") * 10.0)
    )
    match = Q(shared_deployments__gt=0) | Q(shared_topics__gt=0)
    if terms is not None:
        match |= Q(search_entry__search_vector=terms)
    return list(candidates.filter(match).select_related("publisher").order_by("-score", "-number")[:limit])


def document_letters(document: Document) -> list:
    """Public letters whose demands cite this document."""
    from campaign.petitions.models import Petition

    return list(Petition.objects.public().filter(demands__citations__document=document).distinct().order_by("title"))


# --- Letters cite evidence ---------------------------------------------------------------


@dataclass
class Footnote:
    number: int
    document: Document


@dataclass
class CitedDemand:
    demand: object
    notes: list[Footnote]


@dataclass
class LetterEvidence:
    demands: list[CitedDemand]
    footnotes: list[Footnote]


def letter_evidence(demands) -> LetterEvidence:
    """Number each cited document once, in the order the demands first cite it."""
    demands = list(demands)
    citations = (
        DemandCitation.objects.filter(demand__in=demands, document__status=Document.Status.PUBLISHED)
        .select_related("document__publisher")
        .order_by("position", "pk")
    )
    by_demand: dict[int, list[Document]] = {}
    for citation in citations:
        by_demand.setdefault(citation.demand_id, []).append(citation.document)
    numbers: dict[int, Footnote] = {}
    cited = []
    for demand in demands:
        notes = []
        for document in by_demand.get(demand.pk, []):
            if document.pk not in numbers:
                numbers[document.pk] = Footnote(len(numbers) + 1, document)
            notes.append(numbers[document.pk])
        cited.append(CitedDemand(demand, notes))
    return LetterEvidence(cited, list(numbers.values()))


# --- Figures about the library -------------------------------------------------------------


@dataclass
class HeadlineFigures:
    deployments: int
    countries: int
    documents: int
    wins: int


def headline_figures() -> HeadlineFigures:
    documented = Deployment.objects.documented()
    return HeadlineFigures(
        deployments=documented.count(),
        countries=documented.order_by().values("country").distinct().count(),
        documents=Document.objects.published().count(),
        wins=Win.objects.filter(documents__status=Document.Status.PUBLISHED).distinct().count(),
    )


def data_last_updated() -> datetime | None:
    return Document.objects.published().aggregate(last=Max("updated_at"))["last"]


def document_possible_duplicates(*, title: str, publisher_id: int | None, exclude_pk: int | None) -> list[Document]:
    """Documents from the same publisher whose titles read alike (an editor's warning,
    not a refusal: a series of reports may share most of a title)."""
    if not title or not publisher_id:
        return []
    same_publisher = Document.objects.filter(publisher_id=publisher_id).exclude(pk=exclude_pk)
    if trigram_available():
        return list(
            same_publisher.annotate(similarity=TrigramSimilarity("title", title))
            .filter(similarity__gte=0.5)
            .order_by("-similarity")[:5]
        )
    rows = list(same_publisher.order_by("-number").values_list("pk", "title")[:2000])
    close = [pk for pk, other in rows if difflib.SequenceMatcher(None, title.lower(), other.lower()).ratio() >= 0.8]
    return list(Document.objects.filter(pk__in=close[:5]))


def entity_documents(entity: Entity) -> QuerySet[Document]:
    return (
        Document.objects.published()
        .filter(
            Q(entities=entity)
            | Q(deployment_links__deployment__deployer=entity)
            | Q(deployment_links__deployment__vendors=entity)
        )
        .distinct()
        .select_related("publisher")
        .order_by(F("published_on").desc(nulls_last=True), "-number")
    )
