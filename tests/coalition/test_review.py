"""The organisers' area: queue, decisions, suspensions; and the invitation that follows."""

import re

import pytest
from django.urls import reverse

from campaign.coalition import services
from campaign.coalition.models import Decision, Organisation
from tests.coalition.factories import ApplicationFactory, ContactFactory, EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import enrol_totp, organiser

pytestmark = pytest.mark.django_db

RAW_SCRIPT = "<script>alert"


@pytest.fixture
def boss(client):
    user = organiser()
    client.force_login(user)
    return user


def test_queue_shows_confirmed_applications_with_signals_escaped(client, boss):
    OrganisationFactory(name="Liberty", website="https://liberty.example.org")
    org = ApplicationFactory(
        organisation__name="Liberty!", organisation__website="https://liberty.example.org"
    ).organisation
    ApplicationFactory(confirmed_at=None, organisation__status="applied", organisation__name="Unconfirmed Org")
    html = client.get(reverse("coalition:review")).content.decode()
    assert "Liberty!" in html
    assert "Same domain as" in html
    assert "Unconfirmed Org" not in html
    assert RAW_SCRIPT not in html
    assert org.slug


def test_queue_flags_webmail(client, boss):
    application = ApplicationFactory()
    application.contact.email = "someone@gmail.com"
    application.contact.save()
    html = client.get(reverse("coalition:review")).content.decode()
    assert "Webmail address" in html
    assert "differs from the website" in html


