from __future__ import annotations

from django import forms
from django.utils import translation


class AccessibleErrorsMixin:
    """Tie each field's error message to its input, so screen readers announce it."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}-error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


class AccessibleForm(AccessibleErrorsMixin, forms.Form):
    pass


class SharedOptionsSelect(forms.Select):
    """A select whose empty rendering is kept per language and attributes.

    Django renders each option through a template: a country list of ~250 options took
    two thirds of the letter page's time under load (profiled by `make bench`). With no
    value chosen the HTML is the same for every visitor, so it is rendered once per
    process; a chosen value (a form sent back with errors) renders as usual.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rendered: dict[tuple, str] = {}

    def __deepcopy__(self, memo):
        # Forms deep-copy their widgets; the copies share what has been rendered.
        copy = super().__deepcopy__(memo)
        copy._rendered = self._rendered
        return copy

    def render(self, name, value, attrs=None, renderer=None):
        if value not in (None, ""):
            return super().render(name, value, attrs, renderer)
        final = {**self.attrs, **(attrs or {})}
        key = (name, translation.get_language(), tuple(sorted((k, str(v)) for k, v in final.items())))
        html = self._rendered.get(key)
        if html is None:
            html = self._rendered[key] = super().render(name, value, attrs, renderer)
        return html
