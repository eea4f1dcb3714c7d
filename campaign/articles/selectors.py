"""Reads shared by the library's pages, feeds, exports and API."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from campaign.articles.forms import LibraryQuery, Sort
from campaign.articles.models import (
    Country,
    DemandCitation,
    Deployment,
    Document,
    DocumentDeployment,
    Entity,
    Publisher,
    Technology,
    Topic,
    Win,
)
from campaign.core.text import render_markdown

SEARCH_CONFIG = "english"
PAGE_SIZE = 20
FACET_LIMIT = 15
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


def search_query(text: str) -> SearchQuery:
    """Web-search syntax: "quoted phrases", OR, and -excluded words."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


# --- Filtering ---------------------------------------------------------------------------


def _facet_condition(name: str, values: tuple) -> Q | Exists:
    if name == "topic":
        return Exists(Document.topics.through.objects.filter(document_id=OuterRef("pk"), topic__slug__in=values))
    if name == "technology":
        return Exists(
            Document.technologies.through.objects.filter(document_id=OuterRef("pk"), technology__slug__in=values)
        )
    if name == "country":
        return Exists(Document.countries.through.objects.filter(document_id=OuterRef("pk"), country__code__in=values))
    if name == "type":
        return Q(doc_type__in=values)
    if name == "publisher":
        return Q(publisher__slug__in=values)
    if name == "year":
        return Q(published_on__year__in=values)
    raise ValueError(name)


def filtered_documents(query: LibraryQuery, *, skip: str | None = None) -> QuerySet[Document]:
    """Published documents matching the search and every selected facet but `skip`.
    Values within one facet widen (either topic); facets narrow each other."""
    documents = Document.objects.published()
    if query.q:
        documents = documents.filter(search_vector=search_query(query.q))
    for name in ("topic", "technology", "country", "type", "publisher", "year"):
        values = getattr(query, name)
        if values and name != skip:
            documents = documents.filter(_facet_condition(name, values))
    if query.primary and skip != "primary":
        documents = documents.filter(is_primary_source=True)
    return documents


def library_results(query: LibraryQuery) -> QuerySet[Document]:
    documents = filtered_documents(query).select_related("publisher")
    sort = query.effective_sort
    if sort == Sort.RELEVANCE and query.q:
        documents = documents.annotate(rank=SearchRank(F("search_vector"), search_query(query.q)))
        return documents.order_by("-rank", F("published_on").desc(nulls_last=True), "-number")
    if sort == Sort.ADDED:
        return documents.order_by(F("published_at").desc(nulls_last=True), "-number")
    return documents.order_by(F("published_on").desc(nulls_last=True), "-number")


# --- Facets ------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    querystring: str = ""


@dataclass
class Facet:
    key: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def has_selection(self) -> bool:
        return any(option.selected for option in self.options)


def _options(query: LibraryQuery, key: str, counts: dict, labels: dict, *, keep_order: bool = False) -> list:
    selected = set(getattr(query, key))
    wanted = [value for value, count in counts.items() if count > 0]
    if not keep_order:
        wanted.sort(key=lambda value: (-counts[value], str(labels.get(value, value)).lower()))
    shown = wanted[:FACET_LIMIT] + [value for value in wanted[FACET_LIMIT:] if value in selected]
    shown += [value for value in selected if value not in counts or counts[value] == 0]
    return [
        FacetOption(
            value=str(value),
            label=str(labels.get(value, value)),
            count=counts.get(value, 0),
            selected=value in selected,
            querystring=query.toggled(key, value).querystring(),
        )
        for value in shown
    ]


def _through_counts(through, column: str, documents: QuerySet) -> dict[int, int]:
    rows = (
        through.objects.filter(document__in=documents.values("pk"))
        .values(column)
        .annotate(n=Count("*"))
        .values_list(column, "n")
    )
    return dict(rows)


def library_facets(query: LibraryQuery) -> list[Facet]:
    """Every facet's counts with all the other selected facets applied, so a count says
    how many results ticking that box would add."""
    facets = []

    topic_counts = _through_counts(Document.topics.through, "topic_id", filtered_documents(query, skip="topic"))
    topics = {t.pk: t for t in Topic.objects.filter(Q(pk__in=topic_counts) | Q(slug__in=query.topic))}
    facets.append(
        Facet(
            "topic",
            _("Topic"),
            _options(
                query,
                "topic",
                {topics[pk].slug: n for pk, n in topic_counts.items() if pk in topics},
                {t.slug: t.name for t in topics.values()},
            ),
        )
    )

    tech_counts = _through_counts(
        Document.technologies.through, "technology_id", filtered_documents(query, skip="technology")
    )
    techs = {t.pk: t for t in Technology.objects.filter(Q(pk__in=tech_counts) | Q(slug__in=query.technology))}
    facets.append(
        Facet(
            "technology",
            _("Technology"),
            _options(
                query,
                "technology",
                {techs[pk].slug: n for pk, n in tech_counts.items() if pk in techs},
                {t.slug: t.name for t in techs.values()},
            ),
        )
    )

    country_counts = _through_counts(
        Document.countries.through, "country_id", filtered_documents(query, skip="country")
    )
    countries = {c.pk: c for c in Country.objects.filter(Q(pk__in=country_counts) | Q(code__in=query.country))}
    facets.append(
        Facet(
            "country",
            _("Country"),
            _options(
                query,
                "country",
                {countries[pk].code.code: n for pk, n in country_counts.items() if pk in countries},
                {c.code.code: c.name for c in countries.values()},
            ),
        )
    )

    type_counts = dict(
        filtered_documents(query, skip="type")
        .order_by()
        .values("doc_type")
        .annotate(n=Count("pk"))
        .values_list("doc_type", "n")
    )
    facets.append(Facet("type", _("Document type"), _options(query, "type", type_counts, dict(Document.Type.choices))))

    publisher_counts = dict(
        filtered_documents(query, skip="publisher")
        .order_by()
        .values("publisher_id")
        .annotate(n=Count("pk"))
        .values_list("publisher_id", "n")
    )
    top = sorted(publisher_counts, key=lambda pk: -publisher_counts[pk])[: FACET_LIMIT * 2]
    publishers = {p.pk: p for p in Publisher.objects.filter(Q(pk__in=top) | Q(slug__in=query.publisher))}
    facets.append(
        Facet(
            "publisher",
            _("Publisher"),
            _options(
                query,
                "publisher",
                {publishers[pk].slug: publisher_counts.get(pk, 0) for pk in publishers},
                {p.slug: p.name for p in publishers.values()},
            ),
        )
    )

    year_rows = (
        filtered_documents(query, skip="year")
        .exclude(published_on__isnull=True)
        .order_by()
        .annotate(y=ExtractYear("published_on"))
        .values("y")
        .annotate(n=Count("pk"))
        .values_list("y", "n")
    )
    year_counts = dict(sorted(year_rows, reverse=True))
    facets.append(
        Facet(
            "year",
            _("Year published"),
            _options(query, "year", year_counts, {year: str(year) for year in year_counts}, keep_order=True),
        )
    )
    return facets


