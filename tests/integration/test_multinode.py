"""The site on several machines' parts, on loopback, with real processes: nginx balancing
two web nodes, two Celery workers, one beat (then two), PgBouncer in transaction pooling
mode before the test database, the machine's Redis as cache and broker
(tests/integration/stack.py, Cluster). Parts are SIGKILLed mid-work; every scenario
checks the ledger: each signature whose POST got a 302 is stored once and mailed once.

The outbox's intervals are shortened through settings, as in test_faults.py; each test
prints its figures (pytest -s shows them).
"""

from __future__ import annotations

import json
import random
import re
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psutil
import pytest
from django.db import connection
from django.utils import timezone

from campaign.core import outbox
from campaign.core.models import OutboxMessage
from campaign.petitions import services as petition_services
from campaign.petitions.models import Signature
from tests.conftest import wait_until
from tests.factories import PetitionFactory, SignatureFactory
from tests.integration.stack import Cluster, Visitor

pytestmark = [pytest.mark.integration]

SWEEP_SECONDS = 1
PUBLIC_PAGE_SECONDS = 2
CONFIRM_LINK = re.compile(r"/letters/[^/\s]+/confirm/[^/\s]+/")


@pytest.fixture
def make_cluster(transactional_db, smtp, collected_static, tmp_path):
    clusters: list[Cluster] = []

    def make(**env: str) -> Cluster:
        cluster = Cluster(tmp_path=tmp_path, database=connection.settings_dict, smtp_port=smtp.port, env=env)
        clusters.append(cluster)
        cluster.start()
        return cluster

    yield make
    for cluster in clusters:
        cluster.stop()


def sign_all(url: str, slug: str, addresses: list[str], clients: int, attempts: int = 3) -> dict[str, list]:
    """Each address signs through `url` from its own browser, `clients` at once; a POST
    that fails (an error status or no answer) is tried again from a fresh page, as a
    person would. Returns every attempt's status (0: no answer) per address."""

    def sign(address: str) -> list:
        statuses = []
        for _ in range(attempts):
            try:
                status = Visitor(url).sign(slug, address).status
            except OSError:
                status = 0
            statuses.append(status)
            if status == 302:
                break
        return statuses

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return dict(zip(addresses, pool.map(sign, addresses), strict=True))


def mails_of_signature(signature: Signature) -> int:
    return OutboxMessage.objects.filter(object_id=signature.pk, status=OutboxMessage.Status.SENT).count()


def assert_ledger(smtp, outcomes: dict[str, list], timeout: float = 60) -> dict[str, int]:
    """Every address whose POST got a 302 is stored once and mailed: once when its first
    POST was answered, once per outbox row when a failed POST was tried again (a repeat
    is a reminder). Nothing is left pending. Returns the figures."""
    accepted = [address for address, statuses in outcomes.items() if 302 in statuses]
    first_try = [address for address, statuses in outcomes.items() if statuses == [302]]
    stored = Counter(Signature.objects.filter(email__in=list(outcomes)).values_list("email", flat=True))
    assert all(stored[address] == 1 for address in accepted), [a for a in accepted if stored[a] != 1]
    wait_until(lambda: all(smtp.to(address) for address in accepted), timeout=timeout, what="every accepted mail")
    wait_until(
        lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists(),
        timeout=timeout,
        what="an empty outbox",
    )
    time.sleep(SWEEP_SECONDS * 2)  # a duplicate would arrive now
    duplicates = sum(len(smtp.to(address)) - 1 for address in first_try)
    for signature in Signature.objects.filter(email__in=list(outcomes)):
        assert len(smtp.to(signature.email)) == mails_of_signature(signature), signature.email
    assert duplicates == 0
    return {"accepted": len(accepted), "first_try": len(first_try), "stored": sum(stored.values())}


