import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware import locale
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    """The 503 answer. Rendered without the request's context processors, which
    could touch the database (the session, the user) and fail in turn."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "unavailable", "detail": "The service is briefly unavailable. Try again shortly."}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """While the database is away, answer a clean 503 page rather than a 500.

    A view's exception arrives in process_exception. One raised by a middleware below
    this one (sessions, messages, auth) is turned into a response by Django before it
    gets here, through handler500: campaign.core.views.server_error answers 503 there.
    Django's persistent connections are checked before each request
    (CONN_HEALTH_CHECKS), so the site serves again as soon as the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.error("database unavailable: %s", type(exception).__name__)
            return database_unavailable_response(request)
        return None


class RequestBodyLimitMiddleware:
    """Refuse a body over REQUEST_BODY_MAX_BYTES before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves out the files of a multipart body, which
    it spools to a temporary file whatever their size: without this, a site run without
    the documented proxy would write any upload an anonymous visitor sends to disk. The
    refusal goes through handler400 (campaign.core.views.bad_request): a 413 page, or
    JSON under /api/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads an unreadable length as no body at all
        if length > settings.REQUEST_BODY_MAX_BYTES:
            raise RequestDataTooBig("Request body exceeded settings.REQUEST_BODY_MAX_BYTES.")
        return self.get_response(request)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, less its `Vary: Accept-Language`. The language comes from the address
    alone (i18n_patterns, English unprefixed): a page without a prefix is always in
    LANGUAGE_CODE whatever the browser asks for, so the header would only split every
    shared cache's copy of an English page by each browser's list of languages."""

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
