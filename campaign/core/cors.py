"""The read API answers other sites' scripts: a partner's page may fetch() a letter's
count. Every answer under /api/ says `Access-Control-Allow-Origin: *` and never allows
credentials, so a browser sends no cookie with such a request and shows the script only
what anyone may read. The API only reads, so a preflight is answered for GET alone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a fetch() may add beyond the simple headers without being refused.
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Language, Content-Type, If-None-Match"
PREFLIGHT_SECONDS = 86400


class ReadApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        return response
