from django import forms, template
from django.utils.translation import gettext

from campaign.core.text import meta_description, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter(name="meta_description")
def meta_description_filter(text: str, kind: str = "") -> str:
    """`{{ text|meta_description }}`, or `|meta_description:"markdown"` for Markdown."""
    return meta_description(text, is_markdown=kind == "markdown")


@register.filter
def percent_of(value: int, total: int) -> int:
    """Progress toward a goal, as a whole percentage capped at 100."""
    try:
        return max(0, min(100, int(value * 100 / total)))
    except (TypeError, ZeroDivisionError):
        return 0


@register.filter
def country_name(code: str) -> str:
    from django_countries import countries

    return countries.name(code) or code


@register.simple_tag(takes_context=True)
def form_error_prefix(context) -> str:
    """ "Error: " before the page title when a form on the page came back with errors, so
    that it is the first thing a screen reader says of the page."""
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance would evaluate lazy values such as the
        # CSRF token, which sets a cookie on pages that must set none.
        if issubclass(type(value), forms.BaseForm) and value.is_bound and value.errors:
            return gettext("Error:") + " "
    return ""
