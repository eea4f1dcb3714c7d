"""A representative's change to what organisers reviewed (name, short name, website,
country) waits for an organiser; everything else on the profile shows at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.urls import reverse

from campaign.accounts.roles import ORGANISER
from campaign.coalition import services
from campaign.coalition.models import Decision, Organisation, OrganisationChange
from tests.coalition.factories import OrganisationFactory
from tests.coalition.helpers import organiser, representative_of

pytestmark = pytest.mark.django_db

HOSTILE_NAME = 'Fake <script>alert("rename")</script> & "Co"'
RAW_SCRIPT = "<script>alert"


@pytest.fixture
def own():
    return OrganisationFactory(name="Own Org", website="https://own.example.org")


@pytest.fixture
def rep(own):
    return representative_of(own)


@pytest.fixture
def boss():
    return organiser()


def profile_data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "website": organisation.website,
        "country": str(organisation.country),
        "scope": "national",
        "kind": "ngo",
        "description": "Plain words.",
        "focus_areas": "",
        "links_text": "",
    }
    data.update(overrides)
    return data


def propose(organisation, by, **overrides):
    values = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "website": organisation.website,
        "country": str(organisation.country),
    }
    values.update(overrides)
    return services.organisation_change_propose(organisation=organisation, by=by, **values)


# --- proposing --------------------------------------------------------------------------


def test_profile_rename_by_representative_stays_off_the_public_page_and_awaits_review(client, rep, own):
    client.force_login(rep)
    response = client.post(
        reverse("coalition:profile", args=[own.slug]),
        profile_data(own, name="Renamed Org", website="https://elsewhere.example.net", description="New words"),
        follow=True,
    )
    assert "awaits the organisers" in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Own Org"
    assert own.website == "https://own.example.org"
    assert own.domain == "own.example.org"
    assert own.description == "New words"  # not a reviewed field: shows at once
    public = client.get(own.get_absolute_url()).content.decode()
    assert "Own Org" in public
    assert "Renamed Org" not in public
    change = OrganisationChange.objects.get(organisation=own)
    assert change.state == OrganisationChange.State.PENDING
    assert change.name == "Renamed Org"
    assert change.website == "https://elsewhere.example.net"
    assert change.proposed_by == rep
    assert change.previous["name"] == "Own Org"


def test_profile_page_shows_the_representative_their_pending_change(client, rep, own):
    propose(own, rep, name="Renamed Org")
    client.force_login(rep)
    html = client.get(reverse("coalition:profile", args=[own.slug])).content.decode()
    assert "awaits the organisers' review" in html
    assert "Own Org → Renamed Org" in html
    assert 'value="Renamed Org"' in html  # the form shows the proposal, to amend


def test_profile_save_without_reviewed_changes_creates_no_change(client, rep, own):
    client.force_login(rep)
    client.post(reverse("coalition:profile", args=[own.slug]), profile_data(own, description="Only this"))
    assert not OrganisationChange.objects.exists()
    own.refresh_from_db()
    assert own.description == "Only this"


def test_organisation_change_propose_again_replaces_the_pending_change(own, rep):
    first = propose(own, rep, name="First Try")
    second = propose(own, rep, name="Second Try")
    first.refresh_from_db()
    assert first.state == OrganisationChange.State.WITHDRAWN
    assert second.state == OrganisationChange.State.PENDING
    assert list(OrganisationChange.objects.pending()) == [second]


def test_organisation_change_propose_the_same_values_keeps_the_pending_change(own, rep):
    first = propose(own, rep, name="First Try")
    assert propose(own, rep, name="First Try") == first
    assert OrganisationChange.objects.count() == 1


def test_organisation_change_propose_the_approved_values_withdraws_the_pending_change(own, rep):
    first = propose(own, rep, name="First Try")
    assert propose(own, rep) is None
    first.refresh_from_db()
    assert first.state == OrganisationChange.State.WITHDRAWN


def test_organisation_change_database_allows_one_pending_change_per_organisation(own, rep):
    propose(own, rep, name="First Try")
    with pytest.raises(IntegrityError):
        OrganisationChange.objects.create(
            organisation=own, name="Sneaked In", website="https://own.example.org", country="GB", proposed_by=rep
        )


def test_organisation_change_propose_refused_for_another_organisations_representative(own, rep):
    other = OrganisationFactory(name="Other Org")
    with pytest.raises(services.NotPermitted):
        propose(other, rep, name="Hijacked")
    assert not OrganisationChange.objects.exists()


def test_organisation_change_propose_refused_for_an_organiser(own, boss):
    with pytest.raises(services.NotPermitted):
        propose(own, boss, name="Organisers use the admin")


def test_profile_rename_of_another_organisation_is_a_404(client, rep):
    other = OrganisationFactory(name="Other Org")
    client.force_login(rep)
    response = client.post(reverse("coalition:profile", args=[other.slug]), profile_data(other, name="Hijacked"))
    assert response.status_code == 404
    assert not OrganisationChange.objects.exists()


# --- deciding ---------------------------------------------------------------------------


def test_organisation_change_approve_applies_the_values_once_and_records_the_decision(
    own, rep, boss, mailoutbox, django_capture_on_commit_callbacks
):
    change = propose(own, rep, name="Renamed Org", website="https://www.renamed.example.net/", country="FR")
    slug = own.slug
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.organisation_change_approve(change=change, by=boss, reason="Checked their site.")
    own.refresh_from_db()
    assert (own.name, own.website, own.domain, own.country.code) == (
        "Renamed Org",
        "https://www.renamed.example.net/",
        "renamed.example.net",
        "FR",
    )
    assert own.slug == slug  # links to the page keep working
    assert decision.action == Decision.Action.CHANGE_APPROVE
    assert decision.decided_by == boss
    assert decision.reason == "Checked their site."
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.APPROVED
    assert change.decision == decision
    assert mailoutbox[-1].to == [rep.email]
    assert "approved" in mailoutbox[-1].subject
    with pytest.raises(services.AlreadyDecided):
        services.organisation_change_approve(change=change, by=boss)
    assert Decision.objects.filter(action=Decision.Action.CHANGE_APPROVE).count() == 1


def test_organisation_change_decline_keeps_the_old_values_records_why_and_mails(
    own, rep, boss, mailoutbox, django_capture_on_commit_callbacks
):
    change = propose(own, rep, name="Renamed Org")
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_change_decline(change=change, by=boss, reason="That name belongs to someone else.")
    own.refresh_from_db()
    assert own.name == "Own Org"
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.DECLINED
    assert change.decision.action == Decision.Action.CHANGE_DECLINE
    assert change.decision.reason == "That name belongs to someone else."
    assert change.decision.decided_by == boss
    assert mailoutbox[-1].to == [rep.email]
    assert "That name belongs to someone else." in mailoutbox[-1].body
    assert "Renamed Org" in mailoutbox[-1].body


def test_organisation_change_decline_needs_a_reason(own, rep, boss):
    change = propose(own, rep, name="Renamed Org")
    with pytest.raises(ValueError):
        services.organisation_change_decline(change=change, by=boss, reason="  ")
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.PENDING


def test_organisation_change_decide_refused_without_the_review_permission(own, rep):
    change = propose(own, rep, name="Renamed Org")
    with pytest.raises(services.NotPermitted):
        services.organisation_change_approve(change=change, by=rep)
    own.refresh_from_db()
    assert own.name == "Own Org"


def test_organisation_change_decide_refused_to_the_organiser_who_proposed_it(own, rep):
    change = propose(own, rep, name="Renamed Org")
    rep.groups.add(Group.objects.get(name=ORGANISER))
    with pytest.raises(services.NotPermitted):
        services.organisation_change_approve(change=change, by=rep)
    own.refresh_from_db()
    assert own.name == "Own Org"


def test_organisation_change_approve_refused_for_a_replaced_change(own, rep, boss):
    first = propose(own, rep, name="First Try")
    propose(own, rep, name="Second Try")
    with pytest.raises(services.AlreadyDecided):
        services.organisation_change_approve(change=first, by=boss)
    own.refresh_from_db()
    assert own.name == "Own Org"
    assert not Decision.objects.exists()


def test_organisation_change_approve_refused_when_a_member_has_the_name(own, rep, boss):
    change = propose(own, rep, name="Taken Later")
    OrganisationFactory(name="taken later")
    with pytest.raises(services.NameTaken):
        services.organisation_change_approve(change=change, by=boss)
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.PENDING
    assert not Decision.objects.exists()


# --- the organisers' pages --------------------------------------------------------------


def test_review_queue_links_pending_changes(client, own, rep, boss):
    change = propose(own, rep, name="Renamed Org")
    client.force_login(boss)
    html = client.get(reverse("coalition:review")).content.decode()
    assert reverse("coalition:change-detail", args=[change.pk]) in html
    assert "Renamed Org" in html


def test_change_detail_declines_on_post_with_a_reason(client, own, rep, boss):
    change = propose(own, rep, name="Renamed Org")
    client.force_login(boss)
    url = reverse("coalition:change-detail", args=[change.pk])
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 200
    assert "Say why you decline the change" in response.content.decode()
    response = client.post(url, {"decision": "decline", "reason": "Not theirs."})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.DECLINED


def test_change_detail_approves_on_post(client, own, rep, boss):
    change = propose(own, rep, name="Renamed Org")
    client.force_login(boss)
    assert client.get(reverse("coalition:change-detail", args=[change.pk])).status_code == 200
    change.refresh_from_db()
    assert change.state == OrganisationChange.State.PENDING  # opening the page decides nothing
    client.post(reverse("coalition:change-detail", args=[change.pk]), {"decision": "approve", "reason": ""})
    own.refresh_from_db()
    assert own.name == "Renamed Org"
    assert Decision.objects.get().reason


def test_change_detail_is_refused_to_a_representative(client, own, rep):
    change = propose(own, rep, name="Renamed Org")
    client.force_login(rep)
    url = reverse("coalition:change-detail", args=[change.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "reason": "mine"}).status_code == 403
    own.refresh_from_db()
    assert own.name == "Own Org"


# --- escaping ---------------------------------------------------------------------------


def test_hostile_proposed_name_is_escaped_on_review_pages_audit_log_and_mail(
    client, own, rep, boss, mailoutbox, django_capture_on_commit_callbacks
):
    change = propose(own, rep, name=HOSTILE_NAME)
    client.force_login(boss)
    escaped = "Fake &lt;script&gt;alert(&quot;rename&quot;)&lt;/script&gt; &amp; &quot;Co&quot;"
    for url in (reverse("coalition:review"), reverse("coalition:change-detail", args=[change.pk])):
        html = client.get(url).content.decode()
        assert RAW_SCRIPT not in html
        assert escaped in html
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_change_decline(change=change, by=boss, reason='No <b>"thanks"</b>')
    html = client.get(reverse("coalition:review")).content.decode()  # the decision log
    assert RAW_SCRIPT not in html
    assert escaped in html
    assert "No &lt;b&gt;&quot;thanks&quot;&lt;/b&gt;" in html
    mail_html = mailoutbox[-1].alternatives[0][0]
    assert RAW_SCRIPT not in mail_html
    assert escaped in mail_html
    assert HOSTILE_NAME in mailoutbox[-1].body  # the text part is plain text


def test_organisation_page_is_unchanged_by_a_hostile_pending_name(client, own, rep):
    propose(own, rep, name=HOSTILE_NAME)
    html = client.get(own.get_absolute_url()).content.decode()
    assert "Fake" not in html
    assert Organisation.objects.get(pk=own.pk).name == "Own Org"


def test_profile_rename_by_an_organiser_applies_at_once(client, own, boss):
    client.force_login(boss)
    client.post(reverse("coalition:profile", args=[own.slug]), profile_data(own, website="https://new.example.org"))
    own.refresh_from_db()
    assert own.domain == "new.example.org"
    assert not OrganisationChange.objects.exists()
