from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.core.forms import AccessibleForm, CountryField, HoneypotForm, MailableEmailField, PlainLineField

CONSENT_TEXT = _(
    "I agree that this campaign stores my name, email address and country to confirm and count "
    "my signature, as the privacy notice explains."
)


class SignatureForm(HoneypotForm):
    # No form stamp: the letter page is shared by caches, so a stamp would tell when the
    # cached copy was rendered, not when the reader opened it.

    name = PlainLineField(
        label=_("Your name"),
        max_length=100,
        error_messages={"required": _("Enter your name, as you want it on the letter.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = MailableEmailField(
        label=_("Email address"),
        help_text=_("We send you a link to confirm. It is never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(
        label=_("Country"),
        blank_label=_("Choose your country"),
        error_messages={"required": _("Choose your country from the list.")},
    )
    city = PlainLineField(
        label=_("Town or city (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    affiliation = PlainLineField(
        label=_("Organisation or role (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    is_public = forms.BooleanField(label=_("Show my name and country on the list of signatories"), required=False)
    wants_updates = forms.BooleanField(label=_("Send me occasional campaign updates"), required=False)
    consent = forms.BooleanField(
        label=CONSENT_TEXT, required=True, error_messages={"required": _("Tick this box to agree, then sign again.")}
    )
    # The ?src= code the reader arrived with (selectors.source_code_for).
    source = forms.CharField(required=False, widget=forms.HiddenInput)


class ResendForm(AccessibleForm):
    email = MailableEmailField(
        label=_("Email address you signed with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PackRequestForm(AccessibleForm):
    include_signers = forms.BooleanField(
        label=_("List the signers who chose to be shown (name and country)"),
        help_text=_(
            "Only signers who asked for their name to be shown. A pack with names is personal data: "
            "it is deleted when one of them withdraws, and when the letter's signers' details expire."
        ),
        required=False,
    )
