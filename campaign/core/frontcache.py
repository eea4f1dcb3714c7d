"""In front of Django: the reads a crowd makes, answered from the shared cache.

A crowd refreshing a letter page or its count sends the same request thousands of
times a minute, and Django's request cycle (the middleware classes, URL resolving,
signals) costs more than the answer, which is already in the cache. This WSGI layer
sits where a caching proxy would, in the same process: for a few registered routes it
answers a plain anonymous GET from the cache, with the headers Django itself sent for
that route, and each visitor's own CSRF cookie and token poured into the page as
Django's `get_token()` would. Every other request, and any it is not sure of, goes to
Django untouched:

- a method other than GET, a query string, a cookie other than the CSRF cookie (a
  session, a pending message, a language choice) or a CSRF cookie Django would replace;
- a host Django would refuse, or plain http where Django would redirect to https;
- a route, language and scheme whose headers this process has not yet seen Django
  send (their first request here);
- an answer the cache does not hold, or holds out of date (the route's reader says
  None), or a cache that fails: Django then answers, and reports the failure.

What a route reads from the cache is kept in the process for FRONT_CACHE_SECONDS and
answered again meanwhile, as a caching proxy in front would: a crowd of a thousand
reads a second then costs each process one cache round trip a second per letter, not a
thousand. The count it shows is at most that old.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import translation
from django.utils.http import http_date

from campaign.core.pagecache import fill

logger = logging.getLogger(__name__)

# Headers the front cache writes itself rather than repeat from Django's response.
OWN_HEADERS = frozenset({"set-cookie", "content-length"})
FACTS_KEPT = 1_000
ANSWERS_KEPT = 1_000


@dataclass(frozen=True)
class Route:
    """A read the front cache may answer. `answer` gets the pattern's named groups and
    returns the body from the cache alone (with holes, for a page), or None."""

    name: str
    pattern: re.Pattern[str]
    answer: Callable[..., str | None]
    # Per-request values poured into the page besides the CSRF token (a form stamp).
    holes: Callable[[], dict[str, str]] = dict
    # The page carries a CSRF hole: set the visitor's cookie as get_token() does.
    csrf: bool = False


@dataclass
class FrontCache:
    app: Callable
    routes: Iterable[Route]
    # (route, language, https) -> the headers Django sent for it, learnt per process.
    headers: dict[tuple[str, str, bool], tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # The request headers Django reads for the host, the scheme and the language ->
    # (language, https), or () where Django must answer.
    facts: dict[tuple, tuple] = field(default_factory=dict)
    # (route, language, https, the route's arguments) -> (until when, the answer read).
    answers: dict[tuple, tuple[float, str]] = field(default_factory=dict)
    reuse_seconds: float = field(default_factory=lambda: settings.FRONT_CACHE_SECONDS)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.routes = tuple(self.routes)
        self.localised = "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
        proxy_header = (settings.SECURE_PROXY_SSL_HEADER or ("",))[0]
        self.where_names = (
            "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
            "wsgi.url_scheme", proxy_header, "HTTP_ACCEPT_LANGUAGE",
        )  # fmt: skip

    def __call__(self, environ: dict, start_response: Callable):
        found = self._route(environ)
        if found is None:
            return self.app(environ, start_response)
        route, arguments = found
        visitor = self._visitor(route, environ)
        if visitor is None:
            return self.app(environ, start_response)
        key, secret = visitor
        answer = self._answer(route, arguments, key, secret)
        if answer is None:
            return self.app(environ, self._learning(key, start_response))
        headers, body = answer
        start_response("200 OK", headers)
        return [body]

    def _route(self, environ: dict) -> tuple[Route, dict] | None:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return None
        path = environ.get("PATH_INFO", "")
        for route in self.routes:
            if match := route.pattern.fullmatch(path):
                return route, match.groupdict()
        return None

    def _visitor(self, route: Route, environ: dict) -> tuple[tuple[str, str, bool], str | None] | None:
        """(where this request's headers are learnt, the visitor's CSRF secret if any),
        or None when Django must answer it."""
        secret = None
        if cookie := environ.get("HTTP_COOKIE"):
            cookies = parse_cookie(cookie)
            if any(name != settings.CSRF_COOKIE_NAME for name in cookies):
                return None
            secret = cookies.get(settings.CSRF_COOKIE_NAME)
            if secret is not None and not well_formed(secret):
                return None
        if route.csrf and settings.CSRF_USE_SESSIONS:
            return None
        # The host, the scheme and the language come from a few headers that a crowd
        # sends alike: what Django makes of them is worked out once per process.
        where = tuple(environ.get(name) for name in self.where_names)
        facts = self.facts.get(where)
        if facts is None:
            if len(self.facts) >= FACTS_KEPT:
                self.facts.clear()
            facts = self.facts[where] = self._facts(WSGIRequest(environ))
        if not facts:
            return None
        return (route.name, *facts), secret

    def _facts(self, request: WSGIRequest) -> tuple[str, bool] | tuple[()]:
        """(language, https) as Django sees this request, or () when Django must answer
        it: a host it refuses, or plain http it redirects to https."""
        try:
            request.get_host()
        except DisallowedHost:
            return ()
        secure = request.is_secure()
        if settings.SECURE_SSL_REDIRECT and not secure:
            return ()
        language = translation.get_language_from_request(request) if self.localised else settings.LANGUAGE_CODE
        return language, secure

    def _answer(self, route: Route, arguments: dict, key, secret: str | None) -> tuple[list, bytes] | None:
        learnt = self.headers.get(key)
        if learnt is None:
            return None
        body = self._read(route, arguments, key)
        if body is None:
            return None
        headers = list(learnt)
        if route.csrf:
            secret = secret or random_chars(CSRF_SECRET_LENGTH)
            body = fill(body, {"csrf": masked(secret), **route.holes()})
            headers.append(("Set-Cookie", csrf_cookie(secret)))
        encoded = body.encode()
        headers.append(("Content-Length", str(len(encoded))))
        return headers, encoded

    def _read(self, route: Route, arguments: dict, key) -> str | None:
        """The route's answer: kept from an earlier request for reuse_seconds, else read
        from the cache (None where Django must answer)."""
        answer_key = (*key, *arguments.values())
        now = self.clock()
        kept = self.answers.get(answer_key)
        if kept is not None and kept[0] > now:
            return kept[1]
        try:
            with translation.override(key[1]):
                body = route.answer(**arguments)
        except Exception:  # the cache failing: Django answers, and the log says why
            logger.warning("front cache: %s unanswered, Django takes it", route.name, exc_info=True)
            return None
        if body is not None and self.reuse_seconds > 0:
            if len(self.answers) >= ANSWERS_KEPT:
                self.answers.clear()
            self.answers[answer_key] = (now + self.reuse_seconds, body)
        return body

    def _learning(self, key, start_response: Callable) -> Callable:
        """Django's start_response, noting the headers of a 200 for this key."""

        def start(status: str, headers: list, exc_info=None):
            if exc_info is None and status.startswith("200 "):
                self.headers[key] = tuple((name, value) for name, value in headers if name.lower() not in OWN_HEADERS)
            return start_response(status, headers, exc_info)

        return start


