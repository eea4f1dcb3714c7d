from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.coalition import rules, selectors, services
from campaign.coalition.forms import (
    PRINCIPLES,
    PRINCIPLES_VERSION,
    UPDATES_CONSENT_TEXT,
    UPDATES_CONSENT_VERSION,
    AnswerForm,
    ApplicationForm,
    ChangeDecisionForm,
    DecisionForm,
    DirectoryFilterForm,
    InvitationForm,
    ProfileForm,
    RecordEndorsementForm,
    RecordMemberForm,
    SuspendForm,
)
from campaign.coalition.models import (
    Application,
    Contact,
    Decision,
    Endorsement,
    Organisation,
    OrganisationChange,
)
from campaign.core.origin import same_origin_post
from campaign.core.pagecache import public_page
from campaign.core.ratelimit import client_ip, rate_limited, request_within_limits
from campaign.petitions.models import Petition

# --- Public -----------------------------------------------------------------------------


@public_page
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.directory(**{key: value for key, value in filters.items() if value})
    counts = selectors.country_counts()
    context = {
        "form": form,
        "members": members,
        "is_filtered": any(filters.values()) if filters else False,
        "headline": selectors.headline(counts),
        "country_counts": counts,
        "map": selectors.members_map(counts),
        "can_review": rules.can_review(request.user),
        "represented": rules.represented_organisation(request.user),
    }
    return render(request, "coalition/organisation_list.html", context)


@public_page
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation.objects.public().defer("logo_large", "logo_small"), slug=slug)
    endorsements = (
        Endorsement.objects.filter(organisation=organisation, petition__in=Petition.objects.public())
        .select_related("petition")
        .order_by("-endorsed_at")
    )
    return render(
        request,
        "coalition/organisation_detail.html",
        {
            "organisation": organisation,
            "endorsements": endorsements,
            "can_edit": rules.can_edit_organisation(request.user, organisation),
        },
    )


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def organisation_logo(request, slug: str, size: str, version: str):
    if size not in ("large", "small"):
        raise Http404
    organisation = get_object_or_404(Organisation.objects.public(), slug=slug, logo_hash=version)
    data = organisation.logo_large if size == "large" else organisation.logo_small
    if not data:
        raise Http404
    return HttpResponse(bytes(data), content_type="image/png")


# --- Applying ---------------------------------------------------------------------------


def _within_limits(request, email: str) -> bool:
    return request_within_limits(
        request,
        scope="coalition-apply",
        email=email,
        per_ip=settings.COALITION_APPLY_RATE_PER_IP_PER_HOUR,
        per_address=settings.COALITION_APPLY_RATE_PER_ADDRESS_PER_HOUR,
    )


