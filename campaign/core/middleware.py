import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While the database is away, answer a clean 503 page rather than a 500.

    Django's persistent connections are checked before each request
    (CONN_HEALTH_CHECKS), so the site serves again as soon as the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable: %s", type(exception).__name__)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "10"
            return response
        return None
