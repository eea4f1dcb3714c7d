import time

import pytest
from django.core.exceptions import ValidationError

from campaign.core.forms import check_form_stamp, make_form_stamp
from campaign.petitions.forms import SignatureForm


def test_sign_forms_share_their_fields_but_not_their_error_markup():
    invalid = SignatureForm({"country": "XX"})
    assert not invalid.is_valid()
    assert "country" in invalid.errors
    fresh = SignatureForm()
    assert fresh.fields["country"] is invalid.fields["country"]
    assert fresh.fields["country"].choices is invalid.fields["country"].choices
    assert 'aria-describedby="id_country-error"' in str(invalid["country"])
    assert 'aria-invalid="true"' in str(invalid["country"])
    assert "aria-describedby" not in str(fresh["country"])
    assert "aria-invalid" not in str(fresh["country"])
    # The error comes first, then the help text, each by the id the templates give it.
    assert 'aria-describedby="id_email-error id_email_helptext"' in str(invalid["email"])
    assert 'aria-describedby="id_email_helptext"' in str(fresh["email"])
    # Each instance still has its own dict of fields.
    del fresh.fields["website"]
    assert "website" in SignatureForm().fields


def test_country_field_still_validates_and_renders_a_chosen_country():
    form = SignatureForm({"country": "GB"})
    form.is_valid()
    assert form.cleaned_data["country"] == "GB"
    assert '<option value="GB" selected>' in str(form["country"])


def test_country_field_refuses_codes_that_are_not_choices_in_every_copy():
    for _ in range(3):  # each form is a copy of the class's fields
        form = SignatureForm({"name": "Amara", "email": "a@example.org", "consent": "on", "country": "XX", "stamp": ""})
        assert not form.is_valid()
        assert form.has_error("country", code="invalid_choice")
    assert SignatureForm().fields["country"].valid_value("GB")
    assert not SignatureForm().fields["country"].valid_value("gb ")


def test_form_stamp_gives_the_time_it_was_made():
    made = make_form_stamp(salt="a form", at=time.time() - 30)
    check_form_stamp(made, salt="a form", min_seconds=10)
    with pytest.raises(ValidationError) as refused:
        check_form_stamp(made, salt="a form", min_seconds=60)
    assert refused.value.code == "too_fast"


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        ".",
        "1796237294613",
        "1796237294613.",
        "not-a-time.abc",
        "\uff11\uff17\uff19\uff16.abc",  # fullwidth digits: digits, but not ASCII ones
        "²³.abc",
        "1" * 40 + ".abc",
        "1796237294613.ünïcode",
        "1796237294613.\x00",
    ],
)
def test_form_stamp_that_is_not_ours_counts_as_expired(stamp):
    with pytest.raises(ValidationError) as refused:
        check_form_stamp(stamp, salt="a form", min_seconds=0)
    assert refused.value.code == "expired"


def test_form_stamp_is_refused_when_altered_made_for_another_form_or_too_old():
    made = make_form_stamp(salt="a form", at=time.time() - 30)
    moment, _dot, mac = made.partition(".")
    altered = [
        f"{int(moment) - 60_000}.{mac}",  # made to look older than it is
        f"{moment}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
    ]
    for stamp in altered:
        with pytest.raises(ValidationError):
            check_form_stamp(stamp, salt="a form", min_seconds=0)
    with pytest.raises(ValidationError):
        check_form_stamp(made, salt="another form", min_seconds=0)
    with pytest.raises(ValidationError) as refused:
        check_form_stamp(made, salt="a form", min_seconds=0, max_age=10)
    assert refused.value.code == "expired"


def test_form_stamp_made_with_a_retired_secret_key_is_still_accepted(settings):
    made = make_form_stamp(salt="a form", at=time.time() - 30)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-that-is-long-enough-to-be-used-here"
    check_form_stamp(made, salt="a form", min_seconds=10)
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValidationError):
        check_form_stamp(made, salt="a form", min_seconds=10)
