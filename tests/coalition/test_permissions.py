"""What each role may do, and every "may not" a representative meets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.coalition import rules
from campaign.coalition.models import Decision, Endorsement, Organisation
from tests.coalition.factories import ApplicationFactory, EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import image_bytes, make_user, organiser, representative_of
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own():
    return OrganisationFactory(name="Own Org")


@pytest.fixture
def other():
    return OrganisationFactory(name="Other Org")


@pytest.fixture
def rep(client, own):
    user = representative_of(own)
    client.force_login(user)
    return user


def profile_data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "short_name": "",
        "website": organisation.website,
        "country": "GB",
        "scope": "national",
        "kind": "ngo",
        "description": "Plain words.",
        "focus_areas": "",
        "links_text": "",
    }
    data.update(overrides)
    return data


# --- rules ------------------------------------------------------------------------------


def test_rules_representative_edits_own_organisation_only(own, other):
    user = representative_of(own)
    assert rules.can_edit_organisation(user, own)
    assert not rules.can_edit_organisation(user, other)
    assert rules.can_manage_endorsements(user, own)
    assert not rules.can_manage_endorsements(user, other)
    assert not rules.can_review(user)


def test_rules_representative_of_suspended_member_may_not_edit(own):
    user = representative_of(own)
    Organisation.objects.filter(pk=own.pk).update(status="suspended")
    own.refresh_from_db()
    assert not rules.can_edit_organisation(user, own)


def test_rules_representative_without_the_group_may_not_edit(own):
    user = representative_of(own)
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)
    assert not rules.can_edit_organisation(user, own)


def test_rules_inactive_representative_may_not_edit(own):
    user = representative_of(own)
    user.is_active = False
    assert not rules.can_edit_organisation(user, own)


def test_rules_organiser_edits_any_and_reviews_but_does_not_endorse_for_members(own):
    user = organiser()
    assert rules.can_edit_organisation(user, own)
    assert rules.can_review(user)
    assert not rules.can_manage_endorsements(user, own)


def test_rules_editor_may_neither_review_nor_edit_organisations(own):
    user = make_user("editor@example.org", role="editor")
    assert not rules.can_review(user)
    assert not rules.can_edit_organisation(user, own)


def test_rules_anonymous_may_nothing(own):
    from django.contrib.auth.models import AnonymousUser

    assert not rules.can_edit_organisation(AnonymousUser(), own)
    assert not rules.can_review(AnonymousUser())


# --- a representative's own pages -------------------------------------------------------


def test_representative_edits_own_profile(client, rep, own):
    response = client.post(reverse("coalition:profile", args=[own.slug]), profile_data(own, description="New words"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.description == "New words"


def test_representative_manage_link_leads_to_own_profile(client, rep, own):
    assert client.get(reverse("coalition:manage"))["Location"] == reverse("coalition:profile", args=[own.slug])


def test_representative_may_not_see_another_organisations_edit_page(client, rep, other):
    assert client.get(reverse("coalition:profile", args=[other.slug])).status_code == 404


def test_representative_may_not_edit_another_organisation(client, rep, other):
    response = client.post(reverse("coalition:profile", args=[other.slug]), profile_data(other, description="Hacked"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.description != "Hacked"


def test_representative_may_not_see_or_change_another_organisations_endorsements(client, rep, other):
    letter = PetitionFactory()
    endorsement = EndorsementFactory(organisation=other, petition=letter)
    url = reverse("coalition:endorsements", args=[other.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"letter": letter.slug, "action": "withdraw"}).status_code == 404
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is None
    assert client.post(url, {"letter": PetitionFactory().slug, "action": "endorse"}).status_code == 404
    assert Endorsement.objects.count() == 1


def test_representative_may_not_see_a_pending_organisation(client, rep):
    pending = ApplicationFactory().organisation
    assert client.get(reverse("coalition:profile", args=[pending.slug])).status_code == 404


def test_representative_may_not_change_tier_or_status(client, rep, own):
    client.post(reverse("coalition:profile", args=[own.slug]), profile_data(own, tier="lead", status="approved"))
    own.refresh_from_db()
    assert own.tier == "endorser"


def test_representative_may_not_open_the_review_queue(client, rep):
    assert client.get(reverse("coalition:review")).status_code == 403


def test_representative_may_not_decide_an_application(client, rep):
    application = ApplicationFactory()
    response = client.post(
        reverse("coalition:review-detail", args=[application.pk]),
        {"decision": "approve", "tier": "lead", "reason": "me"},
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_representative_may_not_suspend_another_member(client, rep, other):
    assert client.post(reverse("coalition:suspend", args=[other.slug]), {"reason": "rival"}).status_code == 403
    other.refresh_from_db()
    assert other.status == "approved"


def test_representative_may_not_use_the_admin(client, rep):
    assert client.get(reverse("admin:index")).status_code in (302, 403)
    assert client.get(reverse("admin:coalition_organisation_changelist")).status_code in (302, 403)


def test_representative_endorses_and_withdraws_for_own_organisation(client, rep, own):
    letter = PetitionFactory()
    url = reverse("coalition:endorsements", args=[own.slug])
    client.post(url, {"letter": letter.slug, "action": "endorse"})
    endorsement = Endorsement.objects.get(organisation=own, petition=letter)
    assert endorsement.authorised_user == rep
    client.post(url, {"letter": letter.slug, "action": "withdraw"})
    endorsement.refresh_from_db()
    assert endorsement.withdrawn_at is not None


def test_endorsing_an_unknown_letter_is_a_clear_message(client, rep, own):
    response = client.post(reverse("coalition:endorsements", args=[own.slug]), {"letter": "nope"}, follow=True)
    assert "There is no such letter." in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, own):
    response = client.get(reverse("coalition:profile", args=[own.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- logos through the profile form -----------------------------------------------------


def test_representative_uploads_a_logo_shown_on_the_public_page(client, rep, own):
    logo = SimpleUploadedFile("logo.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    client.post(reverse("coalition:profile", args=[own.slug]), {**profile_data(own), "logo": logo})
    own.refresh_from_db()
    assert own.logo_hash
    assert own.logo_url() in client.get(own.get_absolute_url()).content.decode()
    assert own.logo_url("small") in client.get(reverse("coalition:directory")).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.png", b"<?php system($_GET['c']); ?>", "not an image"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not an image"),
        ("big.png", b"\x89PNG" + b"\0" * (2 * 1024 * 1024 + 1), "too big"),
    ],
)
def test_hostile_uploads_are_refused_with_a_message_and_nothing_lost(client, rep, own, name, data, message):
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = client.post(
        reverse("coalition:profile", args=[own.slug]), {**profile_data(own, description="Kept"), "logo": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Kept" in response.content.decode()
    own.refresh_from_db()
    assert own.logo_hash == ""


def test_profile_links_must_be_https(client, rep, own):
    response = client.post(
        reverse("coalition:profile", args=[own.slug]), profile_data(own, links_text="javascript:alert(1)")
    )
    assert "Start every link with https://" in response.content.decode()
    response = client.post(
        reverse("coalition:profile", args=[own.slug]), profile_data(own, links_text="https://a.example.org/x")
    )
    own.refresh_from_db()
    assert own.links == ["https://a.example.org/x"]


def test_profile_page_escapes_the_organisations_own_text(client, rep, own):
    html = client.get(reverse("coalition:profile", args=[own.slug])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_directory_links_a_representative_to_their_own_organisation_only(client, rep, own, other):
    html = client.get(reverse("coalition:directory")).content.decode()
    assert reverse("coalition:profile", args=[own.slug]) in html
    assert reverse("coalition:profile", args=[other.slug]) not in html


def test_renaming_to_another_members_name_is_a_form_error_not_a_crash(client, rep, own, other):
    response = client.post(reverse("coalition:profile", args=[own.slug]), profile_data(own, name=other.name.upper()))
    assert response.status_code == 200
    assert response.context["form"].errors
    own.refresh_from_db()
    assert own.name == "Own Org"
