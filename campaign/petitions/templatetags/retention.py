"""The periods pages state, read from the settings that enforce them."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def pending_days() -> int:
    """How long a confirmation link works and an unconfirmed signature is kept."""
    return settings.SIGNATURE_PENDING_DAYS
