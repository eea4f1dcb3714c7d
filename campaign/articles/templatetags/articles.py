from django import template

from campaign.articles import selectors

register = template.Library()


@register.inclusion_tag("articles/_headline_figures.html")
def library_headline_figures():
    """The home page's figures, counted from the library on every render."""
    return {"figures": selectors.headline_figures()}


@register.simple_tag
def letter_evidence(demands):
    """Demands with their numbered footnotes, for a letter's page."""
    return selectors.letter_evidence(demands)
