from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaign.core.models import TimeStampedModel


class PetitionQuerySet(models.QuerySet):
    def public(self) -> PetitionQuerySet:
        """Letters a visitor may see: everything but drafts."""
        return self.exclude(status=Petition.Status.DRAFT)

    def open(self) -> PetitionQuerySet:
        now = timezone.now()
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            status=Petition.Status.OPEN,
        )

    def closed(self) -> PetitionQuerySet:
        """Letters that took signatures and take none any more: closed or archived by
        hand, or past their closing date."""
        return self.filter(
            Q(status__in=[Petition.Status.CLOSED, Petition.Status.ARCHIVED])
            | Q(status=Petition.Status.OPEN, closes_at__lte=timezone.now())
        )


class Petition(TimeStampedModel):
    """An open letter or a petition that people sign."""

    class Kind(models.TextChoices):
        OPEN_LETTER = "letter", _("open letter")
        PETITION = "petition", _("petition")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for signatures")
        CLOSED = "closed", _("closed")
        ARCHIVED = "archived", _("archived")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OPEN_LETTER)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), max_length=600, help_text=_("Plain text, shown in lists and shares."))
    body = models.TextField(_("body"), help_text=_("Markdown. Raw HTML is removed."))
    addressee = models.CharField(_("addressed to"), max_length=200)
    goal = models.PositiveIntegerField(_("signature goal"), default=1000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    version = models.PositiveIntegerField(_("text version"), default=1, editable=False)
    text_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    retention_days = models.PositiveIntegerField(
        _("keep signers' details for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Once the letter has closed and this many days have passed, its signers' names, "
            "addresses, cities and organisations are erased for good; the count by country "
            "and day stays. Leave empty for the site's default."
        ),
    )
    # Stamped by the housekeeping task when it first sees the letter closed, and cleared if
    # it reopens: the retention period counts from here, whichever way the letter closed.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]
        permissions = [("export_signatures", _("Can export the signatures of a letter"))]
        constraints = [
            models.CheckConstraint(condition=Q(goal__gt=0), name="petition_goal_positive"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="petition_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or self.closes_at > now)
        )


class Demand(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="demands")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("demand"), max_length=1000)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PetitionTranslation(TimeStampedModel):
    """The letter in another language. It shares the letter's count, signatures and
    endorsements (there is one letter, read in several languages) and has versions of
    its own, as the original has (docs/adr/0010-letter-translations-share-one-count.md)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600, help_text=_("Plain text, shown in lists and shares."))
    body = models.TextField(_("body"), help_text=_("Markdown. Raw HTML is removed."))
    addressee = models.CharField(_("addressed to"), max_length=200)
    demands = models.TextField(
        _("demands"),
        blank=True,
        help_text=_("One demand a line, in the order of the original's demands."),
    )
    version = models.PositiveIntegerField(_("text version"), default=1, editable=False)
    text_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["petition", "language"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "language"], name="petition_translation_one_per_language"),
            models.CheckConstraint(condition=~Q(language=""), name="petition_translation_has_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def clean(self) -> None:
        # A constraint cannot look at the letter's row; the admin's form checks it here.
        if self.petition_id and self.language == self.petition.language:
            raise ValidationError({"language": _("The letter is written in this language already.")})

    @property
    def demand_lines(self) -> list[str]:
        return [line.strip() for line in self.demands.splitlines() if line.strip()]


def new_partner_token() -> str:
    return secrets.token_urlsafe(24)


class Source(models.Model):
    """Where signatures come from: a partner's link or a channel (a newsletter, a
    video), as the `?src=` code on the letter's address. Counted in aggregate only; a
    partner sees its own totals on a page behind a secret link."""

    # Signatures that came with a code no organiser created count here.
    OTHER = "other"

    class Kind(models.TextChoices):
        PARTNER = "partner", _("partner")
        CHANNEL = "channel", _("channel")

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Goes in the letter's address as ?src=code. Lower-case letters, digits and hyphens."),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PARTNER)
    partner_token = models.CharField(max_length=64, unique=True, default=new_partner_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[a-z0-9][a-z0-9-]*$"), name="source_code_is_lower_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_partner_url(self) -> str:
        return reverse("partner-totals", kwargs={"token": self.partner_token})


class PetitionVersion(models.Model):
    """The text as it stood at each version, in the original's language or a
    translation's, so a signature can say what it endorsed."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    demands = models.JSONField(_("demands"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("letter version")
        verbose_name_plural = _("letter versions")
        ordering = ["petition", "language", "number"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "language", "number"], name="petition_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.petition} ({self.language}) v{self.number}"


