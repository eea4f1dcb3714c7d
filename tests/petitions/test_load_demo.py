import pytest
from django.apps import apps
from django.core.management import call_command

from campaign.organise.selectors import letter_totals
from campaign.petitions.models import Petition, Signature
from campaign.petitions.selectors import signature_count

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_creates_an_open_letter_with_demands_and_marked_demo_signers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    petition = Petition.objects.get(slug="ban-biometric-mass-surveillance")
    assert petition.is_open
    assert petition.demands.count() >= 3
    assert petition.goal > 0
    assert "22 of the 43" in petition.body
    demo = Signature.objects.filter(petition=petition)
    assert demo.exists() and all(signature.is_demo for signature in demo)
    assert all(signature.email.endswith("@example.org") for signature in demo)
    assert signature_count(petition) == demo.count()
    # The dashboard counts them too, on the days they carry.
    totals = letter_totals(petition)
    assert totals.signed == totals.confirmed == demo.count()


def test_load_demo_twice_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    first = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert snapshot() == first
    petition = Petition.objects.get(slug="ban-biometric-mass-surveillance")
    assert letter_totals(petition).signed == Signature.objects.filter(petition=petition).count()
