"""Error reports to Sentry or GlitchTip (sentry-sdk), only when SENTRY_DSN is set.

A report says what broke and where: the exception, its stack without local variables,
the route, the request's or task's id. Never who: no user, cookie, body, query string or
URL (a path can hold a confirm or withdraw token), no header but a few harmless ones; and
addresses and IPs in messages (a database error can quote a row) are blanked.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from campaign.core.logs import request_id, task_id

SAFE_HEADERS = {"accept", "content-length", "content-type", "host", "x-request-id"}
EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]\"',;:=]+@[^\s@<>()\[\]\"',;:=]+")
# Candidates, blanked only when ipaddress reads them as an address (not "12:30:45").
MAYBE_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|[0-9A-Fa-f]*:[0-9A-Fa-f:]*:(?:[0-9A-Fa-f:.]*[0-9A-Fa-f])?")


def _blank_ip(match: re.Match) -> str:
    try:
        ipaddress.ip_address(match.group())
    except ValueError:
        return match.group()
    return "[ip]"


def blank(value: Any) -> Any:
    """`value` with every address and IP in its strings blanked, however deeply nested."""
    if isinstance(value, str):
        return MAYBE_IP.sub(_blank_ip, EMAIL_ADDRESS.sub("[address]", value))
    if isinstance(value, dict):
        return {key: blank(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [blank(item) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's before_send: keep what locates a fault, drop what names a person."""
    event.pop("user", None)
    request = event.get("request")
    if request is not None:
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "headers": {name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS},
        }
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = blank(exception.get("value"))
    for field in ("message", "logentry", "extra"):
        if field in event:
            event[field] = blank(event[field])
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)  # SQL parameters, HTTP URLs
        crumb["message"] = blank(crumb.get("message"))
    tags = event.setdefault("tags", {})
    for name, var in (("request_id", request_id), ("task_id", task_id)):
        if var.get():
            tags[name] = var.get()
    return event


def sentry_init(*, dsn: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration(propagate_traces=False)],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
    )
