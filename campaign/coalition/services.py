"""The coalition's workflows: apply, confirm, decide, invite, endorse, suspend, and
review the changes representatives propose to their organisation."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from campaign.accounts.roles import REPRESENTATIVE
from campaign.coalition import rules
from campaign.coalition.models import (
    RESERVED_SLUGS,
    ApplicantReply,
    Application,
    Contact,
    Decision,
    Endorsement,
    Organisation,
    OrganisationChange,
    Via,
    domain_of,
)
from campaign.core.models import OutboxMessage
from campaign.core.outbox import insert_unless_taken, outbox_enqueue
from campaign.core.pagecache import public_pages_changed
from campaign.core.ratelimit import keyed_hash
from campaign.petitions.models import Petition

logger = logging.getLogger(__name__)

MAIL_CONFIRM = "coalition.confirm"
MAIL_DECISION = "coalition.decision"
MAIL_INVITATION = "coalition.invitation"
MAIL_ARRIVED = "coalition.application_arrived"
MAIL_NEW_VERSION = "coalition.new_version"
MAIL_QUESTION = "coalition.question"
ANSWER_SALT = "coalition.answer"
ANSWER_MAX_AGE = timedelta(days=30)
CONFIRM_SALT = "coalition.confirm"
INVITE_SALT = "coalition.invite"
CONFIRM_MAX_AGE = timedelta(days=7)
INVITE_MAX_AGE = timedelta(days=30)


class InvalidToken(Exception):
    """A confirmation or invitation link that is tampered with, expired or used up."""


class AccountExists(Exception):
    """An account already uses the invited address; an organiser links it by hand."""


class AlreadyDecided(Exception):
    """Another organiser decided first, or the application is not ready for a decision."""


class NameTaken(Exception):
    """A member already has this name (the database allows one member per name)."""


class NotAMember(Exception):
    """The organisation is not an approved member, so it cannot do this."""


class PetitionNotOpen(Exception):
    """The letter does not take endorsements."""


class NotPermitted(Exception):
    """This account may not do this to this organisation."""


# --- Tokens -----------------------------------------------------------------------------


def confirm_token(application: Application) -> str:
    return signing.dumps({"a": application.pk}, salt=CONFIRM_SALT, compress=True)


def application_from_token(token: str) -> Application:
    try:
        application_id = int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken from None
    application = Application.objects.select_related("organisation", "contact").filter(pk=application_id).first()
    if application is None:
        raise InvalidToken
    return application


def invitation_token(contact: Contact) -> str:
    # The invitation time is part of the payload, so a re-sent invitation retires the old one.
    return signing.dumps({"c": contact.pk, "t": contact.invited_at.isoformat()}, salt=INVITE_SALT, compress=True)


def contact_from_invitation(token: str) -> Contact:
    try:
        payload = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
        contact_id, invited = int(payload["c"]), str(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken from None
    contact = Contact.objects.select_related("organisation").filter(pk=contact_id).first()
    if (
        contact is None
        or contact.invited_at is None
        or contact.invited_at.isoformat() != invited
        or contact.user_id is not None
        or contact.organisation.status != Organisation.Status.APPROVED
    ):
        raise InvalidToken
    return contact


# --- Applying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationDetails:
    name: str
    website: str
    country: str
    description: str
    applicant_name: str
    applicant_role: str
    email: str
    why: str
    principles_version: str
    short_name: str = ""
    countries_active: list[str] = field(default_factory=list)
    scope: str = Organisation.Scope.NATIONAL
    kind: str = Organisation.Kind.NGO
    focus_areas: str = ""
    wants_updates: bool = False
    consent_text: str = ""
    consent_version: str = ""
    letter_ids: list[int] = field(default_factory=list)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60].strip("-") or "organisation"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def application_submit(*, details: ApplicationDetails, client_ip: str = "") -> Application:
    """Record an application (organisation, contact, request) and its confirmation mail.

    Two applicants may race for the same slug. The organisation is written with ON
    CONFLICT DO NOTHING, and the loser picks another: a violated constraint would have
    the database log the whole row (see insert_unless_taken)."""
    with transaction.atomic():
        for _attempt in range(3):
            organisation = Organisation(
                name=details.name,
                short_name=details.short_name,
                slug=_unique_slug(details.name),
                website=details.website,
                domain=domain_of(details.website),  # what save() would derive
                country=details.country,
                countries_active=details.countries_active,
                scope=details.scope,
                kind=details.kind,
                description=details.description,
                focus_areas=details.focus_areas,
                status=Organisation.Status.APPLIED,
            )
            if insert_unless_taken(organisation, unless_taken=("slug",)):
                break
        else:
            raise IntegrityError("could not find a free slug")
        contact = Contact.objects.create(
            organisation=organisation,
            name=details.applicant_name,
            role=details.applicant_role,
            email=details.email,
            wants_updates=details.wants_updates,
            consent_text=details.consent_text if details.wants_updates else "",
            consent_version=details.consent_version if details.wants_updates else "",
        )
        application = Application.objects.create(
            organisation=organisation,
            contact=contact,
            why=details.why,
            is_authorised=True,
            principles_version=details.principles_version,
            ip_hash=keyed_hash(client_ip, "coalition-ip") if client_ip else None,
        )
        application.letters.set(Petition.objects.open().filter(pk__in=details.letter_ids))
        outbox_enqueue(kind=MAIL_CONFIRM, object_id=application.pk)
    logger.info("application %s received", application.pk)
    return application


def application_confirm_email(*, application: Application) -> bool:
    """The applicant proved their address: the application enters the review queue
    and the organisers are mailed. Returns False when it was already confirmed."""
    now = timezone.now()
    with transaction.atomic():
        updated = Application.objects.filter(pk=application.pk, confirmed_at__isnull=True).update(confirmed_at=now)
        if updated:
            Contact.objects.filter(pk=application.contact_id, verified_at__isnull=True).update(verified_at=now)
            Organisation.objects.filter(pk=application.organisation_id, status=Organisation.Status.APPLIED).update(
                status=Organisation.Status.EMAIL_VERIFIED
            )
            # Now it waits in the review queue: the organisers hear of it.
            outbox_enqueue(kind=MAIL_ARRIVED, object_id=application.pk)
    application.refresh_from_db()
    return bool(updated)


def application_start_review(*, application: Application) -> bool:
    """An organiser opened the application: mark it as being looked at."""
    return bool(
        Organisation.objects.filter(pk=application.organisation_id, status=Organisation.Status.EMAIL_VERIFIED).update(
            status=Organisation.Status.UNDER_REVIEW
        )
    )


# --- Deciding ---------------------------------------------------------------------------


def _decide(*, application: Application, by, reason: str, outcome: str, status: str, tier: str | None) -> Decision:
    now = timezone.now()
    changes = {"status": status}
    if status == Organisation.Status.APPROVED:
        changes["joined_at"] = now
        if tier:
            changes["tier"] = tier
    with transaction.atomic():
        # One conditional UPDATE each: two organisers deciding at once cannot both win.
        decided = Application.objects.filter(pk=application.pk, outcome="", confirmed_at__isnull=False).update(
            outcome=outcome, decided_at=now
        )
        reviewable = Organisation.objects.filter(pk=application.organisation_id, status__in=Organisation.REVIEWABLE)
        try:
            moved = reviewable.update(**changes)
        except IntegrityError:
            raise NameTaken from None
        if not (decided and moved):
            raise AlreadyDecided
        action = Decision.Action.APPROVE if outcome == Application.Outcome.APPROVED else Decision.Action.DECLINE
        decision = Decision.objects.create(
            organisation_id=application.organisation_id, action=action, reason=reason, decided_by=by, decided_at=now
        )
        if outcome == Application.Outcome.APPROVED:
            organisation = Organisation.objects.get(pk=application.organisation_id)
            contact = application.contact
            # Letters closed since the application are left out; the rest are endorsed.
            for petition in application.letters.all():
                if petition.is_open:
                    endorsement_create(organisation=organisation, petition=petition, authorised_by=contact.name)
            Contact.objects.filter(pk=contact.pk).update(invited_at=now)
        outbox_enqueue(kind=MAIL_DECISION, object_id=decision.pk)
        public_pages_changed()
    logger.info("application %s %s by user %s", application.pk, outcome, by.pk)
    application.refresh_from_db()
    return decision


def application_approve(*, application: Application, by, reason: str, tier: str | None = None) -> Decision:
    """Admit the organisation: it becomes public, its chosen endorsements are made, and
    its contact is mailed an invitation to create a representative account."""
    return _decide(
        application=application,
        by=by,
        reason=reason,
        outcome=Application.Outcome.APPROVED,
        status=Organisation.Status.APPROVED,
        tier=tier,
    )


def application_decline(*, application: Application, by, reason: str) -> Decision:
    return _decide(
        application=application,
        by=by,
        reason=reason,
        outcome=Application.Outcome.DECLINED,
        status=Organisation.Status.DECLINED,
        tier=None,
    )


def application_ask(*, application: Application, by, question: str) -> Decision:
    """Ask the applicant for more information: the question is logged as a decision
    and mailed with a link to answer, and the application waits for the answer. It
    can still be decided meanwhile."""
    with transaction.atomic():
        undecided = Application.objects.filter(pk=application.pk, outcome="", confirmed_at__isnull=False).exists()
        moved = Organisation.objects.filter(pk=application.organisation_id, status__in=Organisation.REVIEWABLE).update(
            status=Organisation.Status.MORE_INFO
        )
        if not (undecided and moved):
            raise AlreadyDecided
        decision = Decision.objects.create(
            organisation_id=application.organisation_id, action=Decision.Action.ASK, reason=question, decided_by=by
        )
        outbox_enqueue(kind=MAIL_QUESTION, object_id=decision.pk)
    application.refresh_from_db()
    return decision


def answer_token(question: Decision) -> str:
    return signing.dumps({"q": question.pk}, salt=ANSWER_SALT, compress=True)


def question_from_token(token: str) -> tuple[Decision, Application]:
    """The question a link answers, and the application it is about, while undecided."""
    try:
        question_id = int(signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)["q"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidToken from None
    question = (
        Decision.objects.select_related("organisation").filter(pk=question_id, action=Decision.Action.ASK).first()
    )
    application = (
        Application.objects.filter(organisation_id=question.organisation_id, outcome="").first() if question else None
    )
    if question is None or application is None:
        raise InvalidToken
    return question, application


def application_reply(*, question: Decision, application: Application, text: str) -> bool:
    """The applicant answered: the answer is kept beside the question and the
    application is back in review. False when this question was answered already."""
    with transaction.atomic():
        _reply, created = ApplicantReply.objects.get_or_create(
            question=question, defaults={"application": application, "text": text}
        )
        if created:
            Organisation.objects.filter(pk=question.organisation_id, status=Organisation.Status.MORE_INFO).update(
                status=Organisation.Status.UNDER_REVIEW
            )
    return created


def _membership_change(
    *, organisation: Organisation, by, reason: str, before: str, after: str, action: str
) -> Decision:
    with transaction.atomic():
        if not Organisation.objects.filter(pk=organisation.pk, status=before).update(status=after):
            raise NotAMember
        decision = Decision.objects.create(organisation=organisation, action=action, reason=reason, decided_by=by)
        public_pages_changed()
    organisation.refresh_from_db()
    return decision


def organisation_suspend(*, organisation: Organisation, by, reason: str) -> Decision:
    """Take a member out of public view; its representatives lose their rights with it."""
    return _membership_change(
        organisation=organisation,
        by=by,
        reason=reason,
        before=Organisation.Status.APPROVED,
        after=Organisation.Status.SUSPENDED,
        action=Decision.Action.SUSPEND,
    )


def organisation_reinstate(*, organisation: Organisation, by, reason: str) -> Decision:
    return _membership_change(
        organisation=organisation,
        by=by,
        reason=reason,
        before=Organisation.Status.SUSPENDED,
        after=Organisation.Status.APPROVED,
        action=Decision.Action.REINSTATE,
    )


def organisation_mark_left(*, organisation: Organisation, by, reason: str) -> Decision:
    """A member told the organisers it leaves the coalition: it leaves the directory,
    its endorsements are withdrawn (dated, so letters show when), and its
    representatives lose their rights with it."""
    now = timezone.now()
    members = (Organisation.Status.APPROVED, Organisation.Status.SUSPENDED)
    with transaction.atomic():
        moved = Organisation.objects.filter(pk=organisation.pk, status__in=members).update(
            status=Organisation.Status.LEFT, left_at=now
        )
        if not moved:
            raise NotAMember
        Endorsement.objects.active().filter(organisation=organisation).update(withdrawn_at=now)
        decision = Decision.objects.create(
            organisation=organisation, action=Decision.Action.LEAVE, reason=reason, decided_by=by, decided_at=now
        )
        public_pages_changed()
    organisation.refresh_from_db()
    return decision


@dataclass(frozen=True)
class RecordedMember:
    """An organisation that joined by mail, post, phone or in person, as an organiser enters it."""

    name: str
    website: str
    country: str
    description: str
    tier: str
    via: str
    note: str


def organisation_record(*, member: RecordedMember, by) -> Organisation:
    """Admit an organisation that asked by hand rather than through the form: it is a
    member at once, and the log says how it came and who entered it."""
    now = timezone.now()
    via = Via(member.via).label
    with transaction.atomic():
        organisation = Organisation(
            name=member.name,
            slug=_unique_slug(member.name),
            website=member.website,
            country=member.country,
            description=member.description,
            tier=member.tier,
            status=Organisation.Status.APPROVED,
            joined_at=now,
        )
        try:
            with transaction.atomic():
                organisation.save()
        except IntegrityError:
            raise NameTaken from None
        reason = gettext("Joined by %(via)s, entered by hand. %(note)s") % {"via": via, "note": member.note}
        Decision.objects.create(
            organisation=organisation, action=Decision.Action.APPROVE, reason=reason, decided_by=by, decided_at=now
        )
        public_pages_changed()
    logger.info("organisation %s recorded by hand by user %s", organisation.pk, by.pk)
    return organisation


# --- Representatives --------------------------------------------------------------------


def contact_invite(*, contact: Contact) -> bool:
    """Send a member's contact a fresh invitation (the old link stops working). False
    when the contact already has an account or the organisation is not a member."""
    with transaction.atomic():
        invited = Contact.objects.filter(
            pk=contact.pk, user__isnull=True, organisation__status=Organisation.Status.APPROVED
        ).update(invited_at=timezone.now())
        if invited:
            outbox_enqueue(kind=MAIL_INVITATION, object_id=contact.pk)
    return bool(invited)


def invitation_accept(*, contact: Contact, password: str):
    """Create the representative account the invitation offered. Once only."""
    from allauth.account.models import EmailAddress

    from campaign.accounts.models import User

    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("organisation").get(pk=contact.pk)
        if contact.user_id is not None or contact.organisation.status != Organisation.Status.APPROVED:
            raise InvalidToken
        if User.objects.filter(email__iexact=contact.email).exists():
            # An existing account never gets attached silently: an organiser links it.
            raise AccountExists
        first, _, last = contact.name.partition(" ")
        user = User.objects.create_user(
            email=contact.email, password=password, first_name=first[:150], last_name=last[:150]
        )
        user.groups.add(Group.objects.get(name=REPRESENTATIVE))
        # The invitation reached this address, so it is verified.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        contact.user = user
        contact.verified_at = contact.verified_at or timezone.now()
        contact.save(update_fields=["user", "verified_at"])
    return user


# --- Profile changes --------------------------------------------------------------------


def _reviewed_values(organisation: Organisation) -> dict[str, str]:
    return {name: str(getattr(organisation, name)) for name in OrganisationChange.REVIEWED_FIELDS}


def organisation_change_propose(
    *, organisation: Organisation, by, name: str, short_name: str, website: str, country: str
) -> OrganisationChange | None:
    """A representative asks to change what organisers reviewed (who the organisation is,
    where it is based). Nothing shows until an organiser approves. A newer proposal
    replaces a pending one, and proposing the approved values again withdraws it.
    Returns the change awaiting review, or None when nothing does."""
    represented = rules.represented_organisation(by)
    if represented is None or represented.pk != organisation.pk:
        raise NotPermitted
    proposed = {"name": name, "short_name": short_name, "website": website, "country": str(country)}
    with transaction.atomic():
        # The row lock puts two proposals for one organisation in turn; the partial unique
        # constraint is what guarantees a single pending change.
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        pending = OrganisationChange.objects.pending().filter(organisation=current).first()
        if pending is not None and pending.proposed == proposed:
            return pending
        if pending is not None:
            OrganisationChange.objects.filter(pk=pending.pk, state=OrganisationChange.State.PENDING).update(
                state=OrganisationChange.State.WITHDRAWN
            )
        previous = _reviewed_values(current)
        if proposed == previous:
            return None
        change = OrganisationChange.objects.create(organisation=current, previous=previous, proposed_by=by, **proposed)
    logger.info("organisation %s: change %s proposed by user %s", organisation.pk, change.pk, by.pk)
    return change


def organisation_profile_update(
    *, organisation: Organisation, by, name: str, short_name: str, website: str, country: str
) -> OrganisationChange | None:
    """Its profile's editor saved what shows at once (ProfileForm.save); now the fields
    organisers reviewed. A representative proposes them (organisation_change_propose);
    an organiser's edit applies at once, as it would in the admin. The cached public
    pages are retired either way: the letters it endorses show its name and logo.
    Returns the change awaiting review, or None."""
    if rules.can_manage_endorsements(by, organisation):
        change = organisation_change_propose(
            organisation=organisation, by=by, name=name, short_name=short_name, website=website, country=country
        )
    else:
        change = None
        Organisation.objects.filter(pk=organisation.pk).update(
            name=name,
            short_name=short_name,
            website=website,
            country=country,
            domain=domain_of(website),
            updated_at=timezone.now(),
        )
    public_pages_changed()
    return change


def _change_decide(*, change: OrganisationChange, by, reason: str, approve: bool) -> Decision:
    # Someone who is both an organiser and the representative does not review their own change.
    if not rules.can_review(by) or change.proposed_by_id == by.pk:
        raise NotPermitted
    now = timezone.now()
    action = Decision.Action.CHANGE_APPROVE if approve else Decision.Action.CHANGE_DECLINE
    state = OrganisationChange.State.APPROVED if approve else OrganisationChange.State.DECLINED
    with transaction.atomic():
        decision = Decision.objects.create(
            organisation_id=change.organisation_id, action=action, reason=reason, decided_by=by, decided_at=now
        )
        # One conditional UPDATE: two organisers deciding at once cannot both win, and a
        # change replaced by a newer proposal meanwhile is no longer there to decide.
        claimed = OrganisationChange.objects.filter(pk=change.pk, state=OrganisationChange.State.PENDING).update(
            state=state, decision=decision
        )
        if not claimed:
            raise AlreadyDecided
        change.refresh_from_db()
        if approve:
            try:
                Organisation.objects.filter(pk=change.organisation_id).update(
                    **change.proposed, domain=domain_of(change.website), updated_at=now
                )
            except IntegrityError:
                raise NameTaken from None
            public_pages_changed()
        outbox_enqueue(kind=MAIL_DECISION, object_id=decision.pk)
    logger.info("organisation change %s %s by user %s", change.pk, state, by.pk)
    return decision


def organisation_change_approve(*, change: OrganisationChange, by, reason: str = "") -> Decision:
    """Apply a pending change to the organisation, once, record who approved it and mail
    the representative. The slug stays as it is, so links to the page keep working."""
    reason = reason.strip() or gettext("The proposed change is approved.")
    return _change_decide(change=change, by=by, reason=reason, approve=True)


def organisation_change_decline(*, change: OrganisationChange, by, reason: str) -> Decision:
    """Keep the approved values, record why, and tell the representative."""
    if not reason.strip():
        raise ValueError("a declined change needs a reason")
    return _change_decide(change=change, by=by, reason=reason.strip(), approve=False)


# --- Endorsements -----------------------------------------------------------------------


def endorsement_create(
    *,
    organisation: Organisation,
    petition: Petition,
    authorised_by: str,
    user=None,
    received_via: str = Via.WEB,
    recorded_by=None,
) -> Endorsement:
    """An approved member endorses a letter; endorsing again after a withdrawal renews it.
    One given by mail or phone names how it came (`received_via`) and the organiser who
    entered it (`recorded_by`)."""
    if organisation.status != Organisation.Status.APPROVED:
        raise NotAMember
    if not petition.is_open:
        raise PetitionNotOpen
    now = timezone.now()
    with transaction.atomic():
        endorsement, created = Endorsement.objects.select_for_update().get_or_create(
            organisation=organisation,
            petition=petition,
            defaults={
                "petition_version": petition.version,
                "authorised_by": authorised_by,
                "authorised_user": user,
                "endorsed_at": now,
                "received_via": received_via,
                "recorded_by": recorded_by,
            },
        )
        if not created and endorsement.withdrawn_at is not None:
            endorsement.withdrawn_at = None
            endorsement.endorsed_at = now
            endorsement.petition_version = petition.version
            endorsement.authorised_by = authorised_by
            endorsement.authorised_user = user
            endorsement.received_via = received_via
            endorsement.recorded_by = recorded_by
            endorsement.save()
        public_pages_changed()
    return endorsement


def endorsement_withdraw(*, endorsement: Endorsement) -> bool:
    """Withdraw, dated. Returns False when it was already withdrawn."""
    withdrawn = Endorsement.objects.filter(pk=endorsement.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        public_pages_changed()
    return bool(withdrawn)


def endorsements_tell_new_version(*, petition: Petition, version: int) -> int:
    """The letter's text changed after members endorsed it: each member still endorsing
    an earlier version is mailed the news, with the way to withdraw if it no longer
    agrees. Returns how many were told."""
    endorsement_ids = list(
        Endorsement.objects.active()
        .filter(petition=petition, petition_version__lt=version, organisation__status=Organisation.Status.APPROVED)
        .values_list("pk", flat=True)
    )
    for endorsement_id in endorsement_ids:
        outbox_enqueue(kind=MAIL_NEW_VERSION, object_id=endorsement_id)
    return len(endorsement_ids)


# --- Erasure ----------------------------------------------------------------------------

# What an endorsement names as its authoriser once that person's details are erased
# (the column may not be empty).
ERASED_AUTHORISER = "-"
MEMBER_STATUSES = (Organisation.Status.APPROVED, Organisation.Status.SUSPENDED, Organisation.Status.LEFT)


def application_erase(*, application: Application) -> bool:
    """Erase an application at its contact's request. An organisation that never became
    a member exists only through its application, so it goes with it, as with
    applications_purge. A member stays (it is the organisation's public record): its
    application (the applicant's reasons, the IP hash) and its contact (name, role,
    address) go, and its endorsements stop naming the person. A contact who holds a
    representative account keeps it and the contact row that links it: closing an
    account is the organisers' to do. Returns False when the application was gone."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("organisation", "contact")
            .filter(pk=application.pk)
            .first()
        )
        if application is None:
            return False
        application_id, organisation, contact = application.pk, application.organisation, application.contact
        decision_ids = list(Decision.objects.filter(organisation=organisation).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind=MAIL_CONFIRM, object_id=application.pk).delete()
        OutboxMessage.objects.filter(kind__in=[MAIL_DECISION, MAIL_QUESTION], object_id__in=decision_ids).delete()
        application.delete()
        if organisation.status not in MEMBER_STATUSES:
            contact_ids = list(organisation.contacts.values_list("pk", flat=True))
            OutboxMessage.objects.filter(kind=MAIL_INVITATION, object_id__in=contact_ids).delete()
            Contact.objects.filter(organisation=organisation).delete()
            organisation.delete()
        else:
            Endorsement.objects.filter(organisation=organisation, authorised_by=contact.name).update(
                authorised_by=ERASED_AUTHORISER
            )
            if contact.user_id is None and not contact.applications.exists():
                OutboxMessage.objects.filter(kind=MAIL_INVITATION, object_id=contact.pk).delete()
                contact.delete()
            public_pages_changed()
    logger.info("application %s erased", application_id)
    return True


