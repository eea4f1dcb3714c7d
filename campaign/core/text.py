"""Markdown written by organisers and editors, rendered and then sanitised; and the
plain text of it for a page's description."""

from __future__ import annotations

import functools
import html

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(text: str) -> SafeString:
    return _render(text or "")


@functools.lru_cache(maxsize=256)
def _render(text: str) -> SafeString:
    # A pure function of the text, and several milliseconds for a letter that every
    # uncached render of its page would spend again.
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # Sanitised by nh3 just above.
    return mark_safe(clean)  # noqa: S308  # nosec B308 B703


def meta_description(text: str, *, is_markdown: bool = False, words: int = 40) -> str:
    """Plain text for a page's description: Markdown (if it is) rendered, its tags
    stripped and its entities read back; whitespace folded; cut at `words`. Not marked safe:
    the template escapes it, so no quote or tag an editor types can leave the attribute."""
    text = text or ""
    if is_markdown:
        text = html.unescape(strip_tags(render_markdown(text)))
    return Truncator(" ".join(text.split())).words(words)