def test_opening_an_application_marks_it_under_review_and_escapes_everything(client, boss):
    application = ApplicationFactory()
    response = client.get(reverse("coalition:review-detail", args=[application.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert RAW_SCRIPT not in html
    assert "Because. &lt;script&gt;" in html
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.UNDER_REVIEW


def test_approve_from_the_web_records_who_when_why(client, boss, mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coalition:review-detail", args=[application.pk]),
            {"decision": "approve", "tier": "member", "reason": "Long-standing partner"},
        )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.decided_by, decision.reason, decision.action) == (boss, "Long-standing partner", "approve")
    assert Organisation.objects.public().get().tier == "member"
    assert mailoutbox[0].to == [application.contact.email]
    log = client.get(reverse("coalition:review")).content.decode()
    assert "Long-standing partner" in log and boss.email in log


def test_decision_without_reason_is_refused_with_a_message(client, boss):
    application = ApplicationFactory()
    response = client.post(
        reverse("coalition:review-detail", args=[application.pk]), {"decision": "approve", "tier": "member"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_a_second_decision_is_refused_with_a_message(client, boss):
    application = ApplicationFactory()
    url = reverse("coalition:review-detail", args=[application.pk])
    client.post(url, {"decision": "decline", "tier": "member", "reason": "no"})
    response = client.post(url, {"decision": "approve", "tier": "member", "reason": "yes"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert Decision.objects.count() == 1


def test_suspend_and_reinstate_from_the_web(client, boss):
    member = OrganisationFactory()
    client.post(reverse("coalition:suspend", args=[member.slug]), {"reason": "Spam"})
    member.refresh_from_db()
    assert member.status == "suspended"
    client.post(reverse("coalition:suspend", args=[member.slug]), {"reason": "Fixed"})
    member.refresh_from_db()
    assert member.status == "approved"
    assert Decision.objects.count() == 2


def test_a_member_marked_as_left_leaves_the_directory_and_its_endorsements(client, boss):
    member = OrganisationFactory()
    endorsement = EndorsementFactory(organisation=member)
    html = client.get(reverse("coalition:review")).content.decode()
    assert f'formaction="{reverse("coalition:left", args=[member.slug])}"' in html  # beside "Suspend"
    response = client.post(reverse("coalition:left", args=[member.slug]), {"reason": "Told us by phone"}, follow=True)
    assert "has left the coalition" in response.content.decode()
    member.refresh_from_db()
    endorsement.refresh_from_db()
    assert member.status == Organisation.Status.LEFT and member.left_at is not None
    assert endorsement.withdrawn_at == member.left_at
    assert Decision.objects.get().action == Decision.Action.LEAVE
    assert client.get(member.get_absolute_url()).status_code == 404
    response = client.post(reverse("coalition:left", args=[member.slug]), {"reason": "Again"}, follow=True)
    assert "Only a member can leave" in response.content.decode()
    assert Decision.objects.count() == 1


def test_marking_as_left_needs_a_reason_and_an_organiser(client, boss):
    member = OrganisationFactory()
    client.post(reverse("coalition:left", args=[member.slug]), {"reason": ""})
    member.refresh_from_db()
    assert member.status == Organisation.Status.APPROVED
    client.logout()
    assert client.post(reverse("coalition:left", args=[member.slug]), {"reason": "x"}).status_code == 302
    member.refresh_from_db()
    assert member.status == Organisation.Status.APPROVED


def test_suspend_without_reason_changes_nothing(client, boss):
    member = OrganisationFactory()
    client.post(reverse("coalition:suspend", args=[member.slug]), {"reason": ""})
    member.refresh_from_db()
    assert member.status == "approved"


def test_review_state_changes_need_post(client, boss):
    member = OrganisationFactory()
    assert client.get(reverse("coalition:suspend", args=[member.slug])).status_code == 405


# --- invitation -------------------------------------------------------------------------


def _invitation_url(boss) -> tuple[str, object]:
    application = ApplicationFactory()
    services.application_approve(application=application, by=boss, reason="ok")
    contact = application.contact
    contact.refresh_from_db()
    return reverse("coalition:invitation", args=[services.invitation_token(contact)]), contact


def test_invitation_creates_account_logs_in_and_opens_the_profile(client):
    url, contact = _invitation_url(organiser())
    page = client.get(url).content.decode()
    assert RAW_SCRIPT not in page
    response = client.post(
        url, {"password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42"}
    )
    assert response["Location"] == reverse("coalition:profile", args=[contact.organisation.slug])
    # Like every role, a representative sets up two-factor authentication first, and is
    # not asked for the password just chosen before it.
    assert client.get(response["Location"])["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    contact.refresh_from_db()
    enrol_totp(contact.user)
    assert client.get(response["Location"]).status_code == 200
    assert client.get(url).status_code == 400


def test_invitation_refuses_weak_or_mismatched_passwords(client):
    url, contact = _invitation_url(organiser())
    weak = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert "password1" in weak.context["form"].errors
    mismatch = client.post(url, {"password1": "a long enough passphrase 42", "password2": "other passphrase 42"})
    assert "password2" in mismatch.context["form"].errors
    contact.refresh_from_db()
    assert contact.user is None


def test_invitation_with_tampered_token_is_a_clear_400(client):
    url, _ = _invitation_url(organiser())
    assert client.get(re.sub(r"/([^/]+)/$", r"/x\1/", url)).status_code == 400


def test_invitation_while_logged_in_asks_to_log_out(client):
    boss = organiser()
    url, _ = _invitation_url(boss)
    client.force_login(boss)
    assert client.get(url).status_code == 409


def test_contact_factory_default_is_hostile():
    assert "<script>" in ContactFactory().name


def test_review_page_charts_members_over_time_with_a_table(client, boss):
    OrganisationFactory()
    html = client.get(reverse("coalition:review")).content.decode()
    assert '<figure class="member-chart">' in html
    assert "Members at the end of each month" in html


def test_directory_links_organisers_to_the_queue(client, boss):
    assert reverse("coalition:review") in client.get(reverse("coalition:directory")).content.decode()


def test_directory_shows_no_organiser_link_to_visitors(client):
    assert reverse("coalition:review") not in client.get(reverse("coalition:directory")).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "admin:coalition_organisation_changelist",
        "admin:coalition_application_changelist",
        "admin:coalition_decision_changelist",
        "admin:coalition_endorsement_changelist",
    ],
)
def test_organiser_reaches_the_coalition_admin_escaped(client, boss, name):
    application = ApplicationFactory()
    services.application_approve(application=application, by=boss, reason="<b>ok</b>")
    assert client.get(reverse(name)).status_code == 200
    change = reverse("admin:coalition_organisation_change", args=[application.organisation.pk])
    html = client.get(change).content.decode()
    assert "<script>alert" not in html


def test_decisions_cannot_be_edited_or_deleted_in_the_admin(client, boss):
    application = ApplicationFactory()
    decision = services.application_decline(application=application, by=boss, reason="no")
    client.post(reverse("admin:coalition_decision_delete", args=[decision.pk]), {"post": "yes"})
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_approving_a_namesake_of_a_member_is_refused_with_a_message(client, boss):
    OrganisationFactory(name="Liberty")
    application = ApplicationFactory(organisation__name="LIBERTY")
    response = client.post(
        reverse("coalition:review-detail", args=[application.pk]),
        {"decision": "approve", "tier": "member", "reason": "ok"},
        follow=True,
    )
    assert "A member already has this name" in response.content.decode()
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.outcome == ""


def test_admin_rename_to_a_members_name_is_a_form_error(client, boss):
    OrganisationFactory(name="Liberty")
    member = OrganisationFactory(name="Other")
    url = reverse("admin:coalition_organisation_change", args=[member.pk])
    data = {
        "name": "liberty", "short_name": "", "slug": member.slug, "website": member.website, "country": "GB",
        "scope": "national", "kind": "ngo", "description": "x", "focus_areas": "", "links": "[]", "tier": "member",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "endorsements-TOTAL_FORMS": "0",
        "endorsements-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Another member already has this name." in response.content.decode()


def test_invitation_for_an_address_with_an_account_says_so(client):
    from tests.coalition.helpers import make_user

    url, contact = _invitation_url(organiser())
    make_user(contact.email.upper())
    response = client.post(
        url, {"password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42"}
    )
    assert response.status_code == 409
    assert "already has an account" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user is None


def test_organiser_sends_a_fresh_invitation_that_retires_the_old_one(
    client, boss, mailoutbox, django_capture_on_commit_callbacks
):
    old_url, contact = _invitation_url(boss)
    html = client.get(reverse("coalition:review")).content.decode()
    assert reverse("coalition:invite", args=[contact.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("coalition:invite", args=[contact.pk]))
    assert mailoutbox[-1].to == [contact.email]
    new_url = re.search(r"https?://\S+(/coalition/invitation/\S+/)", mailoutbox[-1].body).group(1)
    client.logout()
    assert client.get(old_url).status_code == 400
    assert client.get(new_url).status_code == 200


def test_no_invitation_for_a_contact_with_an_account_or_a_non_member(client, boss, mailoutbox):
    member = OrganisationFactory()
    rep_contact = ContactFactory(organisation=member, user=organiser("other-boss@example.org"))
    pending_contact = ApplicationFactory().contact
    for contact in (rep_contact, pending_contact):
        response = client.post(reverse("coalition:invite", args=[contact.pk]), follow=True)
        assert "already has an account, or the organisation is not a member" in response.content.decode()
    assert mailoutbox == []


def test_representative_may_not_send_invitations(client):
    from tests.coalition.helpers import representative_of

    member = OrganisationFactory()
    client.force_login(representative_of(member))
    contact = ContactFactory(organisation=member, user=None)
    assert client.post(reverse("coalition:invite", args=[contact.pk])).status_code == 403
