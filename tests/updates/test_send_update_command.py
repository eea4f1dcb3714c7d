"""`manage.py send_update`: the same update as the organisers' page, from a script."""

import pytest
from django.core.management import CommandError, call_command

from campaign.updates.models import Update
from tests.factories import PetitionFactory
from tests.updates.helpers import opted_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_file(tmp_path):
    path = tmp_path / "update.md"
    path.write_text("We **won**.\n", encoding="utf-8")
    return path


def test_a_dry_run_says_how_many_would_receive_it_and_sends_nothing(capsys, body_file):
    petition = PetitionFactory()
    opted_in(petition, 3)
    opted_in(petition, 1, wants_updates=False)
    call_command("send_update", letter=petition.slug, subject="News", body_file=str(body_file), dry_run=True)
    assert "3 people would receive" in capsys.readouterr().out
    assert not Update.objects.exists()


def test_the_command_queues_the_update_for_every_opted_in_signer(capsys, body_file):
    petition = PetitionFactory()
    opted_in(petition, 4)
    call_command("send_update", "--letter", petition.slug, "--subject", "News", "--body-file", str(body_file))
    update = Update.objects.get()
    assert update.state == Update.State.SENDING and update.recipients_queued == 4 and update.queued_at
    assert update.body == "We **won**." and "4 mails queued" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("letter", "subject", "message"),
    [("no-such-letter", "News", "No letter has the slug"), (None, "", "subject")],
)
def test_bad_input_is_a_clear_error(body_file, letter, subject, message):
    petition = PetitionFactory()
    with pytest.raises(CommandError, match=message):
        call_command("send_update", letter=letter or petition.slug, subject=subject, body_file=str(body_file))


def test_an_unreadable_body_file_is_a_clear_error(tmp_path):
    petition = PetitionFactory()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("send_update", letter=petition.slug, subject="News", body_file=str(tmp_path / "missing.md"))
