"""Roles are Django groups with permissions, kept in step with this table after every
migrate. What a role may do to one particular object is decided in the app's rules."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

ORGANISER = "organiser"
EDITOR = "editor"
REPRESENTATIVE = "representative"

ROLES: dict[str, list[str]] = {
    # Reviews applications, manages letters and organisations, views, invalidates and
    # exports signatures, resends failed mails: all of it without being a superuser.
    ORGANISER: [
        "coalition.review_application",
        "coalition.view_organisation",
        "coalition.change_organisation",
        "coalition.view_application",
        "coalition.view_contact",
        "coalition.view_decision",
        "coalition.view_organisationchange",
        "coalition.view_endorsement",
        "coalition.change_endorsement",
        "petitions.view_petition",
        "petitions.add_petition",
        "petitions.change_petition",
        "petitions.view_demand",
        "petitions.add_demand",
        "petitions.change_demand",
        "petitions.delete_demand",
        "petitions.view_signature",
        "petitions.change_signature",
        "petitions.export_signatures",
        "petitions.view_signatureexport",
        "petitions.view_petitionversion",
        # Partners' and channels' ?src= codes (counted in aggregate, never who).
        "petitions.view_source",
        "petitions.add_source",
        "petitions.change_source",
        "petitions.delete_source",
        # The hand-in: packs are requested on the organisers' page (it needs
        # export_signatures); deliveries and responses are edited with the letter.
        "petitions.view_deliverypack",
        *[
            f"petitions.{action}_{model}"
            for model in ("delivery", "response")
            for action in ("view", "add", "change", "delete")
        ],
        "core.view_outboxmessage",
        # The "try again" action on failed mails; every field of a mail is read-only.
        "core.change_outboxmessage",
        # Writes, tests and sends updates to a letter's supporters (campaign.updates).
        "updates.send_update",
    ],
    # Writes the evidence library: adds and changes everything in it, deletes only links,
    # citations, figures, status entries and summaries in other languages (a document is
    # withdrawn, never deleted, so its public number keeps pointing somewhere).
    EDITOR: [
        "petitions.view_petition",
        "petitions.view_demand",
        *[
            f"articles.{action}_{model}"
            for model in (
                "document",
                "documentsummary",
                "documentdeployment",
                "deployment",
                "deploymentevent",
                "publisher",
                "entity",
                "keyfigure",
                "win",
                "topic",
                "technology",
                "country",
                "demandcitation",
            )
            for action in ("add", "change", "view")
        ],
        "articles.delete_documentsummary",
        "articles.delete_documentdeployment",
        "articles.delete_demandcitation",
        "articles.delete_deploymentevent",
        "articles.delete_keyfigure",
    ],
    # Speaks for one organisation: its profile and endorsements, checked per object.
    REPRESENTATIVE: [
        "coalition.edit_own_organisation",
    ],
}

# Whoever holds any of these sees personal data or admits members, whatever their role.
SENSITIVE_PERMISSIONS = (
    "petitions.view_signature",
    "petitions.export_signatures",
    "coalition.review_application",
    "coalition.view_contact",
    "updates.send_update",
)


def roles_sync(**_kwargs) -> None:
    """Create the groups and give each exactly the permissions in ROLES."""
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:  # an app not installed yet adds its own later
                wanted.append(permission)
        group.permissions.set(wanted)


def needs_mfa(user) -> bool:
    """Every account that can change what the site publishes or see personal data uses
    two-factor authentication: staff (editors too), superusers, any role's members.
    A stolen password alone would let someone speak for the campaign or a member."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.groups.filter(name__in=ROLES).exists():
        return True
    return any(user.has_perm(permission) for permission in SENSITIVE_PERMISSIONS)


def organiser_emails() -> list[str]:
    """Where the organisers' notices go (an application to review, a letter's milestone):
    every active member of the organiser role."""
    from campaign.accounts.models import User

    return list(
        User.objects.filter(is_active=True, groups__name=ORGANISER).order_by("pk").values_list("email", flat=True)
    )


def notify_organisers(message):
    """Address a notice to every organiser, each in Bcc so none sees the others'
    addresses. None when there is no organiser to tell (the outbox cancels it)."""
    recipients = organiser_emails()
    if not recipients:
        return None
    message.to = []
    message.bcc = recipients
    return message
