"""Workflows of the evidence library: normalising links, publishing, keeping the search
index in step with what editors change."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.articles.models import FALLBACK_SEARCH_CONFIG, Document, search_config_languages
from campaign.core.pagecache import public_pages_changed

TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


class StatusChangeRefused(Exception):
    """The document is not in a state from which this change is allowed."""


def normalise_url(url: str) -> str:
    """One spelling per link, so the same page cannot enter the library twice:
    lower-case scheme and host, no default port, no fragment, no tracking parameters,
    no trailing slash on a path."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and not ((scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if path != "/" and path.endswith("/"):
        path = path.rstrip("/")
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(TRACKING_PARAMETERS)
        ]
    )
    return urlunsplit((scheme, host, path, query, ""))


def _config_sql(column: str) -> str:
    """The text search configuration of the document's language, in SQL (constants only)."""
    branches = " ".join(
        "WHEN {} IN ({}) THEN '{}'::regconfig".format(column, ", ".join(f"'{code}'" for code in codes), config)
        for config, codes in search_config_languages().items()
    )
    return f"CASE {branches} ELSE '{FALLBACK_SEARCH_CONFIG}'::regconfig END"


# The weights carry the ranking: the title (A) outranks our summary (B), which outranks
# everything else a reader might search for (C): authors, quote, publisher, entities,
# topics, technologies and deployments. Each document is stemmed in its own language.
REINDEX_SQL = f"""
UPDATE articles_document AS d SET search_vector =
    setweight(to_tsvector({_config_sql("d.language")}, coalesce(d.title, '')), 'A')
    || setweight(to_tsvector({_config_sql("d.language")}, coalesce(d.summary, '')), 'B')
    || setweight(to_tsvector({_config_sql("d.language")}, concat_ws(' ',
        d.authors, d.quote, d.quote_attribution,
        (SELECT p.name FROM articles_publisher p WHERE p.id = d.publisher_id),
        (SELECT string_agg(e.name, ' ') FROM articles_entity e
            JOIN articles_document_entities x ON x.entity_id = e.id WHERE x.document_id = d.id),
        (SELECT string_agg(t.name, ' ') FROM articles_topic t
            JOIN articles_document_topics x ON x.topic_id = t.id WHERE x.document_id = d.id),
        (SELECT string_agg(t.name, ' ') FROM articles_technology t
            JOIN articles_document_technologies x ON x.technology_id = t.id WHERE x.document_id = d.id),
        (SELECT string_agg(y.name, ' ') FROM articles_deployment y
            JOIN articles_documentdeployment x ON x.deployment_id = y.id WHERE x.document_id = d.id)
    )), 'C'),
    topic_ids = ARRAY(SELECT x.topic_id FROM articles_document_topics x WHERE x.document_id = d.id ORDER BY 1),
    technology_ids = ARRAY(
        SELECT x.technology_id FROM articles_document_technologies x WHERE x.document_id = d.id ORDER BY 1),
    country_ids = ARRAY(SELECT x.country_id FROM articles_document_countries x WHERE x.document_id = d.id ORDER BY 1)
"""  # noqa: S608  # nosec B608 - built from constant language codes only


def document_reindex(*, document_ids: Iterable[int] | None = None) -> int:
    """Rebuild the stored search vector and facet ids of these documents (all when None).

    Called after every edit that changes what a document is found by: the vector spans
    related tables, so neither a generated column nor a trigger on one table would do.
    """
    with connection.cursor() as cursor:
        if document_ids is None:
            cursor.execute(REINDEX_SQL)
        else:
            ids = list(document_ids)
            if not ids:
                return 0
            cursor.execute(REINDEX_SQL + " WHERE d.id = ANY(%s)", [ids])
        changed = cursor.rowcount
    _library_changed()
    return changed


def _library_changed() -> None:
    """Cached counts are keyed on the library's version: a new version retires them all.
    Bumped now (within this transaction for the database cache) and again after commit,
    so a reader who counted the old data in between cannot leave stale counts behind."""
    from campaign.articles.search import library_version_bump

    library_version_bump()
    transaction.on_commit(library_version_bump)
    public_pages_changed()  # letters cite documents in their footnotes


def document_set_status(*, document: Document, status: str) -> bool:
    """Move a document along draft → published → withdrawn (or back to draft from
    published). A conditional UPDATE, so two editors cannot publish it twice; the date
    it was first added to the library is kept across withdrawals."""
    allowed_from = {
        Document.Status.PUBLISHED: [Document.Status.DRAFT, Document.Status.WITHDRAWN],
        Document.Status.WITHDRAWN: [Document.Status.PUBLISHED, Document.Status.DRAFT],
        Document.Status.DRAFT: [Document.Status.PUBLISHED],
    }
    if status not in allowed_from:
        raise StatusChangeRefused(status)
    now = timezone.now()
    updates = {"status": status, "updated_at": now}
    if status == Document.Status.PUBLISHED:
        updates["published_at"] = Coalesce(F("published_at"), Value(now))
    changed = Document.objects.filter(pk=document.pk, status__in=allowed_from[status]).update(**updates)
    if changed:
        _library_changed()
    document.refresh_from_db(fields=["status", "published_at", "updated_at"])
    return bool(changed)
