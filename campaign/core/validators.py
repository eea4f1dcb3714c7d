"""Checks on what visitors type into public forms, shared by every app's forms."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The longest address SMTP carries (RFC 5321: a 64-character local part, a 253-character
# domain and the "@", as a path of at most 256 octets with its angle brackets).
EMAIL_MAX_LENGTH = 254

URL_IN_TEXT = re.compile(
    r"(://|www\.|\b[\w-]+\.(com|net|org|info|biz|io|ru|cn|xyz|top|co|uk|de|fr|me|ly|to|gl|link|click|site|online|app|dev)\b)",
    re.IGNORECASE,
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def validate_plain_line(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Please use ordinary characters only."), code="control")


def validate_plain_text(value: str) -> None:
    """Like validate_plain_line, but line breaks are fine in longer text."""
    validate_plain_line(value.replace("\r", "").replace("\n", "").replace("\t", " "))


def validate_no_url(value: str) -> None:
    """Names and short lines are shown to others: keep spam links out of them."""
    if URL_IN_TEXT.search(value):
        raise ValidationError(_("Please leave web addresses out of this field."), code="url")
