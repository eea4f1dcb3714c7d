"""Organisations in the coalition, the people who speak for them, the applications
that bring them in, the decisions organisers take, and their endorsements of letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from campaign.core.emails import validate_mailable_domain
from campaign.core.models import TimeStampedModel
from campaign.petitions.models import Petition

# An endorsement made within this long of a letter opening counts as "at launch".
LAUNCH_WINDOW = timedelta(days=1)


def domain_of(url: str) -> str:
    """The registrable-looking host of a web address: lower case, without "www."."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


class OrganisationQuerySet(models.QuerySet):
    def public(self) -> OrganisationQuerySet:
        """Members a visitor may see: approved, and nothing else."""
        return self.filter(status=Organisation.Status.APPROVED)

    def in_review(self) -> OrganisationQuerySet:
        """Applications whose address is confirmed and which await a decision."""
        return self.filter(status__in=Organisation.REVIEWABLE)

    def known(self) -> OrganisationQuerySet:
        """Organisations a new application could duplicate: anything not declined."""
        return self.exclude(status=Organisation.Status.DECLINED)


class Via(models.TextChoices):
    """How something reached the organisers: most by the website, some by hand."""

    WEB = "web", _("the website")
    EMAIL = "email", _("email")
    POST = "post", _("post")
    PHONE = "phone", _("phone")
    IN_PERSON = "in_person", _("in person")


# The directory's own addresses (campaign/coalition/urls.py): an organisation whose slug
# took one of them would have a page no one could reach. A test keeps this list complete.
RESERVED_SLUGS = ["invitation", "join", "logos", "manage", "review"]


