"""The language switcher and the `hreflang` alternates of every page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from campaign.core.links import absolute_url

register = template.Library()


@dataclass(frozen=True)
class PageInLanguage:
    code: str
    name: str
    url: str
    is_current: bool


def _pages(context) -> list[PageInLanguage]:
    """This page in each language. From the path alone, never the query: the letter
    page is kept rendered for every reader, so it must not repeat one visitor's query."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    return [
        PageInLanguage(code, name, translate_url(request.path, code), code == current)
        for code, name in settings.LANGUAGES
    ]


@register.inclusion_tag("_language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    return {"pages": _pages(context)}


@register.inclusion_tag("_language_alternates.html", takes_context=True)
def language_alternates(context) -> dict:
    """`<link rel="alternate" hreflang>` for each language, and x-default for the
    unprefixed page, which is in LANGUAGE_CODE: absolute, as search engines ask."""
    pages = _pages(context)
    default = next((page for page in pages if page.code == settings.LANGUAGE_CODE), None)
    return {
        "alternates": [(page.code, absolute_url(page.url)) for page in pages],
        "default_url": absolute_url(default.url) if default else None,
    }
