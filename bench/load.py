"""The load generator: a small asyncio HTTP/1.0 client, its own process, loopback only,
bounded in time. Prints one JSON object (the scenario's raw figures) on stdout.

    python -m bench.load sign    --url http://127.0.0.1:PORT --slug SLUG --seconds 10
    python -m bench.load confirm --url ... --links mails.jsonl
    python -m bench.load get     --url ... --path /letters/SLUG/ --label "letter page" --seconds 10
    python -m bench.load ceiling --url ... --seconds 10
    python -m bench.load export  --url ... --path /admin/... --email E --password P
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import re
import struct
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlencode, urlsplit

TOKEN_INPUT = re.compile(rb'<input[^>]*name="(csrfmiddlewaretoken|stamp)"[^>]*value="([^"]*)"')


class Client:
    """One visitor: its cookies, one connection per request (HTTP/1.0, read to EOF)."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("the load generator only targets loopback")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: dict | None = None, sink=None):
        body = urlencode(form).encode() if form is not None else b""
        headers = [f"{method} {path} HTTP/1.0", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            headers += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Referer: http://{self.host}:{self.port}{path}",
            ]
        # One deadline for the whole exchange: asyncio.wait_for around every read made a
        # task per call, a fifth of this client's CPU, on the cores the server needs.
        async with asyncio.timeout(self.timeout):
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                for line in head.split(b"\r\n")[1:]:
                    if line.lower().startswith(b"set-cookie:"):
                        name, _, rest = line.split(b":", 1)[1].strip().partition(b"=")
                        self.cookies[name.decode()] = rest.split(b";", 1)[0].decode()
                if sink is None:
                    content = await reader.read()
                else:
                    while chunk := await reader.read(1 << 16):
                        sink(chunk)
                    content = b""
                return status, content
            finally:
                writer.close()


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: Counter = Counter()

    async def timed(self, label: str, call, ok=(200,)):
        started = time.perf_counter()
        try:
            status, content = await call
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            self.errors[f"{label}:{type(error).__name__}"] += 1
            return None
        self.latencies[label].append(time.perf_counter() - started)
        self.statuses[label][status] += 1
        return (status, content) if status in ok else None

    def summary(self, seconds: float) -> dict:
        out = {}
        for label, values in self.latencies.items():
            values.sort()
            count = len(values)

            def pct(p, values=values, count=count):
                return round(values[min(count - 1, int(p / 100 * count))] * 1000, 1) if count else None

            out[label] = {
                "requests": count,
                "per_second": round(count / seconds, 1),
                "statuses": dict(self.statuses[label]),
                "p50_ms": pct(50),
                "p95_ms": pct(95),
                "p99_ms": pct(99),
            }
        out["transport_errors"] = dict(self.errors)
        return out