# --- Housekeeping -----------------------------------------------------------------------


# What a decision about an erased application says in place of the organiser's reason,
# which may name the applicant: the audit keeps who decided what and when.
ERASED_REASON = "(erased with the application)"


def _erase_declined(application_ids: list[int]) -> None:
    """Erase declined applications and the people behind them, keeping a nameless
    organisation row so the decision about it stays on the record."""
    organisation_ids = list(
        Application.objects.filter(pk__in=application_ids).values_list("organisation_id", flat=True)
    )
    decision_ids = list(Decision.objects.filter(organisation_id__in=organisation_ids).values_list("pk", flat=True))
    OutboxMessage.objects.filter(kind=MAIL_CONFIRM, object_id__in=application_ids).delete()
    OutboxMessage.objects.filter(kind=MAIL_DECISION, object_id__in=decision_ids).delete()
    Application.objects.filter(pk__in=application_ids).delete()
    Contact.objects.filter(organisation_id__in=organisation_ids).delete()
    Decision.objects.filter(pk__in=decision_ids).update(reason=ERASED_REASON)
    for organisation_id in organisation_ids:
        Organisation.objects.filter(pk=organisation_id).update(
            name=f"erased application {organisation_id}",
            short_name="",
            slug=f"erased-{organisation_id}-{secrets.token_hex(4)}",  # never an applicant's choice
            website="https://erased.invalid/",
            domain="erased.invalid",
            countries_active=[],
            description="",
            focus_areas="",
            links=[],
            logo_large=None,
            logo_small=None,
            logo_hash="",
        )


