"""Reads shared by the library's pages, feeds, exports and API."""

from __future__ import annotations

import difflib
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.articles.forms import LibraryQuery, Sort
from campaign.articles.models import (
    Country,
    DemandCitation,
    Deployment,
    Document,
    DocumentDeployment,
    Entity,
    FacetBitmap,
    Publisher,
    SearchEntry,
    Technology,
    Topic,
    Win,
)
from campaign.core.text import render_markdown

SEARCH_CONFIG = "english"
VERSION_KEY = "articles:version"
COUNT_CACHE_SECONDS = 600
PAGE_SIZE = 20
FACET_LIMIT = 15
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


def search_query(text: str) -> SearchQuery:
    """Web-search syntax: "quoted phrases", OR, and -excluded words."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


# --- Filtering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedFilters:
    """The query's slugs and codes turned into ids, once per request."""

    topic: tuple[int, ...]
    technology: tuple[int, ...]
    country: tuple[int, ...]
    publisher: tuple[int, ...]


def _resolve(query: LibraryQuery) -> ResolvedFilters:
    def ids(model, field: str, values: tuple) -> tuple[int, ...]:
        if not values:
            return ()
        # An unknown value matches nothing, rather than being dropped (which would widen).
        return tuple(model.objects.filter(**{f"{field}__in": values}).values_list("pk", flat=True)) or (0,)

    return ResolvedFilters(
        topic=ids(Topic, "slug", query.topic),
        technology=ids(Technology, "slug", query.technology),
        country=ids(Country, "code", query.country),
        publisher=ids(Publisher, "slug", query.publisher),
    )


def _year_condition(years: tuple[int, ...]) -> Q:
    condition = Q()
    for year in years:
        condition |= Q(published_on__gte=date(year, 1, 1), published_on__lt=date(year + 1, 1, 1))
    return condition


def _narrowed(rows: QuerySet, query: LibraryQuery, resolved: ResolvedFilters) -> QuerySet:
    """Every selected facet applied, to documents or to search entries (same columns).
    Values within one facet widen (either topic); facets narrow each other."""
    if query.topic:
        rows = rows.filter(topic_ids__overlap=list(resolved.topic))
    if query.technology:
        rows = rows.filter(technology_ids__overlap=list(resolved.technology))
    if query.country:
        rows = rows.filter(country_ids__overlap=list(resolved.country))
    if query.type:
        rows = rows.filter(doc_type__in=query.type)
    if query.publisher:
        rows = rows.filter(publisher_id__in=resolved.publisher)
    if query.year:
        rows = rows.filter(_year_condition(query.year))
    if query.primary:
        rows = rows.filter(is_primary_source=True)
    return rows


def _matching_entries(query: LibraryQuery, resolved: ResolvedFilters) -> QuerySet[SearchEntry]:
    """The search entries (published documents only) the search and the facets match."""
    return _narrowed(SearchEntry.objects.filter(search_vector=search_query(query.q)), query, resolved)


def filtered_documents(query: LibraryQuery, *, resolved: ResolvedFilters | None = None) -> QuerySet[Document]:
    """Published documents matching the search and every selected facet."""
    resolved = resolved or _resolve(query)
    if query.q:
        # Found in the narrow search entries; only the documents found are read.
        entries = _matching_entries(query, resolved).values("document_id")
        return Document.objects.published().filter(pk__in=entries)
    return _narrowed(Document.objects.published(), query, resolved)


def _order(sort: str, prefix: str = "") -> tuple:
    if sort == Sort.RELEVANCE:
        return ("-rank", F(f"{prefix}published_on").desc(nulls_last=True), f"-{prefix}number")
    if sort == Sort.ADDED:
        return (F(f"{prefix}published_at").desc(nulls_last=True), f"-{prefix}number")
    return (F(f"{prefix}published_on").desc(nulls_last=True), f"-{prefix}number")


# A search matching much of the library ranks only its newest matches by relevance, then
# lists the older ones newest first: ranking means reading every match's search vector,
# and at 100,000 documents a query matching half of them spent 50 ms doing so. The newest
# RANK_WINDOW matches are found by walking the date index, which visits about
# published * RANK_WINDOW / matches entries at some WALK_COST times the cost of ranking
# one match (measured: 2.5 at 100,000 documents), so the window is used only where that
# walk is the cheaper of the two.
RANK_WINDOW = 1000
WALK_COST = 2.5


