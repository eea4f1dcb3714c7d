"""The updates scenario: an update to BENCH_UPDATE_SIGNERS (100,000) opted-in signers.

Inserts the signers with one SQL statement, runs `manage.py send_update` (which queues
every mail and says how long that took), then watches the SMTP sink until every signer
has their mail: the delivery rate (from the sink's own timestamps), and the RSS of the
Celery worker's processes sampled every half second, so a leak shows as growth. The
stack's UPDATE_MAILS_PER_SECOND (the worker paces the mails) is BENCH_UPDATE_RATE
(default 500/s): above the target, so the rate measured is what this machine delivers up to 500/s, yet not so far
above it that mails wait past OUTBOX_CLAIM_SECONDS, when the outbox's sweep would hand
them over one task each (what a production rate set beyond the machine would cost).
The worker's steps (the send's own and beat's every second) drain in parallel up to its
concurrency. The CPU each part spent per mail is printed as for the other scenarios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
WORK = BASE_DIR / "var" / "bench"

SIGNERS = int(os.environ.get("BENCH_UPDATE_SIGNERS", "100000"))
RATE = int(os.environ.get("BENCH_UPDATE_RATE", "500"))  # the stack's worker gets it too (bench/run.py)
SLUG = "updates-bench"
BODY = """Dear supporter,

The committee **will hear us** on Monday. Thank you for signing: it made the difference.

- Write to your representative
- Share the letter with a friend

[Read the letter](https://campaign.invalid/letters/updates-bench/)
"""


def _insert_signers(stack) -> int:
    petition_id = stack.sql(
        "INSERT INTO petitions_petition (created_at, updated_at, kind, title, slug, summary, body, addressee, goal,"
        " status, language, version, text_fingerprint) VALUES (now(), now(), 'letter', 'Updates bench', %s,"
        " '', '', 'Bench', 1000000, 'open', 'en', 1, '') RETURNING id",
        [SLUG],
    )[0][0]
    # One in ten did not ask for updates: the fan-out must walk past them.
    stack.sql(
        "INSERT INTO petitions_signature (petition_id, petition_version, name, email, email_normalised, country, city,"
        " affiliation, is_public, wants_updates, consent_text, consent_version, is_demo, mails_sent, created_at,"
        " confirmed_at) SELECT %s, 1, 'Supporter ' || n, 'supporter' || n || '@example.org',"
        " 'supporter' || n || '@example.org', 'GB', '', '', false, n %% 10 <> 0, 'I agree.', 'bench', false, 1,"
        " now(), now() FROM generate_series(1, %s) AS n",
        [petition_id, SIGNERS + SIGNERS // 9 + 1],
    )
    stack.sql("ANALYZE petitions_signature")
    return stack.sql(
        "SELECT count(*) FROM petitions_signature WHERE petition_id = %s AND wants_updates", [petition_id]
    )[0][0]


def _worker_rss(stack) -> int:
    """Resident memory of the worker's processes (the main one and its pool), bytes."""
    main = psutil.Process(stack.parts["worker"].pid)
    total = 0
    for process in [main, *main.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def run(stack) -> dict:
    """Send an update to SIGNERS opted-in signers through the stack; what it measured."""
    started = time.monotonic()
    wanted = _insert_signers(stack)
    inserted = time.monotonic() - started
    body = WORK / "update.md"
    body.write_text(BODY, encoding="utf-8")
    offset = stack.mails.stat().st_size
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.monotonic() - started, _worker_rss(stack)))
            time.sleep(0.5)

    rss_before = _worker_rss(stack)
    cpu_before = stack.cpu_seconds()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command_started = time.monotonic()
    output = subprocess.run(
        [sys.executable, "manage.py", "send_update", "--letter", SLUG, "--subject", "We won a hearing",
         "--body-file", str(body)],
        cwd=BASE_DIR, env={**stack.env, "UPDATE_MAILS_PER_SECOND": str(RATE)},
        check=True, capture_output=True, text=True, timeout=600,
    ).stdout.strip()  # fmt: skip
    command_seconds = time.monotonic() - command_started
    # Every signer's mail at the sink, or no progress for 60 s.
    received: dict[str, float] = {}
    duplicates = 0
    last_progress = time.monotonic()
    pending = b""
    with stack.mails.open("rb") as lines:
        lines.seek(offset)
        while len(received) < wanted and time.monotonic() - last_progress < 60:
            chunk = lines.read()
            if chunk:
                last_progress = time.monotonic()
            *complete, pending = (pending + chunk).split(b"\n")
            for line in complete:
                mail = json.loads(line)
                if mail["to"].startswith("supporter"):
                    duplicates += mail["to"] in received
                    received[mail["to"]] = mail["at"]
            time.sleep(0.2)
    done.set()
    sampler.join()
    cpu_after = stack.cpu_seconds()
    cpu = {part: round(cpu_after[part] - cpu_before[part], 2) for part in cpu_after}
    stamps = sorted(received.values())
    spread = (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    # The next delivery step (beat's, every second) marks the update sent.
    deadline = time.monotonic() + 10
    while (state := stack.sql("SELECT state FROM updates_update ORDER BY id DESC LIMIT 1")[0][0]) != "sent":
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    # The worker's steps queue the mails (the fan-out): from the send to the last queued.
    queued = stack.sql(
        "SELECT recipients_queued, extract(epoch FROM queued_at - send_started_at) FROM updates_update"
        " ORDER BY id DESC LIMIT 1"
    )[0]
    rss = [value for _, value in samples] or [rss_before]
    first_half, second_half = rss[: len(rss) // 2] or rss, rss[len(rss) // 2 :]
    result = {
        "signers_opted_in": wanted,
        "seconds_to_insert_signers": round(inserted, 1),
        "mails_queued": int(queued[0]),
        "seconds_to_queue": round(float(queued[1] or 0), 1),
        "command_seconds": round(command_seconds, 1),
        "command_said": output,
        "mails_at_sink": len(received),
        "mails_twice": duplicates,
        "delivery_seconds": round(spread, 1),
        "delivery_rate_per_second": round(len(received) / spread) if spread else 0,
        "update_state_at_end": state,
        "worker_rss_mb_before": round(rss_before / 2**20, 1),
        "worker_rss_mb_peak": round(max(rss) / 2**20, 1),
        "worker_rss_mb_peak_first_half": round(max(first_half) / 2**20, 1),
        "worker_rss_mb_peak_second_half": round(max(second_half) / 2**20, 1),
        "worker_rss_mb_end": round(rss[-1] / 2**20, 1),
        "rate_cap_per_second": RATE,
    }
    every = max(len(samples) // 200, 1)
    rss_samples = [(round(at, 1), round(value / 2**20, 1)) for at, value in samples[::every]]
    return {"result": result, "cpu_seconds": cpu, "worker_rss_mb_over_time": rss_samples}
