"""Who may see the organisers' dashboard and act from it."""

from __future__ import annotations


def can_view_dashboard(user) -> bool:
    """Organisers: whoever may see the signatures of letters. Editors and representatives
    may not (the dashboard's figures are about signers, however aggregated)."""
    return user.is_authenticated and user.is_active and user.has_perm("petitions.view_signature")


def can_resend_mails(user) -> bool:
    """As the admin's "send the confirmation mail again" action."""
    return can_view_dashboard(user) and user.has_perm("petitions.change_signature")
