"""Whole public pages from the shared cache, with holes for what is per visitor.

A crowd reading a letter is sent the same HTML, but for two values in the sign form:
the CSRF token and the form stamp. Such a page is rendered once with a marker in place
of each hole, kept in the cache, and every request pours its own values into the copy.
A hit costs one cache round trip and no database query, so a crowd refreshing a page
never reaches PostgreSQL. A visitor with a message waiting ("you have signed out") is
not served from, nor stored in, the cache: that page is theirs alone.

Each entry carries facts the view checks before serving it (the count it shows, say),
and the generation of public content it was rendered in. Editorial changes that show
on public pages (a letter edited, an organisation joining, a document published) call
`public_pages_changed()`, which retires every entry at once; the timeout bounds how
long any other change can take to show.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
PAGE_SECONDS = 60


@dataclass(frozen=True)
class CachedPage:
    html: str
    facts: dict = field(default_factory=dict)


def hole(name: str) -> str:
    """The marker a hole is rendered as: derived from the secret key, so no text an
    editor or a visitor types can stand in for it."""
    return _hole(name, settings.SECRET_KEY)


@functools.lru_cache(maxsize=64)
def _hole(name: str, secret_key: str) -> str:
    # Three HMACs per cached read (two holes and the page's key) showed in every
    # profile of a crowd's reads. The secret is part of the memo's key, so a rotated
    # secret gets markers of its own.
    return f"hole-{name}-" + salted_hmac("campaign.core.pagecache", name, secret=secret_key).hexdigest()[:20]


def markers(*names: str) -> dict[str, str]:
    return {name: hole(name) for name in names}


def public_pages_changed() -> None:
    """Retire every cached public page. Now (within the transaction, for the database
    cache) and again after commit, so a page rendered from the old data in between is
    not left behind."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def page_forget(key: str) -> None:
    """Delete a page's cached copies in every language, with their facts. Retiring a
    page (public_pages_changed) leaves the old copy stored until it expires, and a copy
    that shows an erased or withdrawn signer's name must not stay anywhere."""
    keys = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            full_key = _full_key(key)
        keys += [full_key, _facts_key(full_key)]
    cache.delete_many(keys)


@dataclass
class PageSlot:
    """Where a page lives in the cache: what was found there, and the generation the
    lookup saw, so a page rendered from data older than a change is never kept as
    current."""

    key: str
    generation: int | None
    page: CachedPage | None
    cacheable: bool
    also: dict = field(default_factory=dict)  # the other keys asked for that were found

    def store(self, html: str, *, facts: dict, timeout: int = PAGE_SECONDS) -> None:
        """Keep a page rendered with `markers()` in its holes, with the facts to check."""
        if not self.cacheable:
            return
        generation = self.generation
        if generation is None:
            generation = time.time_ns()
            if not cache.add(GENERATION_KEY, generation, None):
                return  # someone else started a generation meanwhile
        # The facts also on their own, for requests that need them and not the page.
        cache.set_many({self.key: (generation, html, facts), _facts_key(self.key): (generation, facts)}, timeout)


def _full_key(key: str) -> str:
    # The markers depend on the secret key: after a key rotation, pages rendered with
    # the old markers must not be served, so the key names the markers too.
    return f"pagecache:{hole('')[-8:]}:{get_language()}:{key}"


def page_current(key: str, *, also: list[str] | tuple = ()) -> tuple[int | None, CachedPage | None, dict]:
    """(the generation, the current page in the active language or None, the values
    of the `also` keys that were found): one cache round trip."""
    full_key = _full_key(key)
    found = cache.get_many([full_key, GENERATION_KEY, *also])
    generation, entry = found.pop(GENERATION_KEY, None), found.pop(full_key, None)
    page = None
    if entry is not None and generation is not None and entry[0] == generation:
        page = CachedPage(html=entry[1], facts=entry[2])
    return generation, page, found


def _facts_key(full_key: str) -> str:
    return f"{full_key}:facts"


def facts_keys(key: str) -> list[str]:
    """The cache keys that hold the facts kept with a current page (in the visitor's
    language), without the page: read them along with something else (`facts_found`)."""
    return [_facts_key(_full_key(key)), GENERATION_KEY]


def facts_found(keys: list[str], found: dict) -> dict | None:
    """The facts of a current page among the values read for `keys` (`facts_keys`);
    None when no current page is cached."""
    facts_key, generation_key = keys
    generation, entry = found.get(generation_key), found.get(facts_key)
    if entry is None or generation is None or entry[0] != generation:
        return None
    return entry[1]


def page_lookup(request: HttpRequest, key: str, *, also: list[str] | tuple = ()) -> PageSlot:
    """The slot for this page in the visitor's language, and the values of the `also`
    keys (what the view checks the page against): one cache round trip."""
    full_key = _full_key(key)
    if len(messages.get_messages(request)):
        return PageSlot(key=full_key, generation=None, page=None, cacheable=False)
    generation, page, found = page_current(key, also=also)
    return PageSlot(key=full_key, generation=generation, page=page, cacheable=True, also=found)


def fill(html: str, holes: dict[str, str]) -> str:
    """The page with this visitor's value poured into each hole."""
    for name, value in holes.items():
        html = html.replace(hole(name), escape(value))
    return html


def page_respond(html: str, holes: dict[str, str]) -> HttpResponse:
    return HttpResponse(fill(html, holes))
