"""An update sent by a real worker and beat: the worker SIGKILLed mid-send, restarted,
and every signer who asked gets the update once (at most the mails in flight twice);
one who unsubscribes meanwhile gets nothing; the update ends up "sent"."""

from __future__ import annotations

import os
import signal
import time

import pytest

from campaign.updates import services
from campaign.updates.models import Update
from tests.conftest import wait_until
from tests.factories import PetitionFactory
from tests.updates.helpers import opted_in

pytestmark = [pytest.mark.integration]

RATE = 20  # mails a second: the send lasts long enough to be killed in the middle


def test_a_worker_killed_mid_send_mails_no_one_twice_and_skips_no_one(make_stack, smtp, tmp_path):
    petition = PetitionFactory()
    signers = opted_in(petition, 60)
    late = signers[-1]  # the last one due: unsubscribes before their turn
    stack = make_stack(OUTBOX_SWEEP_SECONDS="2", OUTBOX_CLAIM_SECONDS="6", UPDATE_MAILS_PER_SECOND=str(RATE))
    stack.start_worker()
    stack.start_beat()
    body = tmp_path / "update.md"
    body.write_text("We **won** a hearing.", encoding="utf-8")
    stack.manage("send_update", "--letter", petition.slug, "--subject", "News", "--body-file", str(body))
    wait_until(lambda: len(smtp.messages) >= 10, timeout=60, what="the send to start")

    killed_at = time.monotonic()
    os.killpg(stack.worker.process.pid, signal.SIGKILL)
    stack.worker.process.wait()
    update = Update.objects.get()
    services.recipient_unsubscribe(recipient=update.recipients.get(signature=late))
    stack.start_worker()  # what a supervisor does

    wanted = [signer.email.lower() for signer in signers if signer != late]
    wait_until(lambda: all(smtp.to(address) for address in wanted), timeout=120, what="every mail")
    recovery = time.monotonic() - killed_at
    wait_until(lambda: Update.objects.get().state == Update.State.SENT, timeout=30, what="the update to be sent")
    duplicates = len(smtp.messages) - len(wanted)
    print(f"\nworker SIGKILLed mid-send: {len(wanted)} delivered, {duplicates} twice, {recovery:.1f}s after the kill")
    assert 0 <= duplicates <= 2  # --concurrency=2: one mail in flight per process
    assert not smtp.to(late.email)
    counts = services.update_counts(Update.objects.get())
    assert counts["pending"] == 0 and counts["unsubscribed"] == 1 and counts["cancelled"] == 1
