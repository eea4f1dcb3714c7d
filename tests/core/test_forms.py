import pytest
from django import forms
from django.core import signing
from django.template.loader import render_to_string

from campaign.core.forms import AccessibleForm, HoneypotForm, PlainLineField, StampedForm
from campaign.petitions.forms import SignatureForm
from tests.core.helpers import old_stamp


class NoteForm(StampedForm):
    stamp_salt = "tests.note"

    note = PlainLineField(max_length=20)


class OtherNoteForm(StampedForm):
    stamp_salt = "tests.other-note"

    note = forms.CharField()


def stamp_errors(form: StampedForm) -> list[str]:
    form.is_valid()
    return [error.code for error in form.non_field_errors().as_data()]


def test_sign_forms_have_fields_of_their_own_and_the_accessible_error_markup():
    invalid = SignatureForm({"country": "XX"})
    assert not invalid.is_valid()
    assert "country" in invalid.errors
    fresh = SignatureForm()
    assert fresh.fields["email"] is not invalid.fields["email"]
    assert 'aria-describedby="id_country-error"' in str(invalid["country"])
    assert 'aria-invalid="true"' in str(invalid["country"])
    assert "aria-describedby" not in str(fresh["country"])
    assert "aria-invalid" not in str(fresh["country"])
    # The error comes first, then the help text, each by the id the templates give it.
    assert 'aria-describedby="id_email-error id_email_helptext"' in str(invalid["email"])
    assert 'aria-describedby="id_email_helptext"' in str(fresh["email"])
    fresh.fields["email"].widget.attrs["class"] = "changed"
    assert "changed" not in str(SignatureForm()["email"])


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


@pytest.mark.parametrize("value", ["see www.example.com", "http://x.example", "Bell\x07 Group"])
def test_plain_line_field_refuses_web_addresses_and_control_characters(value):
    assert not NoteForm({"note": value, "stamp": old_stamp(NoteForm)}).is_valid()


def test_honeypot_form_names_a_bot_by_its_filled_honeypot():
    class Form(HoneypotForm):
        honeypot_name = "nickname"

    assert Form({"nickname": "x"}).is_bot
    assert not Form({"nickname": ""}).is_bot
    assert not Form().is_bot
    html = str(Form().honeypot)
    assert 'name="nickname"' in html and 'tabindex="-1"' in html


def test_stamped_form_accepts_a_stamp_older_than_the_minimum_fill_time(settings):
    settings.SIGN_MIN_FILL_SECONDS = 10
    assert NoteForm({"note": "hello", "stamp": old_stamp(NoteForm, 30)}).is_valid()


def test_stamped_form_refuses_a_form_sent_back_too_fast(settings):
    settings.SIGN_MIN_FILL_SECONDS = 60
    assert stamp_errors(NoteForm({"note": "hello", "stamp": old_stamp(NoteForm, 30)})) == ["too_fast"]


def test_stamped_form_refuses_a_stamp_past_its_maximum_age():
    stamp = old_stamp(NoteForm, NoteForm.stamp_max_age + 5)
    assert stamp_errors(NoteForm({"note": "hello", "stamp": stamp})) == ["expired"]


@pytest.mark.parametrize("stamp", ["", ".", ":", "1796237294613", "not:a:stamp", "ünïcode:x:y", "\x00"])
def test_stamped_form_counts_a_stamp_that_is_not_ours_as_expired(stamp):
    assert stamp_errors(NoteForm({"note": "hello", "stamp": stamp})) == ["expired"]


def test_stamped_form_refuses_a_stamp_made_for_another_form():
    assert stamp_errors(NoteForm({"note": "hello", "stamp": old_stamp(OtherNoteForm)})) == ["expired"]


def test_stamped_form_refuses_an_altered_stamp():
    value, _sep, signature = old_stamp(NoteForm).rpartition(":")
    altered = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    assert stamp_errors(NoteForm({"note": "hello", "stamp": altered})) == ["expired"]


def test_stamped_form_accepts_a_stamp_made_with_a_retired_secret_key(settings):
    stamp = old_stamp(NoteForm)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-that-is-long-enough-to-be-used-here"
    assert NoteForm({"note": "hello", "stamp": stamp}).is_valid()
    settings.SECRET_KEY_FALLBACKS = []
    assert stamp_errors(NoteForm({"note": "hello", "stamp": stamp})) == ["expired"]


def test_stamped_form_renders_a_fresh_stamp_even_when_sent_back():
    sent = NoteForm({"note": "hello", "stamp": "stale"})
    sent.is_valid()
    rendered = str(sent["stamp"])
    assert "stale" not in rendered
    fresh = rendered.split('value="')[1].split('"')[0]
    assert signing.TimestampSigner(salt=NoteForm.stamp_signer().salt).unsign(fresh, max_age=60) == ""


def test_stamped_form_needs_a_salt_of_its_own():
    with pytest.raises(TypeError):

        class Unsalted(NoteForm):
            pass


class ChoiceForm(AccessibleForm):
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree.")


def test_field_partial_groups_radio_buttons_in_a_fieldset_with_their_error():
    form = ChoiceForm({})
    form.is_valid()
    html = render_to_string("core/_field.html", {"field": form["kind"]})
    assert '<fieldset class="field field--group field--error" aria-describedby="id_kind-error">' in html
    assert "<legend>Kind" in html
    assert 'id="id_kind-error"' in html


def test_field_partial_puts_a_link_after_a_checkbox_label():
    form = ChoiceForm({})
    form.is_valid()
    html = render_to_string("core/_field.html", {"field": form["agree"], "link_url": "/privacy/", "link_text": "Read"})
    assert '<label for="id_agree">I agree. <a href="/privacy/">Read</a></label>' in html
    assert 'aria-describedby="id_agree-error"' in html


def test_country_choices_are_named_in_the_language_of_the_request():
    from django.utils import translation

    with translation.override("fr"):
        assert '<option value="DE">Allemagne</option>' in str(SignatureForm()["country"])
    assert '<option value="DE">Germany</option>' in str(SignatureForm()["country"])


def test_country_field_refuses_a_code_that_is_no_country():
    assert SignatureForm({"country": "ZZ"}).errors["country"]
    assert "country" not in SignatureForm({"country": "FR"}).errors