async def run_for(seconds: float, concurrency: int, job) -> float:
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def loop(worker: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            await job(worker, n)
            n += 1

    await asyncio.gather(*(loop(worker) for worker in range(concurrency)))
    return time.monotonic() - started


async def scenario_sign(args) -> dict:
    recorder = Recorder()
    run = uuid.uuid4().hex[:8]

    async def job(worker: int, n: int) -> None:
        client = Client(args.url)
        tokens = await recorder.timed("letter page (GET)", client.request("GET", f"/letters/{args.slug}/"))
        if not tokens:
            return
        form = {
            **_tokens(tokens[1]),
            "name": "Bench Signer",
            "email": f"bench-{run}-{worker}-{n}@example.org",
            "country": "GB",
            "consent": "on",
            "website": "",
        }
        await recorder.timed("sign (POST)", client.request("POST", f"/letters/{args.slug}/sign/", form), ok=(302,))

    seconds = await run_for(args.seconds, args.concurrency, job)
    return {"seconds": round(seconds, 2), "concurrency": args.concurrency, **recorder.summary(seconds)}


def _tokens(content: bytes) -> dict:
    return {k.decode(): v.decode() for k, v in TOKEN_INPUT.findall(content)}


async def scenario_confirm(args) -> dict:
    with open(args.links) as lines:
        links = [json.loads(line)["confirm"] for line in lines]
    links = [link for link in links if link]
    recorder = Recorder()
    queue: asyncio.Queue = asyncio.Queue()
    for link in links:
        queue.put_nowait(link)

    async def worker() -> None:
        while not queue.empty():
            link = queue.get_nowait()
            client = Client(args.url)
            page = await recorder.timed("confirm page (GET)", client.request("GET", link))
            if page:
                await recorder.timed("confirm (POST)", client.request("POST", link, _tokens(page[1])))

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    seconds = time.monotonic() - started
    return {"seconds": round(seconds, 2), "links": len(links), **recorder.summary(seconds)}


async def scenario_get(args) -> dict:
    """Readers fetching one path as fast as they are answered, a new connection each."""
    recorder = Recorder()

    async def job(worker: int, n: int) -> None:
        await recorder.timed(args.label, Client(args.url).request("GET", args.path))

    seconds = await run_for(args.seconds, args.concurrency, job)
    return {"seconds": round(seconds, 2), "concurrency": args.concurrency, **recorder.summary(seconds)}


async def scenario_ceiling(args) -> dict:
    recorder = Recorder()
    run = uuid.uuid4().hex[:8]

    async def job(worker: int, n: int) -> None:
        client = Client(args.url)
        page = await recorder.timed("bare view (GET)", client.request("GET", "/bench/ceiling/"))
        if page:
            form = {**_tokens(page[1]), "email": f"ceiling-{run}-{worker}-{n}@example.org"}
            await recorder.timed("bare INSERT (POST)", client.request("POST", "/bench/ceiling/", form), ok=(204,))

    seconds = await run_for(args.seconds, args.concurrency, job)
    return {"seconds": round(seconds, 2), "concurrency": args.concurrency, **recorder.summary(seconds)}


def totp_code(secret: str, period: int = 30, digits: int = 6) -> str:
    """RFC 6238, as the organiser's authenticator app computes it."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}}"


async def scenario_export(args) -> dict:
    """Log in as the organiser through allauth (password, then the authenticator
    code, then the password again as an export asks), then download the letter's CSV,
    counting bytes and lines as they stream."""
    client = Client(args.url, timeout=300)
    tokens = _tokens((await client.request("GET", "/accounts/login/"))[1])
    status, _ = await client.request(
        "POST", "/accounts/login/", {**tokens, "login": args.email, "password": args.password}
    )
    if status != 302:
        raise SystemExit(f"organiser login failed ({status})")
    step = "/accounts/2fa/authenticate/"
    tokens = _tokens((await client.request("GET", step))[1])
    status, _ = await client.request("POST", step, {**tokens, "code": totp_code(args.totp)})
    if status != 302:
        raise SystemExit(f"organiser second factor failed ({status})")
    # An export asks for the password again (allauth's re-authentication).
    step = "/accounts/reauthenticate/"
    tokens = _tokens((await client.request("GET", step))[1])
    status, _ = await client.request("POST", step, {**tokens, "password": args.password})
    if status != 302:
        raise SystemExit(f"organiser re-authentication failed ({status})")
    counted = {"bytes": 0, "lines": 0}

    def sink(chunk: bytes) -> None:
        counted["bytes"] += len(chunk)
        counted["lines"] += chunk.count(b"\n")

    started = time.monotonic()
    status, _ = await client.request("GET", args.path, sink=sink)
    return {"status": status, "seconds": round(time.monotonic() - started, 2), **counted}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["sign", "confirm", "get", "ceiling", "export"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--slug")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--links")
    parser.add_argument("--path")
    parser.add_argument("--label", default="GET")
    parser.add_argument("--email")
    parser.add_argument("--password")
    parser.add_argument("--totp")
    args = parser.parse_args()
    scenario = globals()[f"scenario_{args.scenario}"]
    try:
        import uvloop  # the client's own CPU is taken from the server's two cores
    except ImportError:
        result = asyncio.run(scenario(args))
    else:
        result = uvloop.run(scenario(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
