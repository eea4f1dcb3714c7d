from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.core.forms import (
    AccessibleForm,
    CountryField,
    MailableEmailField,
    SharedFieldsMixin,
    SharedOptionsSelect,
    make_form_stamp,
)

URL_IN_TEXT = re.compile(
    r"(://|www\.|\b[\w-]+\.(com|net|org|info|biz|io|ru|cn|xyz|top|co|uk|de|fr|me|ly|to|gl|link|click|site|online|app|dev)\b)",
    re.IGNORECASE,
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

CONSENT_TEXT = _(
    "I agree that this campaign stores my name, email address and country to confirm and count "
    "my signature, as the privacy notice explains."
)
FORM_STAMP_SALT = "petitions.sign-form"


def validate_plain_line(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Please use ordinary characters only."), code="control")


def validate_no_url(value: str) -> None:
    if URL_IN_TEXT.search(value):
        raise ValidationError(_("Please leave web addresses out of this field."), code="url")


def form_stamp(at: float | None = None) -> str:
    """A form stamp: when the form was rendered (now, or `at`), with a MAC. The coalition's
    application form carries one; the sign form no longer does, as a page served from a
    cache shows when the cached copy was rendered, not when the reader opened it."""
    return make_form_stamp(salt=FORM_STAMP_SALT, at=at)


class SignatureForm(SharedFieldsMixin, AccessibleForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        validators=[validate_plain_line, validate_no_url],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = MailableEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm. It is never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(
        label=_("Country"),
        choices=[("", _("Choose your country")), *list(countries)],
        widget=SharedOptionsSelect,
    )
    city = forms.CharField(
        label=_("Town or city (optional)"),
        max_length=100,
        required=False,
        validators=[validate_plain_line, validate_no_url],
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    affiliation = forms.CharField(
        label=_("Organisation or role (optional)"),
        max_length=150,
        required=False,
        validators=[validate_plain_line, validate_no_url],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    is_public = forms.BooleanField(label=_("Show my name and country on the list of signatories"), required=False)
    wants_updates = forms.BooleanField(label=_("Send me occasional campaign updates"), required=False)
    consent = forms.BooleanField(
        label=CONSENT_TEXT, required=True, error_messages={"required": _("Please tick this box to sign.")}
    )
    # A field people never see (hidden by CSS, skipped by screen readers): bots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_bot(self) -> bool:
        """A filled honeypot: answer as if all went well, store nothing."""
        return bool(self.is_bound and self.data.get("website"))


class ResendForm(AccessibleForm):
    email = MailableEmailField(
        label=_("Email address you signed with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
