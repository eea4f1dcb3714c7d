from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaign.coalition.logos import ProcessedLogo, process_logo
from campaign.coalition.models import Organisation, OrganisationChange, Via, domain_of
from campaign.core.forms import AccessibleForm, CountryField, MailableEmailField, PlainLineField, StampedForm
from campaign.core.validators import validate_plain_text
from campaign.petitions.models import Petition

PRINCIPLES_VERSION = "2026-11-1"
PRINCIPLES = [
    _("We call for a ban on biometric mass surveillance, by public bodies and private companies alike."),
    _("We act independently of any company that builds, sells or deploys biometric surveillance."),
    _("We respect the human rights and dignity of everyone, and we campaign by peaceful means."),
    _("We speak for our own organisation and do not claim to speak for the coalition as a whole."),
]
UPDATES_CONSENT_TEXT = _("Send the coalition's updates for members to this address.")
UPDATES_CONSENT_VERSION = "2026-11-1"


class ApplicationForm(StampedForm):
    stamp_salt = "coalition.apply"
    honeypot_name = "nickname"  # the organisation's website is a real field here

    name = PlainLineField(label=_("Organisation name"), max_length=150)
    short_name = PlainLineField(
        label=_("Short name or acronym (optional)"),
        max_length=40,
        required=False,
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        assume_scheme="https",
        help_text=_("The organisation's own site, for example https://example.org"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    country = CountryField(label=_("Country where it is based"), blank_label=_("Choose a country"))
    countries_active = forms.TypedMultipleChoiceField(
        label=_("Other countries it is active in (optional)"),
        choices=countries,
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    scope = forms.ChoiceField(
        label=_("Where it works"), choices=Organisation.Scope.choices, initial=Organisation.Scope.NATIONAL
    )
    kind = forms.ChoiceField(label=_("Type of organisation"), choices=Organisation.Kind.choices)
    description = forms.CharField(
        label=_("What the organisation does"),
        max_length=600,
        validators=[validate_plain_text],
        help_text=_("Plain text, up to 600 characters. Shown in the directory once you are approved."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    focus_areas = PlainLineField(
        label=_("Focus areas (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: policing, migration, digital rights."),
    )
    applicant_name = PlainLineField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_role = PlainLineField(
        label=_("Your role in the organisation"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = MailableEmailField(
        label=_("Your email address"),
        help_text=_("We send a link to confirm it. It is never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    letters = forms.ModelMultipleChoiceField(
        label=_("Letters the organisation endorses"),
        queryset=Petition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    why = forms.CharField(
        label=_("Why does the organisation want to join?"),
        max_length=1000,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_authorised = forms.BooleanField(label=_("I am authorised to sign on behalf of this organisation"))
    accepts_principles = forms.BooleanField(label=_("The organisation accepts the coalition's principles above"))
    wants_updates = forms.BooleanField(label=UPDATES_CONSENT_TEXT, required=False)

    field_order = [
        "name", "short_name", "website", "country", "countries_active", "scope", "kind", "description", "focus_areas",
        "applicant_name", "applicant_role", "email", "letters", "why", "is_authorised",
        "accepts_principles", "wants_updates",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letters"].queryset = Petition.objects.open().order_by("-created_at")
        self.fields["is_authorised"].error_messages["required"] = _(
            "Tick this box if you may sign for the organisation. If you may not, ask someone who may to apply."
        )
        self.fields["accepts_principles"].error_messages["required"] = _(
            "Tick this box to accept the coalition's principles: every member accepts them."
        )

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        if not website.lower().startswith(("http://", "https://")) or not domain_of(website):
            raise ValidationError(
                _("Enter the address of the website, starting with https://, like https://example.org"), code="scheme"
            )
        return website


def clean_member_name(form: forms.ModelForm) -> str:
    """The database allows one member per name (any case); say so before it refuses. The
    constraint's own check is skipped by ModelForms that leave out `status`."""
    name = form.cleaned_data["name"]
    organisation = form.instance
    is_member = organisation.status in (Organisation.Status.APPROVED, Organisation.Status.SUSPENDED)
    taken = Organisation.objects.filter(
        status__in=[Organisation.Status.APPROVED, Organisation.Status.SUSPENDED], name__iexact=name
    ).exclude(pk=organisation.pk)
    if is_member and taken.exists():
        raise ValidationError(_("Another member already has this name."), code="taken")
    return name


class OrganisationAdminForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "slug", "website", "country", "countries_active", "scope", "kind",
                  "description", "focus_areas", "links", "tier", "is_demo"]  # fmt: skip

    def clean_name(self) -> str:
        return clean_member_name(self)


REVIEWED_HELP = _("Organisers check a change to this before it shows on the public page.")


class ProfileForm(AccessibleForm, forms.ModelForm):
    """What a representative may change about their own organisation.

    Who the organisation is and where it is based (name, short name, website, country)
    is what organisers checked before admitting it, so a change to those is a proposal
    for them to review (see services.organisation_change_propose). These fields are
    declared here rather than listed in Meta, so the form never writes them itself.
    Everything else (what it does, where it works, links, logo) shows at once."""

    name = PlainLineField(
        label=_("Organisation name"),
        max_length=150,
        help_text=REVIEWED_HELP,
    )
    short_name = PlainLineField(
        label=_("Short name or acronym (optional)"),
        max_length=40,
        required=False,
        help_text=REVIEWED_HELP,
    )
    website = forms.URLField(label=_("Website"), max_length=200, assume_scheme="https", help_text=REVIEWED_HELP)
    country = CountryField(
        label=_("Country where it is based"), blank_label=_("Choose a country"), help_text=REVIEWED_HELP
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_(
            "PNG, JPEG, GIF or WebP, at most 2 MB. We store a 256 and a 64 pixel square copy. It shows at once."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    links_text = forms.CharField(
        label=_("Public links (optional)"),
        required=False,
        max_length=1000,
        help_text=_("One https:// address per line, at most five."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["name", "short_name", "website", "country"]

    class Meta:
        model = Organisation
        fields = ["countries_active", "scope", "kind", "description", "focus_areas"]
        field_classes = {"focus_areas": PlainLineField}
        labels = {
            "scope": _("Where it works"),
            "kind": _("Type of organisation"),
            "description": _("What the organisation does"),
        }

    def __init__(self, *args, pending: OrganisationChange | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A representative with a change awaiting review sees (and may amend) their proposal.
        shown = pending if pending is not None else self.instance
        for name in OrganisationChange.REVIEWED_FIELDS:
            self.fields[name].initial = str(getattr(shown, name))
        self.fields["description"].validators.append(validate_plain_text)
        self.fields["description"].widget.attrs["rows"] = 4
        self.fields["countries_active"].required = False
        self.fields["links_text"].initial = "\n".join(self.instance.links or [])
        self.processed_logo: ProcessedLogo | None = None

    def clean_name(self) -> str:
        return clean_member_name(self)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            self.processed_logo = process_logo(upload)
        return upload

    def clean_links_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links_text"].splitlines() if line.strip()]
        if len(lines) > 5:
            raise ValidationError(_("Keep at most five links, one a line, and remove the others."), code="too_many")
        validator = forms.URLField(max_length=200, assume_scheme="https").clean
        for line in lines:
            if not line.lower().startswith("https://"):
                raise ValidationError(
                    _("Start every link with https://, like https://example.org/about"), code="scheme"
                )
            validator(line)
        return lines

    def reviewed_values(self) -> dict[str, str]:
        """The name, short name, website and country as submitted: a proposal to review."""
        return {name: str(self.cleaned_data[name]) for name in OrganisationChange.REVIEWED_FIELDS}

    def save(self, commit: bool = True) -> Organisation:
        """Save what shows at once. Only those columns are written, so a change an
        organiser approves meanwhile is not overwritten with the values this form read."""
        organisation = super().save(commit=False)
        organisation.links = self.cleaned_data["links_text"]
        columns = [*self._meta.fields, "links", "updated_at"]
        if self.processed_logo:
            organisation.logo_large = self.processed_logo.large
            organisation.logo_small = self.processed_logo.small
            organisation.logo_hash = self.processed_logo.digest
            columns += ["logo_large", "logo_small", "logo_hash"]
        if commit:
            organisation.save(update_fields=columns)
        return organisation


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("decline", _("Decline")),
            ("ask", _("Ask the applicant for more information")),
        ],
        widget=forms.RadioSelect,
    )
    tier = forms.ChoiceField(label=_("Tier if approved"), choices=Organisation.Tier.choices, initial="endorser")
    reason = forms.CharField(
        label=_("Reason, or your question"),
        max_length=2000,
        help_text=_(
            "Recorded with your name. On a decline, it is sent to the applicant; "
            "a question is mailed to them with a link to answer."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(AccessibleForm):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=3000,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ChangeDecisionForm(AccessibleForm):
    """An organiser's decision on a change a representative proposed."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the change")), ("decline", _("Decline the change"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        help_text=_("Recorded with your name and sent to the representative. Needed to decline."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", ValidationError(_("Say why you decline the change: the member reads it."), code="required")
            )
        return cleaned


class SuspendForm(AccessibleForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class InvitationForm(AccessibleForm):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Type the same password in both boxes."))
        elif first:
            from campaign.accounts.models import User

            try:
                password_validation.validate_password(first, User(email=self.email))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    country = CountryField(label=_("Country"), required=False, blank_label=_("Any country"))
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Any type")), *Organisation.Kind.choices])
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("Any tier")), *Organisation.Tier.choices])


BY_HAND = [(value, label) for value, label in Via.choices if value != Via.WEB]


class RecordMemberForm(AccessibleForm):
    """An organisation that joined by mail, post, phone or in person."""

    name = PlainLineField(label=_("Organisation name"), max_length=150)
    website = forms.URLField(label=_("Website"), max_length=200, assume_scheme="https")
    country = CountryField(label=_("Country"), blank_label=_("Choose a country"))
    description = forms.CharField(
        label=_("Short description"),
        max_length=600,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=Organisation.Tier.choices, initial=Organisation.Tier.ENDORSER)
    via = forms.ChoiceField(label=_("How they asked to join"), choices=BY_HAND)
    note = forms.CharField(
        label=_("Note for the log"),
        max_length=1500,
        help_text=_("Who asked, when, and where the message is kept. Recorded with your name."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordEndorsementForm(AccessibleForm):
    """An endorsement a member gave by mail, post, phone or in person."""

    organisation = forms.ModelChoiceField(
        label=_("Member"), queryset=Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("name")
    )
    petition = forms.ModelChoiceField(label=_("Letter"), queryset=Petition.objects.open().order_by("title"))
    authorised_by = PlainLineField(
        label=_("Authorised by"), max_length=100, help_text=_("The person who gave the endorsement for the member.")
    )
    via = forms.ChoiceField(label=_("How it reached you"), choices=BY_HAND)