# --- CSRF, as django.middleware.csrf does it ------------------------------------------
# The token in a form is the secret in the cookie, masked with a fresh random mask, so
# that no two pages carry the same token (BREACH). Django makes each random character
# with its own call to the system's random source; this takes one call for them all.
# tests/core/test_frontcache.py checks these against Django's own CSRF check.

_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
_LIMIT = 256 - 256 % len(CSRF_ALLOWED_CHARS)  # bytes at or above it are dropped: no bias


def random_chars(count: int) -> str:
    chars: list[str] = []
    while len(chars) < count:
        chars += [
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)] for byte in secrets.token_bytes(count) if byte < _LIMIT
        ]
    return "".join(chars[:count])


def well_formed(secret: str) -> bool:
    return len(secret) == CSRF_SECRET_LENGTH and all(char in _INDEX for char in secret)


def masked(secret: str) -> str:
    mask = random_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    return mask + "".join(CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % size] for s, m in zip(secret, mask, strict=True))


_expiry: tuple[int, str] = (0, "")


def csrf_cookie(secret: str) -> str:
    """The Set-Cookie value HttpResponse.set_cookie() writes for the CSRF cookie."""
    global _expiry  # the date is formatted once a second, not per page
    now = int(time.time())
    age = settings.CSRF_COOKIE_AGE
    if age is not None and _expiry[0] != now:
        _expiry = (now, http_date(now + age))
    parts = [f"{settings.CSRF_COOKIE_NAME}={secret}"]
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    if age is not None:
        parts.append(f"expires={_expiry[1]}")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    if age is not None:
        parts.append(f"Max-Age={age}")
    parts.append(f"Path={settings.CSRF_COOKIE_PATH}")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    return "; ".join(parts)