class SignatureQuerySet(models.QuerySet):
    def confirmed(self) -> SignatureQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def counted(self) -> SignatureQuerySet:
        """The signatures every public count is made of."""
        return self.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True, invalidated_at__isnull=True)

    def pending(self) -> SignatureQuerySet:
        return self.filter(confirmed_at__isnull=True, withdrawn_at__isnull=True, invalidated_at__isnull=True)

    def on_wall(self) -> SignatureQuerySet:
        return self.counted().filter(is_public=True)


class Signature(models.Model):
    # No index of its own: signature_one_per_person (petition, email_normalised) leads
    # with the letter and serves every lookup by letter. A second index cost each
    # signature one more index entry to write.
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="signatures", db_index=False)
    # The language of the page signed on; the person's mails go out in it. Empty for
    # signatures from before there were translations: they read the original, and their
    # mails go out in its language. The database default serves rows written by hand
    # (an import, the bench's seeding) the same way.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="", db_default=""
    )
    # The version of the text the person read: the translation's in `language` if the
    # letter had one, else the original's (PetitionVersion tells which by its date).
    petition_version = models.PositiveIntegerField(_("letter version signed"))
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    # Lower-cased, Gmail dots and +tags folded: one person, one signature per letter.
    email_normalised = models.CharField(max_length=254, null=True, editable=False)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    affiliation = models.CharField(_("organisation or role"), max_length=150, blank=True)
    is_public = models.BooleanField(_("show my name publicly"), default=False)
    wants_updates = models.BooleanField(_("send me campaign updates"), default=False)
    # Null: the person came straight to the letter, with no ?src= code.
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("source"),
        db_index=False,  # signature_source_idx leads with it, and leaves out the nulls
    )
    consent_text = models.TextField(_("consent wording shown"))
    consent_version = models.CharField(_("consent version"), max_length=32)
    ip_hash = models.CharField(max_length=64, blank=True, null=True, editable=False)
    is_demo = models.BooleanField(_("demo signature"), default=False)
    mails_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    last_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_failed_at = models.DateTimeField(_("mail refused"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    # Set when the letter's retention period ended: the person's details are gone, the
    # signature still counts (by country and day).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Start of the current 24-hour window of mails (null: the window began at created_at).
    mail_window_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "email_normalised"], name="signature_one_per_person"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(email_normalised__isnull=True),
                name="signature_withdrawn_is_scrubbed",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=False)
                | Q(anonymised_at__isnull=False)
                | Q(email_normalised__isnull=False),
                name="signature_live_has_address",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | (Q(email_normalised__isnull=True) & Q(email="")),
                name="signature_anonymised_is_scrubbed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["petition", "-confirmed_at", "-id"],
                condition=Q(is_public=True, withdrawn_at__isnull=True, invalidated_at__isnull=True)
                & Q(confirmed_at__isnull=False),
                name="signature_wall_idx",
            ),
            models.Index(fields=["created_at"], condition=Q(confirmed_at__isnull=True), name="signature_pending_idx"),
            # The dashboard's "refused" figure per letter. Only refused signatures have an
            # entry, a handful, so signing writes nothing more to it.
            models.Index(
                fields=["petition"], condition=Q(mail_failed_at__isnull=False), name="signature_mail_refused_idx"
            ),
            # Counts by source read this index alone (an index-only scan of the counted
            # signatures that came with a code), never the letter's million rows.
            models.Index(
                fields=["source", "petition"],
                condition=Q(source__isnull=False, confirmed_at__isnull=False)
                & Q(withdrawn_at__isnull=True, invalidated_at__isnull=True),
                name="signature_source_idx",
            ),
            # The signers an update goes to, walked in id order (campaign.updates).
            models.Index(
                fields=["petition", "id"],
                condition=Q(wants_updates=True, confirmed_at__isnull=False)
                & Q(withdrawn_at__isnull=True, invalidated_at__isnull=True),
                name="signature_updates_idx",
            ),
        ]

    def __str__(self) -> str:
        # No name: the admin's history keeps this text after the person has left.
        return gettext("Signature %(id)s on letter %(letter)s") % {"id": self.pk, "letter": self.petition_id}

    @property
    def is_counted(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None and self.invalidated_at is None


class SignatureCounterQuerySet(models.QuerySet):
    def total_for(self, petition_id: int) -> int:
        return self.filter(petition_id=petition_id).aggregate(total=Sum("count"))["total"] or 0


class SignatureCounter(models.Model):
    """Confirmed-signature counts, one row per (letter, country, shard).

    Confirmations add to a random shard, so a surge of confirmations does not queue on
    one hot row; the total is a SUM over a few dozen indexed rows, never a COUNT(*)
    over the signatures. A periodic task reconciles it against the table.
    """

    SHARDS = 8

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="counters")
    country = models.CharField(max_length=2, blank=True)
    shard = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    objects = SignatureCounterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "country", "shard"], name="counter_unique_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}/{self.country or '--'}/{self.shard}: {self.count}"