def tree_cpu(child) -> float:
    root = psutil.Process(child.pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def wal_position() -> float:
    """Bytes of WAL the server has written (every database's: an upper bound)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
        return float(cursor.fetchone()[0])


def count_on(url: str, slug: str) -> int:
    return json.loads(Visitor(url).get(f"/api/petitions/{slug}/").body)["signature_count"]


def test_surge_across_two_web_nodes_then_one_killed_midway_every_accepted_signature_is_mailed_once(make_cluster, smtp):
    petition = PetitionFactory()
    cluster = make_cluster(OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS), PUBLIC_PAGE_SECONDS=str(PUBLIC_PAGE_SECONDS))
    web_a, web_b = cluster.part("web-a"), cluster.part("web-b")

    # 1. A surge through nginx: both nodes serve it.
    cpu_before = {node.name: tree_cpu(node) for node in (web_a, web_b)}
    wal_before = wal_position()
    addresses = [f"surge{n}@example.org" for n in range(240)]
    started = time.monotonic()
    outcomes = sign_all(cluster.url, petition.slug, addresses, clients=12)
    seconds = time.monotonic() - started
    cpu = {node.name: tree_cpu(node) - cpu_before[node.name] for node in (web_a, web_b)}
    figures = assert_ledger(smtp, outcomes)
    wal_per_signature = (wal_position() - wal_before) / figures["accepted"]
    print(
        f"\nsurge across two nodes: {figures['accepted']} signatures in {seconds:.1f}s "
        f"({figures['accepted'] / seconds:.0f}/s), CPU web-a {cpu['web-a']:.1f}s web-b {cpu['web-b']:.1f}s, "
        f"{len(smtp.messages)} mails, 0 duplicates; the server's WAL {wal_per_signature / 1024:.1f} kB per signature"
    )
    assert figures["first_try"] == len(addresses)  # no node failed: every POST answered at once
    assert min(cpu.values()) > 0.2 * max(cpu.values())  # the balancer spread the load

    # 2. The page and count caches agree across nodes: a confirmation on node a shows on
    # node b (read directly) and through nginx within twice PUBLIC_PAGE_SECONDS.
    before = {where: count_on(url, petition.slug) for where, url in cluster_readers(cluster).items()}
    assert len(set(before.values())) == 1, before
    link = CONFIRM_LINK.search(smtp.to(addresses[0])[0].get_body(("plain",)).get_content()).group(0)
    confirmed = Visitor(cluster.node_url("a")).post_form(link, link, {})
    assert confirmed.status == 200, confirmed.body[:300]
    confirmed_at = time.monotonic()
    shown_after = {}
    for where, url in cluster_readers(cluster).items():
        wait_until(lambda url=url: count_on(url, petition.slug) == before["nginx"] + 1, timeout=30, what=where)
        shown_after[where] = time.monotonic() - confirmed_at
    print("confirmation on node a shown after: " + ", ".join(f"{w} {s:.1f}s" for w, s in shown_after.items()))
    assert max(shown_after.values()) <= 2 * PUBLIC_PAGE_SECONDS + 1

    # 3. Node b is SIGKILLed in the middle of a second surge.
    smtp.clear()
    addresses = [f"crash{n}@example.org" for n in range(240)]
    killer = threading.Timer(1.0, web_b.kill)
    killer.start()
    started = time.monotonic()
    outcomes = sign_all(cluster.url, petition.slug, addresses, clients=12)
    seconds = time.monotonic() - started
    killer.join()
    assert not web_b.running()
    figures = assert_ledger(smtp, outcomes)
    failed_posts = sum(1 for statuses in outcomes.values() for status in statuses if status != 302)
    retried = sum(1 for statuses in outcomes.values() if len(statuses) > 1)
    print(
        f"web node b SIGKILLed 1s into a surge: {figures['accepted']} of {len(addresses)} accepted in {seconds:.1f}s, "
        f"{failed_posts} failed attempt(s) (in flight on node b), {retried} retried by their client, "
        f"{len(smtp.messages)} mails, 0 duplicates"
    )
    assert figures["accepted"] == len(addresses)
    # Only the requests in flight on node b when it died fail: nginx sends the rest to
    # node a, and never a POST that had reached node b.
    assert failed_posts <= 12


def cluster_readers(cluster: Cluster) -> dict[str, str]:
    return {"node a": cluster.node_url("a"), "node b": cluster.node_url("b"), "nginx": cluster.url}


# A worker's claim in this test: long enough that a mail waiting for it (rather than for
# a surviving worker to take over) shows.
CLAIM_SECONDS = 12
KILLS = 10
SIGNATURES_PER_ROUND = 40
SINK_SECONDS_PER_MAIL = 0.03
# A mail the dead worker had not claimed: a sweep finds it late (DRAIN_LATE_SECONDS after
# it was queued) and queues a drain, which sends the round's mails one after another; a
# mail it had claimed: its claim, then a sweep and the same sending. Two seconds more for
# a loaded two-core machine (CI's first run has the embedded PostgreSQL behind PgBouncer).
UNCLAIMED_BOUND = outbox.DRAIN_LATE_SECONDS + 2 * SWEEP_SECONDS + SIGNATURES_PER_ROUND * SINK_SECONDS_PER_MAIL + 2
CLAIMED_BOUND = CLAIM_SECONDS + 2 * SWEEP_SECONDS + SIGNATURES_PER_ROUND * SINK_SECONDS_PER_MAIL + 4


def test_a_worker_killed_at_random_moments_is_replaced_at_once_and_every_mail_goes_out_once(make_cluster, smtp):
    petition = PetitionFactory()
    cluster = make_cluster(OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS), OUTBOX_CLAIM_SECONDS=str(CLAIM_SECONDS))
    smtp.delay = SINK_SECONDS_PER_MAIL  # a drain takes a while: kills land on mails claimed and in flight
    rounds = []
    randomness = random.Random()
    for round_number in range(KILLS):
        victim = cluster.part(f"worker-{'ab'[round_number % 2]}")
        addresses = [f"kill{round_number}-{n}@example.org" for n in range(SIGNATURES_PER_ROUND)]
        with ThreadPoolExecutor(max_workers=1) as pool:
            surge = pool.submit(sign_all, cluster.url, petition.slug, addresses, 8)
            time.sleep(randomness.uniform(0.3, 3.0))
            victim.signal(signal.SIGKILL)
            killed_at = timezone.now()
            victim.process.wait()
            claimed = set(
                OutboxMessage.objects.filter(
                    status=OutboxMessage.Status.PENDING, claimed_until__gt=killed_at
                ).values_list("pk", flat=True)
            )
            outcomes = surge.result()
        assert all(statuses == [302] for statuses in outcomes.values())  # the web was never at fault
        # The sink receives a mail a moment before its worker records it as sent.
        sent = OutboxMessage.objects.filter(
            object_id__in=Signature.objects.filter(email__in=addresses).values("pk"), sent_at__isnull=False
        )
        wait_until(
            lambda addresses=addresses, sent=sent: (
                all(smtp.to(address) for address in addresses) and sent.count() == len(addresses)
            ),
            timeout=CLAIMED_BOUND + 30,
            what="every mail of the round, sent and recorded",
        )
        recovered = (timezone.now() - killed_at).total_seconds()
        rows = OutboxMessage.objects.filter(
            object_id__in=Signature.objects.filter(email__in=addresses).values("pk")
        ).values_list("pk", "created_at", "sent_at")
        unclaimed_delay = max(
            [
                (sent - max(created, killed_at)).total_seconds()
                for pk, created, sent in rows
                if pk not in claimed and sent > killed_at
            ],
            default=0,
        )
        claimed_delay = max([(sent - killed_at).total_seconds() for pk, _, sent in rows if pk in claimed], default=0)
        duplicates = sum(len(smtp.to(address)) - 1 for address in addresses)
        rounds.append((victim.name, len(claimed), unclaimed_delay, claimed_delay, duplicates, recovered))
        cluster.start_worker(victim.name.removeprefix("worker-"))  # for the next round, as a supervisor would

    wait_until(
        lambda: not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists(),
        timeout=30,
        what="an empty outbox",
    )
    print(
        f"\n{KILLS} workers SIGKILLed at random moments of a {SIGNATURES_PER_ROUND}-signature surge each "
        f"(claim {CLAIM_SECONDS}s):"
    )
    for victim, held, unclaimed_delay, claimed_delay, duplicates, recovered in rounds:
        print(
            f"  {victim}: {held} mails claimed at the kill; others delayed at most {unclaimed_delay:.1f}s, "
            f"claimed ones {claimed_delay:.1f}s; {duplicates} duplicate(s); all out {recovered:.1f}s after the kill"
        )
    total = len(smtp.messages)
    duplicates = sum(round_[4] for round_ in rounds)
    print(f"  {KILLS * SIGNATURES_PER_ROUND} signatures, {total} mails, {duplicates} duplicate(s)")
    assert max(round_[2] for round_ in rounds) <= UNCLAIMED_BOUND
    assert max(round_[3] for round_ in rounds) <= CLAIMED_BOUND
    # At most the mails in flight when a worker died (its concurrency) go out twice.
    assert all(round_[4] <= 2 for round_ in rounds)
    assert total == KILLS * SIGNATURES_PER_ROUND + duplicates


def test_a_second_beat_started_by_mistake_sends_nothing_twice(make_cluster, smtp, monkeypatch):
    petition = PetitionFactory()
    cluster = make_cluster(OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS))
    cluster.start_beat("beat-2")
    # Mails the broker never got (signed here, where the broker is down): both beats'
    # sweeps hand them over at the same time.
    from kombu.exceptions import OperationalError as BrokerError

    from campaign.core.tasks import outbox_drain_task

    def broker_down(*args, **kwargs):
        raise BrokerError("connection refused")

    monkeypatch.setattr(outbox_drain_task, "delay", broker_down)
    unqueued = [f"unqueued{n}@example.org" for n in range(30)]
    for address in unqueued:
        details = petition_services.SignatureDetails(name="Amara", email=address, country="GB")
        petition_services.signature_create(petition=petition, details=details)
    monkeypatch.undo()
    assert OutboxMessage.objects.filter(queued_at__isnull=True).count() == len(unqueued)
    # Mail from visitors meanwhile.
    outcomes = sign_all(cluster.url, petition.slug, [f"visitor{n}@example.org" for n in range(40)], clients=8)
    outcomes.update({address: [302] for address in unqueued})
    time.sleep(SWEEP_SECONDS * 4)
    figures = assert_ledger(smtp, outcomes)

    # The hourly purges and reconciliation, as two beats would send them at one moment:
    # each is idempotent (what is erased is no longer selected; the count is rebuilt).
    stale = SignatureFactory(petition=petition, email="old@example.org")
    Signature.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=30))
    scheduled = [
        "campaign.petitions.tasks.signatures_purge_task",
        "campaign.petitions.tasks.signatures_anonymise_task",
        "campaign.petitions.tasks.counts_reconcile_task",
        "campaign.privacy.tasks.access_requests_purge_task",
        "campaign.coalition.tasks.applications_purge_task",
    ]
    cluster.send_tasks([(name, []) for name in scheduled for _ in range(2)])
    wait_until(lambda: not Signature.objects.filter(pk=stale.pk).exists(), timeout=30, what="the purge")
    time.sleep(2)
    sweeps = {name: cluster.part(name).log().count("outbox-sweep") for name in ("beat", "beat-2")}
    logs = cluster.part("worker-a").log() + cluster.part("worker-b").log()
    print(
        f"\ntwo beats ({sweeps['beat']} and {sweeps['beat-2']} sweeps sent): {figures['accepted']} mails "
        f"({len(unqueued)} handed over by both beats' sweeps at once), 0 duplicates; "
        f"{len(scheduled)} scheduled tasks run twice at once without an error"
    )
    assert min(sweeps.values()) >= 3
    assert "Traceback" not in logs and " ERROR/" not in logs
    assert count_on(cluster.url, petition.slug) == Signature.objects.counted().filter(petition=petition).count()


def test_pgbouncer_ini_leaves_no_placeholder_unfilled():
    from campaign.core import processes

    rendered = processes.pgbouncer_config(**dict.fromkeys(processes.PGBOUNCER_PLACEHOLDERS, "x"))
    settings_lines = [line for line in rendered.splitlines() if not line.startswith(";")]
    assert not [line for line in settings_lines if "${" in line]
    assert "pool_mode = transaction" in settings_lines


def test_database_pooler_pgbouncer_turns_server_side_cursors_off():
    """Behind PgBouncer in transaction mode a server-side cursor could be fetched from
    on another server connection than the one that declared it."""
    import os
    import subprocess
    import sys

    from tests.conftest import BASE_DIR

    def cursors_off(pooler: str) -> str:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "campaign.settings", "DATABASE_POOLER": pooler}
        env.update(DATABASE_URL="postgres://nobody@127.0.0.1:1/never-connected", DJANGO_DEBUG="true")
        code = (
            "from django.conf import settings; print(settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'))"
        )
        return subprocess.run(
            [sys.executable, "-c", "import django; django.setup();" + code],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()  # fmt: skip

    assert cursors_off("pgbouncer") == "True"
    assert cursors_off("") == "False"
