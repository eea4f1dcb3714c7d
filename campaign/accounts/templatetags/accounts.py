from django import template

from campaign.accounts.adapter import destination_after_login

register = template.Library()


@register.simple_tag(takes_context=True)
def destination_after_login_url(context) -> str:
    """Where this account goes once logged in: the way on from the end of its setup."""
    return destination_after_login(context["request"].user)