def ranks_window(query: LibraryQuery, total: int) -> bool:
    """Whether the library ranks only the newest RANK_WINDOW of this search's `total`
    matches (the page says so)."""
    if not query.q or query.effective_sort != Sort.RELEVANCE or total <= RANK_WINDOW:
        return False
    published = FacetBitmap.objects.filter(facet="all", value="").values_list("documents", flat=True).first()
    return total * total > WALK_COST * RANK_WINDOW * (published or 0)


def _after_window(entries: QuerySet[SearchEntry]) -> Q | None:
    """Documents that come after the RANK_WINDOW newest of `entries` in date order (None
    when there are no more than that: the count the caller had was out of date)."""
    last = entries.order_by(*_order(Sort.PUBLISHED)).values_list("published_on", "number")[
        RANK_WINDOW - 1 : RANK_WINDOW
    ]
    if not last:
        return None
    published_on, number = last[0]
    if published_on is None:  # undated documents come last, by number
        return Q(published_on__isnull=True, number__lt=number)
    return (
        Q(published_on__lt=published_on)
        | Q(published_on=published_on, number__lt=number)
        | Q(published_on__isnull=True)
    )


def library_results(query: LibraryQuery, *, limit: int | None = None, windowed: bool = False) -> QuerySet[Document]:
    """The library's results in the reader's order. Pass `limit` when no more than the
    first `limit` results will be read (the end of the page shown): a search then sorts
    only its first `limit` entries, and reads only those documents. Pass `windowed` as
    ranks_window() says for the count of results: a broad search then ranks only its
    newest matches, in every page and download alike."""
    sort = query.effective_sort
    if not query.q:
        return filtered_documents(query).select_related("publisher").order_by(*_order(sort))
    # Sorted among the search entries, which carry the sort keys, so that PostgreSQL may
    # choose between ranking every match and walking a date index, on one table.
    entries = _matching_entries(query, _resolve(query))
    rank = SearchRank(F("search_entry__search_vector"), search_query(query.q))
    if windowed:
        # The newest matches (and, past the window, the older ones the page reaches)
        # walked in date order; then the window ranked, the rest after it by date.
        kept = entries.order_by(*_order(Sort.PUBLISHED))
        if limit is not None:
            kept = kept[: max(limit, RANK_WINDOW)]
        if (limit is None or limit > RANK_WINDOW) and (after := _after_window(entries)) is not None:
            rank = Case(When(after, then=Value(-1.0)), default=rank, output_field=FloatField())
    else:
        if sort == Sort.RELEVANCE:
            entries = entries.alias(rank=SearchRank(F("search_vector"), search_query(query.q)))
        kept = entries.order_by(*_order(sort))
        if limit is not None:
            kept = kept[:limit]
    documents = Document.objects.filter(pk__in=kept.values("document_id")).select_related("publisher")
    if sort == Sort.RELEVANCE:
        # Ranked again, but only what the first ranking (or the walk) kept.
        documents = documents.alias(rank=rank)
    return documents.order_by(*_order(sort))


# --- Facets ------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    toggles: LibraryQuery | None = field(default=None, repr=False)

    @property
    def querystring(self) -> str:
        """The library with this option ticked or unticked (built when asked for: the
        page's form does not need it)."""
        return self.toggles.querystring() if self.toggles is not None else ""


@dataclass
class Facet:
    key: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def has_selection(self) -> bool:
        return any(option.selected for option in self.options)


@dataclass
class FacetCounts:
    facets: list[Facet]
    primary: int
    total: int  # the results: counted in the same statement, so the page needs no count of its own


FACET_KEYS = ("topic", "technology", "country", "type", "publisher", "year", "primary")


def _selected_values(query: LibraryQuery, resolved: ResolvedFilters) -> dict[str, list[str]]:
    """Each selected facet's values as the facet bitmaps spell them (ids, codes, years)."""
    values = {
        "topic": [str(pk) for pk in resolved.topic],
        "technology": [str(pk) for pk in resolved.technology],
        "country": [str(pk) for pk in resolved.country],
        "type": list(query.type),
        "publisher": [str(pk) for pk in resolved.publisher],
        "year": [str(year) for year in query.year],
        "primary": [""] if query.primary else [],
    }
    return {key: value for key, value in values.items() if value}


