from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaign.core.text import render_markdown
from campaign.petitions.models import Petition
from campaign.updates import services
from campaign.updates.forms import UpdateForm
from campaign.updates.models import Update

# --- Organisers -------------------------------------------------------------------------


def _letter(request, slug: str) -> Petition:
    """The letter, for someone allowed to write to its supporters (organisers; the
    MFA middleware has made them set up two-factor authentication first)."""
    if not request.user.has_perm("updates.send_update"):
        raise PermissionDenied
    return get_object_or_404(Petition, slug=slug)


def _update(request, slug: str, pk: int) -> Update:
    petition = _letter(request, slug)
    return get_object_or_404(
        Update.objects.select_related("petition", "created_by", "sent_by"), pk=pk, petition=petition
    )


@login_required
def update_list(request, slug: str):
    petition = _letter(request, slug)
    updates = list(petition.updates.select_related("created_by", "sent_by"))
    for update in updates:
        update.counts = services.update_counts(update) if update.state != Update.State.DRAFT else None
    context = {
        "petition": petition,
        "updates": updates,
        "audience": services.update_audience(petition=petition).count(),
    }
    return render(request, "updates/update_list.html", context)


def _edit(request, petition: Petition, form: UpdateForm, update: Update | None):
    """Preview (nothing saved) or save the posted draft; None when the form re-renders."""
    if request.POST.get("action") == "preview":
        return None
    data = form.cleaned_data
    if update is None:
        update = services.update_create(
            petition=petition,
            subject=data["subject"],
            body=data["body"],
            by=request.user,
            send_when_closed=data["send_when_closed"],
        )
    else:
        try:
            services.update_edit(
                update=update, subject=data["subject"], body=data["body"], send_when_closed=data["send_when_closed"]
            )
        except services.UpdateNotDraft:
            messages.error(request, _("This update is already being sent: it can no longer change."))
            return redirect("updates:detail", slug=petition.slug, pk=update.pk)
    messages.success(request, _("Draft saved."))
    return redirect("updates:detail", slug=petition.slug, pk=update.pk)


def _about_the_handin(request, petition: Petition) -> dict:
    """A draft that tells supporters of a delivery or a response recorded for the letter
    (?delivery=<id> or ?response=<id>, from the hand-in page), for the organiser to edit."""
    title = petition.title
    if delivery := _timeline_row(petition.deliveries, request.GET.get("delivery")):
        facts = {"title": title, "recipient": delivery.recipient, "date": date_format(delivery.delivered_at)}
        body = _("On %(date)s we handed “%(title)s” to %(recipient)s.") % facts
        return {"subject": _("We handed in the letter"), "body": f"{body}\n\n{delivery.note}".strip()}
    if response := _timeline_row(petition.responses, request.GET.get("response")):
        facts = {"title": title, "sender": response.sender, "date": date_format(response.received_at)}
        body = _("On %(date)s, %(sender)s answered “%(title)s”:") % facts
        body = f"{body}\n\n{response.summary}\n\n{response.document_url}".strip()
        return {"subject": _("%(sender)s has answered") % facts, "body": body}
    return {}


def _timeline_row(rows, pk: str | None):
    return rows.filter(pk=int(pk)).first() if pk and pk.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def update_create(request, slug: str):
    petition = _letter(request, slug)
    form = UpdateForm(request.POST or None, initial=_about_the_handin(request, petition))
    preview = None
    if request.method == "POST" and form.is_valid():
        if response := _edit(request, petition, form, None):
            return response
        preview = render_markdown(form.cleaned_data["body"])
    context = {"petition": petition, "form": form, "preview": preview}
    return render(request, "updates/update_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_detail(request, slug: str, pk: int):
    update = _update(request, slug, pk)
    petition = update.petition
    is_draft = update.state == Update.State.DRAFT
    form = None
    preview = render_markdown(update.body)
    if is_draft:
        form = UpdateForm(
            request.POST or None,
            initial={"subject": update.subject, "body": update.body, "send_when_closed": update.send_when_closed},
        )
        if request.method == "POST" and form.is_valid():
            if response := _edit(request, petition, form, update):
                return response
            preview = render_markdown(form.cleaned_data["body"])
    elif request.method == "POST":
        messages.error(request, _("This update is already being sent: it can no longer change."))
        return redirect("updates:detail", slug=petition.slug, pk=update.pk)
    context = {
        "petition": petition,
        "update": update,
        "form": form,
        "preview": preview,
        "counts": None if is_draft else services.update_counts(update),
        "audience": services.update_audience(petition=petition).count() if is_draft else None,
    }
    return render(request, "updates/update_detail.html", context)


@login_required
@require_POST
def update_test(request, slug: str, pk: int):
    update = _update(request, slug, pk)
    services.update_test_send(update=update, by=request.user)
    messages.success(request, _("A test mail is on its way to %(email)s.") % {"email": request.user.email})
    return redirect("updates:detail", slug=update.petition.slug, pk=update.pk)


@login_required
@require_http_methods(["GET", "POST"])
def update_send(request, slug: str, pk: int):
    update = _update(request, slug, pk)
    if update.state != Update.State.DRAFT:
        messages.error(request, _("This update is already being sent."))
        return redirect("updates:detail", slug=update.petition.slug, pk=update.pk)
    if request.method == "POST":
        try:
            services.update_send(update=update, by=request.user)
        except services.UpdateNotDraft:
            messages.error(request, _("This update is already being sent."))
        else:
            messages.success(request, _("Sending started. The figures below grow as the mails go out."))
        return redirect("updates:detail", slug=update.petition.slug, pk=update.pk)
    context = {
        "petition": update.petition,
        "update": update,
        "audience": services.update_audience(petition=update.petition).count(),
    }
    return render(request, "updates/update_send.html", context)


# --- Signers ----------------------------------------------------------------------------


# No CSRF token and no origin check: mail providers POST "List-Unsubscribe=One-Click"
# from their servers (RFC 8058), with no cookie, token or Origin, and a web mail client
# may post from its own origin. The signed token in the URL is the only authority, and
# whoever holds it can post it from anywhere; a cross-site post could do no more. GET
# changes nothing, so a scanner following links unsubscribes no one.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        recipient = services.recipient_from_token(token)
    except services.InvalidUnsubscribeToken:
        return render(request, "updates/unsubscribe_invalid.html", status=400)
    context = {"token": token, "test": recipient is None, "petition": recipient.update.petition if recipient else None}
    if request.method == "POST":
        if recipient is not None:
            services.recipient_unsubscribe(recipient=recipient)
        return render(request, "updates/unsubscribed.html", context)
    if recipient is not None and recipient.unsubscribed_at is not None:
        return render(request, "updates/unsubscribed.html", {**context, "already": True})
    return render(request, "updates/unsubscribe_confirm.html", context)
