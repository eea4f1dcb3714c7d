"""Highlighted excerpts of the summaries, for one page of results."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from campaign.articles.models import Document
from campaign.articles.search.filtering import own_language_config, own_language_query
from campaign.core.text import render_markdown

HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


MARKDOWN_NOISE = re.compile(r"[*_#>`]+|\[([^\]]*)\]\([^)]*\)")


def _plain(markdown_text: str) -> str:
    return " ".join(strip_tags(render_markdown(markdown_text)).split())


def _mark(text: str) -> SafeString:
    text = MARKDOWN_NOISE.sub(lambda match: match.group(1) or "", text)
    html = escape(" ".join(text.split()))
    html = html.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is ours  # nosec B308 B703


def snippets(documents: list[Document], q: str, *, language: str | None = None) -> dict[int, SafeString]:
    """A highlighted excerpt of each summary for the search, computed for one page only
    (ts_headline is costly and must not run on every match). Without a search, the start
    of the summary in `language` where there is one (prefetch the summaries)."""
    ids = [document.pk for document in documents]
    if not q:
        return {
            document.pk: escape(Truncator(_plain(document.summary_in(language)[0])).words(40)) for document in documents
        }
    rows = (
        Document.objects.filter(pk__in=ids)
        .annotate(
            snippet=SearchHeadline(
                "summary",
                own_language_query(q),
                config=own_language_config(),
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
