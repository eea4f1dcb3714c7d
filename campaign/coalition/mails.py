"""The mails an application causes, built when they are sent (see core.mail)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from campaign.coalition.models import Application, Contact, Decision, Endorsement, Organisation, OrganisationChange
from campaign.coalition.services import answer_token, confirm_token, invitation_token
from campaign.core.links import absolute_url
from campaign.core.mail import render_mail
from campaign.privacy.mails import access_url_for


def build_confirm(application_id: int) -> EmailMultiAlternatives | None:
    application = Application.objects.select_related("organisation", "contact").filter(pk=application_id).first()
    if application is None or application.confirmed_at is not None:
        return None
    context = {
        "application": application,
        "organisation": application.organisation,
        "contact": application.contact,
        "confirm_url": absolute_url(reverse("coalition:confirm", kwargs={"token": confirm_token(application)})),
        "privacy_url": access_url_for(contact=application.contact),
    }
    return render_mail("coalition/email/application_confirm", context, application.contact.email)


def build_decision(decision_id: int) -> EmailMultiAlternatives | None:
    decision = Decision.objects.select_related("organisation").filter(pk=decision_id).first()
    if decision is not None and decision.action in (Decision.Action.CHANGE_APPROVE, Decision.Action.CHANGE_DECLINE):
        return _build_change_decision(decision)
    if decision is None or decision.action not in (Decision.Action.APPROVE, Decision.Action.DECLINE):
        return None
    application = Application.objects.select_related("contact").filter(organisation=decision.organisation).first()
    if application is None:
        return None
    contact = application.contact
    context = {
        "decision": decision,
        "organisation": decision.organisation,
        "contact": contact,
        "approved": decision.action == Decision.Action.APPROVE,
        "organisation_url": absolute_url(decision.organisation.get_absolute_url()),
        "privacy_url": access_url_for(contact=contact),
    }
    if context["approved"] and contact.user_id is None and contact.invited_at is not None:
        context["invitation_url"] = absolute_url(
            reverse("coalition:invitation", kwargs={"token": invitation_token(contact)})
        )
    return render_mail("coalition/email/application_decision", context, contact.email)


def build_invitation(contact_id: int) -> EmailMultiAlternatives | None:
    contact = Contact.objects.select_related("organisation").filter(pk=contact_id).first()
    if contact is None or contact.user_id is not None or contact.invited_at is None:
        return None
    context = {
        "contact": contact,
        "organisation": contact.organisation,
        "invitation_url": absolute_url(reverse("coalition:invitation", kwargs={"token": invitation_token(contact)})),
        "privacy_url": access_url_for(contact=contact),
    }
    return render_mail("coalition/email/contact_invitation", context, contact.email)


def _build_change_decision(decision: Decision) -> EmailMultiAlternatives | None:
    """The outcome of a proposed profile change, to the representative who proposed it."""
    change = OrganisationChange.objects.select_related("proposed_by").filter(decision=decision).first()
    if change is None or change.proposed_by is None or not change.proposed_by.is_active:
        return None
    user = change.proposed_by
    contact = Contact.objects.filter(user=user).first()
    context = {
        "decision": decision,
        "change": change,
        "changed_fields": change.changed_fields(),
        "organisation": decision.organisation,
        "name": contact.name if contact else (user.get_full_name() or user.email),
        "approved": decision.action == Decision.Action.CHANGE_APPROVE,
        "profile_url": absolute_url(reverse("coalition:profile", kwargs={"slug": decision.organisation.slug})),
        "privacy_url": access_url_for(contact=contact) if contact else absolute_url(reverse("privacy:request")),
    }
    return render_mail("coalition/email/organisation_change_decision", context, user.email)


def build_arrived(application_id: int) -> EmailMultiAlternatives | None:
    """To the organisers: an application is waiting in the review queue. It names the
    organisation and links to the application; the applicant's details stay behind the login."""
    from campaign.accounts.roles import notify_organisers

    application = Application.objects.select_related("organisation").filter(pk=application_id).first()
    if application is None or application.outcome:
        return None
    context = {
        "organisation": application.organisation,
        "review_url": absolute_url(reverse("coalition:review-detail", kwargs={"pk": application.pk})),
        # Sent to accounts, not to one signer or contact: the page where anyone asks.
        "privacy_url": absolute_url(reverse("privacy:request")),
    }
    return notify_organisers(render_mail("coalition/email/application_arrived", context, ""))


def _speaker_for(organisation: Organisation) -> Contact | None:
    """Who speaks for a member: a representative with an account, else the person who applied."""
    contacts = organisation.contacts.filter(verified_at__isnull=False)
    representative = contacts.filter(user__isnull=False, user__is_active=True).order_by("pk").first()
    if representative is not None:
        return representative
    application = Application.objects.select_related("contact").filter(organisation=organisation).first()
    return application.contact if application is not None else contacts.order_by("pk").first()


def build_new_version(endorsement_id: int) -> EmailMultiAlternatives | None:
    endorsement = Endorsement.objects.select_related("organisation", "petition").filter(pk=endorsement_id).first()
    if endorsement is None or endorsement.withdrawn_at is not None:
        return None
    organisation, petition = endorsement.organisation, endorsement.petition
    if organisation.status != Organisation.Status.APPROVED or endorsement.petition_version >= petition.version:
        return None
    contact = _speaker_for(organisation)
    if contact is None:
        return None
    context = {
        "contact": contact,
        "organisation": organisation,
        "petition": petition,
        "endorsed_version": endorsement.petition_version,
        "letter_url": absolute_url(petition.get_absolute_url()),
        "manage_url": absolute_url(reverse("coalition:endorsements", kwargs={"slug": organisation.slug})),
        "privacy_url": access_url_for(contact=contact),
    }
    return render_mail("coalition/email/endorsement_new_version", context, contact.email)


def build_question(decision_id: int) -> EmailMultiAlternatives | None:
    """An organiser's question to an applicant, with the link to answer it."""
    question = Decision.objects.select_related("organisation").filter(pk=decision_id).first()
    if question is None or question.action != Decision.Action.ASK:
        return None
    application = (
        Application.objects.select_related("contact").filter(organisation=question.organisation, outcome="").first()
    )
    if application is None or hasattr(question, "reply"):
        return None
    contact = application.contact
    context = {
        "contact": contact,
        "organisation": question.organisation,
        "question": question.reason,
        "answer_url": absolute_url(reverse("coalition:answer", kwargs={"token": answer_token(question)})),
        "privacy_url": access_url_for(contact=contact),
    }
    return render_mail("coalition/email/application_question", context, contact.email)
