"""?wall= on the letter page: any value is a page, or a 404, never a deep OFFSET or a 500."""

import pytest
from django.test import Client

from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    ["", "0", "-1", "-99999999999999999999", "abc", "1e9", "nan", " 2 ", "%00", "٣", "9" * 5000, "2", "200"],
)
def test_wall_page_hostile_values_give_a_page(value):
    petition = PetitionFactory()
    assert Client().get(petition.get_absolute_url(), {"wall": value}).status_code == 200


@pytest.mark.parametrize("value", ["201", "99999", str(2**63), str(10**30), "9" * 4000])
def test_wall_page_past_the_last_shown_is_404(value):
    petition = PetitionFactory()
    assert Client().get(petition.get_absolute_url(), {"wall": value}).status_code == 404
