from django import template

from campaign.coalition import selectors

register = template.Library()


@register.inclusion_tag("coalition/_petition_endorsements.html")
def petition_endorsements(petition):
    """The organisations endorsing a letter, by tier, apart from individual signatures."""
    groups, withdrawn = selectors.endorsements_by_tier(petition)
    return {"petition": petition, "groups": groups, "withdrawn": withdrawn}
