import pytest

from campaign.core.emails import normalise_email


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Jane.Doe@Example.org", "jane.doe@example.org"),
        ("jane.doe+petitions@gmail.com", "janedoe@gmail.com"),
        ("J.A.N.E.DOE@GoogleMail.com", "janedoe@gmail.com"),
        ("jane+news@proton.me", "jane@proton.me"),
        ("jane+news@example.org", "jane+news@example.org"),
        ("  jane@example.org.  ", "jane@example.org"),
    ],
)
def test_normalise_email_folds_case_dots_and_tags(typed, folded):
    assert normalise_email(typed) == folded
