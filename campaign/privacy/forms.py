from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.core.forms import AccessibleForm, MailableEmailField


class AccessRequestForm(AccessibleForm):
    email = MailableEmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We answer only by email, to this address."),
    )
