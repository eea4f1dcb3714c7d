from django import template

from campaign.petitions import selectors

register = template.Library()


@register.inclusion_tag("petitions/_handin_timeline.html")
def handin_timeline(petition):
    """The letter's deliveries and responses, for its public page."""
    return {"timeline": selectors.handin_timeline(petition)}
