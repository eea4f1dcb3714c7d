"""Property-based: whatever is posted to the sign form, no 500 and nothing stored
unless the input is valid."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.core.models import OutboxMessage
from campaign.petitions.forms import SignatureForm
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

text = st.text(max_size=300)
hostile = st.sampled_from(
    [
        "",
        "<script>alert(1)</script>",
        "a\r\nBcc: victim@example.org",
        "=cmd|' /C calc'!A0",
        "\x00",
        "http://x.com",
        "Zoë O'Brien",
        "  ",
        "x" * 2000,
        "@example.org",
        "a@b",
        "ä@ü.de",
    ]
)
field = st.one_of(text, hostile)
form_data = st.fixed_dictionaries(
    {},
    optional={
        "name": field,
        "email": st.one_of(field, st.emails()),
        "country": st.one_of(field, st.sampled_from(["GB", "FR", "ZZ", ""])),
        "city": field,
        "affiliation": field,
        "consent": st.sampled_from(["on", "", "false", "1"]),
        "is_public": st.sampled_from(["on", "", "yes"]),
        "confirmed_at": st.just("2020-01-01T00:00:00Z"),
        "is_demo": st.just("on"),
        "petition_version": st.just("99"),
    },
)


@pytest.fixture
def petition():
    return PetitionFactory()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=form_data)
def test_sign_form_never_errors_and_stores_only_valid_input(client, petition, data):
    before = Signature.objects.count()
    response = client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), data)
    assert response.status_code in (200, 302)
    stored = Signature.objects.count() - before
    form = SignatureForm(data)
    if not form.is_valid() or form.is_bot:
        assert stored == 0
    else:
        assert stored <= 1  # a repeat address adds no row
    for signature in Signature.objects.filter(petition=petition):
        # Extra fields posted by hand never reach the model.
        assert signature.confirmed_at is None
        assert not signature.is_demo
        assert signature.petition_version == petition.version
    assert OutboxMessage.objects.count() <= Signature.objects.count() * 4