def primary_count(query: LibraryQuery) -> int:
    return filtered_documents(query, skip="primary").filter(is_primary_source=True).count()


# --- Snippets ----------------------------------------------------------------------------

MARKDOWN_NOISE = re.compile(r"[*_#>`]+|\[([^\]]*)\]\([^)]*\)")


def _plain(markdown_text: str) -> str:
    return " ".join(strip_tags(render_markdown(markdown_text)).split())


def _mark(text: str) -> SafeString:
    text = MARKDOWN_NOISE.sub(lambda match: match.group(1) or "", text)
    html = escape(" ".join(text.split()))
    html = html.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is ours


def snippets(documents: list[Document], q: str) -> dict[int, SafeString]:
    """A highlighted excerpt of each summary for the search, computed for one page only
    (ts_headline is costly and must not run on every match)."""
    ids = [document.pk for document in documents]
    if not q:
        return {document.pk: escape(Truncator(_plain(document.summary)).words(40)) for document in documents}
    rows = (
        Document.objects.filter(pk__in=ids)
        .annotate(
            snippet=SearchHeadline(
                "summary",
                search_query(q),
                config=SEARCH_CONFIG,
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=40,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet")
    )
    return {pk: _mark(snippet or "") for pk, snippet in rows}


# --- Did you mean ------------------------------------------------------------------------

_trigram_cache: dict[str, bool] = {}
NAME_SQL = """
    SELECT name FROM articles_publisher UNION SELECT name FROM articles_entity
    UNION SELECT name FROM articles_deployment UNION SELECT name FROM articles_topic
    UNION SELECT name FROM articles_technology
"""
OPERATORS = re.compile(r'(?<!\w)-\S+|["()]|\bOR\b')


def trigram_available() -> bool:
    """Whether pg_trgm is installed in this database (system PostgreSQL: yes; the
    embedded server has no contrib extensions)."""
    key = connection.settings_dict["NAME"]
    if key not in _trigram_cache:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram_cache[key] = cursor.fetchone() is not None
    return _trigram_cache[key]


def _plain_terms(q: str) -> str:
    return " ".join(OPERATORS.sub(" ", q).split())


def did_you_mean(q: str, *, limit: int = 3, use_trigram: bool | None = None) -> list[str]:
    """Names of publishers, entities, deployments, topics and technologies spelled like
    the search: pg_trgm's word similarity where the server has it, otherwise difflib
    over the same controlled name lists (a few thousand names at most)."""
    term = _plain_terms(q)
    if len(term) < 3:
        return []
    if use_trigram is None:
        use_trigram = trigram_available()
    if use_trigram:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name FROM ({NAME_SQL}) AS names "  # noqa: S608 - constant SQL, term is a parameter
                "WHERE word_similarity(%s, name) >= 0.5 AND lower(name) <> lower(%s) "
                "ORDER BY word_similarity(%s, name) DESC, name LIMIT %s",
                [term, term, term, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(NAME_SQL + " LIMIT 20000")
        names = [row[0] for row in cursor.fetchall()]
    return _closest_names(term, names, limit)


def _closest_names(term: str, names: list[str], limit: int) -> list[str]:
    wanted = term.lower()
    size = len(wanted.split())
    scored = []
    for name in names:
        words = name.lower().split()
        if name.lower() == wanted:
            continue
        windows = [" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))]
        best = max(difflib.SequenceMatcher(None, wanted, window).ratio() for window in windows)
        if best >= 0.75:
            scored.append((best, name))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [name for _score, name in scored[:limit]]


# --- One document --------------------------------------------------------------------------


def _title_terms_query(title: str) -> SearchQuery | None:
    """The title's own lexemes, OR'ed: documents that share words with it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))", [SEARCH_CONFIG, title])
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
    terms = _title_terms_query(document.title)
    text_rank = SearchRank(F("search_vector"), terms) if terms is not None else Value(0.0)
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
        match |= Q(search_vector=terms)
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