@same_origin_post
@require_http_methods(["GET", "POST"])
def application_create(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            return redirect("coalition:apply-thanks")
        if form.is_valid():
            data = form.cleaned_data
            if not _within_limits(request, data["email"]):
                return rate_limited(
                    request, back_url=reverse("coalition:directory"), back_label=_("Back to the coalition")
                )
            details = services.ApplicationDetails(
                name=data["name"],
                short_name=data["short_name"],
                website=data["website"],
                country=data["country"],
                countries_active=data["countries_active"],
                scope=data["scope"],
                kind=data["kind"],
                description=data["description"],
                focus_areas=data["focus_areas"],
                applicant_name=data["applicant_name"],
                applicant_role=data["applicant_role"],
                email=data["email"],
                why=data["why"],
                principles_version=PRINCIPLES_VERSION,
                wants_updates=data["wants_updates"],
                consent_text=str(UPDATES_CONSENT_TEXT),
                consent_version=UPDATES_CONSENT_VERSION,
                letter_ids=[petition.pk for petition in data["letters"]],
            )
            services.application_submit(details=details, client_ip=client_ip(request))
            return redirect("coalition:apply-thanks")
    return render(
        request,
        "coalition/application_form.html",
        {"form": form, "principles": PRINCIPLES, "principles_version": PRINCIPLES_VERSION},
    )


def application_thanks(request):
    return render(request, "coalition/application_check_inbox.html")


@same_origin_post
@require_http_methods(["GET", "POST"])
def application_confirm(request, token: str):
    try:
        application = services.application_from_token(token)
    except services.InvalidToken:
        return render(request, "coalition/link_invalid.html", status=400)
    if request.method == "POST":
        services.application_confirm_email(application=application)
        return render(request, "coalition/application_confirmed.html", {"application": application})
    if application.confirmed_at:
        return render(request, "coalition/application_confirmed.html", {"application": application})
    return render(request, "coalition/application_confirm.html", {"application": application, "token": token})


@same_origin_post
@require_http_methods(["GET", "POST"])
def application_answer(request, token: str):
    """The applicant answers an organiser's question, from the link in its mail."""
    try:
        question, application = services.question_from_token(token)
    except services.InvalidToken:
        return render(request, "coalition/link_invalid.html", status=400)
    answered = hasattr(question, "reply")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        services.application_reply(question=question, application=application, text=form.cleaned_data["text"])
        answered = True
    context = {"question": question, "organisation": question.organisation, "form": form, "answered": answered}
    return render(request, "coalition/application_answer.html", context, status=400 if form.errors else 200)


# --- Organisers -------------------------------------------------------------------------


def _organiser(request) -> None:
    if not rules.can_review(request.user):
        raise PermissionDenied


@login_required
def review_queue(request):
    _organiser(request)
    rows = selectors.review_rows()
    members = Organisation.objects.filter(
        status__in=[Organisation.Status.APPROVED, Organisation.Status.SUSPENDED]
    ).prefetch_related("contacts")
    return render(
        request,
        "coalition/review_queue.html",
        {
            "rows": rows,
            "changes": selectors.pending_changes(),
            "members": members.defer("logo_large", "logo_small"),
            "decisions": Decision.objects.select_related("organisation", "decided_by", "organisation_change", "reply")[
                :50
            ],
            "timeline": selectors.member_timeline(),
            "chart_height": selectors.CHART_HEIGHT,
            "chart_width": selectors.CHART_BAR * 12,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    _organiser(request)
    application = get_object_or_404(Application.objects.select_related("organisation", "contact"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.application_approve(
                    application=application, by=request.user, reason=data["reason"], tier=data["tier"]
                )
                messages.success(request, _("Approved. The applicant has been mailed an invitation."))
            elif data["decision"] == "ask":
                services.application_ask(application=application, by=request.user, question=data["reason"])
                messages.success(request, _("Your question is on its way to the applicant."))
            else:
                services.application_decline(application=application, by=request.user, reason=data["reason"])
                messages.success(request, _("Declined. The applicant has been told why."))
        except services.AlreadyDecided:
            messages.error(request, _("This application has already been decided, or its address is not confirmed."))
        except services.NameTaken:
            messages.error(
                request,
                _("A member already has this name. Correct the name in the admin if it is a different organisation."),
            )
            return redirect("coalition:review-detail", pk=application.pk)
        return redirect("coalition:review")
    if request.method == "GET" and application.confirmed_at and not application.outcome:
        services.application_start_review(application=application)
    return render(
        request,
        "coalition/review_detail.html",
        {
            "application": application,
            "organisation": application.organisation,
            "signals": selectors.review_signals(application),
            "letters": application.letters.all(),
            "decisions": application.organisation.decisions.select_related(
                "decided_by", "organisation_change", "reply"
            ),
            "pending_change": application.organisation.changes.pending().first(),
            "form": form,
            "suspend_form": SuspendForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_detail(request, pk: int):
    """A representative's proposed change to what organisers reviewed: compare, decide."""
    _organiser(request)
    change = get_object_or_404(OrganisationChange.objects.select_related("organisation", "proposed_by"), pk=pk)
    form = ChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.organisation_change_approve(change=change, by=request.user, reason=data["reason"])
                messages.success(request, _("Approved. The change is public and the representative has been told."))
            else:
                services.organisation_change_decline(change=change, by=request.user, reason=data["reason"])
                messages.success(request, _("Declined. The representative has been told why."))
        except services.AlreadyDecided:
            messages.error(request, _("This change has already been decided, or a newer proposal replaced it."))
        except services.NameTaken:
            messages.error(request, _("A member already has this name, so the change cannot be approved."))
            return redirect("coalition:change-detail", pk=change.pk)
        return redirect("coalition:review")
    organisation = change.organisation
    return render(
        request,
        "coalition/organisation_change_review.html",
        {
            "change": change,
            "organisation": organisation,
            "changed_fields": change.changed_fields(),
            "decisions": organisation.decisions.select_related("decided_by", "organisation_change", "reply"),
            "form": form,
        },
    )


@login_required
@require_POST
def organisation_suspend(request, slug: str):
    _organiser(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
    else:
        try:
            if organisation.status == Organisation.Status.SUSPENDED:
                services.organisation_reinstate(
                    organisation=organisation, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The organisation is a member again."))
            else:
                services.organisation_suspend(
                    organisation=organisation, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The organisation is suspended and no longer public."))
        except services.NotAMember:
            messages.error(request, _("Only an approved member can be suspended."))
    return redirect("coalition:review")


@login_required
@require_POST
def organisation_mark_left(request, slug: str):
    _organiser(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("coalition:review")
    try:
        services.organisation_mark_left(organisation=organisation, by=request.user, reason=form.cleaned_data["reason"])
    except services.NotAMember:
        messages.error(request, _("Only a member can leave the coalition."))
    else:
        messages.success(request, _("The organisation has left the coalition; its endorsements are withdrawn."))
    return redirect("coalition:review")


def _record_page(request, member_form=None, endorsement_form=None, status: int = 200):
    context = {
        "member_form": member_form or RecordMemberForm(prefix="member"),
        "endorsement_form": endorsement_form or RecordEndorsementForm(prefix="endorsement"),
    }
    return render(request, "coalition/record_by_hand.html", context, status=status)


@login_required
def record_by_hand(request):
    """Members and endorsements that came by mail, post, phone or in person."""
    _organiser(request)
    return _record_page(request)


@login_required
@require_POST
def record_member(request):
    _organiser(request)
    form = RecordMemberForm(request.POST, prefix="member")
    if not form.is_valid():
        return _record_page(request, member_form=form, status=400)
    data = form.cleaned_data
    member = services.RecordedMember(
        name=data["name"],
        website=data["website"],
        country=data["country"],
        description=data["description"],
        tier=data["tier"],
        via=data["via"],
        note=data["note"],
    )
    try:
        organisation = services.organisation_record(member=member, by=request.user)
    except services.NameTaken:
        form.add_error("name", _("A member already has this name."))
        return _record_page(request, member_form=form, status=400)
    messages.success(request, _("%(name)s is a member now.") % {"name": organisation.name})
    return redirect("coalition:record")


@login_required
@require_POST
def record_endorsement(request):
    _organiser(request)
    form = RecordEndorsementForm(request.POST, prefix="endorsement")
    if not form.is_valid():
        return _record_page(request, endorsement_form=form, status=400)
    data = form.cleaned_data
    try:
        services.endorsement_create(
            organisation=data["organisation"],
            petition=data["petition"],
            authorised_by=data["authorised_by"],
            received_via=data["via"],
            recorded_by=request.user,
        )
    except (services.NotAMember, services.PetitionNotOpen):
        form.add_error(None, _("Only a member can endorse, and only a letter open for signatures."))
        return _record_page(request, endorsement_form=form, status=400)
    names = {"member": data["organisation"].name, "letter": data["petition"].title}
    messages.success(request, _("%(member)s endorses “%(letter)s”.") % names)
    return redirect("coalition:record")


@login_required
@require_POST
def contact_invite(request, pk: int):
    _organiser(request)
    contact = get_object_or_404(Contact, pk=pk)
    if services.contact_invite(contact=contact):
        messages.success(request, _("A new invitation is on its way."))
    else:
        messages.error(request, _("This contact already has an account, or the organisation is not a member."))
    return redirect("coalition:review")


# --- Representatives --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        contact = services.contact_from_invitation(token)
    except services.InvalidToken:
        return render(request, "coalition/link_invalid.html", {"invitation": True}, status=400)
    if request.user.is_authenticated:
        return render(request, "coalition/invitation_logged_in.html", status=409)
    form = InvitationForm(request.POST or None, email=contact.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(contact=contact, password=form.cleaned_data["password1"])
        except services.InvalidToken:
            return render(request, "coalition/link_invalid.html", {"invitation": True}, status=400)
        except services.AccountExists:
            return render(request, "coalition/invitation_account_exists.html", status=409)
        # allauth's login, so that the authenticator setup that follows does not ask for
        # the password chosen a moment ago (campaign.accounts.adapter).
        user.backend = "allauth.account.auth_backends.AuthenticationBackend"
        get_account_adapter(request).login(request, user)
        messages.success(request, _("Welcome. You can now edit your organisation's profile."))
        return redirect("coalition:profile", slug=contact.organisation.slug)
    return render(request, "coalition/invitation_accept.html", {"form": form, "contact": contact})


def _represented(request, slug: str) -> Organisation:
    """The organisation at this slug, if this account may edit it; 404 otherwise, so
    nobody learns anything about an organisation they do not speak for."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not rules.can_edit_organisation(request.user, organisation):
        raise Http404
    return organisation


@login_required
def manage_home(request):
    organisation = rules.represented_organisation(request.user)
    if organisation is None:
        raise Http404
    return redirect("coalition:profile", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, slug: str):
    organisation = _represented(request, slug)
    # Its representative proposes changes to reviewed fields; an organiser decides them,
    # so an organiser's own edit here applies at once, as it would in the admin.
    is_representative = rules.can_manage_endorsements(request.user, organisation)
    pending = organisation.changes.pending().first() if is_representative else None
    form = ProfileForm(request.POST or None, request.FILES or None, instance=organisation, pending=pending)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
                change = services.organisation_profile_update(
                    organisation=organisation, by=request.user, **form.reviewed_values()
                )
        except IntegrityError:  # a member took the same name a moment ago
            form.add_error("name", _("Another member already has this name."))
        else:
            if change is not None:
                messages.success(
                    request,
                    _(
                        "The profile is saved. Your change to the name, website or country awaits the organisers' "
                        "review; the public page shows the approved values until then."
                    ),
                )
            elif pending is not None:
                messages.success(request, _("The profile is saved. Your proposed change is withdrawn."))
            else:
                messages.success(request, _("The profile is saved."))
            return redirect("coalition:profile", slug=organisation.slug)
    return render(
        request,
        "coalition/organisation_form.html",
        {
            "organisation": organisation,
            "pending": pending,
            "form": form,
            "may_endorse": is_representative,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def endorsements_manage(request, slug: str):
    organisation = _represented(request, slug)
    if not rules.can_manage_endorsements(request.user, organisation):
        raise Http404
    if request.method == "POST":
        petition = Petition.objects.public().filter(slug=request.POST.get("letter", "")).first()
        if petition is None:
            messages.error(request, _("There is no such letter."))
        elif request.POST.get("action") == "withdraw":
            endorsement = Endorsement.objects.filter(organisation=organisation, petition=petition).first()
            if endorsement and services.endorsement_withdraw(endorsement=endorsement):
                messages.success(request, _("The endorsement is withdrawn."))
        else:
            try:
                services.endorsement_create(
                    organisation=organisation,
                    petition=petition,
                    authorised_by=request.user.get_full_name() or request.user.email,
                    user=request.user,
                )
                messages.success(request, _("Your organisation now endorses this letter."))
            except services.PetitionNotOpen:
                messages.error(request, _("This letter does not take endorsements."))
        return redirect("coalition:endorsements", slug=organisation.slug)
    endorsements = {e.petition_id: e for e in Endorsement.objects.filter(organisation=organisation)}
    letters = [(petition, endorsements.get(petition.pk)) for petition in Petition.objects.public()]
    return render(request, "coalition/endorsement_manage.html", {"organisation": organisation, "letters": letters})