# The published documents the search matches, as a bitmap as long as the facet bitmaps:
# per 64 ids one bigint (most significant bit first, as in migration 0002's
# articles_bitmap), spelt out in bits, with zeros for the runs of ids that do not match.
MATCH_BITMAP_SQL = (
    "SELECT (coalesce(string_agg(repeat('0', 64 * gap) || mask::bit(64)::text, '' ORDER BY chunk), '')"
    " || repeat('0', size.n - 64 * (coalesce(max(chunk), -1)::integer + 1)))::varbit AS bits"
    " FROM size LEFT JOIN ("
    "  SELECT chunk, mask, (chunk - coalesce(lag(chunk) OVER (ORDER BY chunk), -1) - 1)::integer AS gap FROM ("
    "   SELECT document_id >> 6 AS chunk, bit_or(1::bigint << (63 - (document_id & 63))::integer) AS mask"
    "   FROM articles_searchentry WHERE search_vector @@ websearch_to_tsquery(%s::regconfig, %s) GROUP BY 1"
    "  ) AS chunks) AS pieces ON chunk < size.n / 64 GROUP BY size.n"
)
SIZE_SQL = "SELECT length(bits) AS n FROM articles_facetbitmap WHERE facet = 'all' AND value = ''"
ALL_BITMAP_SQL = "SELECT bits FROM articles_facetbitmap WHERE facet = 'all' AND value = ''"


def _bitmap_sql(query: LibraryQuery, resolved: ResolvedFilters, *, facets: bool) -> tuple[str, list]:
    """One statement over the facet bitmaps (see models.FacetBitmap). `base` is the set of
    documents the search matches (every published one without a search); `chosen` holds,
    per selected facet, the documents having any of its selected values. A facet is
    counted over base AND every other facet's choice (its `mask`), so a count says how
    many results ticking that box would give; the row ('count', '') is base AND every
    choice. No rows at all when nothing was ever published."""
    params: list = []
    if query.q:
        base = MATCH_BITMAP_SQL
        params += [SEARCH_CONFIG, query.q]
    else:
        base = ALL_BITMAP_SQL
    selected = _selected_values(query, resolved)
    # A selected facet none of whose values exists still narrows: to nothing (XOR gives 0s).
    chosen = "SELECT NULL::text AS facet, NULL::varbit AS bits WHERE false"
    if selected:
        chosen = (
            "SELECT s.facet, coalesce(bit_or(b.bits), (SELECT bits # bits FROM base)) AS bits "
            "FROM unnest(%s::text[], %s::text[]) AS s(facet, value) "
            "LEFT JOIN articles_facetbitmap AS b ON b.facet = s.facet AND b.value = s.value GROUP BY s.facet"
        )
        pairs = [(key, value) for key, values in selected.items() for value in values]
        params += [[key for key, _value in pairs], [value for _key, value in pairs]]
    # Built from constant fragments only; every value travels as a parameter.
    sql = f"WITH size AS MATERIALIZED ({SIZE_SQL}), base AS MATERIALIZED ({base}), chosen AS MATERIALIZED ({chosen}) "  # nosec B608
    if facets:
        sql += (
            ", masks AS MATERIALIZED (SELECT f.facet, base.bits & coalesce("
            "(SELECT bit_and(c.bits) FROM chosen AS c WHERE c.facet <> f.facet), base.bits) AS mask "
            "FROM base, unnest(%s::text[]) AS f(facet)) "
        )
        params.append(list(FACET_KEYS))
    sql += (
        "SELECT 'count', '', bit_count(base.bits & coalesce((SELECT bit_and(bits) FROM chosen), base.bits)) FROM base"
    )
    if facets:
        # Publishers are many, and all but a few are shown only when selected: the most
        # frequent come from articles_facet_top (see migration 0002), which need not count
        # the long tail; the selected ones are counted whatever their rank.
        sql += (
            " UNION ALL SELECT b.facet, b.value, bit_count(b.bits & m.mask)"
            " FROM articles_facetbitmap AS b JOIN masks AS m ON m.facet = b.facet"
            " WHERE b.facet <> 'publisher' OR b.value = ANY(%s::text[])"
            " UNION ALL SELECT 'publisher', top.value, top.documents"
            " FROM masks AS m, articles_facet_top(m.mask, 'publisher', %s) AS top WHERE m.facet = 'publisher'"
        )
        params += [selected.get("publisher", []), FACET_LIMIT]
    return sql, params


