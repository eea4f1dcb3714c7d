import pytest

from campaign.coalition.selectors import review_queue, review_signals
from tests.coalition.factories import (
    ApplicationFactory,
    ContactFactory,
    OrganisationFactory,
    PendingOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def application_with(email: str, **organisation):
    org = PendingOrganisationFactory(**organisation)
    return ApplicationFactory(organisation=org, contact=ContactFactory(organisation=org, email=email))


def test_matching_email_domain_raises_no_flag():
    signals = review_signals(application_with("jo@mail.rights.example.org", website="https://www.rights.example.org"))
    assert signals.domain_matches
    assert not signals.is_webmail
    assert not signals.worth_a_look


def test_different_email_domain_is_flagged():
    signals = review_signals(application_with("jo@elsewhere.example.net", website="https://rights.example.org"))
    assert not signals.domain_matches
    assert signals.worth_a_look


def test_webmail_address_is_flagged():
    signals = review_signals(application_with("someone@GMAIL.com", website="https://rights.example.org"))
    assert signals.is_webmail


def test_same_domain_as_a_known_organisation_is_a_likely_duplicate():
    member = OrganisationFactory(name="Liberty", website="https://www.libertyhumanrights.org.uk")
    signals = review_signals(
        application_with(
            "a@libertyhumanrights.org.uk", name="Totally Different", website="https://libertyhumanrights.org.uk/join"
        )
    )
    assert [(d.organisation, d.same_domain) for d in signals.duplicates] == [(member, True)]


@pytest.mark.parametrize("name", ["Privacy International", "privacy  internationall", "The Privacy International"])
def test_similar_name_is_a_likely_duplicate(name):
    member = OrganisationFactory(
        name="Privacy International", short_name="PI", website="https://privacyinternational.org"
    )
    signals = review_signals(
        application_with("x@pi-new.example.org", name=name, short_name="", website="https://pi-new.example.org")
    )
    assert [d.organisation for d in signals.duplicates] == [member]
    assert signals.duplicates[0].similar_name


def test_unrelated_names_are_not_duplicates():
    OrganisationFactory(name="Privacy International", website="https://privacyinternational.org")
    signals = review_signals(
        application_with("x@b.example.org", name="Big Brother Watch", short_name="", website="https://b.example.org")
    )
    assert signals.duplicates == []


def test_declined_organisations_are_not_counted_as_duplicates():
    PendingOrganisationFactory(name="Liberty", status="declined", website="https://liberty.example.org")
    signals = review_signals(
        application_with("x@liberty.example.org", name="Liberty", website="https://liberty.example.org")
    )
    assert signals.duplicates == []


def test_queue_holds_confirmed_undecided_applications_only():
    waiting = ApplicationFactory()
    ApplicationFactory(confirmed_at=None, organisation__status="applied")
    ApplicationFactory(organisation__status="declined", outcome="declined", decided_at=waiting.confirmed_at)
    assert list(review_queue()) == [waiting]


def test_member_timeline_counts_members_at_each_month_end():
    from datetime import UTC, date, datetime

    from campaign.coalition.selectors import member_timeline

    def at(year, month, day):
        return datetime(year, month, day, 12, tzinfo=UTC)

    OrganisationFactory(joined_at=at(2026, 9, 15))
    OrganisationFactory(joined_at=at(2026, 11, 2))
    OrganisationFactory(joined_at=at(2026, 9, 1), status="left", left_at=at(2026, 10, 20))
    PendingOrganisationFactory()
    bars = member_timeline(months=4, today=date(2026, 11, 23))
    assert [(bar.month, bar.members) for bar in bars] == [
        (date(2026, 8, 1), 0),
        (date(2026, 9, 1), 2),
        (date(2026, 10, 1), 1),
        (date(2026, 11, 1), 2),
    ]
    assert max(bar.height for bar in bars) == 120
    assert all(bar.y + bar.height == 120 for bar in bars)
