"""An SMTP sink on loopback for the benchmark: accepts every mail and appends one
JSON line per mail (recipient, confirmation link, time) to a file."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

CONFIRM = re.compile(r"https?://[^/\s]+(/letters/[\w-]+/confirm/\S+?/)")
CONFIRM_RAW = re.compile(CONFIRM.pattern.encode())


class Sink:
    def __init__(self, out) -> None:
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        # The sink stands in for a mail server on another machine, yet it runs on the
        # bench's cores: it reads the link straight from the raw bytes (Django sends UTF-8
        # bodies unencoded) and parses the MIME structure only when that finds nothing.
        raw = envelope.original_content or envelope.content
        match = CONFIRM_RAW.search(raw)
        if match is None and b"\nList-Unsubscribe:" in raw:
            link = None  # an update to supporters: it has no confirmation link to look for
        elif match is None:
            body = message_from_bytes(raw, policy=policy.default).get_body(preferencelist=("plain",)).get_content()
            match = CONFIRM.search(body)
            link = match.group(1) if match else None
        else:
            link = match.group(1).decode()
        line = {"to": envelope.rcpt_tos[0], "confirm": link, "at": time.time()}
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "a") as out:
        controller = Controller(Sink(out), hostname="127.0.0.1", port=args.port)
        controller.start()
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        loop.run_until_complete(stop.wait())
        controller.stop()


if __name__ == "__main__":
    main()
