"""Facet counts and result counts, read from the facet bitmaps (see models.FacetBitmap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Q, Value
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.articles.forms import LibraryQuery
from campaign.articles.models import Country, Document, Publisher, Technology, Topic
from campaign.articles.search.filtering import ResolvedFilters, matching_entries, resolve_filters, search_matches_sql
from campaign.articles.search.version import cache_key

COUNT_CACHE_SECONDS = 600
FACET_LIMIT = 15


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
    "   FROM ({matches}) AS m GROUP BY 1"
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
        matches, match_params = search_matches_sql(query.q)
        base = MATCH_BITMAP_SQL.format(matches=matches)
        params += match_params
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


def result_count(query: LibraryQuery) -> int:
    key = cache_key("count", query)
    count = cache.get(key)
    if count is None:
        if query.q:
            # Without facets, the search index alone answers: PostgreSQL skips the entries'
            # all-visible pages, as no column is left to check.
            count = matching_entries(query, resolve_filters(query)).count()
        else:
            count = _bitmap_counts(query, resolve_filters(query), facets=False)["count"].get("", 0)
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def library_facet_counts(query: LibraryQuery) -> FacetCounts:
    """Every facet's counts with all the other selected facets applied, so a count says
    how many results ticking that box would give; and the primary-source count.
    Cached per query until the library changes."""
    # A pickled FacetCounts: a new name whenever its class changes or moves (it was
    # "facets", then "facet-counts"), as an entry cached under the old one would not load.
    key = cache_key("library-facets", query)
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
    resolved = resolve_filters(query)
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
