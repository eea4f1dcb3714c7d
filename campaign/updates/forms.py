from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.core.forms import AccessibleForm
from campaign.core.validators import validate_plain_line, validate_plain_text
from campaign.updates.models import Update


class UpdateForm(AccessibleForm):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=Update._meta.get_field("subject").max_length,
        validators=[validate_plain_line],
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=Update._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 14}),
        validators=[validate_plain_text],
        help_text=_(
            "Markdown: **bold**, *italic*, [a link](https://…), lists with “- ”. Raw HTML is removed. "
            "Each mail begins with “Hello” and the signer's name, and ends with an unsubscribe link."
        ),
    )
    send_when_closed = forms.BooleanField(
        label=_("Send it by itself when the letter closes"),
        required=False,
        help_text=_("For a thank-you written ahead: it goes out within seconds of the letter closing."),
    )
