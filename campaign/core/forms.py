from __future__ import annotations

from django import forms


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
