import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.urls import reverse

from campaign.accounts.adapter import LOGGED_IN_AT
from campaign.accounts.roles import EDITOR, ORGANISER, REPRESENTATIVE, ROLES, needs_mfa, roles_sync
from tests.coalition.helpers import make_user, organiser, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def test_roles_exist_with_exactly_their_permissions():
    roles_sync()
    for name, codenames in ROLES.items():
        group = Group.objects.get(name=name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(codenames)


def test_roles_sync_removes_a_permission_granted_by_hand():
    group = Group.objects.get(name=REPRESENTATIVE)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="export_signatures"))
    roles_sync()
    assert not group.permissions.filter(codename="export_signatures").exists()


def test_who_needs_mfa():
    assert needs_mfa(make_user("o@example.org", role=ORGANISER))
    assert needs_mfa(make_user("s@example.org", is_superuser=True))
    assert needs_mfa(make_user("r@example.org", role=REPRESENTATIVE))
    assert needs_mfa(make_user("e@example.org", role=EDITOR))
    assert needs_mfa(make_user("staff@example.org", is_staff=True))
    assert not needs_mfa(make_user("nobody@example.org"))


@pytest.mark.parametrize(
    ("role", "is_staff", "page"),
    [(EDITOR, True, "admin:index"), (REPRESENTATIVE, False, "coalition:manage")],
    ids=["editor", "representative"],
)
def test_role_member_without_totp_is_walked_to_setup(client, role, is_staff, page):
    client.force_login(make_user("member@example.org", role=role, is_staff=is_staff))
    for url in [reverse(page), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 302  # allauth asks for the password first
    assert client.get(reverse("account_reauthenticate")).status_code == 200


def test_organiser_without_totp_is_walked_to_setup_from_any_page(client):
    user = make_user("o@example.org", role=ORGANISER, is_staff=True)
    client.force_login(user)
    for url in [reverse("coalition:review"), reverse("admin:index"), reverse("home")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_organiser_first_login_is_walked_through_totp_setup_to_the_dashboard(client):
    make_user("o@example.org", role=ORGANISER, is_staff=True)
    response = client.post(reverse("account_login"), {"login": "o@example.org", "password": PASSWORD}, follow=True)
    # Straight to the setup: the password given a moment ago is not asked for again.
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    html = response.content.decode()
    assert "two-factor authentication" in html and 'name="code"' in html
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    # Then the recovery codes, shown once, to keep somewhere safe, and the way on.
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    html = response.content.decode()
    assert Authenticator.objects.filter(type=Authenticator.Type.RECOVERY_CODES).exists()
    codes = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert codes[0] in html
    assert f'href="{reverse("organise:dashboard")}"' in html
    assert client.get(reverse("organise:dashboard")).status_code == 200
    assert client.get(reverse("coalition:review")).status_code == 200


def test_setup_long_after_the_login_asks_for_the_password_again(client, settings):
    make_user("o@example.org", role=ORGANISER, is_staff=True)
    client.post(reverse("account_login"), {"login": "o@example.org", "password": PASSWORD})
    session = client.session
    session[LOGGED_IN_AT] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session.save()
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_second_authenticator_change_still_asks_for_the_password(client):
    user = organiser()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_forced_login_without_a_password_does_not_skip_the_password(client):
    client.force_login(make_user("o@example.org", role=ORGANISER, is_staff=True))
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))


def test_an_editor_lands_on_the_admin_and_an_organiser_on_the_dashboard(client):
    for user, page in [
        (make_user("e@example.org", role=EDITOR, is_staff=True, totp=True), "admin:index"),
        (organiser(), "organise:dashboard"),
    ]:
        client.logout()
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
        assert response["Location"] == reverse(page)


def test_organiser_with_totp_must_give_a_code_to_log_in(client):
    user = organiser()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("coalition:review")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert client.get(reverse("coalition:review")).status_code == 200


def test_representative_with_totp_must_give_a_code_to_log_in(client):
    user = make_user("r@example.org", role=REPRESENTATIVE, totp=True)
    response = client.post(reverse("account_login"), {"login": "r@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert client.get(reverse("home")).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_password_form_cannot_sidestep_mfa(client):
    user = organiser()
    client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_for_non_staff_is_refused(client):
    client.force_login(make_user("r@example.org", role=REPRESENTATIVE, totp=True))
    assert client.get(reverse("admin:login")).status_code == 403


def test_admin_login_when_logged_in_as_staff_stays_on_site(client):
    client.force_login(organiser())
    assert client.get(reverse("admin:login"), {"next": "https://evil.example/"})["Location"] == reverse("admin:index")


def test_every_admin_page_sends_anonymous_visitors_to_allauth(client):
    response = client.get(reverse("admin:coalition_organisation_changelist"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_allauth_rate_limits_use_the_shared_database_cache(client):
    assert isinstance(caches["default"], DatabaseCache)
    make_user("o@example.org", role=REPRESENTATIVE)
    pages = [
        client.post(reverse("account_login"), {"login": "o@example.org", "password": "wrong"}).content.decode()
        for _ in range(7)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused now: the counter lives in the shared cache.
    right = client.post(reverse("account_login"), {"login": "o@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert right.status_code == 200


def test_signup_stays_closed(client):
    response = client.post(
        reverse("account_signup"), {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code in (200, 302, 403)
    from campaign.accounts.models import User

    assert not User.objects.filter(email="x@example.org").exists()


def test_staff_who_may_export_signatures_may_not_skip_mfa(client):
    from django.contrib.auth.models import Permission

    from tests.factories import PetitionFactory

    user = make_user("exporter@example.org", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_petition", "export_signatures"]))
    client.force_login(user)
    response = client.get(reverse("admin:petitions_petition_export", args=[PetitionFactory().pk]))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_login_page_invites_nobody_to_sign_up_and_escapes_errors(client):
    response = client.post(reverse("account_login"), {"login": "<script>x</script>@example.org", "password": "x"})
    html = response.content.decode()
    assert "sign up" not in html.lower()
    assert "<script>x</script>" not in html
    assert 'name="login"' in html and 'name="password"' in html


def test_representative_lands_on_their_organisation_after_login(client):
    from tests.coalition.factories import OrganisationFactory
    from tests.coalition.helpers import representative_of

    organisation = OrganisationFactory()
    user = representative_of(organisation)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("coalition:profile", args=[organisation.slug])


def test_wrong_totp_codes_are_rate_limited_as_failed_logins(client):
    user = organiser()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    pages = [client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode() for _ in range(6)]
    assert "Too many failed login attempts" in pages[-1]
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})
    assert "_auth_user_id" not in client.session
