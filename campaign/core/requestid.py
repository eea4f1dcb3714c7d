"""A request id for every request: taken from the proxy's `X-Request-ID` when it is a
plain hex or UUID string (nginx's `$request_id`), made here otherwise, sent back on the
response and added to every log line written while the request runs."""

from __future__ import annotations

import re
import uuid

from campaign.core.logs import request_id

# Hex digits and dashes only: a header anyone can send must not carry a name, an address
# or an IP into the logs.
SANE_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        current = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(current)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = current
        return response