class SignatureExport(models.Model):
    """Who exported which letter's signatures, and when."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="exports")
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("exported"), default=timezone.now)

    class Meta:
        verbose_name = _("signature export")
        verbose_name_plural = _("signature exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.petition} by {self.exported_by} at {self.created_at:%Y-%m-%d %H:%M}"


class SignatureDay(models.Model):
    """What happened to a letter on one day (UTC): signatures received, confirmed, and
    confirmation mails sent, one row per (letter, day, shard).

    The organisers' dashboard charts these; a GROUP BY over the signatures took 0.8 s at
    a million rows (docs/adr/0008-daily-counts.md). Each event adds 1 to a random shard,
    as the counters do, so a surge does not queue on one row. Events are counted when
    they happen and never taken back: a signature purged or withdrawn later was still
    received and confirmed that day.
    """

    SHARDS = 4

    # signature_day_unique_shard leads with the letter and serves every lookup by letter.
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="days", db_index=False)
    day = models.DateField()
    shard = models.PositiveSmallIntegerField()
    signed = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    mailed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "day", "shard"], name="signature_day_unique_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}/{self.day}/{self.shard}: {self.signed} signed, {self.confirmed} confirmed"


class Milestone(models.Model):
    """A count a letter has passed (10, 100, 1,000, … and its goal), recorded once: the
    unique constraint is what makes the organisers' mail go out once, however many
    confirmations cross the line at the same moment."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="milestones", db_index=False)
    threshold = models.PositiveIntegerField(_("signatures"))
    is_goal = models.BooleanField(_("the goal"), default=False)
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["petition", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "threshold"], name="milestone_once_per_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.threshold}"


# --- The hand-in ------------------------------------------------------------------------


class DeliveryPackQuerySet(models.QuerySet):
    def with_names(self) -> DeliveryPackQuerySet:
        """Packs that list signers by name: personal data, kept only as long as the
        signers' details are (docs/security-and-privacy.md)."""
        return self.filter(include_signers=True).exclude(state=DeliveryPack.State.EXPIRED)


class DeliveryPack(models.Model):
    """What organisers hand over: the letter as a PDF, built in the background, and
    beside it a CSV of its signatures. Both are kept in PostgreSQL, like the logos, so
    a worker on one machine and a web process on another see the same file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        # Its files were deleted: a listed signer left, or the signers' details expired.
        EXPIRED = "expired", _("deleted")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    include_signers = models.BooleanField(_("list the signers who chose to be shown"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    signature_count = models.PositiveIntegerField(_("signatures"), null=True, blank=True)
    signer_count = models.PositiveIntegerField(_("signers listed by name"), null=True, blank=True)
    organisation_count = models.PositiveIntegerField(_("endorsing organisations"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    csv = models.BinaryField(null=True, blank=True, editable=False)

    objects = DeliveryPackQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery pack")
        verbose_name_plural = _("delivery packs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A pack has its files exactly when it is ready: deleting them is expiring it.
            models.CheckConstraint(
                condition=Q(state="ready", pdf__isnull=False, csv__isnull=False)
                | (~Q(state="ready") & Q(pdf__isnull=True, csv__isnull=True)),
                name="deliverypack_files_when_ready",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Delivery pack %(id)s of letter %(letter)s") % {"id": self.pk, "letter": self.petition_id}


class Delivery(models.Model):
    """The letter handed over: when, to whom, how. Public, on the letter's timeline."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        POST = "post", _("by post")
        EMAIL = "email", _("by email")
        ONLINE = "online", _("through an official portal")
        OTHER = "other", _("other")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="deliveries")
    delivered_at = models.DateTimeField(_("delivered"))
    recipient = models.CharField(_("delivered to"), max_length=200)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True, help_text=_("Plain text, shown publicly."))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["delivered_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(recipient=""), name="delivery_has_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.delivered_at:%Y-%m-%d})"


class Response(models.Model):
    """An answer to the letter: who sent it, when, what it says. Public, on the
    letter's timeline; the document itself stays where it was published."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="responses")
    received_at = models.DateTimeField(_("received"))
    sender = models.CharField(_("from"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000, help_text=_("Plain text, shown publicly."))
    document_url = models.URLField(
        _("document"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("An https:// address of the response, if it is online."),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["received_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=""), name="response_has_sender"),
            models.CheckConstraint(condition=~Q(summary=""), name="response_has_summary"),
            models.CheckConstraint(
                condition=Q(document_url="") | Q(document_url__startswith="https://"),
                name="response_document_is_https",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} ({self.received_at:%Y-%m-%d})"
