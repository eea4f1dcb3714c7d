from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from campaign.core.emails import validate_mailable_domain


class AccessibleBoundField(forms.BoundField):
    """Ties an input with errors to its error message (`<id>-error`, as the templates
    write it) and its help text, so screen readers announce both. Computed as the
    input is rendered: the form's fields are left as they are."""

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if not described or not self.errors:
            return described
        # Django names the error `<id>_error`; ours is `<id>-error`, read first.
        return " ".join([f"{self.auto_id}-error", *(part for part in described.split() if not part.endswith("_error"))])


class AccessibleForm(forms.Form):
    bound_field_class = AccessibleBoundField


class SharedFields(dict):
    """A form's declared fields, handed to each instance as they are (see SharedFieldsMixin)."""

    def __deepcopy__(self, memo):
        return dict(self)


class SharedFieldsMixin:
    """For a form whose instances never change their fields: they share the declared
    field objects. Django deep-copies every field and widget for each instance, so
    that one may change its own (a queryset, a widget's attributes); for the sign form
    that copy was a tenth of the sign POST's CPU (py-spy, in process).
    A subclass must not change a field in place; it may replace one with its own copy."""

    def __init__(self, *args, **kwargs):
        self.base_fields = SharedFields(type(self).base_fields)
        super().__init__(*args, **kwargs)


class MailableEmailField(forms.EmailField):
    """An address we will mail: Django's checks, then one that its mail code can write
    the domain (see validate_mailable_domain). The second runs only on an address the
    first accepts, so a visitor sees one message at a time."""

    def run_validators(self, value) -> None:
        super().run_validators(value)
        if value not in self.empty_values:
            validate_mailable_domain(value)


class CountryField(LazyTypedChoiceField):
    """A country choice whose ~250 choices are shared by every copy of the form.

    Django deep-copies a form's fields for each instance, choices included: for the
    country list that was 0.6 ms of every sign request (profiled under `make bench`).
    The list is never changed after the form class is built, so copies share it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared: dict[str, frozenset[str]] = {}  # the same dict in every copy

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result

    def valid_value(self, value) -> bool:
        # Django walks the ~250 choices for every form sent; the codes are known once.
        codes = self._shared.get("codes")
        if codes is None:
            codes = self._shared["codes"] = frozenset(str(code) for code, _name in self.choices)
        return str(value) in codes


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
        # Forms deep-copy their widgets. The copies share the choices (Django would
        # normalise all of them again for every form) and what has been rendered; only
        # the attributes, which error rendering changes, are the copy's own.
        result = copy.copy(self)
        result.attrs = self.attrs.copy()
        memo[id(self)] = result
        return result

    def render(self, name, value, attrs=None, renderer=None):
        if value not in (None, ""):
            return super().render(name, value, attrs, renderer)
        final = {**self.attrs, **(attrs or {})}
        key = (name, translation.get_language(), tuple(sorted((k, str(v)) for k, v in final.items())))
        html = self._rendered.get(key)
        if html is None:
            html = self._rendered[key] = super().render(name, value, attrs, renderer)
        return html


# --- Form stamps ----------------------------------------------------------------------
# A public form carries the time it was rendered, with a MAC: "<milliseconds>.<MAC>".
# Every letter page a crowd loads gets a fresh one, so it is made with one HMAC rather
# than django.core.signing (JSON, base64, a timestamp of its own around the HMAC): in
# process, 3.0 µs to make and 4.2 to check, against 9.0 and 9.5. A stamp made with a
# key now in SECRET_KEY_FALLBACKS is still accepted, as Django's signing would.

STAMP_MAX_DIGITS = 16


def _stamp_mac(moment: str, salt: str, secret: str) -> bytes:
    key = hashlib.sha256(f"campaign.form-stamp:{salt}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(hmac.digest(key, moment.encode(), "sha256")[:18])


def make_form_stamp(*, salt: str, at: float | None = None) -> str:
    moment = str(int((time.time() if at is None else at) * 1000))
    return f"{moment}.{_stamp_mac(moment, salt, settings.SECRET_KEY).decode()}"


def _stamp_time(stamp: str, salt: str) -> float | None:
    """When the stamp says its form was rendered, or None if it is not ours."""
    moment, _dot, mac = stamp.partition(".")
    if not (moment.isascii() and moment.isdigit() and len(moment) <= STAMP_MAX_DIGITS and mac.isascii()):
        return None
    keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    if not any(hmac.compare_digest(mac.encode(), _stamp_mac(moment, salt, secret)) for secret in keys):
        return None
    return int(moment) / 1000


def check_form_stamp(stamp: str, *, salt: str, min_seconds: float, max_age: int = 60 * 60 * 24) -> None:
    """Refuse a public form sent back faster than a person could fill it (a bot), or
    from a page rendered too long ago (or not by us)."""
    rendered_at = _stamp_time(stamp or "", salt)
    if rendered_at is None or time.time() - rendered_at > max_age:
        raise ValidationError(
            _("This form has expired. Please check your details and submit it again."), code="expired"
        )
    if time.time() - rendered_at < min_seconds:
        raise ValidationError(
            _("That was very quick. Please check your details and submit the form again."), code="too_fast"
        )
