from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


def check_form_stamp(stamp: str, *, salt: str, min_seconds: float, max_age: int = 60 * 60 * 24) -> None:
    """Refuse a public form sent back faster than a person could fill it (a bot), or
    from a page rendered too long ago. The stamp is the signed time of rendering."""
    try:
        rendered_at = float(signing.loads(stamp or "", salt=salt, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError):
        raise ValidationError(
            _("This form has expired. Please check your details and submit it again."), code="expired"
        ) from None
    if time.time() - rendered_at < min_seconds:
        raise ValidationError(
            _("That was very quick. Please check your details and submit the form again."), code="too_fast"
        )
