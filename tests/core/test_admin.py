"""Records only services write are read-only in the admin, for a superuser too."""

import pytest
from django.urls import reverse

from campaign.accounts.models import User
from campaign.coalition.models import Decision
from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import SignatureExport
from tests.accounts.helpers import enrol_totp
from tests.coalition.factories import ApplicationFactory, OrganisationFactory
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    user = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(user)
    client.force_login(user)
    return user


def read_only_records(boss) -> dict[str, object]:
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Someone", email="s@example.org", country="GB")
    )
    organisation = OrganisationFactory()
    return {
        "core_outboxmessage": OutboxMessage.objects.get(object_id=signature.pk),
        "coalition_application": ApplicationFactory(),
        "coalition_decision": Decision.objects.create(
            organisation=organisation, action="approve", reason="Fits.", decided_by=boss
        ),
        "petitions_signatureexport": SignatureExport.objects.create(petition=petition, exported_by=boss),
    }


def test_read_only_admins_never_add_change_or_delete(client, boss):
    for name, record in read_only_records(boss).items():
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
        change = client.get(reverse(f"admin:{name}_change", args=[record.pk]))
        assert change.status_code == 200, name
        assert 'name="_save"' not in change.content.decode(), name
        assert client.post(reverse(f"admin:{name}_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
        assert type(record).objects.filter(pk=record.pk).exists()
