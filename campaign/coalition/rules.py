"""Object permissions: who may do what to one particular organisation.

A representative holds `coalition.edit_own_organisation` and acts only on the one
approved organisation their account is tied to; organisers hold the model-wide
permissions. Everything else is refused.
"""

from __future__ import annotations

from campaign.coalition.models import Organisation


def represented_organisation(user) -> Organisation | None:
    """The approved organisation this account speaks for, if any."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("coalition.edit_own_organisation"):
        return None
    return Organisation.objects.public().filter(contacts__user=user).first()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("coalition.change_organisation"):
        return True
    represented = represented_organisation(user)
    return represented is not None and represented.pk == organisation.pk


def can_manage_endorsements(user, organisation: Organisation) -> bool:
    """Endorsing in an organisation's name: only its own representative."""
    represented = represented_organisation(user)
    return represented is not None and represented.pk == organisation.pk


def can_review(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("coalition.review_application")
