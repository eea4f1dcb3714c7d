import pytest

from campaign.petitions import services
from campaign.petitions.models import Petition
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def test_api_list_returns_public_letters_with_counts(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory(goal=500)
    PetitionFactory(status=Petition.Status.DRAFT)
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="A", email="a@example.org", country="GB")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    response = client.get("/api/petitions/")
    assert response.status_code == 200
    assert "max-age=10" in response["Cache-Control"] and "public" in response["Cache-Control"]
    results = response.json()["results"]
    assert results == [
        {
            "slug": petition.slug,
            "title": petition.title,
            "language": "en",
            "url": f"http://127.0.0.1:8000{petition.get_absolute_url()}",
            "translations": [],
            "signature_count": 1,
            "goal": 500,
            "status": "open",
            "organisations": 0,
        }
    ]


def test_api_detail_returns_one_letter(client):
    petition = PetitionFactory()
    data = client.get(f"/api/petitions/{petition.slug}/").json()
    assert data["slug"] == petition.slug
    assert data["signature_count"] == 0


@pytest.mark.parametrize("path", ["/api/petitions/no-such-letter/", "/api/nothing-here/"])
def test_api_unknown_is_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


def test_api_draft_is_json_404(client):
    petition = PetitionFactory(status=Petition.Status.DRAFT)
    assert client.get(f"/api/petitions/{petition.slug}/").status_code == 404


def test_api_refuses_post(client):
    assert client.post("/api/petitions/").status_code == 405
