"""Organisers' notices through the outbox, a real Celery worker and a real SMTP server:
a letter passing its goal, once, to every organiser, none of them seeing the others."""

import pytest

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from tests.coalition.helpers import organiser
from tests.conftest import wait_until
from tests.factories import PetitionFactory
from tests.petitions.test_concurrency import pending_signatures

pytestmark = [pytest.mark.integration]


def test_a_letter_passing_its_goal_mails_the_organisers_once_over_smtp(worker, smtp):
    boss, colleague = organiser(), organiser("second@example.org")
    petition = PetitionFactory(goal=10)
    for signature in pending_signatures(petition, 12, "GB"):
        services.signature_confirm(signature=signature)
    wait_until(
        lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists(),
        what="every mail sent",
    )
    notices = [message for message in smtp.messages if "Goal reached" in message["Subject"]]
    assert len(notices) == 1
    (notice,) = notices
    assert notice["To"] is None and notice["Bcc"] is None  # Bcc travels in the envelope only
    assert sorted(notice.envelope_to) == sorted([boss.email, colleague.email])
    body = notice.get_body(preferencelist=("plain",)).get_content()
    assert f"/organise/letters/{petition.slug}/" in body
    assert OutboxMessage.objects.filter(kind=services.MAIL_MILESTONE, status=OutboxMessage.Status.SENT).count() == 1
