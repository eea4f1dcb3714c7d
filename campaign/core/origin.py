"""Anonymous public forms refuse posts sent from other sites, by the browser's own
headers rather than a CSRF token: their pages then set no cookie and stay the same for
every reader, so any cache can serve them. This is OWASP's Fetch Metadata defence, as
Go's CrossOriginProtection does it. A post is refused when the browser says it comes
from another site (`Sec-Fetch-Site`), or, from a browser too old to say so, when its
`Origin` is not this site's. Double opt-in stays the real guard: a forged signature
still needs its address's owner to confirm it.

Forms of logged-in people (the admin, organisers, representatives, allauth) keep
Django's token CSRF."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from campaign.core.views import cross_site_refused

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# "none": the person typed the address or used a bookmark, which no other site can do.
SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """scheme://host[:port] as a browser writes it in `Origin`, or None if `url` has
    no such origin (the "null" a sandboxed page sends, say)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port in (None, DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


def is_same_origin(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in SAME_ORIGIN_FETCHES
    origin = request.headers.get("Origin")
    # Neither header: not a browser that could be made to post by another site.
    return origin is None or origin_of(origin) == origin_of(settings.SITE_URL)


def same_origin_post(view: Callable) -> Callable:
    """For a view anyone may post to without logging in: a post from another site gets
    the 403 page before the view runs, so nothing is stored or mailed; the CSRF token
    is not asked for. Put it outermost, above the method decorators."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS and not is_same_origin(request):
            # The view's name, not the path: confirm and withdraw paths carry tokens.
            view_name = request.resolver_match.view_name if request.resolver_match else "?"
            logger.info("cross-site post to %s refused", view_name)
            return cross_site_refused(request)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
