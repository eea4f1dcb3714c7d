"""The organisers' dashboard: its figures come from the aggregates the services keep,
it shows them in a chart and a table that agree, and only organisers see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.accounts.roles import EDITOR, ORGANISER, REPRESENTATIVE
from campaign.core import outbox
from campaign.core.models import OutboxMessage
from campaign.organise import charts, selectors
from campaign.petitions import services
from campaign.petitions.models import Signature, SignatureDay
from tests.coalition.helpers import make_user, organiser
from tests.factories import HOSTILE, PetitionFactory

pytestmark = pytest.mark.django_db


def sign(petition, n: int, country: str = "GB") -> Signature:
    details = services.SignatureDetails(name=f"Signer {n}", email=f"signer{n}@example.org", country=country)
    return services.signature_create(petition=petition, details=details)


def test_daily_counts_give_each_day_received_and_confirmed_with_empty_days_as_zero():
    petition = PetitionFactory()
    signatures = [sign(petition, n) for n in range(5)]
    for signature in signatures[:3]:
        services.signature_confirm(signature=signature)
    today = timezone.now().date()
    SignatureDay.objects.create(petition=petition, day=today - timedelta(days=2), shard=0, signed=7, confirmed=4)
    days = selectors.daily_counts(petition, days=4)
    assert days == [
        (today - timedelta(days=3), 0, 0),
        (today - timedelta(days=2), 7, 4),
        (today - timedelta(days=1), 0, 0),
        (today, 5, 3),
    ]


def test_daily_counts_leave_out_other_letters_and_days_outside_the_window():
    petition, other = PetitionFactory(), PetitionFactory()
    sign(other, 1)
    today = timezone.now().date()
    SignatureDay.objects.create(petition=petition, day=today - timedelta(days=40), shard=1, signed=9)
    assert sum(signed for _day, signed, _confirmed in selectors.daily_counts(petition)) == 0


def test_letter_totals_give_the_confirmation_rate_and_progress_to_the_goal():
    petition = PetitionFactory(goal=8)
    signatures = [sign(petition, n) for n in range(4)]
    services.signature_confirm(signature=signatures[0])
    services.signature_confirm(signature=signatures[1])
    services.signature_confirm(signature=signatures[2])
    services.signature_withdraw(signature=signatures[2])
    totals = selectors.letter_totals(petition)
    assert (totals.count, totals.signed, totals.confirmed) == (2, 4, 3)
    assert totals.confirmation_rate == 75  # a withdrawal does not undo a confirmation
    assert totals.goal_percent == 25


def test_letter_totals_before_any_signature_have_no_rate():
    totals = selectors.letter_totals(PetitionFactory())
    assert totals.confirmation_rate is None and totals.count == 0 and totals.goal_percent == 0


def test_a_repeat_signature_is_not_received_twice():
    petition = PetitionFactory()
    sign(petition, 1)
    sign(petition, 1)
    assert selectors.letter_totals(petition).signed == 1


def test_countries_come_from_the_counters_largest_first():
    petition = PetitionFactory()
    for n, country in enumerate(["FR", "FR", "DE", "FR", ""]):
        services.signature_confirm(signature=sign(petition, n, country))
    assert selectors.countries(petition) == [("FR", 3), ("DE", 1)]
    assert selectors.without_country(petition) == 1


def test_sources_count_the_letters_confirmed_signatures_per_source_largest_first(client):
    from campaign.petitions.models import Source

    petition, other = PetitionFactory(), PetitionFactory()
    partner = Source.objects.create(code="partner-a", name=f"Partner {HOSTILE}")
    channel = Source.objects.create(code="newsletter", name="Newsletter", kind=Source.Kind.CHANNEL)
    plan = [(partner, True), (channel, True), (channel, True), (channel, False), (None, True)]
    for n, (source, confirm) in enumerate(plan):
        details = services.SignatureDetails(
            name=f"S{n}", email=f"s{n}@example.org", country="GB", source_id=source.pk if source else None
        )
        signature = services.signature_create(petition=petition, details=details)
        if confirm:
            services.signature_confirm(signature=signature)
    details = services.SignatureDetails(name="X", email="x@example.org", country="GB", source_id=partner.pk)
    services.signature_confirm(signature=services.signature_create(petition=other, details=details))
    assert selectors.sources(petition) == [("Newsletter", 2), (partner.name, 1), ("Straight to the letter", 1)]
    client.force_login(organiser())
    html = client.get(reverse("organise:letter", args=[petition.slug])).content.decode()
    assert "<td>Newsletter</td><td>2</td>" in html and "<script>alert" not in html


@pytest.mark.parametrize(("count", "goal", "expected"), [(0, 1000, 10), (10, 1000, 100), (999, 1000, 1000),
                                                          (1500, 1000, 10000), (40, 50, 50)])  # fmt: skip
def test_next_milestone_is_the_next_power_of_ten_or_the_goal(count, goal, expected):
    totals = selectors.Totals(count=count, goal=goal, signed=count, confirmed=count, mailed=0)
    assert selectors.next_milestone(totals) == expected


def test_delivery_counts_sent_waiting_deferred_and_refused_of_this_letter_only(mailoutbox):
    petition, other = PetitionFactory(), PetitionFactory()
    sent, deferred, refused, _waiting = (sign(petition, n) for n in range(4))
    sign(other, 9)
    assert outbox.outbox_send(message_id=OutboxMessage.objects.get(object_id=sent.pk).pk)
    OutboxMessage.objects.filter(object_id=deferred.pk).update(last_error="SMTPDataError 451", attempts=1)
    OutboxMessage.objects.filter(object_id=refused.pk).update(status=OutboxMessage.Status.FAILED)
    services.signature_mail_refused(refused.pk)
    assert selectors.delivery(petition) == selectors.Delivery(
        sent=1, waiting=1, deferred=1, refused=1, limit=selectors.PENDING_COUNT_LIMIT
    )


def test_delivery_counts_a_backlog_only_up_to_its_limit(client, monkeypatch):
    monkeypatch.setattr(selectors, "PENDING_COUNT_LIMIT", 2)
    petition = PetitionFactory()
    for n in range(5):
        sign(petition, n)
    assert selectors.delivery(petition).waiting == 3  # "more than 2": the count stopped there
    client.force_login(organiser())
    assert "over 2" in client.get(reverse("organise:letter", args=[petition.slug])).content.decode()


def test_resend_queues_each_refused_mail_once_and_clears_the_flag(mailoutbox):
    petition = PetitionFactory()
    refused = sign(petition, 1)
    OutboxMessage.objects.filter(object_id=refused.pk).update(status=OutboxMessage.Status.FAILED)
    services.signature_mail_refused(refused.pk)
    assert services.signature_mails_resend(petition=petition) == 1
    assert services.signature_mails_resend(petition=petition) == 0
    pending = OutboxMessage.objects.filter(object_id=refused.pk, status=OutboxMessage.Status.PENDING)
    assert pending.count() == 1
    refused.refresh_from_db()
    assert refused.mail_failed_at is None


def test_day_chart_scales_to_the_tallest_day_and_labels_every_week():
    today = timezone.now().date()
    days = [(today - timedelta(days=n), n, n // 2) for n in range(14, -1, -1)]
    chart = charts.day_chart(days)
    tallest = max(chart.bars, key=lambda bar: bar.signed)
    assert tallest.signed_height == charts.HEIGHT and tallest.signed_y == 0
    assert chart.bars[-1].signed_height == 0  # today, nothing
    assert [bar.day for bar in chart.bars if bar.label] == [
        today - timedelta(days=14),
        today - timedelta(days=7),
        today,
    ]
    assert chart.width == 15 * charts.DAY_WIDTH


def test_day_chart_of_an_empty_month_has_no_bars_taller_than_zero():
    today = timezone.now().date()
    chart = charts.day_chart([(today - timedelta(days=n), 0, 0) for n in range(30)])
    assert all(bar.signed_height == 0 and bar.confirmed_height == 0 for bar in chart.bars)


# --- Pages and who may see them ---------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    petition = PetitionFactory()
    for url in [reverse("organise:dashboard"), reverse("organise:letter", args=[petition.slug])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("role", "is_staff"), [(EDITOR, True), (REPRESENTATIVE, False), (None, False)])
def test_other_accounts_are_refused(client, role, is_staff):
    petition = PetitionFactory()
    client.force_login(make_user("someone@example.org", role=role, is_staff=is_staff, totp=True))
    assert client.get(reverse("organise:dashboard")).status_code == 403
    assert client.get(reverse("organise:letter", args=[petition.slug])).status_code == 403
    assert client.post(reverse("organise:letter-resend", args=[petition.slug])).status_code == 403


def test_an_organiser_without_two_factor_is_sent_to_set_it_up(client):
    client.force_login(make_user("new@example.org", role=ORGANISER, is_staff=True))
    response = client.get(reverse("organise:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_dashboard_lists_every_letter_with_its_figures_escaped(client):
    petition = PetitionFactory(title=f"Letter {HOSTILE}", goal=10)
    services.signature_confirm(signature=sign(petition, 1))
    sign(petition, 2)
    client.force_login(organiser())
    response = client.get(reverse("organise:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert "<script>alert" not in html
    assert reverse("organise:letter", args=[petition.slug]) in html
    assert "50%" in html  # one of two received was confirmed
    assert reverse("coalition:review") in html


def test_letter_dashboard_shows_chart_table_countries_and_delivery(client):
    petition = PetitionFactory()
    for n, country in enumerate(["FR", "FR", "DE"]):
        services.signature_confirm(signature=sign(petition, n, country))
    sign(petition, 7)
    client.force_login(organiser())
    response = client.get(reverse("organise:letter", args=[petition.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<title" in html and "<desc" in html
    today = timezone.now().date()
    # The table says what the chart shows: today's row, 4 received, 3 confirmed.
    assert f"<td>{today:%a} {today.day} {today:%b %Y}</td><td>4</td><td>3</td>" in html
    assert "France" in html and "Germany" in html
    assert "75%" in html
    assert "Mail to signers" in html


def test_letter_dashboard_of_an_unknown_letter_is_404(client):
    client.force_login(organiser())
    assert client.get(reverse("organise:letter", args=["no-such-letter"])).status_code == 404


def test_resend_from_the_dashboard_requires_post_and_queues_refused_mails(client):
    petition = PetitionFactory()
    refused = sign(petition, 1)
    OutboxMessage.objects.filter(object_id=refused.pk).update(status=OutboxMessage.Status.FAILED)
    services.signature_mail_refused(refused.pk)
    client.force_login(organiser())
    url = reverse("organise:letter-resend", args=[petition.slug])
    assert client.get(url).status_code == 405
    page = client.get(reverse("organise:letter", args=[petition.slug])).content.decode()
    assert url in page
    response = client.post(url, follow=True)
    assert "1 refused mails queued again." in response.content.decode()
    assert OutboxMessage.objects.filter(object_id=refused.pk, status=OutboxMessage.Status.PENDING).count() == 1


def test_dashboard_lists_applications_waiting_with_a_link_to_each(client):
    from tests.coalition.factories import ApplicationFactory

    application = ApplicationFactory()
    client.force_login(organiser())
    html = client.get(reverse("organise:dashboard")).content.decode()
    assert reverse("coalition:review-detail", args=[application.pk]) in html
    assert "1 application waiting" in html
    assert "Members at the end of each month" in html


# --- The admin --------------------------------------------------------------------------


def test_admin_carries_the_campaign_name_and_links_to_the_dashboard_and_queue(client):
    client.force_login(organiser())
    html = client.get(reverse("admin:index")).content.decode()
    assert "Ban Biometric Surveillance" in html
    assert f'href="{reverse("organise:dashboard")}"' in html
    assert f'href="{reverse("coalition:review")}"' in html


def test_admin_letter_list_shows_each_count_with_a_link_to_its_signatures(client):
    petition, other = PetitionFactory(), PetitionFactory()
    for n in range(3):
        services.signature_confirm(signature=sign(petition, n))
    sign(petition, 9)  # pending: not counted
    client.force_login(organiser())
    html = client.get(reverse("admin:petitions_petition_changelist")).content.decode()
    signatures = reverse("admin:petitions_signature_changelist")
    assert f'<a href="{signatures}?petition__id__exact={petition.pk}">3</a>' in html
    assert f'<a href="{signatures}?petition__id__exact={other.pk}">0</a>' in html
    assert reverse("organise:letter", args=[petition.slug]) in html


def test_an_editor_sees_no_link_to_pages_they_may_not_open(client):
    client.force_login(make_user("editor@example.org", role=EDITOR, is_staff=True, totp=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("organise:dashboard") not in html
    assert reverse("coalition:review") not in html
