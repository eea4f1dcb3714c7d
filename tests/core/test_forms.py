from campaign.petitions.forms import SignatureForm


def test_country_choices_are_shared_by_every_form_but_error_markup_is_not():
    invalid = SignatureForm({"country": "XX"})
    assert not invalid.is_valid()
    assert "country" in invalid.errors
    fresh = SignatureForm()
    assert fresh.fields["country"].choices is invalid.fields["country"].choices
    assert "aria-describedby" in invalid.fields["country"].widget.attrs
    assert "aria-describedby" not in fresh.fields["country"].widget.attrs
    assert "aria-describedby" not in str(fresh["country"])


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