def _options(query: LibraryQuery, key: str, counts: dict, labels: dict, *, keep_order: bool = False) -> list:
    selected = list(getattr(query, key))
    wanted = [value for value, count in counts.items() if count > 0]
    if not keep_order:
        wanted.sort(key=lambda value: (-counts[value], str(labels.get(value, value)).lower()))
    shown = wanted[:FACET_LIMIT] + [value for value in wanted[FACET_LIMIT:] if value in selected]
    shown += [value for value in selected if value not in shown]
    return [
        FacetOption(
            value=str(value),
            label=str(labels.get(value, value)),
            count=counts.get(value, 0),
            selected=value in selected,
            toggles=query.toggled(key, value),
        )
        for value in shown
    ]


def library_version() -> str:
    """Changes whenever a document is indexed or changes status, so cached counts are
    never older than the data they count."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = library_version_bump()
    return version


def library_version_bump() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def _cache_key(kind: str, query: LibraryQuery) -> str:
    digest = hashlib.sha256(urlencode(query.replace(sort="", page=1).params()).encode()).hexdigest()[:32]
    return f"articles:{kind}:{library_version()}:{digest}"


def result_count(query: LibraryQuery) -> int:
    key = _cache_key("count", query)
    count = cache.get(key)
    if count is None:
        if query.q:
            # Without facets, the search index alone answers: PostgreSQL skips the entries'
            # all-visible pages, as no column is left to check.
            count = _matching_entries(query, _resolve(query)).count()
        else:
            count = _bitmap_counts(query, _resolve(query), facets=False)["count"].get("", 0)
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def library_facet_counts(query: LibraryQuery) -> FacetCounts:
    """Every facet's counts with all the other selected facets applied, so a count says
    how many results ticking that box would give; and the primary-source count.
    Cached per query until the library changes."""
    # Not "facets" any more: what was cached under that name has no .total.
    key = _cache_key("facet-counts", query)
    counts = cache.get(key)
    if counts is None:
        counts = _library_facet_counts(query)
        cache.set(key, counts, COUNT_CACHE_SECONDS)
    return counts


def _bitmap_counts(query: LibraryQuery, resolved: ResolvedFilters, *, facets: bool) -> dict[str, dict[str, int]]:
    sql, params = _bitmap_sql(query, resolved, facets=facets)
    raw: dict[str, dict[str, int]] = {key: {} for key in ("count", *FACET_KEYS)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, value, count in cursor.fetchall():
            if count:  # NULL when nothing is published yet
                raw[key][value] = count
    return raw


LABELLED = {"topic": Topic, "technology": Technology, "country": Country, "publisher": Publisher}


def _names(query: LibraryQuery, counts: dict[str, dict[int, int]]) -> dict[str, dict[int, tuple[str, str]]]:
    """pk -> (value in the query string, label) for the options a facet may show: its
    most frequent values and the selected ones. One query for the four lists."""
    parts = []
    for key, model in LABELLED.items():
        top = sorted(counts[key], key=lambda pk, key=key: -counts[key][pk])[: FACET_LIMIT * 2]
        field_name = "code" if model is Country else "slug"
        label = "code" if model is Country else "name"
        rows = model.objects.filter(Q(pk__in=top) | Q(**{f"{field_name}__in": getattr(query, key)}))
        parts.append(rows.values_list(Value(key, output_field=CharField()), "pk", field_name, label).order_by())
    names: dict[str, dict[int, tuple[str, str]]] = {key: {} for key in LABELLED}
    for key, pk, value, label in parts[0].union(*parts[1:], all=True):
        names[key][pk] = (value, str(countries.name(label)) if key == "country" else label)
    return names


def _library_facet_counts(query: LibraryQuery) -> FacetCounts:
    resolved = _resolve(query)
    raw = _bitmap_counts(query, resolved, facets=True)

    counts = {key: {int(pk): n for pk, n in raw[key].items()} for key in LABELLED}
    names = _names(query, counts)

    def by_value(key: str) -> tuple[dict, dict]:
        return (
            {value: counts[key].get(pk, 0) for pk, (value, _label) in names[key].items()},
            dict(names[key].values()),
        )

    topic_counts, topic_labels = by_value("topic")
    tech_counts, tech_labels = by_value("technology")
    country_counts, country_labels = by_value("country")
    publisher_counts, publisher_labels = by_value("publisher")
    year_counts = dict(sorted(((int(year), n) for year, n in raw["year"].items()), reverse=True))
    facets = [
        Facet("topic", _("Topic"), _options(query, "topic", topic_counts, topic_labels)),
        Facet("technology", _("Technology"), _options(query, "technology", tech_counts, tech_labels)),
        Facet("country", _("Country"), _options(query, "country", country_counts, country_labels)),
        Facet("type", _("Document type"), _options(query, "type", raw["type"], dict(Document.Type.choices))),
        Facet("publisher", _("Publisher"), _options(query, "publisher", publisher_counts, publisher_labels)),
        Facet(
            "year",
            _("Year published"),
            _options(query, "year", year_counts, {year: str(year) for year in year_counts}, keep_order=True),
        ),
    ]
    return FacetCounts(facets=facets, primary=raw["primary"].get("", 0), total=raw["count"].get("", 0))


def library_facets(query: LibraryQuery) -> list[Facet]:
    return library_facet_counts(query).facets


def primary_count(query: LibraryQuery) -> int:
    return library_facet_counts(query).primary


# --- Snippets ----------------------------------------------------------------------------

MARKDOWN_NOISE = re.compile(r"[*_#>`]+|\[([^\]]*)\]\([^)]*\)")


def _plain(markdown_text: str) -> str:
    return " ".join(strip_tags(render_markdown(markdown_text)).split())


def _mark(text: str) -> SafeString:
    text = MARKDOWN_NOISE.sub(lambda match: match.group(1) or "", text)
    html = escape(" ".join(text.split()))
    html = html.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is ours  # nosec B308 B703


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


# "Did you mean" runs for any search with few results. A name is rarely longer than
# this, and a longer search is no misspelt name; difflib compares at most this many
# names (a name list grows with the library: 20,000 took seconds).
DID_YOU_MEAN_MAX_CHARS = 60
DID_YOU_MEAN_CANDIDATES = 2000


def did_you_mean(q: str, *, limit: int = 3, use_trigram: bool | None = None) -> list[str]:
    """Names of publishers, entities, deployments, topics and technologies spelled like
    the search: pg_trgm's word similarity where the server has it, otherwise difflib
    over the names with a word that begins as the search does."""
    term = _plain_terms(q)
    if not 3 <= len(term) <= DID_YOU_MEAN_MAX_CHARS:
        return []
    if use_trigram is None:
        use_trigram = trigram_available()
    if use_trigram:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name FROM ({NAME_SQL}) AS names "  # noqa: S608 - constant SQL, term is a parameter  # nosec B608
                "WHERE word_similarity(%s, name) >= 0.5 AND lower(name) <> lower(%s) "
                "ORDER BY word_similarity(%s, name) DESC, name LIMIT %s",
                [term, term, term, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return _closest_names(term, did_you_mean_candidates(term), limit)


def did_you_mean_candidates(term: str, *, limit: int = DID_YOU_MEAN_CANDIDATES) -> list[str]:
    """The names difflib weighs for `term`: those with a word that begins with the
    term's first letter (a misspelling rarely changes it), at most `limit`."""
    first = next((char for char in term.lower() if char.isalnum()), "")
    if not first:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name FROM ({NAME_SQL}) AS names "  # noqa: S608 - constant SQL, the letter is a parameter  # nosec B608
            "WHERE lower(name) ~ %s ORDER BY name LIMIT %s",
            [rf"\m{first}", limit],
        )
        return [row[0] for row in cursor.fetchall()]


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