class Organisation(TimeStampedModel):
    class Scope(models.TextChoices):
        LOCAL = "local", _("local")
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("regional")
        INTERNATIONAL = "international", _("international")

    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO or charity")
        COMMUNITY = "community", _("community group")
        UNION = "union", _("trade union")
        ACADEMIC = "academic", _("academic or research")
        LEGAL = "legal", _("legal service")
        FAITH = "faith", _("faith group")
        PROFESSIONAL = "professional", _("professional body")
        NETWORK = "network", _("network")
        OTHER = "other", _("other")

    class Tier(models.TextChoices):
        LEAD = "lead", _("lead organisation")
        MEMBER = "member", _("member")
        ENDORSER = "endorser", _("endorser")

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        EMAIL_VERIFIED = "verified", _("email verified")
        UNDER_REVIEW = "review", _("under review")
        # An organiser asked the applicant a question and awaits the answer.
        MORE_INFO = "more_info", _("more information asked")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        SUSPENDED = "suspended", _("suspended")
        LEFT = "left", _("left")

    REVIEWABLE = (Status.EMAIL_VERIFIED, Status.UNDER_REVIEW, Status.MORE_INFO)

    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    website = models.URLField(_("website"), max_length=200)
    domain = models.CharField(_("domain"), max_length=200, editable=False, db_index=True)
    country = CountryField(_("country"))
    countries_active = CountryField(_("countries active in"), multiple=True, blank=True)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.NGO)
    description = models.TextField(_("short description"), max_length=600, help_text=_("Plain text."))
    focus_areas = models.CharField(_("focus areas"), max_length=200, blank=True)
    links = models.JSONField(_("public links"), default=list, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.ENDORSER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Logos are stored re-encoded at fixed sizes (see coalition.logos), never as uploaded.
    logo_large = models.BinaryField(_("logo, 256 px"), null=True, blank=True, editable=False)
    logo_small = models.BinaryField(_("logo, 64 px"), null=True, blank=True, editable=False)
    logo_hash = models.CharField(max_length=16, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo organisation"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = [Lower("name")]
        permissions = [
            ("review_application", _("Can review applications and decide on them")),
            ("edit_own_organisation", _("Can edit the organisation they represent")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "suspended", "left"]) | Q(joined_at__isnull=False),
                name="organisation_member_has_joined_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | Q(left_at__isnull=False), name="organisation_left_has_left_at"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(joined_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="organisation_left_after_joining",
            ),
            models.CheckConstraint(condition=~Q(domain=""), name="organisation_has_domain"),
            models.CheckConstraint(condition=~Q(slug__in=RESERVED_SLUGS), name="organisation_slug_not_reserved"),
            # Two members may not share a name; applications may, so organisers see the duplicate.
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(status__in=["approved", "suspended"]),
                name="organisation_member_name_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "country"], name="organisation_status_country")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A derived column, not a workflow: kept in step with the website it comes from.
        self.domain = domain_of(self.website)
        if kwargs.get("update_fields") and "website" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "domain"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("coalition:organisation", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def public_links(self) -> list[str]:
        """The links to show: https addresses only, whatever was stored by hand."""
        links = self.links if isinstance(self.links, list) else []
        return [link for link in links if isinstance(link, str) and link.lower().startswith("https://")]

    def logo_url(self, size: str = "large") -> str:
        if not self.logo_hash:
            return ""
        return reverse("coalition:logo", kwargs={"slug": self.slug, "size": size, "version": self.logo_hash})


class Contact(models.Model):
    """A person who speaks for an organisation. Private: never shown publicly.
    Once they accept their invitation, `user` is their representative account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100)
    # Organisers type these in the admin; invitations and decisions are mailed to them.
    email = models.EmailField(_("email"), max_length=254, validators=[validate_mailable_domain])
    verified_at = models.DateTimeField(_("address verified"), null=True, blank=True)
    wants_updates = models.BooleanField(_("consents to coalition updates"), default=False)
    consent_text = models.TextField(_("consent wording shown"), blank=True)
    consent_version = models.CharField(_("consent version"), max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representation",
        verbose_name=_("representative account"),
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "pk"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("email"), name="contact_email_per_organisation"),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(verified_at__isnull=False),
                name="contact_representative_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Application(models.Model):
    """What an organisation asked when it applied, and what was decided."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="application")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="applications")
    why = models.TextField(_("why join"), max_length=1000)
    is_authorised = models.BooleanField(_("authorised to sign for the organisation"))
    principles_version = models.CharField(_("principles version accepted"), max_length=32)
    letters = models.ManyToManyField(Petition, blank=True, related_name="+", verbose_name=_("letters to endorse"))
    ip_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("applied"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(is_authorised=True), name="application_is_authorised"),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(decided_at__isnull=True))
                | (~Q(outcome="") & Q(decided_at__isnull=False) & Q(confirmed_at__isnull=False)),
                name="application_decided_consistently",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Decision(models.Model):
    """The audit log: who decided what about an organisation, when and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        DECLINE = "decline", _("declined")
        SUSPEND = "suspend", _("suspended")
        REINSTATE = "reinstate", _("reinstated")
        LEAVE = "leave", _("left the coalition")
        ASK = "ask", _("more information asked")
        CHANGE_APPROVE = "change_approve", _("profile change approved")
        CHANGE_DECLINE = "change_decline", _("profile change declined")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="decision_has_reason")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_action_display()} ({self.decided_at:%Y-%m-%d})"


class ApplicantReply(models.Model):
    """What an applicant answered to an organiser's question (a decision to ask). It is
    the applicant's own text: it goes with their application when that is erased."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="replies")
    question = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="reply")
    text = models.TextField(_("answer"), max_length=3000)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("applicant's answer")
        verbose_name_plural = _("applicants' answers")
        ordering = ["received_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="applicant_reply_has_text")]

    def __str__(self) -> str:
        return gettext("Answer to question %(id)s") % {"id": self.question_id}


class OrganisationChangeQuerySet(models.QuerySet):
    def pending(self) -> OrganisationChangeQuerySet:
        return self.filter(state=OrganisationChange.State.PENDING)


@dataclass(frozen=True)
class ChangedField:
    label: str
    before: str
    after: str


class OrganisationChange(models.Model):
    """A representative's proposal to change what organisers checked when they admitted
    the organisation (who it is and where it is based). It shows publicly only once an
    organiser approves it; until then the public page keeps the approved values."""

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        # Taken back, or replaced by a newer proposal before anyone decided.
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The logo is left out on purpose: it is re-encoded, only ever shown beside the
    # reviewed name, and changes for ordinary reasons (a sharper copy, a redesign).
    REVIEWED_FIELDS = ("name", "short_name", "website", "country")
    DECIDED = (State.APPROVED, State.DECLINED)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=200)
    country = CountryField(_("country"))
    # The approved values when the change was proposed, so the record shows what it replaced.
    previous = models.JSONField(_("values before"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    decision = models.OneToOneField(
        Decision,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisation_change",
        verbose_name=_("decision"),
    )

    objects = OrganisationChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # Organisers review one proposal at a time; a new one replaces the old.
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(state="pending"), name="organisation_change_one_pending"
            ),
            models.CheckConstraint(
                condition=(Q(state__in=["approved", "declined"]) & Q(decision__isnull=False))
                | (~Q(state__in=["approved", "declined"]) & Q(decision__isnull=True)),
                name="organisation_change_decided_consistently",
            ),
            models.CheckConstraint(condition=~Q(name="") & ~Q(website=""), name="organisation_change_has_values"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.name} ({self.get_state_display()})"

    @property
    def proposed(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in self.REVIEWED_FIELDS}

    def changed_fields(self) -> list[ChangedField]:
        """What the proposal changes, field by field, as people read it."""
        rows = []
        for name in self.REVIEWED_FIELDS:
            before, after = str(self.previous.get(name, "")), self.proposed[name]
            if before == after:
                continue
            if name == "country":
                before, after = str(countries.name(before)) or before, str(countries.name(after)) or after
            label = str(self._meta.get_field(name).verbose_name)
            rows.append(ChangedField(label=label, before=before, after=after))
        return rows


class EndorsementQuerySet(models.QuerySet):
    def active(self) -> EndorsementQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def public(self) -> EndorsementQuerySet:
        """What the letter page shows: endorsements (withdrawn ones too, dated) by members."""
        return self.filter(organisation__status=Organisation.Status.APPROVED)


class Endorsement(models.Model):
    """An organisation signs a letter as an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="endorsements")
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="endorsements")
    petition_version = models.PositiveIntegerField(_("letter version endorsed"))
    authorised_by = models.CharField(_("authorised by"), max_length=100)
    authorised_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    endorsed_at = models.DateTimeField(_("endorsed"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # An endorsement given by mail or phone is entered by an organiser, who is named.
    received_via = models.CharField(_("received by"), max_length=16, choices=Via.choices, default=Via.WEB)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["endorsed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "petition"], name="endorsement_one_per_letter"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("endorsed_at")),
                name="endorsement_withdrawn_after_endorsing",
            ),
            models.CheckConstraint(condition=~Q(authorised_by=""), name="endorsement_has_authoriser"),
            models.CheckConstraint(
                condition=Q(received_via="web") | Q(recorded_by__isnull=False), name="endorsement_by_hand_names_who"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.petition}"

    @property
    def is_at_launch(self) -> bool:
        launch = self.petition.opens_at or self.petition.created_at
        return self.endorsed_at <= launch + LAUNCH_WINDOW