def applications_purge() -> int:
    """Erase what we no longer need to keep, and return how many applications went:

    - applications whose address was never confirmed, once their link has expired
      (nobody reviewed them);
    - declined applications APPLICATION_RETENTION_DAYS after the decision (the decision
      stays, without the reason or anyone's details);
    - every application's IP hash after IP_HASH_RETENTION_DAYS.

    Idempotent: what is erased is no longer selected."""
    now = timezone.now()
    cutoff = now - CONFIRM_MAX_AGE
    stale = Organisation.objects.filter(
        status=Organisation.Status.APPLIED, application__confirmed_at__isnull=True, created_at__lt=cutoff
    )
    with transaction.atomic():
        application_ids = list(Application.objects.filter(organisation__in=stale).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind=MAIL_CONFIRM, object_id__in=application_ids).delete()
        Application.objects.filter(pk__in=application_ids).delete()
        Contact.objects.filter(organisation__in=stale).delete()
        stale.delete()
    declined_ids = list(
        Application.objects.filter(
            outcome=Application.Outcome.DECLINED,
            decided_at__lt=now - timedelta(days=settings.APPLICATION_RETENTION_DAYS),
        ).values_list("pk", flat=True)
    )
    if declined_ids:
        with transaction.atomic():
            _erase_declined(declined_ids)
    Application.objects.filter(
        ip_hash__isnull=False, created_at__lt=now - timedelta(days=settings.IP_HASH_RETENTION_DAYS)
    ).update(ip_hash=None)
    return len(application_ids) + len(declined_ids)
