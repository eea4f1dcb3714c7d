from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.core.emails import validate_mailable_domain
from campaign.core.validators import EMAIL_MAX_LENGTH, validate_no_url, validate_plain_line


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


class MailableEmailField(forms.EmailField):
    """An address we will mail: Django's checks, then one that its mail code can write
    the domain (see validate_mailable_domain). The second runs only on an address the
    first accepts, so a visitor sees one message at a time."""

    default_error_messages: ClassVar[dict] = {
        "required": _("Enter your email address, like name@example.org."),
        "invalid": _("Enter your email address in full, like name@example.org."),
    }

    def __init__(self, *, max_length: int = EMAIL_MAX_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def run_validators(self, value) -> None:
        super().run_validators(value)
        if value not in self.empty_values:
            validate_mailable_domain(value)


class PlainLineField(forms.CharField):
    """A short line others may read (a name, a role, a town): ordinary characters, no
    web addresses."""

    default_validators: ClassVar[list] = [validate_plain_line, validate_no_url]


def country_choices(blank_label) -> Callable[[], list[tuple[str, str]]]:
    """The countries, named in the reader's language, after a blank choice. A callable, so
    that Django copies a reference into each form instead of ~250 choices."""
    return lambda: [("", blank_label), *countries]


class CountryField(forms.ChoiceField):
    """A country code, offered in the reader's language. A sent code is looked up among
    the codes: Django would list and walk all ~250 choices for every form sent, a tenth
    of a sign POST's CPU under `make bench`."""

    def __init__(self, *, blank_label, **kwargs):
        super().__init__(choices=country_choices(blank_label), **kwargs)

    def valid_value(self, value) -> bool:
        return str(value) in countries


# --- Public forms against bots --------------------------------------------------------


class HoneypotField(forms.CharField):
    """A field people never see (hidden by CSS, skipped by screen readers): bots fill it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
        super().__init__(required=False, max_length=200, **kwargs)


class HoneypotForm(AccessibleForm):
    """A public form with a honeypot, named by `honeypot_name` (a name bots like to
    fill, and one the form does not use for a real field). A view answers a bot as if
    all went well and stores nothing (see is_bot). Templates render it with
    core/_honeypot.html."""

    honeypot_name: ClassVar[str] = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = HoneypotField()

    @property
    def honeypot(self) -> forms.BoundField:
        return self[self.honeypot_name]

    @property
    def is_bot(self) -> bool:
        return bool(self.is_bound and self.data.get(self.honeypot_name))


class StampField(forms.CharField):
    """The form's stamp, a hidden input that always renders a fresh one: a form sent
    back with errors (an expired stamp among them) must not carry the old stamp again."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=200, **kwargs)

    def bound_data(self, data, initial):
        return initial


class StampedForm(HoneypotForm):
    """A public form that knows when it was rendered: a stamp signed with Django's
    TimestampSigner (so SECRET_KEY_FALLBACKS still verify it) and a salt of the form's
    own, so a stamp made for one form is worthless for another. A form sent back
    sooner than SIGN_MIN_FILL_SECONDS after it was rendered (a bot), or later than
    `stamp_max_age`, is refused with a message. The signer dates to the second.

    A stamp is made when the page is rendered, so it only suits a page that is not
    shared by a cache."""

    stamp_salt: ClassVar[str]
    stamp_max_age: ClassVar[int] = 60 * 60 * 24

    stamp = StampField()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "stamp_salt" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} needs a stamp_salt of its own.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stamp"].initial = self.stamp_make  # made when the form is rendered

    @classmethod
    def stamp_signer(cls) -> signing.TimestampSigner:
        return signing.TimestampSigner(salt=f"campaign.form-stamp.{cls.stamp_salt}")

    @classmethod
    def stamp_make(cls) -> str:
        return cls.stamp_signer().sign("")

    def clean(self) -> dict:
        cleaned = super().clean()
        stamp = cleaned.get("stamp") or ""
        signer = self.stamp_signer()
        try:
            signer.unsign(stamp, max_age=self.stamp_max_age)
        except signing.BadSignature:
            raise ValidationError(
                _("This form has expired. Please check your details and submit it again."), code="expired"
            ) from None
        # The signer tells an age only against a bound: a stamp it still accepts with
        # the minimum as max_age was rendered less than that ago.
        try:
            signer.unsign(stamp, max_age=settings.SIGN_MIN_FILL_SECONDS)
        except signing.SignatureExpired:
            return cleaned
        raise ValidationError(
            _("That was very quick. Please check your details and submit the form again."), code="too_fast"
        )


# A DNS name: labels of letters, digits and inner hyphens, a top-level label that is not
# all digits (so no IPv4 address), 253 characters at most.
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def mastodon_host(value: str) -> str:
    """The host name of someone's Mastodon server, from what they typed: a bare name,
    forgiving a pasted "https://" and a trailing slash, nothing else. A port, a path,
    user info or an address is refused, so the redirect built from it can only be
    https://<that host>/share."""
    value = value.strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    value = value.removesuffix("/").removesuffix(".")
    try:
        host = value.encode("idna").decode("ascii") if value and not value.isascii() else value
    except UnicodeError as error:
        raise ValidationError(_("Enter your server's name, like mastodon.social.")) from error
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(_("Enter your server's name, like mastodon.social."))
    return host


# A page that shows the Mastodon form lets forms lead to any https address: the form
# posts to our own /share/mastodon/, but Chromium checks `form-action` against the
# redirect to the reader's server too, whichever server that is.
MASTODON_FORM_CSP = {"form-action": ["https:"]}


class MastodonShareForm(AccessibleForm):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        help_text=_("The part of your address after the second @, like mastodon.social."),
        max_length=300,
        error_messages={"required": _("Enter your server's name, like mastodon.social.")},
    )
    letter = forms.SlugField(widget=forms.HiddenInput)

    def clean_instance(self) -> str:
        return mastodon_host(self.cleaned_data["instance"])
