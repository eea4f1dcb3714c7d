"""Public pages any HTTP cache can serve, and the rendered copies Django keeps.

A page every anonymous reader gets alike (a letter with its sign form, the home page)
holds no token and sets no cookie, so it says `Cache-Control: public` with a short
`s-maxage` and a cache in front (nginx, a CDN) answers a crowd. Django keeps its own
rendered copy of the busiest one, the letter page, for PUBLIC_PAGE_SECONDS, so the
requests that do reach it seldom reach PostgreSQL: a confirmation shows in the count
within that time, and again as long in a cache in front.

Editorial changes that show on public pages (a letter edited, an organisation joining,
a document published) call `public_pages_changed()` from their service, which retires
every copy Django keeps at once; withdrawing or erasing a signer deletes the copies of
their letter's page outright (`page_forget`), as those show their name.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"


# --- What a shared cache may keep -------------------------------------------------------


def is_personal(request: HttpRequest) -> bool:
    """Whether the answer may hold something of this visitor's own: a session (someone
    logged in, a message waiting) or a message in its cookie. A language cookie changes
    nothing: the language comes from the address."""
    names = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    return any(name in request.COOKIES for name in names)


def public_page(view: Callable) -> Callable:
    """A page every anonymous reader gets alike: any shared cache may keep it for
    PUBLIC_PAGE_SECONDS. A visitor with a session or a message gets
    a page of their own that no cache may keep; were a cache to answer them with the
    anonymous copy instead, they would see the public page, with nothing of anyone's."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if is_personal(request):
            add_never_cache_headers(response)
        elif response.status_code == 200 and not response.cookies:
            # max-age=0: a browser asks again, so a reader who just signed sees the count move.
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PUBLIC_PAGE_SECONDS)
        return response

    return wrapped


# --- Rendered pages Django keeps --------------------------------------------------------


def public_pages_changed() -> None:
    """Retire every cached public page. Now (within the transaction, for the database
    cache) and again after commit, so a page rendered from the old data in between is
    not left behind."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def _full_key(key: str) -> str:
    return f"publicpage:{get_language()}:{key}"


def page_forget(key: str) -> None:
    """Delete a page's cached copies in every language. Retiring pages
    (public_pages_changed) leaves the old copies stored until they expire, and a copy
    that shows an erased or withdrawn signer's name must not stay anywhere."""
    keys = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.append(_full_key(key))
    cache.delete_many(keys)


@dataclass(frozen=True)
class CachedPage:
    """A page's place in the cache, in the active language: the HTML found there if it
    is current, and the generation the lookup saw, so a page rendered from data older
    than a change is never kept as current."""

    key: str
    generation: int | None
    html: str | None

    def store(self, html: str, *, timeout: int) -> None:
        generation = self.generation
        if generation is None:
            generation = time.time_ns()
            if not cache.add(GENERATION_KEY, generation, None):
                return  # someone else started a generation meanwhile
        cache.set(self.key, (generation, html), timeout)


def page_lookup(key: str) -> CachedPage:
    """The page kept under `key` in the active language: one cache round trip."""
    full_key = _full_key(key)
    found = cache.get_many([full_key, GENERATION_KEY])
    generation, entry = found.get(GENERATION_KEY), found.get(full_key)
    current = entry is not None and generation is not None and entry[0] == generation
    return CachedPage(key=full_key, generation=generation, html=entry[1] if current else None)
